from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from asb.forms import BaseForm, CheckboxesField, RadiosField, whole_number
from asb.known_to.vocabulary import (
    APPROVAL_PERIODS,
    DEFAULT_APPROVAL_DAYS,
    SHAREABLE_CATEGORIES,
    Decision,
)
from asb.submissions import SubmitOnce

REASON_MAX = 2000
NOTE_MAX = 2000


class RequestDetailsForm(SubmitOnce, BaseForm):
    agency = HiddenField()
    reason = TextAreaField(
        "Why do you need their details?",
        description=(
            "Say what you are working on and how their details will help. The other agency "
            "reads this to decide, and it is kept in the disclosure log."
        ),
        validators=[
            DataRequired("Enter why you need their details"),
            Length(max=REASON_MAX, message=f"Reason must be {REASON_MAX} characters or fewer"),
        ],
        widget=GovTextArea(),
    )
    submit = SubmitField("Send request", widget=GovSubmitInput())

    @property
    def agency_id(self) -> int | None:
        return whole_number(self.agency.data)


class AnswerForm(SubmitOnce, BaseForm):
    decision = RadiosField(
        "Your answer",
        choices=Decision.choices(),
        widget=GovRadioInput(),
        missing_message="Select whether you will share your details",
    )
    categories = CheckboxesField(
        "What you will share",
        description="Only what you select is shown to them. Restricted records are never shown.",
        choices=[(category.value, category.label) for category in SHAREABLE_CATEGORIES],
        widget=GovCheckboxesInput(),
    )
    days = RadiosField(
        "How long to share them for",
        choices=[(str(days), f"{days} days") for days in APPROVAL_PERIODS],
        default=str(DEFAULT_APPROVAL_DAYS),
        widget=GovRadioInput(),
    )
    note = TextAreaField(
        "Note to the requester",
        description="Required if you refuse: say why.",
        validators=[Length(max=NOTE_MAX, message=f"Note must be {NOTE_MAX} characters or fewer")],
        widget=GovTextArea(),
    )
    submit = SubmitField("Send answer", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.data == Decision.APPROVE.value:
            if not self.categories.data and not self.categories.errors:
                self.categories.errors.append("Select what you will share")
                valid = False
            if not self.days.data and not self.days.errors:
                self.days.errors.append("Select for how long")
                valid = False
        if self.decision.data == Decision.REFUSE.value and not self.note.data:
            self.note.errors.append("Enter why you are refusing")
            valid = False
        return valid

    @property
    def approval_days(self) -> int:
        return whole_number(self.days.data) or DEFAULT_APPROVAL_DAYS


class WithdrawForm(BaseForm):
    submit = SubmitField("Withdraw the request", widget=GovSubmitInput())
