"""Assigning cases: who may, reassignment with a reason, append-only history, picking up from
the team queue, telling the assignee, and each team's load."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from asb.auth.models import Role
from asb.cases import services
from asb.cases.models import Assignment, Case, TimelineEntry
from asb.cases.vocabulary import CaseStatus, TimelineKind
from asb.extensions import db
from asb.notifications.models import Notification, OutboxEmail
from asb.policy import Permission, can
from tests.factories import IncidentFactory, agency, make_case, make_user
from tests.helpers import case_references, error_summary, page_text, visible_text

REASON_NEEDED = "Enter why the case is being reassigned"


def assign_form(case: Case, officer=None, *, team: str | None = None, reason: str = "") -> dict:
    team_id = officer.agency_id if officer is not None else agency(team).id
    return {
        "agency": str(team_id),
        "officer": str(officer.id) if officer is not None else "",
        "reason": reason,
        "version": str(case.version),
    }


def history(case: Case) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment).where(Assignment.case_id == case.id).order_by(Assignment.id)
        )
    )


def notifications_of(user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.message)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def emails_to(user) -> list[OutboxEmail]:
    return list(
        db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.recipient == user.email).order_by(OutboxEmail.id)
        )
    )


# Who may assign


def test_manager_assigns_a_case_to_an_officer_of_their_agency(
    client, login_as, make_user, make_case
):
    manager = login_as(Role.MANAGER, "housing")
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing")

    response = client.post(f"/cases/{case.id}/assign", data=assign_form(case, officer))

    assert response.status_code == 302
    db.session.refresh(case)
    assert case.case_officer_id == officer.id
    assert case.assigned_agency_id == agency("housing").id
    latest = history(case)[-1]
    assert (latest.officer_id, latest.assigned_by_id, latest.ended_at) == (
        officer.id,
        manager.id,
        None,
    )


def test_manager_of_the_assigned_team_may_assign_though_not_the_lead(
    client, login_as, make_user, make_case
):
    login_as(Role.MANAGER, "barbican")
    officer = make_user(Role.OFFICER, "barbican")
    case = make_case("housing", team="barbican")

    response = client.post(f"/cases/{case.id}/assign", data=assign_form(case, officer))

    assert response.status_code == 302
    db.session.refresh(case)
    assert case.case_officer_id == officer.id


@pytest.mark.parametrize("partner", [False, True], ids=["uninvolved", "partner-on-the-case"])
def test_manager_of_another_agency_cannot_assign(client, login_as, make_user, make_case, partner):
    login_as(Role.MANAGER, "barbican")
    officer = make_user(Role.OFFICER, "barbican")
    case = make_case("housing", partners=["barbican"] if partner else [])

    assert client.get(f"/cases/{case.id}/assign").status_code == 403
    response = client.post(f"/cases/{case.id}/assign", data=assign_form(case, officer))

    assert response.status_code == 403
    db.session.refresh(case)
    assert case.case_officer_id is None
    assert len(history(case)) == 1


def test_manager_offers_only_their_own_agency_and_its_officers(
    client, login_as, make_user, make_case
):
    login_as(Role.MANAGER, "housing")
    make_user(Role.OFFICER, "housing", name="Priya Housing")
    theirs = make_user(Role.OFFICER, "barbican", name="Tom Barbican")
    case = make_case("housing")

    page = page_text(client.get(f"/cases/{case.id}/assign"))
    assert "Priya Housing" in page
    assert "Tom Barbican" not in page

    response = client.post(
        f"/cases/{case.id}/assign",
        data={**assign_form(case, theirs), "agency": str(agency("housing").id)},
    )
    assert response.status_code == 200
    assert ("#officer", "Select officer from the list") in error_summary(response)
    db.session.refresh(case)
    assert case.case_officer_id is None


def test_tampered_team_is_refused_with_a_message(client, login_as, make_user, make_case):
    login_as(Role.MANAGER, "housing")
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing")

    response = client.post(
        f"/cases/{case.id}/assign", data={**assign_form(case, officer), "agency": "housing"}
    )

    assert response.status_code == 200
    assert ("#agency", "Select team from the list") in error_summary(response)


def test_asb_lead_assigns_across_agencies(client, login_as, make_user, make_case):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    officer = make_user(Role.OFFICER, "street-enforcement")
    case = make_case("housing")

    response = client.post(f"/cases/{case.id}/assign", data=assign_form(case, officer))

    assert response.status_code == 302
    db.session.refresh(case)
    assert case.assigned_agency_id == agency("street-enforcement").id
    assert case.lead_agency_id == agency("housing").id
    assert case.case_officer_id == officer.id
    assert history(case)[-1].assigned_by_id == lead.id


def test_asb_lead_puts_a_case_in_another_teams_queue(client, login_as, make_case):
    login_as(Role.ASB_LEAD, "community-safety")
    case = make_case("housing")

    response = client.post(f"/cases/{case.id}/assign", data=assign_form(case, team="mcp"))

    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.assigned_agency_id, case.case_officer_id) == (agency("mcp").id, None)
    assert timeline_summaries(case)[-1] == "Assigned to Markets & Consumer Protection's team queue"


@pytest.mark.parametrize("agency_code", ["housing", "barbican"])
def test_officer_cannot_assign(client, login_as, make_user, make_case, agency_code):
    officer = login_as(Role.OFFICER, agency_code)
    case = make_case("housing", team="barbican")

    assert client.get(f"/cases/{case.id}/assign").status_code == 403
    response = client.post(f"/cases/{case.id}/assign", data=assign_form(case, officer))

    assert response.status_code == 403
    db.session.refresh(case)
    assert case.case_officer_id is None


def test_officer_of_another_agency_cannot_be_given_a_case_in_this_team(db_session, in_request):
    case = make_case("housing")
    with pytest.raises(services.CaseWorkflowError, match="is not in Housing, DCCS"):
        services.assign_case(
            case,
            agency=agency("housing"),
            officer=make_user(Role.OFFICER, "barbican", name="Tom Barbican"),
            actor=case.created_by,
        )


@pytest.mark.parametrize(
    ("role", "active"),
    [(Role.ADMIN, True), (Role.PARTNER, True), (Role.OFFICER, False)],
    ids=["admin", "partner-role", "deactivated"],
)
def test_only_active_case_workers_can_be_given_a_case(db_session, in_request, role, active):
    case = make_case("housing")
    someone = make_user(role, "housing", is_active_account=active)
    with pytest.raises(services.CaseWorkflowError, match="cannot take cases"):
        services.assign_case(case, agency=agency("housing"), officer=someone, actor=case.created_by)


def test_assigning_to_where_it_already_is_is_refused(db_session, in_request):
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=officer)
    with pytest.raises(services.CaseWorkflowError, match="already assigned there"):
        services.assign_case(
            case, agency=agency("housing"), officer=officer, actor=case.created_by, reason="x"
        )


# Reassigning needs a reason


def timeline_summaries(case: Case) -> list[str]:
    return list(
        db.session.scalars(
            select(TimelineEntry.summary)
            .where(TimelineEntry.case_id == case.id, TimelineEntry.kind == TimelineKind.ASSIGNMENT)
            .order_by(TimelineEntry.id)
        )
    )


@pytest.mark.parametrize("to_queue", [False, True], ids=["to-another-officer", "to-the-queue"])
def test_reassigning_away_from_an_officer_without_a_reason_is_refused(
    client, login_as, make_user, make_case, to_queue
):
    login_as(Role.MANAGER, "housing")
    first, second = make_user(Role.OFFICER, "housing"), make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=first)
    form = assign_form(case, team="housing") if to_queue else assign_form(case, second)

    response = client.post(f"/cases/{case.id}/assign", data=form)

    assert response.status_code == 200
    assert REASON_NEEDED in visible_text(response)
    db.session.refresh(case)
    assert case.case_officer_id == first.id
    assert len(history(case)) == 2


def test_missing_reassignment_reason_is_shown_against_the_reason_field(
    client, login_as, make_user, make_case
):
    login_as(Role.MANAGER, "housing")
    first, second = make_user(Role.OFFICER, "housing"), make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=first)

    response = client.post(f"/cases/{case.id}/assign", data=assign_form(case, second))

    assert error_summary(response) == [("#reason", REASON_NEEDED)]


def test_reassigning_with_a_reason_is_accepted_and_the_reason_kept(
    client, login_as, make_user, make_case
):
    login_as(Role.MANAGER, "housing")
    first = make_user(Role.OFFICER, "housing")
    second = make_user(Role.OFFICER, "housing", name="Bola Adeyemi")
    case = make_case("housing", officer=first)

    response = client.post(
        f"/cases/{case.id}/assign",
        data=assign_form(case, second, reason="Priya is on leave for a month"),
    )

    assert response.status_code == 302
    db.session.refresh(case)
    assert case.case_officer_id == second.id
    assert history(case)[-1].reason == "Priya is on leave for a month"
    assert timeline_summaries(case)[-1] == (
        "Assigned to Bola Adeyemi (Housing, DCCS): Priya is on leave for a month"
    )


def test_first_assignment_from_the_queue_needs_no_reason(db_session, in_request):
    case = make_case("housing")
    officer = make_user(Role.OFFICER, "housing")

    services.assign_case(case, agency=agency("housing"), officer=officer, actor=case.created_by)

    assert case.case_officer_id == officer.id


def test_assignment_history_is_append_only(db_session, in_request):
    manager = make_user(Role.MANAGER, "housing")
    first, second = make_user(Role.OFFICER, "housing"), make_user(Role.OFFICER, "housing")
    case = make_case("housing", actor=manager)
    opened = history(case)
    assert [(a.agency_id, a.officer_id, a.ended_at) for a in opened] == [
        (agency("housing").id, None, None)
    ]

    services.assign_case(case, agency=agency("housing"), officer=first, actor=manager)
    services.assign_case(
        case, agency=agency("housing"), officer=second, actor=manager, reason="Leave"
    )
    lead = make_user(Role.ASB_LEAD, "community-safety")  # across agencies
    services.assign_case(case, agency=agency("barbican"), officer=None, actor=lead, reason="Move")

    rows = history(case)
    assert [row.id for row in rows[:1]] == [opened[0].id]
    assert [(row.officer_id, row.reason) for row in rows] == [
        (None, None),
        (first.id, None),
        (second.id, "Leave"),
        (None, "Move"),
    ]
    assert all(row.ended_at is not None for row in rows[:-1])
    assert rows[-1].ended_at is None
    assert [row.ended_at for row in rows[:-1]] == [row.started_at for row in rows[1:]]
    assert services.current_assignment(case).id == rows[-1].id


# Picking up from the team queue


def test_officer_picks_up_a_case_from_their_team_queue(client, login_as, make_case):
    officer = login_as(Role.OFFICER, "housing")
    case = make_case("housing")
    queue = client.get("/cases/team")
    assert case.reference in case_references(queue)
    assert f"/cases/{case.id}/pick-up" in page_text(queue)

    response = client.post(f"/cases/{case.id}/pick-up")

    assert response.status_code == 302
    assert response.location == f"/cases/{case.id}"
    db.session.refresh(case)
    assert case.case_officer_id == officer.id
    assert [(a.officer_id, a.assigned_by_id) for a in history(case)][-1] == (
        officer.id,
        officer.id,
    )
    assert case_references(client.get("/cases")) == [case.reference]
    queue = client.get("/cases/team")
    assert f"/cases/{case.id}/pick-up" not in page_text(queue)


def test_officer_of_another_agency_cannot_pick_up(client, login_as, make_case):
    login_as(Role.OFFICER, "barbican")
    case = make_case("housing", partners=["barbican"])

    response = client.post(f"/cases/{case.id}/pick-up")

    assert response.status_code == 403
    db.session.refresh(case)
    assert case.case_officer_id is None
    assert f"/cases/{case.id}/pick-up" not in page_text(client.get(f"/cases/{case.id}"))


def test_a_case_someone_has_picked_up_cannot_be_picked_up_again(
    client, login_as, make_user, make_case
):
    login_as(Role.OFFICER, "housing")
    first = make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=first)

    response = client.post(f"/cases/{case.id}/pick-up")

    assert response.status_code == 403
    db.session.refresh(case)
    assert case.case_officer_id == first.id


def test_a_closed_case_cannot_be_picked_up(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing", status=CaseStatus.CLOSED)

    assert client.post(f"/cases/{case.id}/pick-up").status_code == 403


def test_pick_up_service_refuses_a_case_with_an_officer(db_session, in_request):
    case = make_case("housing", officer=make_user(Role.OFFICER, "housing"))
    with pytest.raises(services.CaseWorkflowError, match="already picked up"):
        services.pick_up_case(case, officer=make_user(Role.OFFICER, "housing"))


# Telling the assignee


def test_assignee_is_told_in_the_app_and_by_email_without_personal_details(
    client, login_as, make_user, make_case
):
    login_as(Role.MANAGER, "housing")
    officer = make_user(Role.OFFICER, "housing")
    incident = IncidentFactory(reporter_name="Margaret Okonkwo", reporter_phone="020 7946 0999")
    case = make_case("housing", incidents=[incident], title="Noise in Crescent House")

    client.post(f"/cases/{case.id}/assign", data=assign_form(case, officer))

    message = f"Case {case.reference} has been assigned to you"
    assert notifications_of(officer) == [message]
    [email] = emails_to(officer)
    assert email.subject == f"asb: {message}"
    assert case.reference in email.body
    assert f"http://localhost/cases/{case.id}" in email.body
    for personal in ("Margaret Okonkwo", "020 7946 0999", incident.reporter_email):
        assert personal not in email.body
        assert personal not in email.subject


def test_assigning_a_case_to_yourself_sends_you_nothing(client, login_as, make_case):
    manager = login_as(Role.MANAGER, "housing")
    case = make_case("housing")

    response = client.post(f"/cases/{case.id}/assign", data=assign_form(case, manager))

    assert response.status_code == 302
    assert notifications_of(manager) == []
    assert emails_to(manager) == []


def test_putting_a_case_in_the_queue_tells_no_one(db_session, in_request):
    case = make_case("housing")
    before = db.session.query(Notification).count()

    lead = make_user(Role.ASB_LEAD, "community-safety")
    services.assign_case(case, agency=agency("barbican"), officer=None, actor=lead)

    assert db.session.query(Notification).count() == before


# Team load


def test_assign_page_shows_each_officers_open_cases(client, login_as, make_user, make_case):
    login_as(Role.MANAGER, "housing")
    busy = make_user(Role.OFFICER, "housing", name="Busy Officer")
    make_user(Role.OFFICER, "housing", name="Free Officer")
    make_case("housing", officer=busy)
    make_case("housing", officer=busy)
    make_case("housing", officer=busy, status=CaseStatus.CLOSED)
    case = make_case("housing")

    text = visible_text(client.get(f"/cases/{case.id}/assign"))

    assert "Busy Officer (Housing, DCCS): 2" in text
    assert "Free Officer (Housing, DCCS): 0" in text


def test_team_page_lists_the_queue_and_each_officers_load(client, login_as, make_user, make_case):
    login_as(Role.MANAGER, "housing")
    busy = make_user(Role.OFFICER, "housing", name="Busy Officer")
    single = make_user(Role.OFFICER, "housing", name="Single Officer")
    make_case("housing", officer=busy)
    make_case("housing", officer=busy)
    make_case("housing", officer=single)
    make_case("housing", officer=single, status=CaseStatus.CLOSED)
    waiting = make_case("housing")
    elsewhere = make_case("barbican")

    response = client.get("/cases/team")
    text = visible_text(response)

    assert "Busy Officer: 2 open cases" in text
    assert "Single Officer: 1 open case" in text
    references = case_references(response)
    assert waiting.reference in references
    assert elsewhere.reference not in references
    assert len(references) == 4


# Partner agencies


def test_manager_adds_a_partner_agency_who_then_sees_the_case_but_not_personal_details(
    client, login_as, make_case
):
    login_as(Role.MANAGER, "housing")
    case = make_case("housing")

    form = client.get(f"/cases/{case.id}/partners")
    assert "Housing, DCCS</option>" not in form.get_data(as_text=True)  # already on it
    response = client.post(f"/cases/{case.id}/partners", data={"agency": agency("barbican").id})

    assert response.status_code == 302
    db.session.refresh(case)
    assert agency("barbican").id in case.partner_agency_ids
    barbican = make_user(Role.OFFICER, "barbican")
    assert can(barbican, Permission.VIEW_CASE, case)
    assert not can(barbican, Permission.VIEW_CASE_PERSONAL_DETAILS, case)
    entries = db.session.scalars(
        select(TimelineEntry.summary).where(TimelineEntry.case_id == case.id)
    ).all()
    assert "Barbican Estates added as a partner" in entries


@pytest.mark.parametrize(("role", "code"), [(Role.OFFICER, "housing"), (Role.MANAGER, "mcp")])
def test_only_managers_of_the_case_and_the_lead_add_partners(
    client, login_as, make_case, role, code
):
    login_as(role, code)
    case = make_case("housing")

    response = client.post(f"/cases/{case.id}/partners", data={"agency": agency("barbican").id})

    assert response.status_code == 403
    db.session.refresh(case)
    assert not case.partner_agency_ids


def test_tampered_partner_agency_is_refused_with_a_message(client, login_as, make_case):
    login_as(Role.ASB_LEAD, "community-safety")
    case = make_case("housing")

    response = client.post(f"/cases/{case.id}/partners", data={"agency": agency("housing").id})

    assert ("#agency", "Select partner agency from the list") in error_summary(response)


def test_a_manager_is_told_only_the_asb_lead_assigns_across_agencies(
    client, login_as, make_case
):
    login_as(Role.MANAGER, "housing")
    case = make_case("housing")

    page = visible_text(client.get(f"/cases/{case.id}/assign"))

    assert "Only the ASB lead assigns a case to another agency's team" in page


def test_the_asb_lead_is_not_told_to_ask_the_asb_lead(client, login_as, make_case):
    login_as(Role.ASB_LEAD, "community-safety")
    case = make_case("housing")

    page = visible_text(client.get(f"/cases/{case.id}/assign"))

    assert "Only the ASB lead assigns" not in page


def test_each_officer_offered_is_tagged_with_their_team_for_the_page_to_filter(
    client, login_as, make_user, make_case
):
    login_as(Role.ASB_LEAD, "community-safety")
    priya = make_user(Role.OFFICER, "housing", name="Priya Housing")
    tom = make_user(Role.OFFICER, "barbican", name="Tom Barbican")
    case = make_case("housing")

    soup = BeautifulSoup(client.get(f"/cases/{case.id}/assign").text, "html.parser")
    teams = json.loads(soup.select_one("[data-asb-officer-teams]")["data-asb-officer-teams"])

    assert teams[str(priya.id)] == str(agency("housing").id)
    assert teams[str(tom.id)] == str(agency("barbican").id)


def test_the_asb_lead_cannot_give_a_team_an_officer_of_another_team(
    client, login_as, make_user, make_case
):
    login_as(Role.ASB_LEAD, "community-safety")
    tom = make_user(Role.OFFICER, "barbican", name="Tom Barbican")
    case = make_case("housing")

    response = client.post(
        f"/cases/{case.id}/assign",
        data={**assign_form(case, tom), "agency": str(agency("housing").id)},
    )

    assert response.status_code == 200
    assert ("#officer", "Tom Barbican is not in the team you selected") in error_summary(response)
    db.session.refresh(case)
    assert case.case_officer_id is None
