from __future__ import annotations

import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from asb.admin.services import find_local_type
from asb.auth.forms import validate_new_password
from asb.auth.models import Agency, Role
from asb.auth.services import find_agency, find_agency_by_name, find_user_by_email
from asb.forms import BaseForm, ChoiceField, RadiosField
from asb.submissions import SubmitOnce

AGENCY_CODE = re.compile(r"^[a-z][a-z0-9-]{1,38}$")


class _AccessFields(BaseForm):
    agency = ChoiceField("Agency", widget=GovSelect(), missing_message="Select the agency")
    role = RadiosField(
        "Role",
        choices=[(role.value, role.label) for role in Role],
        widget=GovRadioInput(),
        missing_message="Select a role",
    )

    def __init__(self, *args, agencies: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.id): agency for agency in agencies}
        self.agency.choices = [("", "Select an agency")] + [
            (key, agency.name) for key, agency in self._agencies.items()
        ]

    def chosen_agency(self) -> Agency:
        return self._agencies[self.agency.data]

    def validate_role(self, field):
        agency = self._agencies.get(self.agency.data or "")
        if agency is None:
            return
        if agency.is_external and field.data != Role.PARTNER.value:
            raise ValidationError("Users of an external partner agency must have the partner role")
        if not agency.is_external and field.data == Role.PARTNER.value:
            raise ValidationError("The partner role is only for users of external agencies")


class NewUserForm(SubmitOnce, _AccessFields):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the user's full name"), Length(max=120)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the user's email address"),
            Email("Enter an email address in the right format, like name@cityoflondon.gov.uk"),
            Length(max=254),
        ],
    )
    temporary_password = PasswordField(
        "Temporary password",
        description="12 characters or more. The user must change it when they first sign in.",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter a temporary password")],
    )
    submit = SubmitField("Create user", widget=GovSubmitInput())

    def validate_email(self, field):
        if find_user_by_email(field.data):
            raise ValidationError("A user with this email address already exists")

    def validate_temporary_password(self, field):
        validate_new_password(field.data)


class UserAccessForm(_AccessFields):
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ResetPasswordForm(BaseForm):
    temporary_password = PasswordField(
        "New temporary password",
        description="12 characters or more. The user must change it when they next sign in.",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter a temporary password")],
    )
    submit = SubmitField("Reset password", widget=GovSubmitInput())

    def validate_temporary_password(self, field):
        validate_new_password(field.data)


class AgencyForm(SubmitOnce, BaseForm):
    name = StringField(
        "Agency name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the agency's name"), Length(max=120)],
    )
    code = StringField(
        "Short code",
        description="Lower-case letters, numbers and hyphens, for example 'city-police'",
        widget=GovTextInput(),
        validators=[DataRequired("Enter a short code for the agency")],
    )
    is_external = RadiosField(
        "Is it an external partner organisation?",
        choices=[("yes", "Yes: its users only see what is shared with it"), ("no", "No")],
        widget=GovRadioInput(),
        missing_message="Select yes if the agency is an external partner",
    )
    submit = SubmitField("Add agency", widget=GovSubmitInput())

    def validate_name(self, field):
        if find_agency_by_name(field.data):
            raise ValidationError("An agency with this name already exists")

    def validate_code(self, field):
        if not AGENCY_CODE.match(field.data):
            raise ValidationError(
                "Short code must be 2 to 39 lower-case letters, numbers or hyphens"
            )
        if find_agency(field.data):
            raise ValidationError("An agency with this code already exists")


class LocalTypeForm(SubmitOnce, BaseForm):
    name = StringField(
        "Local type name",
        description="For example, graffiti or cycling on walkways",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the name of the local type"),
            Length(max=80, message="Name must be 80 characters or fewer"),
        ],
    )
    submit = SubmitField("Add local type", widget=GovSubmitInput())

    def validate_name(self, field):
        if find_local_type(field.data):
            raise ValidationError("A local type with this name already exists")
