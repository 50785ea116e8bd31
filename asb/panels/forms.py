"""Forms for panel meetings: planning one, its agenda, decisions, packs and disclosures."""

from __future__ import annotations

from datetime import datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis
from asb.auth.models import Agency, User
from asb.calendar import LONDON
from asb.cases.models import Case
from asb.forms import (
    BaseForm,
    CheckboxesField,
    ChoiceField,
    GovDateField,
    RadiosField,
    TimeField,
    combine_local,
)
from asb.panels.vocabulary import AgendaReason
from asb.people.models import Person
from asb.submissions import SubmitOnce


class MeetingForm(SubmitOnce, BaseForm):
    day = GovDateField("Date", missing_message="Enter the date of the meeting")
    time = TimeField(
        "Start time",
        description="Use the 24-hour clock, for example 10:00",
        validators=[DataRequired("Enter the time the meeting starts, like 10:00")],
    )
    place = StringField(
        "Place",
        description="For example, Committee Room 2, Guildhall, or the online meeting's name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter where the meeting is held"),
            Length(max=200, message="Place must be 200 characters or fewer"),
        ],
    )
    chair = ChoiceField("Chair", widget=GovSelect(), missing_message="Select who chairs it")
    agencies = CheckboxesField(
        "Agencies attending (select all that apply)",
        widget=GovCheckboxesInput(),
        missing_message="Select the agencies attending",
    )
    notes = StringField(
        "Notes (optional)",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Notes must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Plan the meeting", widget=GovSubmitInput())

    def __init__(self, *args, chairs: list[User], agencies: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self._chairs = {str(user.id): user for user in chairs}
        self._agencies = {str(agency.id): agency for agency in agencies}
        self.chair.choices = [("", "Select the chair")] + [
            (key, f"{user.name} ({user.agency.name})") for key, user in self._chairs.items()
        ]
        self.agencies.choices = [
            (key, agency.name + (" (partner organisation)" if agency.is_external else ""))
            for key, agency in self._agencies.items()
        ]

    def starts_at(self) -> datetime:
        return combine_local(self.day.data, self.time.time, LONDON)

    def chosen_chair(self) -> User:
        return self._chairs[self.chair.data]

    def chosen_agencies(self) -> list[Agency]:
        return [self._agencies[key] for key in self.agencies.data or []]


class AgendaForm(SubmitOnce, BaseForm):
    reference = StringField(
        "Case reference",
        description="For example, ASB-C-2026-00012",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the reference of the case to discuss"),
            Length(max=20, message="Enter a case reference, like ASB-C-2026-00012"),
        ],
    )
    reason = RadiosField(
        "Why is it on the agenda?",
        choices=AgendaReason.choices(),
        widget=GovRadioInput(),
        missing_message="Select why the case is on the agenda",
    )
    note = StringField(
        "What the panel should consider (optional)",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Note must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Add to the agenda", widget=GovSubmitInput())


class DecisionForm(SubmitOnce, BaseForm):
    discussion = StringField(
        "Summary of the discussion",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter a summary of the discussion"),
            Length(max=5000, message="Summary must be 5,000 characters or fewer"),
        ],
    )
    decision = StringField(
        "Decision",
        description="It goes on the case's timeline, with the meeting's reference",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the panel's decision"),
            Length(max=2000, message="Decision must be 2,000 characters or fewer"),
        ],
    )
    action_description = StringField(
        "Action agreed (optional)",
        description="Leave empty if the panel agreed no action on the case",
        widget=GovTextArea(),
        validators=[Length(max=1000, message="Action must be 1,000 characters or fewer")],
    )
    action_owner = ChoiceField("Who owns the action", widget=GovSelect())
    action_due_on = GovDateField("When the action is due")
    submit = SubmitField("Record the decision", widget=GovSubmitInput())

    def __init__(self, *args, owners: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self._owners = {str(owner.id): owner for owner in owners}
        self.action_owner.choices = [("", "No action")] + [
            (key, f"{owner.name} ({owner.agency.name})") for key, owner in self._owners.items()
        ]

    def has_action(self) -> bool:
        return bool(self.action_description.data)

    def chosen_owner(self) -> User:
        return self._owners[self.action_owner.data]

    def validate_action_owner(self, field):
        if self.has_action() and not field.data:
            raise ValidationError("Select who owns the action")

    def validate_action_due_on(self, field):
        if self.has_action() and field.data is None and not field.errors:
            raise ValidationError("Enter the date the action is due")

    def validate_action_description(self, field):
        if not field.data and (self.action_owner.data or self.action_due_on.data):
            raise ValidationError("Enter the action agreed, or leave its owner and date empty")


class ProducePackForm(SubmitOnce, BaseForm):
    submit = SubmitField("Produce the pack and log the disclosure", widget=GovSubmitInput())


class MeetingDisclosureForm(SubmitOnce, BaseForm):
    agency = ChoiceField(
        "Agency that disclosed", widget=GovSelect(), missing_message="Select the agency"
    )
    description = StringField(
        "What was disclosed",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter what was disclosed"),
            Length(max=2000, message="Description must be 2,000 characters or fewer"),
        ],
    )
    case = ChoiceField("About which case", widget=GovSelect())
    people = CheckboxesField("About whom (select all that apply)", widget=GovCheckboxesInput())
    categories = CheckboxesField(
        "Data disclosed (select all that apply)",
        choices=DataCategory.choices(),
        widget=GovCheckboxesInput(),
        missing_message="Select the data disclosed",
    )
    basis = ChoiceField(
        "Under which agreement or lawful basis",
        widget=GovSelect(),
        missing_message="Select the agreement or the lawful basis",
    )
    submit = SubmitField("Log the disclosure", widget=GovSubmitInput())

    def __init__(
        self,
        *args,
        agencies: list[Agency],
        cases: list[Case],
        people: list[tuple[Person, Case]],
        agreements: list[SharingAgreement],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.id): agency for agency in agencies}
        self._cases = {str(case.id): case for case in cases}
        self._people = {str(person.id): person for person, _ in people}
        self._agreements = {f"agreement-{a.id}": a for a in agreements}
        self.agency.choices = [("", "Select the agency")] + [
            (key, agency.name) for key, agency in self._agencies.items()
        ]
        self.case.choices = [("", "No single case")] + [
            (key, f"{case.reference}: {case.title}") for key, case in self._cases.items()
        ]
        self.people.choices = [
            (str(person.id), f"{person.name} ({case.reference})") for person, case in people
        ]
        self.basis.choices = (
            [("", "Select the agreement or the lawful basis")]
            + [
                (key, f"Agreement {a.reference}: {a.title} ({a.partner_agency.name})")
                for key, a in self._agreements.items()
            ]
            + [(f"basis-{basis.value}", basis.label) for basis in LawfulBasis]
        )

    def chosen_agency(self) -> Agency:
        return self._agencies[self.agency.data]

    def chosen_case(self) -> Case | None:
        return self._cases.get(self.case.data or "")

    def chosen_people(self) -> list[Person]:
        return [self._people[key] for key in self.people.data or []]

    def chosen_categories(self) -> list[DataCategory]:
        return [DataCategory(value) for value in self.categories.data or []]

    def chosen_agreement(self) -> SharingAgreement | None:
        return self._agreements.get(self.basis.data or "")

    def chosen_lawful_basis(self) -> LawfulBasis | None:
        value = (self.basis.data or "").removeprefix("basis-")
        return LawfulBasis._value2member_map_.get(value) if value != self.basis.data else None
