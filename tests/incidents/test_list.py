"""The shared log: filters, sorting, paging, and filters that make no sense."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from asb.auth.models import Role
from asb.extensions import db
from asb.incidents.vocabulary import Category, IncidentSource, IncidentStatus
from tests.factories import IncidentFactory, LocalAsbTypeFactory, agency
from tests.helpers import error_summary, page_text, references

CHEAP = ("E05009298", "Cheap")
BISHOPSGATE = ("E05009292", "Bishopsgate")
PORTSOKEN = ("E05009308", "Portsoken")


@dataclass
class Row:
    reference: str
    agency: str
    category: Category
    status: IncidentStatus
    ward: tuple[str, str]
    occurred: datetime
    recorded: datetime
    description: str
    place: str
    source: IncidentSource = IncidentSource.PARTNERSHIP
    local_type: bool = False


# References, dates recorded and dates happened run in different orders, so each sort shows.
# fmt: off
ROWS = [
    Row(
        "ASB-2020-00004", "housing", Category.NOISE, IncidentStatus.NEW, CHEAP,
        datetime(2025, 1, 10, 20, 0, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC),
        "Loud MUSIC from flat 12", "Crescent House, Golden Lane Estate",
    ),
    Row(
        "ASB-2020-00002", "barbican", Category.BEGGING, IncidentStatus.TRIAGED, BISHOPSGATE,
        datetime(2025, 2, 5, 9, 0, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC),
        "Begging by the entrance", "Liverpool Street station",
    ),
    Row(
        "ASB-2020-00007", "housing", Category.STREET_DRINKING,
        IncidentStatus.NO_FURTHER_ACTION, PORTSOKEN,
        datetime(2025, 3, 1, 10, 0, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC),
        "Group drinking on benches", "Middlesex Street Estate",
    ),
    Row(
        "ASB-2020-00001", "city-police", Category.ROWDY_BEHAVIOUR, IncidentStatus.NEW,
        BISHOPSGATE,
        datetime(2025, 3, 15, 12, 0, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC),
        "Published by police.uk", "On or near Bishopsgate", source=IncidentSource.POLICE_UK,
    ),
    Row(
        "ASB-2020-00006", "barbican", Category.NOISE, IncidentStatus.TRIAGED, CHEAP,
        datetime(2025, 4, 20, 22, 0, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC),
        "Skateboards at night", "Barbican podium", local_type=True,
    ),
    Row(
        "ASB-2020-00003", "street-enforcement", Category.TRESPASS, IncidentStatus.NEW, PORTSOKEN,
        datetime(2025, 5, 2, 8, 0, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC),
        "Rubbish dumped, 100% on purpose", "Petticoat Lane",
    ),
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    Row(
        "ASB-2020-00005", "mcp", Category.BEGGING, IncidentStatus.NEW, CHEAP,
        datetime(2025, 6, 30, 23, 30, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC),
        "Begging at the market", "Leadenhall Market",
    ),
]
# fmt: on


@dataclass
class Log:
    incidents: dict  # reference -> Incident
    local_type_id: int

    def refs(self, *predicates) -> list[str]:
        return [ref for ref in self.incidents if all(p(self.incidents[ref]) for p in predicates)]


@pytest.fixture
def log(client, login_as) -> Log:
    login_as(Role.OFFICER, "community-safety")
    local_type = LocalAsbTypeFactory(name="Skateboarding on the podium")
    incidents = {}
    for row in ROWS:
        incidents[row.reference] = IncidentFactory(
            reference=row.reference,
            recording_agency=agency(row.agency),
            category=row.category,
            status=row.status,
            ward_code=row.ward[0],
            ward_name=row.ward[1],
            occurred_from=row.occurred,
            created_at=row.recorded,
            description=row.description,
            location_description=row.place,
            source=row.source,
            local_type=local_type if row.local_type else None,
        )
    db.session.commit()
    return Log(incidents, local_type.id)


def listed(client, **query) -> list[str]:
    response = client.get("/incidents", query_string=query)
    assert response.status_code == 200
    assert error_summary(response) == []
    return references(response)


def by_date_desc(refs: list[str], log: Log) -> list[str]:
    return sorted(refs, key=lambda ref: log.incidents[ref].occurred_from, reverse=True)


def test_log_lists_every_visible_incident_newest_first(client, log):
    assert listed(client) == by_date_desc(list(log.incidents), log)
    assert "7 incidents match." in page_text(client.get("/incidents"))


FILTERS = {
    "agency": (
        lambda log: {"agency": str(agency("barbican").id)},
        ["ASB-2020-00002", "ASB-2020-00006"],
    ),
    "category": (lambda log: {"category": "noise"}, ["ASB-2020-00004", "ASB-2020-00006"]),
    "local type": (lambda log: {"local_type": str(log.local_type_id)}, ["ASB-2020-00006"]),
    "status": (lambda log: {"status": "triaged"}, ["ASB-2020-00002", "ASB-2020-00006"]),
    "ward": (lambda log: {"ward": "E05009292"}, ["ASB-2020-00002", "ASB-2020-00001"]),
    "source police.uk": (lambda log: {"source": "police.uk"}, ["ASB-2020-00001"]),
    "source partnership": (
        lambda log: {"source": "partnership"},
        [r.reference for r in ROWS if r.source is IncidentSource.PARTNERSHIP],
    ),
    "date range": (
        lambda log: {"date_from": ["1", "3", "2025"], "date_to": ["15", "3", "2025"]},
        ["ASB-2020-00007", "ASB-2020-00001"],
    ),
    "date from is a London day": (
        lambda log: {"date_from": ["1", "7", "2025"]},
        ["ASB-2020-00005"],
    ),
    "date to is a London day": (
        lambda log: {"date_from": ["1", "6", "2025"], "date_to": ["30", "6", "2025"]},
        [],
    ),
    "text in description, any case": (lambda log: {"text": "music"}, ["ASB-2020-00004"]),
    "text in place": (lambda log: {"text": "PODIUM"}, ["ASB-2020-00006"]),
    "text in description and place": (
        lambda log: {"text": "begging"},
        ["ASB-2020-00002", "ASB-2020-00005"],
    ),
    "percent sign is literal": (lambda log: {"text": "100%"}, ["ASB-2020-00003"]),
    "underscore is literal": (lambda log: {"text": "_"}, []),
    "reference exact match": (lambda log: {"text": "asb-2020-00007"}, ["ASB-2020-00007"]),
    "partial reference matches nothing": (lambda log: {"text": "ASB-2020-0000"}, []),
    "agency and category": (
        lambda log: {"agency": str(agency("barbican").id), "category": "noise"},
        ["ASB-2020-00006"],
    ),
    "status and ward": (
        lambda log: {"status": "new", "ward": "E05009308"},
        ["ASB-2020-00003"],
    ),
    "category, source and dates": (
        lambda log: {
            "category": "begging",
            "source": "partnership",
            "date_from": ["1", "1", "2025"],
            "date_to": ["30", "6", "2025"],
        },
        ["ASB-2020-00002"],
    ),
}


@pytest.mark.parametrize(("query", "expected"), FILTERS.values(), ids=FILTERS.keys())
def test_filter_shows_only_matching_incidents(client, log, query, expected):
    assert listed(client, **query(log)) == by_date_desc(expected, log)


SORT_KEYS = {
    "occurred": lambda incident: incident.occurred_from,
    "recorded": lambda incident: incident.created_at,
    "reference": lambda incident: incident.reference,
    "ward": lambda incident: incident.ward_name,
    "category": lambda incident: incident.category.value,
    "status": lambda incident: incident.status.value,
}


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", SORT_KEYS)
def test_log_sorts_by_each_key_in_each_direction(client, log, sort, order):
    expected = sorted(
        log.incidents.values(), key=lambda incident: (SORT_KEYS[sort](incident), incident.id)
    )
    if order == "desc":
        expected.reverse()
    assert listed(client, sort=sort, order=order) == [incident.reference for incident in expected]


def test_sort_header_links_reverse_the_current_order(client, log):
    page = page_text(client.get("/incidents", query_string={"sort": "ward", "order": "desc"}))
    assert 'aria-sort="descending"' in page
    assert "/incidents?sort=ward&order=asc" in page


def test_second_page_shows_the_next_rows(client, log, app, monkeypatch):
    monkeypatch.setitem(app.config, "INCIDENTS_PER_PAGE", 2)
    everything = by_date_desc(list(log.incidents), log)
    assert listed(client) == everything[:2]
    assert listed(client, page="2") == everything[2:4]
    assert listed(client, page="4") == everything[6:]
    page = page_text(client.get("/incidents", query_string={"page": "2"}))
    assert "7 incidents match. Showing 3 to 4." in page
    assert 'href="/incidents?page=3"' in page


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999"])
def test_nonsense_page_number_shows_the_first_page(client, log, app, monkeypatch, page):
    monkeypatch.setitem(app.config, "INCIDENTS_PER_PAGE", 2)
    assert listed(client, page=page) == by_date_desc(list(log.incidents), log)[:2]


def test_page_keeps_the_filters(client, log, app, monkeypatch):
    monkeypatch.setitem(app.config, "INCIDENTS_PER_PAGE", 1)
    assert (
        listed(client, status="new", page="2")
        == by_date_desc(log.refs(lambda i: i.status is IncidentStatus.NEW), log)[1:2]
    )
    page = page_text(client.get("/incidents", query_string={"status": "new"}))
    assert 'href="/incidents?status=new&page=2"' in page


def test_count_is_capped_when_there_are_many_matches(client, log, app, monkeypatch):
    monkeypatch.setitem(app.config, "INCIDENTS_PER_PAGE", 2)
    monkeypatch.setitem(app.config, "INCIDENT_COUNT_CAP", 3)
    page = page_text(client.get("/incidents"))
    assert "More than 3 incidents match. Showing 1 to 2." in page
    assert 'href="/incidents?page=2"' in page


def test_no_matches_says_so(client, log):
    page = page_text(client.get("/incidents", query_string={"text": "unicorns"}))
    assert "No incidents match these filters." in page


INVALID_FILTERS = {
    "date range backwards": (
        {"date_from": ["10", "3", "2025"], "date_to": ["1", "3", "2025"]},
        "#date_to-day",
        "The end of the date range must be after its start",
    ),
    "impossible date": (
        {"date_from": ["40", "1", "2025"]},
        "#date_from-day",
        "Happened on or after must be a real date",
    ),
    "half a date": (
        {"date_to": ["", "1", "2025"]},
        "#date_to-day",
        "Happened on or before must include a day, month and year",
    ),
    "unknown category": ({"category": "nonsense"}, "#category", "Select category from the list"),
    "unknown status": ({"status": "closed"}, "#status", "Select status from the list"),
    "unknown ward": ({"ward": "E99999999"}, "#ward", "Select ward from the list"),
    "unknown source": ({"source": "twitter"}, "#source", "Select source from the list"),
    "agency not a number": (
        {"agency": "housing"},
        "#agency",
        "Select recording agency from the list",
    ),
    "unknown local type": (
        {"local_type": "999999"},
        "#local_type",
        "Select local type from the list",
    ),
    "unknown sort": ({"sort": "password_hash"}, "#sort", "Select sort by from the list"),
    "unknown order": ({"order": "sideways"}, "#order", "Select order from the list"),
    "search text too long": (
        {"text": "x" * 101},
        "#text",
        "Search text must be 100 characters or fewer",
    ),
}


@pytest.mark.parametrize(
    ("query", "href", "message"), INVALID_FILTERS.values(), ids=INVALID_FILTERS.keys()
)
def test_invalid_filter_is_explained_not_a_server_error(client, log, query, href, message):
    response = client.get("/incidents", query_string=query)
    assert response.status_code == 200
    assert "There is a problem" in page_text(response)
    assert (href, message) in error_summary(response)
    assert references(response) == []


@pytest.mark.parametrize("path", ["/incidents/export.csv", "/incidents/export.xlsx"])
def test_export_with_invalid_filters_answers_400_with_the_log_explaining(client, log, path):
    response = client.get(path, query_string={"category": "nonsense"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Correct the filters before exporting." in page_text(response)
    assert "There is a problem" in page_text(response)


def test_export_follows_the_filters_and_the_sort(client, log):
    response = client.get(
        "/incidents/export.csv", query_string={"category": "noise", "sort": "reference"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="asb-incidents.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["Reference"] for row in rows] == ["ASB-2020-00006", "ASB-2020-00004"]
    assert rows[0]["Local type"] == "Skateboarding on the podium"
    assert rows[0]["Happened from"] == "2025-04-20 23:00"  # London time


def test_page_number_in_other_digits_shows_the_first_page(client, log, app, monkeypatch):
    monkeypatch.setitem(app.config, "INCIDENTS_PER_PAGE", 2)
    assert listed(client, page="²") == by_date_desc(list(log.incidents), log)[:2]
