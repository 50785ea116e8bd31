"""The public report's question pages, and the triage forms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from asb.auth.models import Agency
from asb.calendar import LONDON, today_in_london
from asb.forms import (
    PHONE_PATTERN,
    YES_NO,
    BaseForm,
    ChoiceField,
    GovDateField,
    RadiosField,
    TimeField,
    combine_local,
)
from asb.geo.services import geography
from asb.public_reports.vocabulary import PUBLIC_CATEGORY_LABELS, SOMETHING_ELSE
from asb.submissions import SubmitOnce
from asb.versioning import VersionField

DESCRIPTION_MAX = 5000
# How far back a report may go: older than this is history, not something to act on.
EARLIEST_DAYS_AGO = 366


class QuestionRadiosField(RadiosField):
    """Radios whose question reads badly in "Select ... from the list": an answer not among
    the choices gets the same message as none."""

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.missing_message) from None


class WhatForm(BaseForm):
    category = QuestionRadiosField(
        "What kind of problem is it?",
        choices=[
            *((category.value, label) for category, label in PUBLIC_CATEGORY_LABELS.items()),
            (SOMETHING_ELSE, "Something else"),
        ],
        widget=GovRadioInput(),
        missing_message="Select what kind of problem it is",
    )
    description = StringField(
        "Describe what happened",
        description="Tell us what you saw or heard, and who or what was affected. Do not "
        "include anyone's name unless you need to.",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Describe what happened"),
            Length(
                max=DESCRIPTION_MAX,
                message=f"What happened must be {DESCRIPTION_MAX:,} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


def _coordinate(field, low: float, high: float, message: str) -> float | None:
    if not field.data:
        return None
    try:
        value = float(field.data)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        field.errors.append(message)
        return None
    return value


class WhereForm(BaseForm):
    location_description = StringField(
        "Street, building or postcode",
        description="For example, the corner of Moor Lane and Fore Street, or EC2Y 8DS",
        widget=GovTextInput(),
        validators=[
            Length(max=300, message="Street, building or postcode must be 300 characters or fewer")
        ],
    )
    latitude = StringField("Latitude of the place on the map", widget=GovTextInput())
    longitude = StringField("Longitude of the place on the map", widget=GovTextInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.point: tuple[float, float] | None = None
        self.outside_area = False

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        latitude = _coordinate(
            self.latitude, -90, 90, "Latitude must be a number between -90 and 90, like 51.5155"
        )
        longitude = _coordinate(
            self.longitude,
            -180,
            180,
            "Longitude must be a number between -180 and 180, like -0.0922",
        )
        if bool(self.latitude.data) != bool(self.longitude.data):
            self.latitude.errors.append("Select the place on the map again, or clear the point")
        elif latitude is not None and longitude is not None:
            if geography().contains(latitude, longitude):
                self.point = (latitude, longitude)
            else:
                self.outside_area = True
                self.latitude.errors.append(
                    "The place you chose is outside the City of London: report it to the "
                    "council and police for that area"
                )
        if not self.location_description.data and not self.latitude.data:
            self.location_description.errors.append(
                "Enter the street, building or postcode, or select the place on the map"
            )
        return valid and not any(field.errors for field in self)


class WhenForm(BaseForm):
    occurred_date = GovDateField(
        "Date it happened",
        description="If it keeps happening, when it last happened. For example, 27 3 2026",
        missing_message="Enter the date it happened",
    )
    occurred_time = TimeField(
        "Approximate time",
        description="Optional. Use the 24-hour clock, for example 21:30",
        validators=[Optional()],
    )
    still_happening = RadiosField(
        "Is it still happening?",
        choices=YES_NO,
        widget=GovRadioInput(),
        missing_message="Select yes if it is still happening",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_occurred_date(self, field) -> None:
        if field.data is None:
            return
        today = today_in_london()
        if field.data > today:
            raise ValidationError("The date it happened must be today or in the past")
        if (today - field.data).days > EARLIEST_DAYS_AGO:
            raise ValidationError("The date it happened must be within the last year")

    def occurred_at(self) -> datetime:
        return combine_local(self.occurred_date.data, self.occurred_time.time, LONDON)


class AboutYouForm(BaseForm):
    reporter_anonymous = RadiosField(
        "Do you want to tell us who you are?",
        choices=[
            ("named", "Yes, I will give my name"),
            ("anonymous", "No, I want to stay anonymous"),
        ],
        widget=GovRadioInput(),
        missing_message="Select whether you want to tell us who you are",
    )
    reporter_name = StringField(
        "Your name",
        widget=GovTextInput(),
        validators=[Length(max=120, message="Your name must be 120 characters or fewer")],
    )
    reporter_email = StringField(
        "Email address (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Email("Enter an email address in the right format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    reporter_phone = StringField(
        "Mobile phone number (optional)",
        description="We will send text messages to it if you give no email address",
        widget=GovTextInput(),
    )
    may_contact = RadiosField(
        "May we contact you about this report?",
        description="To say we have received it, what we decide and, if we need to, to ask "
        "you more",
        choices=YES_NO,
        widget=GovRadioInput(),
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_reporter_phone(self, field) -> None:
        if field.data and not PHONE_PATTERN.match(field.data):
            raise ValidationError("Enter a phone number, like 07700 900 982")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.reporter_anonymous.data == "named":
            if not self.reporter_name.data:
                self.reporter_name.errors.append("Enter your name")
            if not self.may_contact.data:
                self.may_contact.errors.append("Select yes if we may contact you")
            elif (
                self.may_contact.data == "yes"
                and not self.reporter_email.data
                and not self.reporter_phone.data
            ):
                self.reporter_email.errors.append(
                    "Enter an email address or a phone number, so that we can contact you"
                )
        return valid and not any(field.errors for field in self)

    def answers(self) -> dict[str, Any]:
        if self.reporter_anonymous.data == "anonymous":
            return {"reporter_anonymous": True}
        return {
            "reporter_anonymous": False,
            "reporter_name": self.reporter_name.data,
            "reporter_email": self.reporter_email.data or None,
            "reporter_phone": self.reporter_phone.data or None,
            "may_contact": self.may_contact.data == "yes",
        }


class SendReportForm(SubmitOnce, BaseForm):
    submit = SubmitField("Send report", widget=GovSubmitInput())


class TriageForm(BaseForm):
    """What every triage decision carries: the report's version when the manager opened it."""

    version = VersionField()


class PassForm(TriageForm):
    agency = ChoiceField(
        "Agency to pass it to",
        widget=GovSelect(),
        missing_message="Select the agency to pass the report to",
    )
    note = StringField(
        "Why are you passing it on?",
        description="Their managers see this note; the reporter does not",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter why you are passing the report on"),
            Length(max=1000, message="The note must be 1,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Pass the report on", widget=GovSubmitInput())

    def __init__(self, *args, agencies: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.id): agency for agency in agencies}
        self.agency.choices = [("", "Select an agency")] + [
            (key, agency.name) for key, agency in self._agencies.items()
        ]

    def chosen_agency(self) -> Agency:
        return self._agencies[self.agency.data]


class MergeForm(TriageForm):
    incident_reference = StringField(
        "Reference of the incident to add it to",
        description="For example, ASB-2026-00042",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the reference of the incident to add the report to"),
            Length(max=20, message="Enter a reference like ASB-2026-00042"),
        ],
    )
    submit = SubmitField("Add to this incident", widget=GovSubmitInput())


class CloseForm(TriageForm):
    reason = StringField(
        "Why is it not anti-social behaviour?",
        description="If the reporter asked for updates, we send them this: write it for them, "
        "and say who can help if someone else can",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter why the report is not anti-social behaviour"),
            Length(max=1000, message="The reason must be 1,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Close the report", widget=GovSubmitInput())


def parse_day(text: str | None) -> date | None:
    """A date kept in the session as ISO text, or None."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
