"""The request for emergency access to a restricted record."""

from __future__ import annotations

import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from asb.agreements.vocabulary import LawfulBasis
from asb.forms import BaseForm, CheckboxesField, RadiosField
from asb.submissions import SubmitOnce

REASON_MAX_LENGTH = 2000
# "At least a sentence": a few words that say who is at risk and why the record is needed now.
REASON_MIN_WORDS = 5
REASON_MIN_LENGTH = 25
UNDERSTOOD = "understood"


class EmergencyAccessForm(SubmitOnce, BaseForm):
    reference = StringField(
        "Reference of the incident or case",
        description="For example ASB-2026-00042 for an incident or ASB-C-2026-00007 for a case",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the reference of the incident or case"),
            Length(max=30, message="Reference must be 30 characters or fewer"),
        ],
    )
    reason = StringField(
        "Why do you need this record now?",
        description=(
            "Say who is at risk and what you need the record for. The record's owners and "
            "the ASB lead will read this."
        ),
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter why you need emergency access to this record"),
            Length(
                max=REASON_MAX_LENGTH,
                message=f"Reason must be {REASON_MAX_LENGTH:,} characters or fewer",
            ),
        ],
    )
    lawful_basis = RadiosField(
        "Lawful basis",
        choices=[
            (
                LawfulBasis.VITAL_INTERESTS.value,
                "Someone's life or safety is at risk (vital interests, Article 6(1)(d))",
            ),
            (
                LawfulBasis.PUBLIC_TASK.value,
                "It is needed now for the partnership's work on ASB (public task, Article 6(1)(e))",
            ),
        ],
        widget=GovRadioInput(),
        missing_message="Select the lawful basis for opening this record",
    )
    understood = CheckboxesField(
        "Confirm",
        choices=[
            (
                UNDERSTOOD,
                "I understand that my access will be logged and shown to the record's owners "
                "and the ASB lead",
            )
        ],
        widget=GovCheckboxesInput(),
        missing_message="Confirm that you understand your access will be logged and shown",
    )
    submit = SubmitField("Open the record", widget=GovSubmitInput())

    def validate_reason(self, field) -> None:
        text = field.data or ""
        if len(re.findall(r"\w+", text)) < REASON_MIN_WORDS or len(text) < REASON_MIN_LENGTH:
            raise ValidationError("Explain in at least a sentence why you need this record now")

    def chosen_basis(self) -> LawfulBasis:
        return LawfulBasis(self.lawful_basis.data)
