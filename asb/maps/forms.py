"""The hotspot map's filters, read from the query string."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect
from wtforms.validators import ValidationError

from asb.forms import BaseForm, ChoiceField, GovDateField, RadiosField, whole_number
from asb.incidents.vocabulary import Category, IncidentSource, IncidentStatus, Qualifier
from asb.maps.filters import LONGEST_WINDOW_DAYS, PRESETS, MapFilters, preset_range

DEFAULT_PERIOD = "12-months"
CUSTOM = "custom"
QUALIFIER_NAMES = {
    Qualifier.PERSONAL: "Personal",
    Qualifier.NUISANCE: "Nuisance",
    Qualifier.ENVIRONMENTAL: "Environmental",
}


class MapFilterForm(BaseForm):
    class Meta:
        csrf = False

    period = RadiosField(
        "Period",
        choices=[*PRESETS.items(), (CUSTOM, "Dates I choose")],
        widget=GovRadioInput(),
    )
    date_from = GovDateField("From", description="For example, 1 4 2026")
    date_to = GovDateField("To (inclusive)", description="For example, 30 6 2026")
    qualifier = ChoiceField(
        "Category group",
        choices=[("", "All groups")]
        + [(qualifier.value, QUALIFIER_NAMES[qualifier]) for qualifier in Qualifier],
        widget=GovSelect(),
    )
    category = ChoiceField(
        "Category", choices=[("", "All categories"), *Category.choices()], widget=GovSelect()
    )
    local_type = ChoiceField("Local type", widget=GovSelect())
    agency = ChoiceField("Recording agency", widget=GovSelect())
    status = ChoiceField(
        "Status", choices=[("", "All statuses"), *IncidentStatus.choices()], widget=GovSelect()
    )
    source = ChoiceField(
        "Source",
        choices=[
            ("", "All records"),
            (IncidentSource.PARTNERSHIP.value, "Partnership records"),
            (IncidentSource.POLICE_UK.value, "police.uk records"),
        ],
        widget=GovSelect(),
    )
    ward = ChoiceField("Ward", widget=GovSelect())

    def __init__(self, *args, agencies, local_types, wards, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.agency.choices = [("", "All agencies")] + [(str(a.id), a.name) for a in agencies]
        self.local_type.choices = [("", "All local types")] + [
            (str(t.id), t.name) for t in local_types
        ]
        self.ward.choices = [("", "All wards")] + [(w.code, w.name) for w in wards]
        if not self.period.data:
            self.period.data = DEFAULT_PERIOD

    @property
    def is_custom(self) -> bool:
        return self.period.data == CUSTOM

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.is_custom:
            # Dates count only with "Dates I choose"; a half-typed date must not block a preset.
            for field in (self.date_from, self.date_to):
                field.errors = []
            valid = not any(field.errors for field in self)
        return valid

    def validate_date_from(self, field):
        if not self.is_custom or field.errors:
            return
        if field.data is None:
            raise ValidationError("Enter the first day of the period")
        if field.data > self.today:
            raise ValidationError("The first day must be today or in the past")

    def validate_date_to(self, field):
        if not self.is_custom or field.errors:
            return
        if field.data is None:
            raise ValidationError("Enter the last day of the period")
        if field.data > self.today:
            raise ValidationError("The last day must be today or in the past")
        start = self.date_from.data
        if start and field.data < start:
            raise ValidationError("The last day must be the same as or after the first day")
        if start and (field.data - start).days + 1 > LONGEST_WINDOW_DAYS:
            raise ValidationError("The period must be 3 years or shorter")

    def as_filters(self) -> MapFilters:
        if self.is_custom:
            date_from, date_to = self.date_from.data, self.date_to.data
        else:
            date_from, date_to = preset_range(self.period.data, self.today)
        return MapFilters(
            date_from=date_from,
            date_to=date_to,
            qualifier=self.qualifier.data or None,
            category=self.category.data or None,
            local_type_id=whole_number(self.local_type.data),
            agency_id=whole_number(self.agency.data),
            status=self.status.data or None,
            source=self.source.data or None,
            ward_code=self.ward.data or None,
        )
