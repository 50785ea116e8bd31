"""Creating a personal API token on the account page."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from asb.forms import BaseForm, RadiosField
from asb.submissions import SubmitOnce

LIFETIME_CHOICES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
]


class NewTokenForm(SubmitOnce, BaseForm):
    name = StringField(
        "Name",
        description="What the token is for, so you can tell your tokens apart, for example "
        "'Weekly figures spreadsheet'",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a name for the token"),
            Length(max=80, message="The name must be 80 characters or fewer"),
        ],
    )
    lifetime = RadiosField(
        "How long it lasts",
        choices=LIFETIME_CHOICES,
        widget=GovRadioInput(),
        missing_message="Select how long the token lasts",
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())

    def lifetime_days(self) -> int:
        return int(self.lifetime.data)


class RevokeTokenForm(BaseForm):
    submit = SubmitField("Revoke", widget=GovSubmitInput())
