from __future__ import annotations

from flask import current_app
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from asb.auth.password_strength import weakness
from asb.forms import BaseForm
from asb.submissions import SubmitOnceInput


class SignInForm(BaseForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def validate_new_password(password: str, *, email: str | None = None, name: str = "") -> None:
    """Every place a password is set asks here: the password page, admins and the CLI."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationError(f"Password must be {minimum} characters or more")
    if len(password) > 200:
        raise ValidationError("Password must be 200 characters or fewer")
    if email and email.split("@")[0].lower() in password.lower():
        raise ValidationError("Password must not contain your email address")
    problem = weakness(password, hints=(email or "", name))
    if problem:
        raise ValidationError(problem)


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your current password")],
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Use 12 characters or more. A few unrelated words make a strong password.",
        validators=[DataRequired("Enter a new password")],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Confirm your new password")],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())

    def __init__(self, *args, email: str, name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.person_name = name

    def validate_new_password(self, field):
        validate_new_password(field.data, email=self.email, name=self.person_name)
        if field.data == self.current_password.data:
            raise ValidationError("New password must be different from your current password")

    def validate_confirm_password(self, field):
        if field.data != self.new_password.data:
            raise ValidationError("Passwords do not match: enter the same new password twice")


def _without_spaces(value):
    return "".join(value.split()) if isinstance(value, str) else value


class TwoFactorCodeForm(BaseForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = StringField(
        "Code",
        widget=GovTextInput(),
        description="The 6-digit code your authenticator app shows now, or a recovery code",
        filters=[_without_spaces],
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app"),
            Length(max=40, message="Enter the 6-digit code from your authenticator app"),
        ],
    )
    # A code is accepted once: a second click would be refused as used.
    submit = SubmitField("Continue", widget=SubmitOnceInput())


class EnrolmentForm(BaseForm):
    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        filters=[_without_spaces],
        validators=[DataRequired("Enter the 6-digit code from your authenticator app")],
    )
    submit = SubmitField("Turn on two-factor sign-in", widget=SubmitOnceInput())

    def validate_code(self, field):
        if len(field.data) != 6 or not field.data.isascii() or not field.data.isdigit():
            raise ValidationError("Enter the 6 digits your authenticator app shows, like 123456")
