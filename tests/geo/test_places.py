"""One place-name rule: the database and Python agree on it, and both pages use it."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import String, literal, select

from asb.auth.models import Role
from asb.extensions import db
from asb.geo.places import place_key, place_key_sql
from asb.maps import cache
from tests.factories import IncidentFactory

ST_PAULS = "stpaulschurchyard"
GOLDEN_LANE = "goldenlaneestatecrescenthouse"

# (how a place was written, its key)
TRICKY_NAMES = [
    ("St Paul's Churchyard", ST_PAULS),
    ("St Pauls Churchyard", ST_PAULS),
    ("St Paul\u2019s Churchyard", ST_PAULS),  # curly apostrophe
    ("ST PAUL\u2018S CHURCHYARD", ST_PAULS),
    ("St. Paul's Churchyard", ST_PAULS),
    ("  St Paul's  Churchyard  ", ST_PAULS),
    ("St Paul's     Churchyard", ST_PAULS),  # a longer run of spaces than any other
    ("On or near St Paul's Churchyard", "onornearstpaulschurchyard"),  # kept as it is
    ("on or near  St. Pauls Churchyard.", "onornearstpaulschurchyard"),
    ('The "Barbican" Centre', "thebarbicancentre"),
    ("The \u201cBarbican\u201d Centre", "thebarbicancentre"),
    ("Golden Lane Estate, Crescent House", GOLDEN_LANE),
    ("Golden Lane Estate - Crescent House", GOLDEN_LANE),
    ("golden lane estate/crescent house;", GOLDEN_LANE),
    ("Golden Lane Estate: Crescent House", GOLDEN_LANE),
    ("No. 1 (rear), Cheapside", "no1(rear)cheapside"),
    # Only ASCII letters are folded: SQLite's lower() folds no others, PostgreSQL's would.
    ("Caf\u00e9 Rouge", "caf\u00e9rouge"),
    ("CAF\u00c9 ROUGE", "caf\u00c9rouge"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "key"), TRICKY_NAMES)
def test_the_database_and_python_give_a_place_the_same_key(db_session, text, key):
    in_database = db.session.scalar(select(place_key_sql(literal(text, String))))

    assert place_key(text) == key
    assert in_database == key


@pytest.fixture
def empty_result_cache():
    cache.results.clear()
    yield
    cache.results.clear()


def _repeat_places(page: str) -> dict[str, int]:
    """The page's repeat locations table as {place key: incidents}."""
    region = page.split('aria-label="Repeat locations"', 1)[1].split("</table>", 1)[0]
    body = region.split("<tbody", 1)[1]
    places = {}
    for row in body.split("</tr>")[:-1]:
        place = html.unescape(re.search(r"<a [^>]*>([^<]*)</a>", row).group(1))
        incidents = re.search(r'govuk-table__cell--numeric">([\d,]+)<', row).group(1)
        places[place_key(place)] = int(incidents.replace(",", ""))
    return places


def test_the_map_and_the_overview_show_the_same_repeat_places(client, login_as, empty_result_cache):
    for place in (
        "St Paul's Churchyard",
        "St Pauls Churchyard",
        "ST PAUL\u2019S CHURCHYARD ",
        "St. Paul's  Churchyard",
        "On or near St Paul's Churchyard",
        "On or near St Pauls Churchyard",
        "on or near St Paul's churchyard",
        "Cheapside",
    ):
        IncidentFactory(location_description=place)  # all in one 100 m square
    login_as(Role.ASB_LEAD, "community-safety")

    on_the_map = _repeat_places(client.get("/map?period=28-days").get_data(as_text=True))
    on_the_overview = _repeat_places(client.get("/overview").get_data(as_text=True))

    assert on_the_map == on_the_overview == {ST_PAULS: 4, "onornearstpaulschurchyard": 3}
