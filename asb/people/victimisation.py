"""Repeat victimisation across agencies.

Repeat victimisation is counted across every agency, because that is the point: one report
to Housing and two to Barbican Estates make three. A victim is recognised by a person record
linked to the incident as victim or reporter, or by an address: the incident's victim or
reporter address, the address of a person linked to it, or that of someone who reported it
again (its further reports). Incidents count by when they happened (occurred_from), each
once however many reports it has: reporting the same incident again makes no one a repeat
victim.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, distinct, func, select, union_all

from asb.auth.models import Agency
from asb.calendar import start_of_london_day, today_in_london
from asb.cases.models import Case
from asb.database import utcnow
from asb.extensions import db
from asb.incidents.models import Incident, IncidentReport
from asb.people.models import IncidentPerson, Person
from asb.people.vocabulary import PersonRole

VICTIM_ROLES = (PersonRole.VICTIM, PersonRole.REPORTER)
DEFAULT_THRESHOLD = 3
DEFAULT_WINDOW_DAYS = 182

# Dropped from addresses before they are compared, so "Flat 3, 12 Crescent House, EC1Y 0SL"
# and "flat 3 12 crescent house ec1y0sl" are one address. Spaces go too, which makes
# postcode spacing irrelevant without a regular expression the two databases share.
_IGNORED_IN_ADDRESSES = (" ", "\n", "\r", "\t", ",", ".", "-", "'", '"', "/", "#", ";", ":")


def repeat_settings() -> tuple[int, int]:
    """The number of incidents, and the days they must fall within, that make a repeat victim."""
    config = current_app.config
    return (
        int(config.get("REPEAT_VICTIM_THRESHOLD", DEFAULT_THRESHOLD)),
        int(config.get("REPEAT_VICTIM_WINDOW_DAYS", DEFAULT_WINDOW_DAYS)),
    )


def window_words(days: int) -> str:
    """182 days read as "6 months", as people say it."""
    months = round(days / 30.44)
    if days >= 28 and abs(months * 30.44 - days) <= 4:
        return "1 month" if months == 1 else f"{months} months"
    return f"{days} days"


def list_words(names: list[str]) -> str:
    """Names in a list; semicolons part them when a name has its own comma ("Housing, DCCS")."""
    return ("; " if any("," in name for name in names) else ", ").join(names)


def address_key(column: ColumnElement) -> ColumnElement[str]:
    """An address as the database compares it: lower case, without spaces or punctuation,
    "apartment" and "apt" read as "flat". Both databases compute it the same way."""
    key = func.lower(column)
    for word in ("apartment", "apt"):
        key = func.replace(key, word, "flat")
    for character in _IGNORED_IN_ADDRESSES:
        key = func.replace(key, character, "")
    return key


def _in_window(start: datetime, end: datetime):
    return (Incident.occurred_from >= start, Incident.occurred_from < end)


def _victim_people(start: datetime, end: datetime):
    """(person, incident) pairs: people linked to incidents as victim or reporter."""
    return (
        select(
            IncidentPerson.person_id.label("victim_key"),
            Incident.id.label("incident_id"),
        )
        .join(Incident, Incident.id == IncidentPerson.incident_id)
        .where(IncidentPerson.role.in_(VICTIM_ROLES), *_in_window(start, end))
        .cte("victim_people")
    )


def _victim_addresses(start: datetime, end: datetime):
    """(address key, incident) pairs from incidents' victim and reporter addresses, the
    addresses of people linked to incidents as victim or reporter, and those of their further
    reports' reporters."""
    parts = [
        select(
            address_key(column).label("victim_key"),
            Incident.id.label("incident_id"),
            column.label("address"),
        ).where(column.is_not(None), *_in_window(start, end))
        for column in (Incident.victim_address, Incident.reporter_address)
    ]
    parts.append(
        select(
            address_key(Person.address).label("victim_key"),
            Incident.id.label("incident_id"),
            Person.address.label("address"),
        )
        .select_from(IncidentPerson)
        .join(Incident, Incident.id == IncidentPerson.incident_id)
        .join(Person, Person.id == IncidentPerson.person_id)
        .where(
            IncidentPerson.role.in_(VICTIM_ROLES),
            Person.address.is_not(None),
            *_in_window(start, end),
        )
    )
    parts.append(
        select(
            address_key(IncidentReport.reporter_address).label("victim_key"),
            Incident.id.label("incident_id"),
            IncidentReport.reporter_address.label("address"),
        )
        .select_from(IncidentReport)
        .join(Incident, Incident.id == IncidentReport.incident_id)
        .where(IncidentReport.reporter_address.is_not(None), *_in_window(start, end))
    )
    return union_all(*parts).cte("victim_addresses")


@dataclass(frozen=True)
class Report:
    """One incident counted towards someone's repeat victimisation."""

    incident_id: int
    reference: str
    occurred_from: datetime
    agency_name: str


def _reports(pairs, key_filter) -> dict[Hashable, list[Report]]:
    """Each key's incidents (one report per incident), oldest first, for keys matching."""
    rows = db.session.execute(
        select(
            pairs.c.victim_key, Incident.id, Incident.reference, Incident.occurred_from, Agency.name
        )
        .join(Incident, Incident.id == pairs.c.incident_id)
        .join(Agency, Agency.id == Incident.recording_agency_id)
        .where(key_filter)
        .distinct()
        .order_by(pairs.c.victim_key, Incident.occurred_from, Incident.id)
    )
    reports: dict[Hashable, list[Report]] = defaultdict(list)
    for key, *report in rows:
        reports[key].append(Report(*report))
    return reports


def _flagged_keys(pairs, threshold: int, *extra):
    """The keys with at least `threshold` distinct incidents, counted by the database."""
    return (
        select(pairs.c.victim_key)
        .where(*extra)
        .group_by(pairs.c.victim_key)
        .having(func.count(distinct(pairs.c.incident_id)) >= threshold)
    )


@dataclass
class RepeatVictim:
    """A person or an address with enough incidents, across agencies, to be a repeat victim."""

    reports: list[Report]
    person: Person | None = None
    address: str | None = None

    @property
    def count(self) -> int:
        return len(self.reports)

    @property
    def incident_ids(self) -> list[int]:
        return [report.incident_id for report in self.reports]

    @property
    def agencies(self) -> list[str]:
        """The agencies reported to, in the order of their first report."""
        return list(dict.fromkeys(report.agency_name for report in self.reports))

    @property
    def agency_list(self) -> str:
        return list_words(self.agencies)

    @property
    def first(self) -> datetime:
        return self.reports[0].occurred_from

    @property
    def last(self) -> datetime:
        return self.reports[-1].occurred_from


def _end_of_day(day: date) -> datetime:
    return start_of_london_day(day + timedelta(days=1))


def repeat_victims(as_of: date | None = None) -> list[RepeatVictim]:
    """People and addresses with `threshold` or more incidents in the window ending `as_of`."""
    threshold, days = repeat_settings()
    end = _end_of_day(as_of or today_in_london())
    start = end - timedelta(days=days)

    people = _victim_people(start, end)
    by_person = _reports(people, people.c.victim_key.in_(_flagged_keys(people, threshold)))
    found = db.session.scalars(select(Person).where(Person.id.in_(list(by_person))))
    victims = [RepeatVictim(reports=by_person[person.id], person=person) for person in found]

    addresses = _victim_addresses(start, end)
    flagged = _flagged_keys(addresses, threshold, addresses.c.victim_key != "")
    by_address = _reports(addresses, addresses.c.victim_key.in_(flagged))
    shown = dict(
        db.session.execute(
            select(addresses.c.victim_key, func.min(addresses.c.address))
            .where(addresses.c.victim_key.in_(list(by_address)))
            .group_by(addresses.c.victim_key)
        ).all()
    )
    victims += [
        RepeatVictim(reports=reports, address=" ".join(shown[key].split()))
        for key, reports in by_address.items()
    ]
    return sorted(victims, key=lambda victim: (-victim.count, -victim.last.timestamp()))


@dataclass
class VictimKeys:
    """What recognises a victim: person records and address keys."""

    person_ids: set[int] = field(default_factory=set)
    address_keys: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.person_ids or self.address_keys)

    def add(self, other: VictimKeys) -> None:
        self.person_ids |= other.person_ids
        self.address_keys |= other.address_keys


def _person_address_keys(person_ids: Iterable[int]) -> dict[int, str]:
    ids = list(person_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Person.id, address_key(Person.address)).where(
            Person.id.in_(ids), Person.address.is_not(None)
        )
    )
    return {person_id: key for person_id, key in rows if key}


def _incident_keys(incident_ids: list[int]) -> dict[int, VictimKeys]:
    keys: dict[int, VictimKeys] = defaultdict(VictimKeys)
    links = db.session.execute(
        select(IncidentPerson.incident_id, IncidentPerson.person_id).where(
            IncidentPerson.incident_id.in_(incident_ids), IncidentPerson.role.in_(VICTIM_ROLES)
        )
    ).all()
    person_addresses = _person_address_keys({person_id for _, person_id in links})
    for incident_id, person_id in links:
        keys[incident_id].person_ids.add(person_id)
        if person_id in person_addresses:
            keys[incident_id].address_keys.add(person_addresses[person_id])
    rows = db.session.execute(
        select(
            Incident.id,
            address_key(Incident.victim_address),
            address_key(Incident.reporter_address),
        ).where(Incident.id.in_(incident_ids))
    )
    for incident_id, *addresses in rows:
        keys[incident_id].address_keys |= {key for key in addresses if key}
    further = db.session.execute(
        select(IncidentReport.incident_id, address_key(IncidentReport.reporter_address)).where(
            IncidentReport.incident_id.in_(incident_ids),
            IncidentReport.reporter_address.is_not(None),
        )
    )
    for incident_id, key in further:
        if key:
            keys[incident_id].address_keys.add(key)
    return keys


def _reports_for(keys: VictimKeys, start: datetime, end: datetime) -> list[list[Report]]:
    """Each key's reports in the period, one list per key."""
    found: list[list[Report]] = []
    if keys.person_ids:
        people = _victim_people(start, end)
        found += _reports(people, people.c.victim_key.in_(sorted(keys.person_ids))).values()
    if keys.address_keys:
        addresses = _victim_addresses(start, end)
        found += _reports(addresses, addresses.c.victim_key.in_(sorted(keys.address_keys))).values()
    return found


def _largest_window(reports: list[Report], anchor: datetime, window: timedelta) -> list[Report]:
    """The most reports falling within one window (of the given length) that includes anchor."""
    best: list[Report] = []
    for first in reports:
        start = first.occurred_from
        if not anchor - window < start <= anchor:
            continue
        inside = [r for r in reports if start <= r.occurred_from < start + window]
        if len(inside) > len(best):
            best = inside
    return best


@dataclass(frozen=True)
class RepeatFlag:
    """ "Repeat victim: 3 reports in 6 months across Housing, Barbican Estates"."""

    reports: tuple[Report, ...]
    window_days: int

    @property
    def count(self) -> int:
        return len(self.reports)

    @property
    def agencies(self) -> list[str]:
        """The agencies reported to, in the order of their first report."""
        return list(dict.fromkeys(report.agency_name for report in self.reports))

    @property
    def agency_list(self) -> str:
        return list_words(self.agencies)

    @property
    def summary(self) -> str:
        return f"{self.count} reports in {window_words(self.window_days)} across {self.agency_list}"

    @property
    def text(self) -> str:
        return f"Repeat victim: {self.summary}"


def _flag(keys: VictimKeys, anchors: list[datetime]) -> RepeatFlag | None:
    if not keys or not anchors:
        return None
    threshold, days = repeat_settings()
    window = timedelta(days=days)
    best: list[Report] = []
    for reports in _reports_for(keys, min(anchors) - window, max(anchors) + window):
        for anchor in anchors:
            inside = _largest_window(reports, anchor, window)
            if len(inside) > len(best):
                best = inside
    if len(best) < threshold:
        return None
    return RepeatFlag(reports=tuple(best), window_days=days)


def repeat_flag_for_incident(incident: Incident) -> RepeatFlag | None:
    """The flag an incident carries when its victim has enough reports within one window."""
    keys = _incident_keys([incident.id])[incident.id]
    return _flag(keys, [incident.occurred_from])


def is_repeat_victim_incident(incident: Incident) -> bool:
    return repeat_flag_for_incident(incident) is not None


def repeat_flag_for_case(case: Case) -> RepeatFlag | None:
    """Flagged when a victim on the case, or of one of its incidents, is a repeat victim,
    now or at the time of one of the incidents."""
    keys = VictimKeys()
    incident_ids = [link.incident_id for link in case.incident_links]
    if incident_ids:
        for incident_keys in _incident_keys(incident_ids).values():
            keys.add(incident_keys)
    victims = {link.person_id for link in case.people if link.role in VICTIM_ROLES}
    keys.person_ids |= victims
    keys.address_keys |= set(_person_address_keys(victims).values())
    anchors = [link.incident.occurred_from for link in case.incident_links] + [utcnow()]
    return _flag(keys, anchors)


def repeat_flags_for_people(people: list[Person]) -> dict[int, RepeatFlag]:
    """Which of these people are repeat victims now (by their record or their address)."""
    addresses = _person_address_keys(person.id for person in people)
    flags = {}
    for person in people:
        keys = VictimKeys({person.id}, {addresses[person.id]} if person.id in addresses else set())
        flag = _flag(keys, [utcnow()])
        if flag is not None:
            flags[person.id] = flag
    return flags


def prior_reports_within_window(incident: Incident) -> int:
    """How many earlier reports the incident's victim made within the window before it."""
    keys = _incident_keys([incident.id])[incident.id]
    if not keys:
        return 0
    _, days = repeat_settings()
    moment = incident.occurred_from
    start = moment - timedelta(days=days)

    def earlier(report: Report) -> bool:
        if report.incident_id == incident.id or report.occurred_from <= start:
            return False
        return report.occurred_from < moment or (
            report.occurred_from == moment and report.incident_id < incident.id
        )

    reports = _reports_for(keys, start, moment + timedelta(seconds=1))
    return max((sum(1 for report in each if earlier(report)) for each in reports), default=0)
