"""The audit page's filters: sent in the query string, so a search can be shared and exported."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import StringField
from wtforms.validators import Length, ValidationError

from asb.audit_trail import queries
from asb.database import INTEGER_MAX
from asb.forms import BaseForm, ChoiceField, GovDateField, whole_number


def _record_type_label(table: str) -> str:
    return table.replace("_", " ").capitalize()


def _number(text: str | None) -> int | None:
    number = whole_number(text)
    return number if number is not None and 0 < number <= INTEGER_MAX else None


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    person = StringField(
        "Person's record number",
        description="The number at the end of the person's page address, for example 42",
        widget=GovTextInput(),
    )
    record_type = ChoiceField("Kind of record", widget=GovSelect())
    record = StringField(
        "Record reference or number",
        description="For example ASB-2026-00012, or a number with the kind of record",
        widget=GovTextInput(),
        validators=[Length(max=30, message="Record reference must be 30 characters or fewer")],
    )
    user = ChoiceField("User", widget=GovSelect())
    action = StringField(
        "Action",
        description="An action such as case.viewed, or the start of one ending in a full "
        "stop, such as case.",
        widget=GovTextInput(),
        validators=[Length(max=60, message="Action must be 60 characters or fewer")],
    )
    outcome = ChoiceField(
        "Outcome",
        choices=[
            ("", "All outcomes"),
            *((value, value.capitalize()) for value in queries.OUTCOMES),
        ],
        widget=GovSelect(),
    )
    date_from = GovDateField("On or after")
    date_to = GovDateField("On or before")
    page = StringField()

    def __init__(self, *args, users, record_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.user.choices = [("", "All users")] + [
            (str(user.id), f"{user.name} ({user.agency.name})") for user in users
        ]
        self.record_type.choices = [("", "Any kind")] + [
            (table, _record_type_label(table)) for table in record_types
        ]
        self.found_record: tuple[str, int] | None = None

    def validate_person(self, field) -> None:
        if field.data and _number(field.data) is None:
            raise ValidationError("Enter the person's record number as a whole number, like 42")

    def validate_record(self, field) -> None:
        self.found_record = None
        if not field.data:
            return
        if field.data.isdigit():
            if _number(field.data) is None:
                raise ValidationError("Enter a record number no larger than 2147483647")
            if not self.record_type.data:
                raise ValidationError("Choose the kind of record the number belongs to")
            return
        self.found_record = queries.find_by_reference(field.data)
        if self.found_record is None:
            raise ValidationError(f"No record has the reference {field.data}: check it")

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end of the date range must be after its start")

    def page_number(self) -> int:
        number = whole_number(self.page.data)
        return number if number is not None and 0 < number < 1_000_000 else 1

    def as_filters(self) -> queries.AuditFilters:
        object_type = self.record_type.data or None
        object_id = _number(self.record.data) if self.record.data else None
        if self.found_record is not None:
            object_type, object_id = self.found_record
        return queries.AuditFilters(
            person_id=_number(self.person.data),
            object_type=object_type,
            object_id=object_id,
            actor_id=_number(self.user.data),
            action=self.action.data or None,
            outcome=self.outcome.data or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )
