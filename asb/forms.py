"""The base form and fields every feature's forms build on."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextInput
from wtforms import (
    DateField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import ValidationError

from asb.database import INTEGER_MAX

# Control characters other than tab, line feed and carriage return: nobody types them, and
# PostgreSQL refuses to store a NUL.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    return _CONTROL_CHARACTERS.search(text) is not None


def _without_control_characters(value):
    if isinstance(value, str):
        return _CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, list):
        return [_without_control_characters(item) for item in value]
    return value


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Strips whitespace and leaves every check to the server, so the error summary shows.

    Browsers' own validation (required, maxlength, type=email) is switched off by not
    rendering those attributes: a GOV.UK error summary explains problems better.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            # Passwords are taken exactly as typed.
            if _strip not in filters and unbound_field.field_class is not PasswordField:
                unbound_field.kwargs["filters"] = [_strip, *filters]
            return unbound_field.bind(form=form, **options)

    def process(self, *args, **kwargs) -> None:
        """Refuse control characters in any field, and keep them out of its data.

        The data is cleaned as well as refused, so no check or query ever sees a NUL.
        """
        super().process(*args, **kwargs)
        for field in self:
            sent = [value for value in field.raw_data or () if isinstance(value, str)]
            if any(has_control_characters(value) for value in sent):
                field.data = _without_control_characters(field.data)
                field.process_errors.append(
                    f"{field.label.text} contains invisible control characters: "
                    "type it again without them"
                )

    def error_summary_items(self) -> list[dict[str, str]]:
        """The error summary's links, pointing at the first input of each field."""
        items = []
        for field in self:
            if field.errors:
                anchor = f"{field.id}-day" if isinstance(field.widget, GovDateInput) else field.id
                items.append({"text": field.errors[0], "href": f"#{anchor}"})
        return items


class GovDateField(DateField):
    """A day, month and year in three boxes, with messages that say what to do."""

    def __init__(
        self, label=None, validators=None, *, missing_message: str | None = None, **kwargs
    ):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)
        self.missing_message = missing_message

    def process_formdata(self, valuelist):
        if not valuelist or not any(part.strip() for part in valuelist):
            self.raw_data = None  # the widget redisplays raw_data only as day, month, year
            self.data = None
            return
        parts = [part.strip() for part in valuelist]
        if len(parts) != 3:
            self.raw_data = None
            self.data = None
            raise ValueError(f"{self.label.text} must include a day, month and year")
        if not all(parts):
            self.data = None
            raise ValueError(f"{self.label.text} must include a day, month and year")
        day, month, year = (whole_number(part) for part in parts)
        try:
            self.data = date(year, month, day)
        except (TypeError, ValueError, OverflowError):
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date") from None

    def pre_validate(self, form):
        if self.data is None and not self.process_errors and self.missing_message:
            raise ValidationError(self.missing_message)


class TimeField(StringField):
    """A 24-hour time typed as HH:MM (or H.MM), as people write it."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("widget", GovTextInput())
        super().__init__(label, validators, **kwargs)
        self.time: time | None = None

    def post_validate(self, form, validation_stopped):
        self.time = None
        if not self.data or self.errors:
            return
        text = self.data.replace(".", ":")
        try:
            self.time = datetime.strptime(text, "%H:%M").time()
        except ValueError:
            self.errors.append(f"Enter {self.label.text.lower()} as hours and minutes, like 21:30")


def combine_local(day: date, at: time | None, zone) -> datetime:
    return datetime.combine(day, at or time(0, 0), tzinfo=zone)


class ChoiceMessages:
    """Say what to do when a choice is missing or was tampered with (not "Not a valid choice")."""

    def __init__(self, *args, missing_message: str | None = None, **kwargs):
        self.missing_message = missing_message
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        if self.data in (None, "", []):
            if self.missing_message:
                raise ValidationError(self.missing_message)
            return
        valid = {str(value) for value, *_ in self.choices}
        values = self.data if isinstance(self.data, list) else [self.data]
        if any(str(value) not in valid for value in values):
            raise ValidationError(f"Select {self.label.text.lower()} from the list")  # noqa: S608


class ChoiceField(ChoiceMessages, SelectField):
    pass


class RadiosField(ChoiceMessages, RadioField):
    pass


class CheckboxesField(ChoiceMessages, SelectMultipleField):
    pass


YES_NO = [("yes", "Yes"), ("no", "No")]
PHONE_PATTERN = re.compile(r"^[0-9+()\-\s]{6,25}$")


def whole_number(text: str | None) -> int | None:
    """Read a whole number typed or sent as ASCII digits that an Integer column can hold.

    Anything else is None: str.isdigit() alone accepts characters such as "²" that int()
    cannot read, and a number past INTEGER_MAX makes PostgreSQL refuse the query.
    """
    text = (text or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= len(str(INTEGER_MAX)):
        number = int(text)
        return number if number <= INTEGER_MAX else None
    return None
