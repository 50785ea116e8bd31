"""The intervention and breach forms."""

from __future__ import annotations

from datetime import datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from asb.calendar import LONDON, today_in_london
from asb.database import utcnow
from asb.forms import (
    YES_NO,
    BaseForm,
    ChoiceField,
    GovDateField,
    RadiosField,
    TimeField,
    combine_local,
    whole_number,
)
from asb.interventions.models import Intervention
from asb.interventions.rules import InterventionKind
from asb.interventions.services import (
    DURATION_KINDS,
    PREMISES_KINDS,
    SERVED_AT_KINDS,
    InterventionDetails,
    age_on,
    fixed_penalty_problem,
)
from asb.people.models import Person
from asb.submissions import SubmitOnce

OLDEST_AGE = 120
LONGEST_MONTHS = 1200


def _whole_number(field: Field, message: str, *, low: int, high: int) -> int | None:
    """The field's whole number, or None if blank; a ValidationError if it is not one."""
    text = (field.data or "").replace(",", "")
    if not text:
        return None
    number = whole_number(text)
    if number is None or not low <= number <= high:
        raise ValidationError(message)
    return number


# Which field a message from validate_intervention belongs to, by the words it uses.
RULE_MESSAGE_FIELDS = (
    ("can only be used against someone aged", "subject_age"),
    ("can only follow", "kind"),
    ("on conviction", "on_conviction"),
    ("when the order ended", "order_ends_on"),
    ("date of issue", "issued_on"),
    ("last", "duration_months"),
)


class InterventionForm(SubmitOnce, BaseForm):
    kind = RadiosField(
        "Kind of intervention",
        description="What may be used, and its clocks, follow the law on the date of issue",
        choices=InterventionKind.choices(),
        widget=GovRadioInput(),
        missing_message="Select the kind of intervention",
    )
    served_on_person = ChoiceField(
        "Served on",
        description="If the person is not listed, add them to the case first",
        widget=GovSelect(),
    )
    served_on_premises = StringField(
        "Address of the premises",
        description="Needed for closure notices and closure orders",
        widget=GovTextInput(),
        validators=[Length(max=300, message="Address must be 300 characters or fewer")],
    )
    issued_on = GovDateField(
        "Date of issue",
        description="For example, 27 3 2026",
        missing_message="Enter the date the intervention was issued",
    )
    served_date = GovDateField(
        "Date served",
        description=(
            "Needed for closure notices and dispersal directions: their clocks run in hours "
            "from when they were served"
        ),
    )
    served_time = TimeField(
        "Time served",
        description="Use the 24-hour clock, for example 14:30",
        validators=[Optional()],
    )
    subject_age = StringField(
        "Age of the person on the date of issue",
        description=(
            "Needed for civil injunctions, Criminal Behaviour Orders and Community Protection "
            "Notices. Leave blank to work it out from their date of birth, if it is recorded."
        ),
        widget=GovTextInput(),
    )
    duration_months = StringField(
        "How long it lasts, in months",
        description=(
            "For Acceptable Behaviour Contracts, civil injunctions, Criminal Behaviour Orders "
            "and closure orders. Leave blank for the usual length, or for no end date where "
            "the law allows one."
        ),
        widget=GovTextInput(),
    )
    on_conviction = RadiosField(
        "Was it made on conviction?",
        description="For Criminal Behaviour Orders",
        choices=YES_NO,
        widget=GovRadioInput(),
    )
    order_ends_on = GovDateField(
        "Date the order breached ends",
        description="For breaches of a Public Spaces Protection Order",
    )
    conditions = StringField(
        "Conditions or terms",
        widget=GovCharacterCount(),
        validators=[Length(max=5000, message="Conditions must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Record intervention", widget=GovSubmitInput())

    def __init__(self, *args, people: list[tuple[Person, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self._people = {str(person.id): person for person, _ in people}
        self.served_on_person.choices = [("", "Not served on a person")] + [
            (str(person.id), f"{person.name} ({roles})") for person, roles in people
        ]
        self.served_at: datetime | None = None

    def chosen_kind(self) -> InterventionKind | None:
        value = self.kind.data
        return InterventionKind(value) if value in InterventionKind._value2member_map_ else None

    def chosen_person(self) -> Person | None:
        return self._people.get(self.served_on_person.data or "")

    def validate_served_on_person(self, field):
        kind = self.chosen_kind()
        if kind and not field.data and not self.served_on_premises.data:
            if kind in PREMISES_KINDS:
                return  # the premises address is asked for instead
            raise ValidationError(
                f"Select who the {kind.in_sentence} was served on, or enter the address of the "
                "premises it was served at"
            )

    def validate_served_on_premises(self, field):
        kind = self.chosen_kind()
        if kind in PREMISES_KINDS and not field.data:
            raise ValidationError(
                f"Enter the address of the premises the {kind.in_sentence} is for"
            )

    def validate_issued_on(self, field):
        if field.data and field.data > today_in_london():
            raise ValidationError("Date of issue must be today or in the past")

    def validate_subject_age(self, field):
        _whole_number(field, "Age must be a whole number, like 15", low=0, high=OLDEST_AGE)

    def validate_duration_months(self, field):
        _whole_number(
            field,
            "Enter how long it lasts as a whole number of months, like 6",
            low=1,
            high=LONGEST_MONTHS,
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self._check_service() and valid

    def _check_service(self) -> bool:
        """Date and time served go together, and the moment must make sense."""
        kind = self.chosen_kind()
        day, at = self.served_date.data, self.served_time.time
        if self.served_date.errors or self.served_time.errors:
            return False
        if day is None and self.served_time.data:
            self.served_date.errors.append("Enter the date it was served")
            return False
        if day is None:
            if kind in SERVED_AT_KINDS:
                self.served_date.errors.append(f"Enter the date the {kind.in_sentence} was served")
                return False
            return True
        if at is None:
            self.served_time.errors.append("Enter the time it was served, like 14:30")
            return False
        if self.issued_on.data and day < self.issued_on.data:
            self.served_date.errors.append("Date served must be on or after the date of issue")
            return False
        served_at = combine_local(day, at, LONDON)
        if served_at > utcnow():
            self.served_date.errors.append("Date and time served must be in the past")
            return False
        self.served_at = served_at
        return True

    def details(self) -> InterventionDetails:
        kind = self.chosen_kind()
        person = self.chosen_person()
        age = _whole_number(self.subject_age, "", low=0, high=OLDEST_AGE)
        if age is None and person is not None:
            age = age_on(person.date_of_birth, self.issued_on.data)
        return InterventionDetails(
            kind=kind,
            issued_on=self.issued_on.data,
            served_on_person=person,
            served_on_premises=self.served_on_premises.data or None,
            served_at=self.served_at,
            subject_age_on_issue=age,
            duration_months=(
                _whole_number(self.duration_months, "", low=1, high=LONGEST_MONTHS)
                if kind in DURATION_KINDS
                else None
            ),
            on_conviction=(
                {"yes": True, "no": False}.get(self.on_conviction.data or "")
                if kind is InterventionKind.CRIMINAL_BEHAVIOUR_ORDER
                else None
            ),
            conditions=self.conditions.data or None,
            order_expires_on=(
                self.order_ends_on.data if kind is InterventionKind.PSPO_BREACH else None
            ),
        )

    def add_rule_problems(self, problems: list[str]) -> None:
        """Show the register's refusals against the fields they are about."""
        for problem in problems:
            name = next((name for words, name in RULE_MESSAGE_FIELDS if words in problem), "kind")
            self[name].errors.append(problem)


class BreachForm(SubmitOnce, BaseForm):
    occurred_on = GovDateField(
        "Date of the breach",
        description="For example, 27 3 2026",
        missing_message="Enter the date the breach happened",
    )
    description = StringField(
        "What happened",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter what happened"),
            Length(max=5000, message="What happened must be 5,000 characters or fewer"),
        ],
    )
    fixed_penalty_gbp = StringField(
        "Fixed penalty, in pounds",
        description="Leave blank if no fixed penalty notice was given",
        widget=GovTextInput(),
    )
    submit = SubmitField("Record breach", widget=GovSubmitInput())

    def __init__(self, *args, intervention: Intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self._intervention = intervention
        limit = intervention.fixed_penalty_max_gbp
        if limit is not None:
            self.fixed_penalty_gbp.description = (
                f"At most £{limit}. Leave blank if no fixed penalty notice was given."
            )

    def validate_occurred_on(self, field):
        if field.data is None:
            return
        if field.data > today_in_london():
            raise ValidationError("Date of the breach must be today or in the past")
        if field.data < self._intervention.issued_on:
            raise ValidationError("Date of the breach must be on or after the date of issue")

    def validate_fixed_penalty_gbp(self, field):
        amount = _whole_number(
            field, "Fixed penalty must be a whole number of pounds, like 100", low=0, high=10**6
        )
        limit = self._intervention.fixed_penalty_max_gbp
        if amount is not None and (limit is None or amount > limit):
            raise ValidationError(fixed_penalty_problem(self._intervention))

    def amount(self) -> int | None:
        return _whole_number(self.fixed_penalty_gbp, "", low=0, high=10**6)
