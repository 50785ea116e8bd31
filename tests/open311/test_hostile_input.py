"""Open311 takes other systems' posts and anyone's query strings: hostile values in any field
are answered in the specification's error format (or accepted), never with a server error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asb.database import INTEGER_MAX
from tests.open311.conftest import CITY

HOSTILE = [
    "",
    " ",
    "\x00",
    "Loud\x00music",
    "\u202econtrol\u200b",
    "\ufeff\ufffe\uffff",
    "nan",
    "-inf",
    "1e309",
    str(INTEGER_MAX + 1),
    "2026-02-30T00:00:00Z",
    "9999-12-31T23:59:59+23:59",
    "0001-01-01T00:00:00-23:59",
    "2026-11-28T22:30:00",
    "noise,,,other",
    "<errors/>",
    "x" * 5000,
]
POST_FIELDS = [
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "email",
    "first_name",
    "last_name",
    "phone",
    "device_id",
    "account_id",
    "media_url",
    "attribute[occurred_at]",
    "attribute[still_happening]",
    "attribute[may_contact]",
    "attribute[]",
    "jurisdiction_id",
]
GET_PARAMETERS = ["service_request_id", "service_code", "start_date", "end_date", "status"]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(POST_FIELDS), values, max_size=4))
def test_hostile_posts_never_cause_a_server_error(send, changes):
    response = send(**changes)
    assert response.status_code in {200, 400, 404, 413}, response.get_data(as_text=True)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(GET_PARAMETERS), values, max_size=3))
def test_hostile_query_strings_never_cause_a_server_error(open311, params):
    response = open311.get("/open311/v2/requests.json", query_string=params)
    assert response.status_code in {200, 400}, response.get_data(as_text=True)


@FUZZ
@given(name=st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=30)))
def test_hostile_names_in_the_path_never_cause_a_server_error(open311, name):
    for resource in ("services", "requests", "tokens"):
        response = open311.get(f"/open311/v2/{resource}/{name}.xml")
        assert response.status_code in {200, 404}, response.get_data(as_text=True)


def test_a_body_past_the_limit_is_refused(send):
    response = send(description="x" * (70 * 1024), lat=str(CITY[0]))
    assert response.status_code == 413
    assert response.get_json()[0]["code"] == 413
