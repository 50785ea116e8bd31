from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect

from asb.forms import BaseForm, ChoiceField, whole_number
from asb.incidents.vocabulary import IncidentSource
from asb.overview.queries import DEFAULT_MONTHS, PERIOD_MONTHS, Interval, OverviewFilters


class OverviewFilterForm(BaseForm):
    """The overview's period, interval and agency, read from the query string."""

    class Meta:
        csrf = False

    months = ChoiceField(
        "Period",
        choices=[(str(months), f"Last {months} months") for months in PERIOD_MONTHS],
        default=str(DEFAULT_MONTHS),
        widget=GovSelect(),
    )
    interval = ChoiceField(
        "Count incidents by",
        choices=[(Interval.MONTH.value, "Month"), (Interval.WEEK.value, "Week")],
        default=Interval.MONTH.value,
        widget=GovSelect(),
    )
    agency = ChoiceField("Recording agency", default="", widget=GovSelect())
    source = ChoiceField(
        "Records",
        choices=[
            ("", "Partnership and police.uk records"),
            (IncidentSource.PARTNERSHIP.value, "Partnership records only"),
            (IncidentSource.POLICE_UK.value, "police.uk records only"),
        ],
        default="",
        widget=GovSelect(),
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = [("", "All agencies")] + [(str(a.id), a.name) for a in agencies]

    def as_filters(self) -> OverviewFilters:
        return OverviewFilters(
            months=whole_number(self.months.data) or DEFAULT_MONTHS,
            interval=Interval(self.interval.data or Interval.MONTH.value),
            agency_id=whole_number(self.agency.data),
            source=IncidentSource(self.source.data) if self.source.data else None,
        )
