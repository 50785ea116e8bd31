"""Forms for logging a subject access request and taking it to its end."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from asb.calendar import today_in_london
from asb.forms import YES_NO, BaseForm, GovDateField, RadiosField
from asb.subject_access.vocabulary import ReceivedBy, RequestStatus
from asb.submissions import SubmitOnce
from asb.versioning import VersionField


def _not_in_future(form, field) -> None:
    if field.data and field.data > today_in_london():
        raise ValidationError(f"{field.label.text} must be today or in the past")


class RequestForm(SubmitOnce, BaseForm):
    requester_name = StringField(
        "Requester's name",
        description="The person whose data is asked for, as they gave their name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the requester's name"),
            Length(max=120, message="Requester's name must be 120 characters or fewer"),
        ],
    )
    received_by = RadiosField(
        "How was the request received?",
        description="A request counts however it arrives, whatever words it uses",
        choices=ReceivedBy.choices(),
        widget=GovRadioInput(),
        missing_message="Select how the request was received",
    )
    received_on = GovDateField(
        "Date received",
        description="The answer is due one calendar month from this day. For example, 27 3 2026",
        validators=[_not_in_future],
        missing_message="Enter the date the request was received",
    )
    identity_checked = RadiosField(
        "Has the requester's identity been checked?",
        choices=YES_NO,
        widget=GovRadioInput(),
        missing_message="Select yes if the requester's identity has been checked",
    )
    identity_checked_on = GovDateField(
        "Date the identity was checked",
        description="Answer if it has been checked",
        validators=[_not_in_future],
    )
    notes = StringField(
        "Notes (optional)",
        description="What the requester asked for, in their words, and anything that helps",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Notes must be 2,000 characters or fewer")],
    )
    person_id = HiddenField()
    submit = SubmitField("Log the request", widget=GovSubmitInput())

    def validate_identity_checked_on(self, field) -> None:
        if self.identity_checked.data == "yes" and field.data is None and not field.errors:
            raise ValidationError("Enter the date the identity was checked")
        if field.data and self.received_on.data and field.data < self.received_on.data:
            raise ValidationError(
                "The identity check date must be on or after the day the request was received"
            )

    @property
    def checked_on(self):
        return self.identity_checked_on.data if self.identity_checked.data == "yes" else None


class IdentityForm(BaseForm):
    checked_on = GovDateField(
        "Date the identity was checked",
        validators=[_not_in_future],
        missing_message="Enter the date the identity was checked",
    )
    version = VersionField()
    submit = SubmitField("Record the identity check", widget=GovSubmitInput())


class ExtendForm(BaseForm):
    extended_to = GovDateField(
        "New date the answer is due",
        description="At most two further months: three calendar months from receipt",
        missing_message="Enter the new date the answer is due",
    )
    reason = StringField(
        "Why is more time needed?",
        description="For example, the request is complex or one of several from the requester. "
        "Tell the requester within the first month",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the reason for the extension"),
            Length(max=2000, message="The reason must be 2,000 characters or fewer"),
        ],
    )
    version = VersionField()
    submit = SubmitField("Extend the deadline", widget=GovSubmitInput())


class CloseForm(BaseForm):
    status = RadiosField(
        "How did the request end?",
        choices=[
            (
                RequestStatus.COMPLETED.value,
                "Completed: the pack (or word that asb holds nothing) was sent",
            ),
            (RequestStatus.REFUSED.value, "Refused: manifestly unfounded or excessive"),
            (RequestStatus.WITHDRAWN.value, "Withdrawn by the requester"),
        ],
        widget=GovRadioInput(),
        missing_message="Select how the request ended",
    )
    closed_on = GovDateField(
        "Date",
        validators=[_not_in_future],
        missing_message="Enter the date the request ended",
    )
    note = StringField(
        "Note",
        description="Needed for a refusal or a withdrawal: the reason, as told to the requester",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="The note must be 2,000 characters or fewer")],
    )
    version = VersionField()
    submit = SubmitField("Close the request", widget=GovSubmitInput())
