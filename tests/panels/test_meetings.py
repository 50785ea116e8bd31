"""Planning a meeting, its agenda, decisions and actions onto the case, and marking it held:
through the pages, as the ASB lead does it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.cases.models import CaseAction, TimelineEntry
from asb.extensions import db
from asb.panels.models import AgendaItem, PanelMeeting
from asb.panels.vocabulary import MeetingStatus
from asb.submissions import new_key
from tests.factories import agency
from tests.helpers import date_parts, error_summary, visible_text


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def meeting_form(**changes) -> dict:
    data = {
        "day": date_parts(today_in_london() + timedelta(days=14)),
        "time": "10:00",
        "place": "Committee Room 2, Guildhall",
        "chair": "",
        "agencies": [str(agency("housing").id), str(agency("city-police").id)],
        "notes": "",
    }
    data.update(changes)
    return data


def test_the_lead_plans_a_meeting_once_however_often_the_form_is_sent(client, login_as):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    data = {**meeting_form(chair=str(lead.id)), "submission_key": new_key()}
    first = client.post("/panels/new", data=data)
    again = client.post("/panels/new", data=data)
    assert first.status_code == again.status_code == 302
    assert again.location == first.location
    assert _count(PanelMeeting) == 1
    meeting = db.session.scalar(select(PanelMeeting))
    assert {a.code for a in meeting.agencies} == {"housing", "city-police"}
    assert meeting.status is MeetingStatus.PLANNED
    page = visible_text(client.get(first.location))
    assert meeting.reference in page
    assert "Housing" in page and "City of London Police" in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panel.planned"))


def test_a_meeting_needs_its_date_time_place_chair_and_agencies(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    response = client.post(
        "/panels/new",
        data=meeting_form(day=["", "", ""], time="", place="", agencies=[]),
    )
    assert response.status_code == 200
    messages = [text for _, text in error_summary(response)]
    assert messages == [
        "Enter the date of the meeting",
        "Enter the time the meeting starts, like 10:00",
        "Enter where the meeting is held",
        "Select who chairs it",
        "Select the agencies attending",
    ]
    assert _count(PanelMeeting) == 0


def test_a_case_goes_on_the_agenda_once(client, login_as, make_case, make_meeting):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    case = make_case()
    meeting = make_meeting(lead)
    data = {
        "reference": case.reference.lower(),
        "reason": "lead-choice",
        "note": "Neighbours report it weekly",
        "submission_key": new_key(),
    }
    first = client.post(f"/panels/{meeting.id}/agenda", data=data)
    again = client.post(f"/panels/{meeting.id}/agenda", data=data)
    assert first.status_code == again.status_code == 302
    assert _count(AgendaItem) == 1
    # A new submission of the same case is refused, with a message.
    refused = client.post(
        f"/panels/{meeting.id}/agenda", data={**data, "submission_key": new_key()}
    )
    assert refused.status_code == 200
    assert f"Case {case.reference} is already on the agenda" in visible_text(refused)
    page = visible_text(client.get(f"/panels/{meeting.id}"))
    assert case.reference in page and "Neighbours report it weekly" in page


def test_an_unknown_reference_is_refused(client, login_as, make_meeting):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    meeting = make_meeting(lead)
    response = client.post(
        f"/panels/{meeting.id}/agenda",
        data={"reference": "ASB-C-1999-00001", "reason": "lead-choice"},
    )
    assert response.status_code == 200
    assert error_summary(response) == [("#reference", "No case you can see has this reference")]


def test_the_decision_and_action_go_onto_the_case(
    client, login_as, make_case, make_meeting, make_user
):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    owner = make_user(Role.OFFICER, "housing")
    case = make_case()
    meeting = make_meeting(lead, cases=[case])
    item = meeting.agenda[0]
    due = today_in_london() + timedelta(days=10)
    data = {
        "discussion": "Three reports since the last panel",
        "decision": "Send a warning letter",
        "action_description": "Write to the tenant of flat 12",
        "action_owner": str(owner.id),
        "action_due_on": date_parts(due),
        "submission_key": new_key(),
    }
    first = client.post(f"/panels/{meeting.id}/agenda/{item.id}", data=data)
    again = client.post(f"/panels/{meeting.id}/agenda/{item.id}", data=data)
    assert first.status_code == again.status_code == 302
    actions = db.session.scalars(select(CaseAction).where(CaseAction.case_id == case.id)).all()
    assert [(a.description, a.owner_id, a.due_on) for a in actions] == [
        ("Write to the tenant of flat 12", owner.id, due)
    ]
    notes = db.session.scalars(
        select(TimelineEntry.summary).where(
            TimelineEntry.case_id == case.id, TimelineEntry.summary.like("Discussed at%")
        )
    ).all()
    assert len(notes) == 1
    assert meeting.reference in notes[0] and "Decision: Send a warning letter" in notes[0]
    case_page = visible_text(client.get(f"/cases/{case.id}"))
    assert "ASB panel meetings" in case_page
    assert f"{meeting.reference}" in case_page
    assert "Decision: Send a warning letter" in case_page
    assert "Write to the tenant of flat 12" in case_page


def test_an_action_needs_its_owner_and_date(client, login_as, make_case, make_meeting):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    case = make_case()
    meeting = make_meeting(lead, cases=[case])
    response = client.post(
        f"/panels/{meeting.id}/agenda/{meeting.agenda[0].id}",
        data={
            "discussion": "Discussed",
            "decision": "Act",
            "action_description": "Visit",
            "action_owner": "",
            "action_due_on": ["", "", ""],
        },
    )
    assert response.status_code == 200
    assert [text for _, text in error_summary(response)] == [
        "Select who owns the action",
        "Enter the date the action is due",
    ]
    assert _count(CaseAction) == 0


def test_marking_held_settles_the_agenda(client, login_as, make_case, make_meeting):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    meeting = make_meeting(lead)
    assert client.post(f"/panels/{meeting.id}/held").status_code == 302
    db.session.refresh(meeting)
    assert meeting.status is MeetingStatus.HELD
    page = visible_text(client.get(f"/panels/{meeting.id}"))
    assert "Held" in page and "Mark as held" not in page
    case = make_case()
    response = client.post(
        f"/panels/{meeting.id}/agenda", data={"reference": case.reference, "reason": "lead-choice"}
    )
    assert response.status_code == 302
    assert _count(AgendaItem) == 0
    # Held once: cancelling it now is refused.
    client.post(f"/panels/{meeting.id}/cancel")
    db.session.refresh(meeting)
    assert meeting.status is MeetingStatus.HELD


def test_whoever_sees_the_case_sees_the_meetings_it_was_discussed_at(
    client, login_as, make_case, make_meeting, make_user
):
    lead = make_user(Role.ASB_LEAD, "community-safety")
    case = make_case()
    meeting = make_meeting(lead, ("community-safety", "barbican"), cases=[case])
    item = meeting.agenda[0]
    item.decision = "Refer to the tenancy team"
    db.session.commit()
    login_as(Role.OFFICER, "housing")
    response = client.get(f"/cases/{case.id}")
    page = visible_text(response)
    assert f"ASB panel meetings {meeting.reference}" in page
    assert "Decision: Refer to the tenancy team" in page
    # Housing does not attend: the meeting is named, not linked.
    assert f"/panels/{meeting.id}" not in response.get_data(as_text=True)


def test_a_case_never_on_an_agenda_has_no_panel_section(client, login_as, make_case):
    login_as(Role.ASB_LEAD, "community-safety")
    case = make_case()
    assert "ASB panel meetings" not in visible_text(client.get(f"/cases/{case.id}"))


def test_a_case_is_taken_off_the_agenda_until_a_decision_is_recorded(
    client, login_as, make_case, make_meeting
):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    first, second, third = make_case(), make_case(), make_case()
    meeting = make_meeting(lead, cases=[first, second, third])
    items = {item.case_id: item.id for item in meeting.agenda}
    response = client.post(f"/panels/{meeting.id}/agenda/{items[first.id]}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert [(item.case_id, item.position) for item in meeting.agenda] == [
        (second.id, 1),
        (third.id, 2),
    ]
    meeting.agenda[0].decision = "Keep monitoring"
    db.session.commit()
    client.post(f"/panels/{meeting.id}/agenda/{items[second.id]}/remove")
    db.session.expire_all()
    assert [item.case_id for item in meeting.agenda] == [second.id, third.id]
    page = visible_text(client.get(f"/panels/{meeting.id}"))
    assert f"The decision on case {second.reference} is recorded: it stays" in page
