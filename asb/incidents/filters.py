"""The shared log's filters, read from the query string."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import StringField
from wtforms.validators import Length, ValidationError

from asb.forms import BaseForm, ChoiceField, GovDateField, whole_number
from asb.incidents.queries import IncidentFilters
from asb.incidents.vocabulary import Category, IncidentSource, IncidentStatus

SORT_CHOICES = [
    ("occurred", "Date it happened"),
    ("recorded", "Date recorded"),
    ("reference", "Reference"),
    ("ward", "Ward"),
    ("category", "Category"),
    ("status", "Status"),
]


class IncidentFilterForm(BaseForm):
    class Meta:
        csrf = False

    text = StringField(
        "Search descriptions and places",
        widget=GovTextInput(),
        validators=[Length(max=100, message="Search text must be 100 characters or fewer")],
    )
    agency = ChoiceField("Recording agency", widget=GovSelect())
    category = ChoiceField(
        "Category", choices=[("", "All categories"), *Category.choices()], widget=GovSelect()
    )
    local_type = ChoiceField("Local type", widget=GovSelect())
    status = ChoiceField(
        "Status", choices=[("", "All statuses"), *IncidentStatus.choices()], widget=GovSelect()
    )
    ward = ChoiceField("Ward", widget=GovSelect())
    source = ChoiceField(
        "Source", choices=[("", "All sources"), *IncidentSource.choices()], widget=GovSelect()
    )
    date_from = GovDateField("Happened on or after")
    date_to = GovDateField("Happened on or before")
    sort = ChoiceField("Sort by", choices=SORT_CHOICES, widget=GovSelect())
    order = ChoiceField(
        "Order",
        choices=[("desc", "Newest or last first"), ("asc", "Oldest or first first")],
        widget=GovSelect(),
    )
    page = StringField()
    cell = StringField()  # a hotspot grid cell, when the map sends people here

    def __init__(self, *args, agencies, local_types, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = [("", "All agencies")] + [(str(a.id), a.name) for a in agencies]
        self.local_type.choices = [("", "All local types")] + [
            (str(t.id), t.name) for t in local_types
        ]
        self.ward.choices = [("", "All wards")] + [(w.code, w.name) for w in wards]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end of the date range must be after its start")

    def page_number(self) -> int:
        number = whole_number(self.page.data)
        return number if number is not None and 0 < number < 1_000_000 else 1

    def as_filters(self) -> IncidentFilters:
        def _int(value: str | None) -> int | None:
            return whole_number(value)

        return IncidentFilters(
            agency_id=_int(self.agency.data),
            category=self.category.data or None,
            local_type_id=_int(self.local_type.data),
            status=self.status.data or None,
            ward_code=self.ward.data or None,
            source=self.source.data or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            text=self.text.data or None,
            grid_cell=whole_number(self.cell.data),
            sort=self.sort.data or "occurred",
            descending=(self.order.data or "desc") == "desc",
        )
