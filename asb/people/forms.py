"""Forms for adding people to cases, merging records and recording Case Review explanations."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from asb.calendar import long_date, today_in_london
from asb.forms import PHONE_PATTERN, BaseForm, GovDateField, RadiosField
from asb.people.models import Person
from asb.people.vocabulary import ExplanationMethod, PersonRole
from asb.submissions import SubmitOnce

NEW_PERSON = "new"
CHOOSE_MATCH = "Select the person if they already have a record, or add them as a new person"


class ExistingPersonField(RadioField):
    """The choice between possible matches, offered only when there are some."""

    def pre_validate(self, form):
        if self.data in (None, ""):
            return
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError(CHOOSE_MATCH)


class PersonForm(SubmitOnce, BaseForm):
    """A person's role on a case and their details; then, if they may already have a record,
    which one."""

    existing_person = ExistingPersonField(
        "Is this one of these people?", choices=[], widget=GovRadioInput()
    )
    role = RadiosField(
        "Role in the case",
        choices=PersonRole.choices(),
        widget=GovRadioInput(),
        missing_message="Select the person's role in the case",
    )
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the person's full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    date_of_birth = GovDateField(
        "Date of birth", description="If you know it. For example, 27 3 1985"
    )
    address = StringField(
        "Address",
        description="Include the flat number and postcode if you know them",
        widget=GovTextArea(),
        validators=[Length(max=300, message="Address must be 300 characters or fewer")],
    )
    phone = StringField(
        "Phone number",
        widget=GovTextInput(),
        validators=[Length(max=40, message="Phone number must be 40 characters or fewer")],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Email("Enter the email address in the right format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    vulnerability_notes = StringField(
        "Vulnerability",
        description="Anything that makes the person more vulnerable, for example a disability "
        "or a health condition, and what it means for contacting them",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Vulnerability must be 2,000 characters or fewer")],
    )
    # Set once the possible matches have been shown, so the choice is then required.
    matches_shown = HiddenField()
    incident_id = HiddenField()
    named_as = HiddenField()
    submit = SubmitField("Add person", widget=GovSubmitInput())

    def validate_date_of_birth(self, field):
        if field.data and field.data > today_in_london():
            raise ValidationError("Date of birth must be in the past")

    def validate_phone(self, field):
        if field.data and not PHONE_PATTERN.match(field.data):
            raise ValidationError(
                "Enter the phone number using only numbers, spaces, brackets, + and -, "
                "like 020 7606 3030"
            )

    def offer_matches(self, matches: list[Person]) -> None:
        """Show the people who may be this person, with "add a new person" as the last choice."""
        self._matches = {str(person.id): person for person in matches}
        self.existing_person.choices = [
            (key, describe_person(person)) for key, person in self._matches.items()
        ] + [(NEW_PERSON, "No, add them as a new person")]

    def chosen_person(self) -> Person | None:
        return getattr(self, "_matches", {}).get(self.existing_person.data or "")

    def details(self) -> dict:
        return {
            "name": self.name.data,
            "date_of_birth": self.date_of_birth.data,
            "address": self.address.data or None,
            "phone": self.phone.data or None,
            "email": self.email.data or None,
            "vulnerability_notes": self.vulnerability_notes.data or None,
        }


def describe_person(person: Person) -> str:
    """A person in one line, for telling records apart."""
    parts = [person.name]
    if person.date_of_birth:
        parts.append(f"born {long_date(person.date_of_birth)}")
    if person.address:
        parts.append(" ".join(person.address.split()))
    return ", ".join(parts)


class MergeForm(BaseForm):
    duplicate_id = HiddenField()
    submit = SubmitField("Merge records", widget=GovSubmitInput())


class ExplanationForm(SubmitOnce, BaseForm):
    how = RadiosField(
        "How did you explain the ASB Case Review?",
        choices=ExplanationMethod.choices(),
        widget=GovRadioInput(),
        missing_message="Select how you explained the ASB Case Review",
    )
    submit = SubmitField("Record that it was explained", widget=GovSubmitInput())
