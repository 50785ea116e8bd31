"""The legal clock: one calendar month from receipt (ICO: the month's last day if the day does
not exist), extendable by two further months with a reason; overdue once the day has passed."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from asb.calendar import today_in_london
from asb.subject_access import queries, services
from asb.subject_access.vocabulary import RequestStatus
from tests.conftest import sign_in_session
from tests.helpers import visible_text


@pytest.mark.parametrize(
    ("received_on", "due_on"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (date(2026, 1, 30), date(2026, 2, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 2, 28), date(2026, 3, 28)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_the_answer_is_due_one_calendar_month_from_receipt(received_on, due_on):
    assert services.answer_due_on(received_on) == due_on


def test_an_extension_reaches_three_calendar_months_from_receipt_at_most():
    assert services.latest_extension(date(2026, 1, 31)) == date(2026, 4, 30)
    assert services.latest_extension(date(2026, 11, 30)) == date(2027, 2, 28)


def test_a_logged_request_carries_its_due_date(log_request):
    request = log_request(received_on=date(2026, 1, 31))

    assert request.due_on == date(2026, 2, 28)
    assert request.status is RequestStatus.OPEN
    assert request.reference.startswith("SAR-2026-")


@pytest.mark.parametrize(
    ("today", "days_left", "overdue", "due_soon", "words"),
    [
        ("2026-02-20 12:00", 8, False, False, "8 days left"),
        ("2026-02-21 12:00", 7, False, True, "7 days left"),
        ("2026-02-27 12:00", 1, False, True, "1 day left"),
        ("2026-02-28 12:00", 0, False, True, "Due today"),
        ("2026-03-01 12:00", -1, True, False, "1 day overdue"),
        ("2026-03-04 12:00", -4, True, False, "4 days overdue"),
    ],
)
def test_the_clock_counts_down_to_the_due_day_and_then_overdue(
    log_request, today, days_left, overdue, due_soon, words
):
    request = log_request(received_on=date(2026, 1, 31))
    with freeze_time(today):
        clock = queries.clock(request, today_in_london())

    assert (clock.days_left, clock.overdue, clock.due_soon, clock.words) == (
        days_left,
        overdue,
        due_soon,
        words,
    )


def test_the_list_and_the_home_page_show_an_overdue_request(client, lead, log_request):
    request = log_request(received_on=date(2026, 1, 31))
    with freeze_time("2026-03-02 12:00"):
        sign_in_session(client, lead)
        listed = visible_text(client.get("/subject-access"))
        home = visible_text(client.get("/"))
        overview = visible_text(client.get("/overview"))

    assert f"{request.reference} Sam Caller 31 January 2026 28 February 2026 2 days overdue" in (
        listed
    )
    assert f"{request.reference} : answer due 28 February 2026 2 days overdue" in home
    assert f"{request.reference} : answer due 28 February 2026 2 days overdue" in overview


def test_the_home_page_leaves_out_a_request_not_yet_due_soon(client, lead, log_request):
    request = log_request(received_on=date(2026, 1, 31))
    with freeze_time("2026-02-10 12:00"):
        sign_in_session(client, lead)
        home = visible_text(client.get("/"))

    assert request.reference not in home
    assert "No open request is overdue or due in the next week." in home


def _extend(client, request, **changes):
    data = {
        "extended_to": ["30", "4", "2026"],
        "reason": "Complex: records held by three services",
        "version": str(request.version),
        **changes,
    }
    return client.post(f"/subject-access/{request.id}/extend", data=data)


def test_an_extension_needs_a_reason_and_moves_the_due_day(client, lead, log_request):
    request = log_request(received_on=date(2026, 1, 31))
    with freeze_time("2026-02-20 12:00"):
        sign_in_session(client, lead)
        refused = _extend(client, request, reason="")
        assert "Enter the reason for the extension" in visible_text(refused)
        too_far = _extend(client, request, extended_to=["1", "5", "2026"])
        assert "extended by two further months at most: to 30 April 2026" in visible_text(too_far)
        response = _extend(client, request)
        assert response.status_code == 302
        clock = visible_text(client.get("/subject-access"))

    assert request.extended_to == date(2026, 4, 30)
    assert request.status is RequestStatus.EXTENDED
    assert request.answer_due_on == date(2026, 4, 30)
    assert "30 April 2026 Extended" in clock
    with freeze_time("2026-03-15 12:00"):
        assert not queries.clock(request, today_in_london()).overdue
    with freeze_time("2026-05-01 12:00"):
        assert queries.clock(request, today_in_london()).overdue
