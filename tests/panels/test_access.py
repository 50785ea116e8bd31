"""Who may reach the panel meeting pages: the ASB lead runs them; managers of the City's
agencies attending read the meeting; everyone else is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from asb.auth.models import Role
from asb.extensions import db
from asb.panels.models import PanelMeeting
from tests.helpers import visible_text

USERS = {
    "asb lead": (Role.ASB_LEAD, "community-safety"),
    "manager of an attending agency": (Role.MANAGER, "housing"),
    "officer of an attending agency": (Role.OFFICER, "housing"),
    "manager of an agency not attending": (Role.MANAGER, "barbican"),
    "police partner (attending)": (Role.PARTNER, "city-police"),
    "admin": (Role.ADMIN, "community-safety"),
}
READERS = {"asb lead", "manager of an attending agency"}
MANAGERS = {"asb lead"}
LISTERS = {"asb lead", "manager of an attending agency", "manager of an agency not attending"}


@pytest.fixture
def meeting(make_meeting, make_user, make_case):
    lead = make_user(Role.ASB_LEAD, "community-safety")
    return make_meeting(lead, ("community-safety", "housing", "city-police"), cases=[make_case()])


def _pages(meeting: PanelMeeting) -> dict[str, tuple[str, set[str]]]:
    item = meeting.agenda[0]
    housing = next(a for a in meeting.agencies if a.code == "housing")
    return {
        "the meeting": (f"/panels/{meeting.id}", READERS),
        "plan a meeting": ("/panels/new", MANAGERS),
        "add to the agenda": (f"/panels/{meeting.id}/agenda", MANAGERS),
        "record a decision": (f"/panels/{meeting.id}/agenda/{item.id}", MANAGERS),
        "a pack": (f"/panels/{meeting.id}/packs/{housing.id}", MANAGERS),
    }


@pytest.mark.parametrize("who", USERS)
def test_the_list_of_meetings(client, login_as, meeting, who):
    login_as(*USERS[who])
    response = client.get("/panels")
    assert response.status_code == (200 if who in LISTERS else 403)
    if who in LISTERS:
        shown = meeting.reference in visible_text(response)
        assert shown is (who in READERS)


@pytest.mark.parametrize(
    "page", ["the meeting", "plan a meeting", "add to the agenda", "record a decision", "a pack"]
)
@pytest.mark.parametrize("who", USERS)
def test_the_pages_of_a_meeting(client, login_as, meeting, who, page):
    login_as(*USERS[who])
    path, allowed = _pages(meeting)[page]
    assert client.get(path).status_code == (200 if who in allowed else 403)


@pytest.mark.parametrize("who", sorted(set(USERS) - MANAGERS))
def test_only_the_lead_changes_a_meeting(client, login_as, meeting, make_case, who):
    login_as(*USERS[who])
    case = make_case()
    before = db.session.scalar(select(func.count()).select_from(PanelMeeting))
    item = meeting.agenda[0]
    for path, data in [
        ("/panels/new", {"place": "Guildhall"}),
        (f"/panels/{meeting.id}/agenda", {"reference": case.reference, "reason": "lead-choice"}),
        (f"/panels/{meeting.id}/agenda/{item.id}", {"discussion": "x", "decision": "y"}),
        (f"/panels/{meeting.id}/agenda/{item.id}/remove", {}),
        (f"/panels/{meeting.id}/held", {}),
        (f"/panels/{meeting.id}/cancel", {}),
    ]:
        assert client.post(path, data=data).status_code == 403, path
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PanelMeeting)) == before
    assert len(meeting.agenda) == 1 and meeting.agenda[0].decision is None


def test_a_manager_reads_the_meeting_without_the_lead_s_controls(client, login_as, meeting):
    login_as(Role.MANAGER, "housing")
    page = visible_text(client.get(f"/panels/{meeting.id}"))
    assert meeting.agenda[0].case.reference in page
    for control in ("Add a case to the agenda", "Mark as held", "Record the decision", "Pack for"):
        assert control not in page


def test_a_restricted_case_on_the_agenda_is_not_named_to_those_who_may_not_see_it(
    client, login_as, make_case, make_meeting, make_user
):
    lead = make_user(Role.ASB_LEAD, "community-safety")
    restricted = make_case("barbican", restricted=True, title="Safeguarding concern")
    meeting = make_meeting(lead, ("community-safety", "housing"), cases=[restricted])
    login_as(Role.MANAGER, "housing")
    page = visible_text(client.get(f"/panels/{meeting.id}"))
    assert restricted.reference not in page and "Safeguarding concern" not in page
    assert "No cases on the agenda that you can see" in page
