"""Recording a disclosure made outside asb, and searching the log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
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
from asb.disclosures.queries import DisclosureFilters
from asb.disclosures.vocabulary import DisclosureMethod
from asb.forms import (
    BaseForm,
    CheckboxesField,
    ChoiceField,
    GovDateField,
    RadiosField,
    TimeField,
    combine_local,
    whole_number,
)
from asb.people.models import Person
from asb.submissions import SubmitOnce

NO_AGREEMENT = "none"


class RecordDisclosureForm(SubmitOnce, BaseForm):
    method = RadiosField(
        "How was it disclosed?",
        choices=[(method.value, method.label) for method in DisclosureMethod.recorded_by_hand()],
        widget=GovRadioInput(),
        missing_message="Select how it was disclosed",
    )
    disclosed_on = GovDateField(
        "Date it was disclosed", missing_message="Enter the date it was disclosed"
    )
    disclosed_time = TimeField("Time (optional)", description="For example, 14:30")
    description = StringField(
        "What was disclosed",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter what was disclosed"),
            Length(max=5000, message="What was disclosed must be 5,000 characters or fewer"),
        ],
    )
    categories = CheckboxesField(
        "Kinds of information disclosed (select all that apply)",
        choices=DataCategory.choices(),
        widget=GovCheckboxesInput(),
        missing_message="Select the kinds of information disclosed",
    )
    subjects = CheckboxesField(
        "Who was it about? (select all that apply)",
        widget=GovCheckboxesInput(),
    )
    recipient_agency = ChoiceField("Organisation it was disclosed to", widget=GovSelect())
    recipient_name = StringField(
        "Who received it (optional if you chose an organisation)",
        description="For example, 'PC Ahmed, City of London Police'",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Who received it must be 200 characters or fewer")],
    )
    purpose = StringField(
        "Why was it disclosed?",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter why it was disclosed"),
            Length(max=2000, message="Why it was disclosed must be 2,000 characters or fewer"),
        ],
    )
    agreement = ChoiceField(
        "Information sharing agreement it was disclosed under",
        widget=GovSelect(),
        missing_message="Select the agreement it was disclosed under, or 'No agreement'",
    )
    lawful_basis = ChoiceField(
        "Lawful basis, if there is no agreement",
        choices=[("", "Select the lawful basis"), *LawfulBasis.choices()],
        widget=GovSelect(),
    )
    legal_basis_note = StringField(
        "Any further legal ground (optional)",
        description="For example, 'Section 115 Crime and Disorder Act 1998' or a court order",
        widget=GovTextInput(),
        validators=[
            Length(max=300, message="Further legal ground must be 300 characters or fewer")
        ],
    )
    authorised_by = ChoiceField(
        "Authorised by", widget=GovSelect(), missing_message="Select who authorised it"
    )
    submit = SubmitField("Record disclosure", widget=GovSubmitInput())

    def __init__(
        self,
        *args,
        people: list[Person],
        agencies: list[Agency],
        agreements: list[SharingAgreement],
        authorisers: list[User],
        today: date,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._people = {str(person.id): person for person in people}
        self._agencies = {str(agency.id): agency for agency in agencies}
        self._agreements = {str(agreement.id): agreement for agreement in agreements}
        self._authorisers = {str(user.id): user for user in authorisers}
        self._today = today
        self.subjects.choices = [(key, person.name) for key, person in self._people.items()]
        self.recipient_agency.choices = [("", "Not an organisation in asb")] + [
            (key, agency.name) for key, agency in self._agencies.items()
        ]
        self.agreement.choices = [
            ("", "Select an agreement"),
            *(
                (key, f"{agreement.reference}: {agreement.partner_agency.name}, {agreement.title}")
                for key, agreement in self._agreements.items()
            ),
            (NO_AGREEMENT, "No agreement: I will give the lawful basis"),
        ]
        self.authorised_by.choices = [
            (key, f"{user.name} ({user.role.label}, {user.agency.name})")
            for key, user in self._authorisers.items()
        ]

    def validate_disclosed_on(self, field) -> None:
        if field.data and field.data > self._today:
            raise ValidationError("The date it was disclosed must be today or in the past")

    def validate_recipient_name(self, field) -> None:
        if not field.data and not self.recipient_agency.data:
            raise ValidationError(
                "Select the organisation it was disclosed to, or enter who received it"
            )

    def validate_agreement(self, field) -> None:
        agreement = self._agreements.get(field.data or "")
        if agreement is None:
            return
        recipient = self._agencies.get(self.recipient_agency.data or "")
        if recipient is None or agreement.partner_agency_id != recipient.id:
            raise ValidationError(
                f"Agreement {agreement.reference} is with {agreement.partner_agency.name}: "
                "select an agreement with the organisation it was disclosed to, or "
                "'No agreement'"
            )
        day = self.disclosed_on.data
        if day and not agreement.in_force_on(day):
            raise ValidationError(
                f"Agreement {agreement.reference} was not in force on the day of the "
                "disclosure: select 'No agreement' and give the lawful basis"
            )
        if not agreement.covers(set(self.categories.data or [])):
            raise ValidationError(
                f"Agreement {agreement.reference} does not cover every kind of information "
                "disclosed: select 'No agreement' and give the lawful basis"
            )

    def validate_lawful_basis(self, field) -> None:
        if self.agreement.data == NO_AGREEMENT and not field.data:
            raise ValidationError("Select the lawful basis for disclosing without an agreement")

    def disclosed_at(self) -> datetime:
        return combine_local(self.disclosed_on.data, self.disclosed_time.time, LONDON)

    def disclosure_fields(self) -> dict[str, Any]:
        agreement = self._agreements.get(self.agreement.data)
        return {
            "method": DisclosureMethod(self.method.data),
            "disclosed_at": self.disclosed_at(),
            "description": self.description.data,
            "categories": [DataCategory(value) for value in self.categories.data],
            "subjects": [self._people[key] for key in self.subjects.data or []],
            "recipient_agency": self._agencies.get(self.recipient_agency.data or ""),
            "recipient_name": self.recipient_name.data or None,
            "purpose": self.purpose.data,
            "agreement": agreement,
            "lawful_basis": None if agreement else LawfulBasis(self.lawful_basis.data),
            "legal_basis_note": self.legal_basis_note.data or None,
            "authorised_by": self._authorisers[self.authorised_by.data],
        }


class DisclosureFilterForm(BaseForm):
    class Meta:
        csrf = False

    text = StringField(
        "Search what was disclosed, why and to whom",
        widget=GovTextInput(),
        validators=[Length(max=100, message="Search words must be 100 characters or fewer")],
    )
    person = StringField(
        "Person it was about",
        widget=GovTextInput(),
        validators=[Length(max=100, message="Person's name must be 100 characters or fewer")],
    )
    recipient = ChoiceField("Disclosed to", widget=GovSelect())
    method = ChoiceField(
        "How it was disclosed",
        choices=[("", "Any way"), *DisclosureMethod.choices()],
        widget=GovSelect(),
    )
    agreement = ChoiceField("Agreement", widget=GovSelect())
    reference = StringField(
        "Case or incident reference",
        widget=GovTextInput(),
        validators=[Length(max=30, message="Reference must be 30 characters or fewer")],
    )
    date_from = GovDateField("Disclosed on or after")
    date_to = GovDateField("Disclosed on or before")
    page = StringField()

    def __init__(self, *args, agencies: list[Agency], agreements: list[SharingAgreement], **kw):
        super().__init__(*args, **kw)
        self.recipient.choices = [("", "Any organisation")] + [
            (str(agency.id), agency.name) for agency in agencies
        ]
        self.agreement.choices = [("", "Any agreement")] + [
            (str(agreement.id), f"{agreement.reference}: {agreement.partner_agency.name}")
            for agreement in agreements
        ]

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end of the date range must be after its start")

    def page_number(self) -> int:
        number = whole_number(self.page.data)
        return number if number is not None and 0 < number < 1_000_000 else 1

    def as_filters(self) -> DisclosureFilters:
        return DisclosureFilters(
            text=self.text.data or None,
            person=self.person.data or None,
            recipient_agency_id=whole_number(self.recipient.data),
            method=self.method.data or None,
            agreement_id=whole_number(self.agreement.data),
            reference=self.reference.data or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )
