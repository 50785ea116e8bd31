"""Giving a sending organisation its api_key, and taking it away."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from asb.forms import BaseForm
from asb.submissions import SubmitOnce


class NewClientForm(SubmitOnce, BaseForm):
    organisation = StringField(
        "Organisation",
        description="Who sends the reports, for example 'FixMyStreet (mySociety)'",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the name of the organisation"),
            Length(max=120, message="The organisation's name must be 120 characters or fewer"),
        ],
    )
    contact = StringField(
        "Contact",
        description="Who to ask about their system, and how: a name and an email address "
        "or telephone number",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter who to contact at the organisation"),
            Length(max=200, message="The contact must be 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Create key", widget=GovSubmitInput())


class RevokeClientForm(BaseForm):
    submit = SubmitField("Revoke", widget=GovSubmitInput())
