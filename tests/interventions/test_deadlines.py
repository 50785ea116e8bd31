"""The deadlines list: clocks coming up on the cases the user may see, soonest first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from asb.auth.models import Role
from asb.calendar import add_months, today_in_london
from asb.cases.vocabulary import CaseStatus
from asb.extensions import db
from asb.interventions import services
from asb.interventions.rules import InterventionKind
from tests.factories import UserFactory

CPW = InterventionKind.COMMUNITY_PROTECTION_WARNING
CPN = InterventionKind.COMMUNITY_PROTECTION_NOTICE
ABC = InterventionKind.ACCEPTABLE_BEHAVIOUR_CONTRACT
_ROW = re.compile(r'<tr class="govuk-table__row">(.*?)</tr>', re.S)


@pytest.fixture
def record(app, db_session):
    def make(case, kind, issued_on, **fields):
        actor = UserFactory(role=Role.OFFICER, agency=case.lead_agency)
        details = services.InterventionDetails(kind=kind, issued_on=issued_on, **fields)
        with app.test_request_context():
            intervention = services.record_intervention(case, details, actor=actor)
        db.session.commit()
        return intervention

    return make


def notice_with_appeal_in(record, case, days: int):
    """A CPN whose 21-day appeal window ends `days` from today."""
    issued = today_in_london() - timedelta(days=20 - days)
    record(case, CPW, issued - timedelta(days=1))
    return record(case, CPN, issued)


def rows(response) -> list[str]:
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in _ROW.findall(body)][1:]


@pytest.fixture
def cases(open_case, record):
    """Street Enforcement's cases, and a Housing case they may not see."""
    ours = open_case("street-enforcement", title="Ours")
    soon = open_case("street-enforcement", title="Soon")
    theirs = open_case("housing", title="Theirs")
    notice_with_appeal_in(record, ours, 10)
    notice_with_appeal_in(record, soon, 2)
    notice_with_appeal_in(record, theirs, 5)
    # A contract whose three-month review has passed, still in force: overdue.
    record(ours, ABC, add_months(today_in_london(), -4))
    return ours, soon, theirs


def test_officer_sees_only_their_cases_deadlines_soonest_first_overdue_highlighted(
    client, officer, cases
):
    listed = rows(client.get("/interventions/deadlines"))
    assert len(listed) == 3
    overdue, first, second = listed
    assert "Overdue" in overdue and "review due" in overdue and "Ours" in overdue
    assert "appeal deadline" in first and "Soon" in first and "Overdue" not in first
    assert "appeal deadline" in second and "Ours" in second
    assert not any("Theirs" in row for row in listed)


def test_the_window_can_be_shortened(client, officer, cases):
    listed = rows(client.get("/interventions/deadlines?within=7"))
    assert [("Soon" in row, "Ours" in row) for row in listed] == [(False, True), (True, False)]


def test_asb_lead_sees_every_agency_s_deadlines(client, login_as, cases):
    login_as(Role.ASB_LEAD, "community-safety")
    listed = rows(client.get("/interventions/deadlines"))
    assert len(listed) == 4
    assert "Theirs" in listed[2]


def test_overdue_review_drops_off_when_the_case_closes(client, officer, cases):
    ours, _, _ = cases
    ours.status = CaseStatus.CLOSED
    db.session.commit()
    listed = rows(client.get("/interventions/deadlines"))
    assert not any("Overdue" in row for row in listed)
    assert len(listed) == 2


def test_restricted_case_deadlines_are_hidden_from_partners(client, login_as, open_case, record):
    hidden = open_case("street-enforcement", restricted=True, partners=("housing",))
    notice_with_appeal_in(record, hidden, 3)
    login_as(Role.OFFICER, "housing")
    assert rows(client.get("/interventions/deadlines")) == []


@pytest.mark.parametrize("within", ["", "abc", "0", "99999", "²"])
def test_odd_windows_are_read_safely(client, officer, within):
    assert client.get(f"/interventions/deadlines?within={within}").status_code == 200


@pytest.mark.parametrize(
    ("role", "agency_code", "status"),
    [
        (Role.OFFICER, "barbican", 200),
        (Role.MANAGER, "housing", 200),
        (Role.PARTNER, "city-police", 403),
        (Role.ADMIN, "community-safety", 403),
    ],
)
def test_who_may_see_the_deadlines_list(client, login_as, role, agency_code, status):
    login_as(role, agency_code)
    assert client.get("/interventions/deadlines").status_code == status


def test_deadlines_need_signing_in(client, db_session):
    assert client.get("/interventions/deadlines").status_code == 302
