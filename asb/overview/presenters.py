"""The overview's figures as charts and words: what each chart's description says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from asb.auth.models import User
from asb.calendar import today_in_london
from asb.geo.services import grid_cell_bounds
from asb.maps.cache import cached
from asb.overview import charts, queries, repeats
from asb.overview.charts import BLACK, BLUE, GREY, ORANGE, Series
from asb.overview.queries import Interval, OverviewFilters, Signal

SIGNAL_LABELS = {
    Signal.COMPLAINTS: "Complaints",
    Signal.OBSERVATIONS: "Officers' observations",
    Signal.POLICE_UK: "police.uk records",
}
SIGNAL_BARS = {
    Signal.COMPLAINTS: Series(SIGNAL_LABELS[Signal.COMPLAINTS], BLUE),
    Signal.OBSERVATIONS: Series(SIGNAL_LABELS[Signal.OBSERVATIONS], ORANGE, texture="hatch"),
    Signal.POLICE_UK: Series(SIGNAL_LABELS[Signal.POLICE_UK], GREY, texture="dots"),
}
SIGNAL_LINES = {
    Signal.COMPLAINTS: Series(SIGNAL_LABELS[Signal.COMPLAINTS], BLUE),
    Signal.OBSERVATIONS: Series(
        SIGNAL_LABELS[Signal.OBSERVATIONS], ORANGE, dash="8 4", marker="square"
    ),
    Signal.POLICE_UK: Series(SIGNAL_LABELS[Signal.POLICE_UK], GREY, dash="2 3", marker="triangle"),
}
AVERAGE_LINE = Series(
    f"Complaints, {queries.MOVING_AVERAGE_PERIODS}-period moving average",
    BLACK,
    dash="12 4 2 4",
    marker="none",
)


def period_name(start: date, interval: Interval, *, complete: bool = True) -> str:
    name = (
        f"{start:%B %Y}"
        if interval is Interval.MONTH
        else f"Week beginning {start.day} {start:%B %Y}"
    )
    return name if complete else f"{name} (so far)"


def _axis_label(start: date, interval: Interval, first: bool) -> tuple[str, str]:
    if interval is Interval.MONTH:
        return f"{start:%b}", f"{start:%Y}" if first or start.month == 1 else ""
    new_year = start.month == 1 and start.day <= 7
    return f"{start.day} {start:%b}", f"{start:%Y}" if first or new_year else ""


def count_words(count: int, thing: str = "incident") -> str:
    return f"{count:,} {thing}{'' if count == 1 else 's'}"


def change_words(change: queries.Change, interval: Interval) -> str:
    """ "12 more than the month before (up 9%)", "the same as the week before"."""
    before = f"the {interval.value} before"
    if change.difference == 0:
        return f"the same as {before}"
    direction = "more" if change.difference > 0 else "fewer"
    words = f"{abs(change.difference):,} {direction} than {before}"
    if change.percent is not None:
        words += f" ({'up' if change.difference > 0 else 'down'} {abs(change.percent):.0f}%)"
    return words


def trend_words(slope: float | None, interval: Interval) -> str:
    if slope is None:
        return f"Too few whole {interval.value}s to show a trend."
    if abs(slope) < 0.5:
        return f"Over the whole {interval.value}s shown, complaints are broadly level."
    direction = "rising" if slope > 0 else "falling"
    return (
        f"Over the whole {interval.value}s shown, complaints are {direction} by about "
        f"{abs(slope):,.0f} a {interval.value} (the least-squares line through them)."
    )


def over_time_chart(over_time: queries.IncidentsOverTime) -> Markup:
    interval = over_time.interval
    rows = over_time.rows
    first, last = rows[0], rows[-1]
    description = (
        f"{SIGNAL_LABELS[Signal.COMPLAINTS]}, officers' observations and police.uk records per "
        f"{interval.value}, from {period_name(first.start, interval)} to "
        f"{period_name(last.start, interval, complete=last.complete)}. "
        + " ".join(
            f"{SIGNAL_LABELS[change.signal]}: {count_words(change.latest)} in the last whole "
            f"{interval.value}, {change_words(change, interval)}."
            for change in over_time.changes
        )
        + " "
        + trend_words(over_time.complaints_slope, interval)
    )
    return charts.line_chart(
        "chart-over-time",
        f"Incidents per {interval.value}",
        description,
        [_axis_label(row.start, interval, index == 0) for index, row in enumerate(rows)],
        [*(SIGNAL_LINES[signal] for signal in Signal), AVERAGE_LINE],
        [
            *([row.counts[signal] for row in rows] for signal in Signal),
            [row.complaints_average for row in rows],
        ],
        last_is_partial=not last.complete,
    )


def _mix_description(what: str, rows: list[queries.MixRow], signals: list[Signal]) -> str:
    if not rows:
        return f"No incidents to show by {what}."
    top = ", ".join(f"{row.label} {row.total:,}" for row in rows[:3])
    kinds = " and ".join(SIGNAL_LABELS[signal].lower() for signal in signals)
    return f"{kinds.capitalize()} by {what}, most first. The most: {top}."


def mix_chart(
    chart_id: str, title: str, what: str, rows: list[queries.MixRow], signals: list[Signal]
) -> Markup:
    return charts.bar_chart(
        chart_id,
        title,
        _mix_description(what, rows, signals),
        [row.label for row in rows],
        [SIGNAL_BARS[signal] for signal in signals],
        [[row.counts[signal] for signal in signals] for row in rows],
    )


def open_work_charts(rows: list[queries.OpenWorkRow]) -> tuple[Markup, Markup]:
    """Incidents and cases each on their own scale: there are far more of the one."""
    incidents = sum(row.untriaged_incidents for row in rows)
    cases = sum(row.open_cases for row in rows)
    oldest = rows[-1]
    return (
        charts.bar_chart(
            "chart-open-incidents",
            "Incidents awaiting triage by age",
            f"{count_words(incidents)} awaiting triage, by days since recorded; "
            f"{oldest.untriaged_incidents:,} {oldest.band.label.lower()}.",
            [row.band.label for row in rows],
            [Series("Incidents awaiting triage", BLUE)],
            [[row.untriaged_incidents] for row in rows],
        ),
        charts.bar_chart(
            "chart-open-cases",
            "Open cases by age",
            f"{count_words(cases, 'open case')}, by days since opened; "
            f"{oldest.open_cases:,} {oldest.band.label.lower()}.",
            [row.band.label for row in rows],
            [Series("Open cases", ORANGE, texture="hatch")],
            [[row.open_cases] for row in rows],
        ),
    )


def awaiting_triage_chart(rows: list[queries.AwaitingTriageRow]) -> Markup:
    total = sum(row.total for row in rows)
    top = ", ".join(f"{row.agency} {row.total:,}" for row in rows[:3])
    return charts.bar_chart(
        "chart-awaiting-triage",
        "Incidents awaiting triage by recording agency",
        f"{count_words(total)} awaiting triage. The most: {top}."
        if rows
        else "No incidents are awaiting triage.",
        [row.agency for row in rows],
        [Series("Partnership records", BLUE), SIGNAL_BARS[Signal.POLICE_UK]],
        [[row.partnership, row.police_uk] for row in rows],
    )


@dataclass
class Overview:
    filters: OverviewFilters
    window_start: date
    window_end: date  # inclusive: today
    over_time: queries.IncidentsOverTime
    mix: queries.Mix
    open_work: list[queries.OpenWorkRow]
    awaiting_triage: list[queries.AwaitingTriageRow]
    repeat_locations: repeats.RepeatLocations
    anonymous_points: list[repeats.AnonymousPoint]
    repeat_victims: repeats.RepeatVictims
    charts: dict[str, Markup]

    @property
    def period_words(self) -> str:
        interval = self.filters.interval
        return (
            f"{period_name(self.window_start, interval)} to today"
            if interval is Interval.MONTH
            else f"the week beginning {self.window_start.day} {self.window_start:%B %Y} to today"
        )


def overview(user: User, filters: OverviewFilters, as_of: date | None = None) -> Overview:
    """The page's figures. The three read from a year or more of incidents are kept in the
    map's result cache until an incident changes; today's work and the repeat victims (whose
    people records change apart from incidents) are counted afresh."""
    as_of = as_of or today_in_london()
    key = (filters, as_of)
    over_time = cached(
        "overview-over-time", user, key, lambda: queries.incidents_over_time(user, filters, as_of)
    )
    mix = cached("overview-mix", user, key, lambda: queries.incident_mix(user, filters, as_of))
    repeat_locations = cached(
        "overview-repeat-locations",
        user,
        key,
        lambda: repeats.repeat_locations(user, filters, as_of),
    )
    anonymous_points = cached(
        "overview-anonymous-points",
        user,
        key,
        lambda: repeats.anonymous_points(user, filters, as_of),
    )
    open_work = queries.open_work_by_age(user, filters, as_of)
    awaiting = queries.awaiting_triage_by_agency(user, filters)
    partnership = [Signal.COMPLAINTS, Signal.OBSERVATIONS]
    every_signal = list(Signal)
    open_incidents_chart, open_cases_chart = open_work_charts(open_work)
    return Overview(
        filters=filters,
        window_start=over_time.rows[0].start,
        window_end=as_of,
        over_time=over_time,
        mix=mix,
        open_work=open_work,
        awaiting_triage=awaiting,
        repeat_locations=repeat_locations,
        anonymous_points=anonymous_points,
        repeat_victims=repeats.visible_repeat_victims(user, filters, as_of),
        charts={
            "over_time": over_time_chart(over_time),
            "categories": mix_chart(
                "chart-categories", "Incidents by category", "category", mix.categories, partnership
            ),
            "agencies": mix_chart(
                "chart-agencies",
                "Incidents by recording agency",
                "recording agency",
                mix.agencies,
                every_signal,
            ),
            "wards": mix_chart("chart-wards", "Incidents by ward", "ward", mix.wards, every_signal),
            "open_incidents": open_incidents_chart,
            "open_cases": open_cases_chart,
            "awaiting_triage": awaiting_triage_chart(awaiting),
        },
    )


def grid_reference(easting: float, northing: float, digits: int = 4) -> str:
    """An Ordnance Survey grid reference: 533200 E, 181600 N is "TQ 3320 8160"."""
    east, north = int(easting // 100_000), int(northing // 100_000)
    first = (19 - north) - (19 - north) % 5 + (east + 10) // 5
    second = (19 - north) * 5 % 25 + east % 5
    letters = "".join(chr(65 + n + (n > 7)) for n in (first, second))  # the grid skips I
    scale = 10 ** (5 - digits)
    return (
        f"{letters} {int(easting % 100_000 // scale):0{digits}d} "
        f"{int(northing % 100_000 // scale):0{digits}d}"
    )


def square_reference(cell: int) -> str:
    """The 100 m square of the hotspot grid by its south-west corner's grid reference."""
    west, south, _, _ = grid_cell_bounds(cell)
    return grid_reference(west, south)


def template_context(page: Overview) -> dict:
    """What the page's template needs besides the figures: labels and wording."""
    interval = page.filters.interval
    threshold, _ = repeats.repeat_settings()
    return {
        "overview": page,
        "signals": list(Signal),
        "partnership_signals": [Signal.COMPLAINTS, Signal.OBSERVATIONS],
        "signal_labels": SIGNAL_LABELS,
        "period_name": lambda start, complete=True: period_name(start, interval, complete=complete),
        "change_words": lambda change: change_words(change, interval),
        "trend": trend_words(page.over_time.complaints_slope, interval),
        "moving_average_periods": queries.MOVING_AVERAGE_PERIODS,
        "threshold": threshold,
        "square_reference": square_reference,
    }
