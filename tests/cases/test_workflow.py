"""The corporate process's workflow: statuses, closing and reopening, references, linked
incidents and the optimistic lock that stops two officers overwriting each other."""

from __future__ import annotations

import re
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.auth.models import Role
from asb.cases import services
from asb.cases.assessments import record_risk_assessment, risk_matrix
from asb.cases.models import Case, CaseAction, TimelineEntry
from asb.cases.vocabulary import ActionState, CaseOutcome, CaseStatus, TimelineKind
from asb.database import utcnow
from asb.extensions import db
from asb.incidents.models import IncidentChange
from asb.incidents.vocabulary import IncidentSource, IncidentStatus
from tests.factories import IncidentFactory, agency, make_action, make_case, make_user
from tests.helpers import error_summary, form_version, page_text

OPEN, INVESTIGATING, ACTION, MONITORING, CLOSED = (
    CaseStatus.OPEN,
    CaseStatus.INVESTIGATING,
    CaseStatus.ACTION,
    CaseStatus.MONITORING,
    CaseStatus.CLOSED,
)
STALE = "changed since you opened it, so your change has not been saved"

# Which moves the process allows: work moves forward or back between the working stages
# (never back to "open"), any of them can close, and a closed case can only be reopened.
# fmt: off
ALLOWED = {
    #               open   investigating action monitoring closed
    OPEN:          [False, True,         True,  True,      True],
    INVESTIGATING: [False, False,        True,  True,      True],
    ACTION:        [False, True,         False, True,      True],
    MONITORING:    [False, True,         True,  False,     True],
    CLOSED:        [True,  False,        False, False,     False],
}
# fmt: on
MOVES = [
    pytest.param(start, target, ALLOWED[start][index], id=f"{start.value}-to-{target.value}")
    for start in CaseStatus
    for index, target in enumerate(CaseStatus)
]


def timeline_of(case: Case, kind: TimelineKind | None = None) -> list[TimelineEntry]:
    query = select(TimelineEntry).where(TimelineEntry.case_id == case.id)
    if kind is not None:
        query = query.where(TimelineEntry.kind == kind)
    return list(db.session.scalars(query.order_by(TimelineEntry.id)))


def test_the_table_covers_every_status_in_the_vocabulary():
    assert set(ALLOWED) == set(CaseStatus)
    assert all(len(row) == len(CaseStatus) for row in ALLOWED.values())


@pytest.mark.parametrize(("start", "target", "allowed"), MOVES)
def test_vocabulary_allows_exactly_the_moves_in_the_table(start, target, allowed):
    assert start.can_move_to(target) is allowed
    assert (target in start.next_statuses()) is allowed


@pytest.mark.parametrize(("start", "target", "allowed"), MOVES)
def test_services_make_allowed_moves_and_refuse_the_rest(
    db_session, in_request, start, target, allowed
):
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", status=start)

    def move():
        if target is CLOSED:
            services.close_case(
                case, outcome=CaseOutcome.RESOLVED, closing_summary="Sorted", actor=officer
            )
        elif start is CLOSED and target is OPEN:
            services.reopen_case(case, reason="The music started again", actor=officer)
        else:
            services.change_case_status(case, target, actor=officer)

    if allowed:
        move()
        assert case.status is target
    else:
        with pytest.raises(services.CaseWorkflowError):
            move()
        assert case.status is start


def test_closing_through_change_status_is_refused_with_the_way_to_close(db_session, in_request):
    case = make_case()
    with pytest.raises(services.CaseWorkflowError, match="with an outcome and a closing summary"):
        services.change_case_status(case, CLOSED, actor=case.created_by)
    assert case.status is OPEN


@pytest.mark.parametrize("start", [OPEN, INVESTIGATING, ACTION, MONITORING])
def test_status_page_offers_only_the_allowed_working_statuses(client, login_as, make_case, start):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing", status=start)

    response = client.get(f"/cases/{case.id}/status")

    offered = set(re.findall(r'name="status" type="radio" value="([a-z-]+)"', page_text(response)))
    expected = {s.value for s in CaseStatus if ALLOWED[start][list(CaseStatus).index(s)]}
    assert offered == expected - {CLOSED.value}


def test_status_page_refuses_a_move_the_process_does_not_allow(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing", status=INVESTIGATING)

    response = client.post(
        f"/cases/{case.id}/status", data={"status": "open", "version": case.version}
    )

    assert response.status_code == 200
    assert error_summary(response) == [("#status", "Select new status from the list")]
    db.session.refresh(case)
    assert case.status is INVESTIGATING


def test_status_change_goes_on_the_timeline_with_who_and_what(client, login_as, make_case):
    officer = login_as(Role.OFFICER, "housing")
    case = make_case("housing")

    response = client.post(
        f"/cases/{case.id}/status", data={"status": "investigating", "version": case.version}
    )

    assert response.status_code == 302
    entry = timeline_of(case, TimelineKind.STATUS)[-1]
    assert entry.actor_id == officer.id
    assert entry.summary == "Status changed from Open to Investigating"
    assert entry.detail == {"previous": "open", "status": "investigating"}


def test_every_change_adds_one_timeline_entry(db_session, in_request):
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing")
    assert [e.kind for e in timeline_of(case)] == [TimelineKind.OPENED]

    services.change_case_status(case, INVESTIGATING, actor=officer)
    services.change_case_status(case, ACTION, actor=officer)
    services.close_case(
        case, outcome=CaseOutcome.NO_FURTHER_ACTION, closing_summary="Moved", actor=officer
    )
    services.reopen_case(case, reason="They came back", actor=officer)

    entries = timeline_of(case)
    assert [e.kind for e in entries] == [TimelineKind.OPENED] + [TimelineKind.STATUS] * 4
    assert [e.summary for e in entries[1:]] == [
        "Status changed from Open to Investigating",
        "Status changed from Investigating to Action under way",
        "Case closed: No further action. Moved",
        "Case reopened: They came back",
    ]
    assert entries[3].detail["outcome"] == "no-further-action"
    assert all(e.actor_id == officer.id for e in entries[1:])


# Closing


@pytest.mark.parametrize(
    ("outcome", "summary", "expected"),
    [
        pytest.param("", "Sorted", [("#outcome", "Select the outcome of the case")], id="outcome"),
        pytest.param(
            "resolved", "", [("#closing_summary", "Enter a closing summary")], id="summary"
        ),
        pytest.param(
            "resolved", "   ", [("#closing_summary", "Enter a closing summary")], id="blank"
        ),
        pytest.param(
            "",
            "",
            [
                ("#outcome", "Select the outcome of the case"),
                ("#closing_summary", "Enter a closing summary"),
            ],
            id="both",
        ),
        pytest.param(
            "made-up", "Sorted", [("#outcome", "Select outcome from the list")], id="tampered"
        ),
    ],
)
def test_closing_needs_an_outcome_and_a_summary(
    client, login_as, make_case, outcome, summary, expected
):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing")

    response = client.post(
        f"/cases/{case.id}/close",
        data={"outcome": outcome, "closing_summary": summary, "version": case.version},
    )

    assert response.status_code == 200
    assert error_summary(response) == expected
    db.session.refresh(case)
    assert case.status is OPEN
    assert case.outcome is None


def test_close_service_refuses_a_blank_summary(db_session, in_request):
    case = make_case()
    with pytest.raises(services.CaseWorkflowError, match="Enter a closing summary"):
        services.close_case(
            case, outcome=CaseOutcome.RESOLVED, closing_summary=" \n ", actor=case.created_by
        )
    assert case.status is OPEN


def test_closing_records_outcome_summary_and_time(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing", status=MONITORING)

    response = client.post(
        f"/cases/{case.id}/close",
        data={
            "outcome": "victim-withdrew",
            "closing_summary": "The victim asked us to stop",
            "version": case.version,
        },
    )

    assert response.status_code == 302
    db.session.refresh(case)
    assert case.status is CLOSED
    assert case.outcome is CaseOutcome.VICTIM_WITHDREW
    assert case.closing_summary == "The victim asked us to stop"
    assert case.closed_at is not None


def test_closing_cancels_open_actions_and_leaves_finished_ones(db_session, in_request):
    case = make_case("housing")
    officer = make_user(Role.OFFICER, "housing")
    first = make_action(case, officer, date(2026, 12, 1), description="Visit the victim")
    second = make_action(case, officer, date(2026, 12, 2), description="Write to the tenant")
    done = make_action(case, officer, date(2026, 12, 3), description="Check CCTV")
    services.complete_action(done, actor=officer)

    services.close_case(case, outcome=CaseOutcome.RESOLVED, closing_summary="Sorted", actor=officer)

    states = {
        action.description: action.state
        for action in db.session.scalars(select(CaseAction).where(CaseAction.case_id == case.id))
    }
    assert states == {
        "Visit the victim": ActionState.CANCELLED,
        "Write to the tenant": ActionState.CANCELLED,
        "Check CCTV": ActionState.DONE,
    }
    assert first.completed_at is not None and second.completed_at is not None
    assert services.open_actions_for(case) == []
    assert timeline_of(case, TimelineKind.STATUS)[-1].detail["cancelled_actions"] == 2


def test_closing_an_already_closed_case_is_refused(db_session, in_request):
    case = make_case(status=CLOSED)
    with pytest.raises(services.CaseWorkflowError, match="already closed"):
        services.close_case(
            case, outcome=CaseOutcome.RESOLVED, closing_summary="Again", actor=case.created_by
        )


# Reopening


def test_reopen_is_refused_unless_the_case_is_closed(db_session, in_request):
    case = make_case(status=MONITORING)
    with pytest.raises(services.CaseWorkflowError, match="Only a closed case can be reopened"):
        services.reopen_case(case, reason="Just because", actor=case.created_by)
    assert case.status is MONITORING


def test_reopen_page_for_an_open_case_goes_back_to_the_case(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing")

    response = client.post(
        f"/cases/{case.id}/reopen", data={"reason": "Again", "version": case.version}
    )

    assert response.status_code == 302
    assert response.location == f"/cases/{case.id}"
    assert len(timeline_of(case, TimelineKind.STATUS)) == 0


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopening_needs_a_reason(client, login_as, make_case, reason):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing", status=CLOSED)

    response = client.post(
        f"/cases/{case.id}/reopen", data={"reason": reason, "version": case.version}
    )

    assert response.status_code == 200
    assert error_summary(response) == [("#reason", "Enter why the case is being reopened")]
    db.session.refresh(case)
    assert case.status is CLOSED


def test_reopen_service_refuses_a_blank_reason(db_session, in_request):
    case = make_case(status=CLOSED)
    with pytest.raises(services.CaseWorkflowError, match="Enter why the case is being reopened"):
        services.reopen_case(case, reason="  ", actor=case.created_by)
    assert case.status is CLOSED


def test_reopening_clears_the_outcome_and_sets_a_new_review_date(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing", status=CLOSED, review_due=date(2026, 1, 5))

    response = client.post(
        f"/cases/{case.id}/reopen",
        data={"reason": "The music started again", "version": case.version},
    )

    assert response.status_code == 302
    db.session.refresh(case)
    assert case.status is OPEN
    assert (case.outcome, case.closing_summary, case.closed_at) == (None, None, None)
    assert case.review_due > utcnow().date()
    assert timeline_of(case, TimelineKind.STATUS)[-1].summary == (
        "Case reopened: The music started again"
    )


# A closed case cannot be worked until it is reopened


def test_closed_case_refuses_every_change(db_session, in_request):
    case = make_case("housing", status=CLOSED)
    officer = make_user(Role.OFFICER, "housing")
    refusals = {
        "status": lambda: services.change_case_status(case, INVESTIGATING, actor=officer),
        "assign": lambda: services.assign_case(
            case, agency=officer.agency, officer=officer, actor=officer
        ),
        "action": lambda: services.add_action(
            case, description="Visit", owner=officer, due_on=date(2026, 12, 1), actor=officer
        ),
        "review": lambda: services.record_review(
            case, note="Looked again", next_review_due=date(2026, 12, 1), actor=officer
        ),
    }
    for name, change in refusals.items():
        with pytest.raises(services.CaseWorkflowError, match="Reopen the case"):
            change()
        assert case.status is CLOSED, name


def test_status_page_of_a_closed_case_sends_the_officer_to_reopen_it(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing", status=CLOSED)

    response = client.post(
        f"/cases/{case.id}/status", data={"status": "investigating", "version": case.version}
    )

    assert response.status_code == 302
    assert response.location == f"/cases/{case.id}/reopen"
    db.session.refresh(case)
    assert case.status is CLOSED


def test_close_page_of_a_closed_case_changes_nothing(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing", status=CLOSED)
    before = case.closing_summary

    response = client.post(
        f"/cases/{case.id}/close",
        data={"outcome": "referred", "closing_summary": "Again", "version": case.version},
    )

    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.outcome, case.closing_summary) == (CaseOutcome.RESOLVED, before)


# References


def test_case_references_are_asb_c_year_and_a_five_digit_number_in_sequence(db_session):
    cases = [make_case() for _ in range(3)]
    year = utcnow().year

    numbers = []
    for case in cases:
        found = re.fullmatch(rf"ASB-C-{year}-(\d{{5}})", case.reference)
        assert found, case.reference
        numbers.append(int(found.group(1)))
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_incident_references_do_not_use_up_case_numbers(db_session):
    first = make_case()
    IncidentFactory()
    second = make_case()

    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1


def test_opening_a_case_from_the_page_gives_it_the_next_reference(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    earlier = make_case("housing")

    response = client.post(
        "/cases/new",
        data={
            "title": "Graffiti on the walkway",
            "summary": "Tags reappear every week",
            "lead_agency": str(agency("housing").id),
            "restricted": "no",
            "restriction_reason": "",
            "incident_ids": "",
        },
    )

    assert response.status_code == 302
    case = db.session.scalar(select(Case).where(Case.title == "Graffiti on the walkway"))
    assert response.location == f"/cases/{case.id}"
    assert int(case.reference[-5:]) == int(earlier.reference[-5:]) + 1


def test_officer_who_opens_a_case_for_another_lead_agency_can_see_it(client, login_as):
    login_as(Role.OFFICER, "housing")

    opened = client.post(
        "/cases/new",
        data={
            "title": "Drug dealing on the walkway",
            "summary": "Seen by our caretaker",
            "lead_agency": str(agency("barbican").id),
            "restricted": "no",
            "restriction_reason": "",
            "incident_ids": "",
        },
    )

    assert opened.status_code == 302
    assert client.get(opened.location).status_code == 200


# Linking incidents


def test_linking_an_incident_marks_it_linked_and_records_it_on_both(client, login_as, make_case):
    officer = login_as(Role.OFFICER, "housing")
    case = make_case("housing")
    incident = IncidentFactory(recording_agency=agency("barbican"))
    db.session.commit()

    response = client.post(f"/cases/{case.id}/incidents", data={"reference": incident.reference})

    assert response.status_code == 302
    db.session.refresh(incident)
    assert incident.status is IncidentStatus.LINKED
    history = db.session.scalars(
        select(IncidentChange).where(IncidentChange.incident_id == incident.id)
    ).all()
    assert [(h.action, h.changes, h.changed_by_id) for h in history] == [
        ("status", {"status": ["new", "linked"]}, officer.id)
    ]
    entry = timeline_of(case, TimelineKind.INCIDENT_LINKED)[-1]
    assert entry.summary == f"Incident {incident.reference} linked"
    assert entry.detail == {"incident_id": incident.id}


def test_linking_accepts_a_lower_case_reference_and_police_uk_records(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing")
    incident = IncidentFactory(
        recording_agency=agency("city-police"), source=IncidentSource.POLICE_UK
    )
    db.session.commit()

    response = client.post(
        f"/cases/{case.id}/incidents", data={"reference": incident.reference.lower()}
    )

    assert response.status_code == 302
    db.session.refresh(case)
    assert [link.incident_id for link in case.incident_links] == [incident.id]


def test_linking_the_same_incident_twice_is_refused(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    incident = IncidentFactory()
    case = make_case("housing", incidents=[incident])

    response = client.post(f"/cases/{case.id}/incidents", data={"reference": incident.reference})

    assert response.status_code == 200
    assert error_summary(response) == [
        ("#reference", f"{incident.reference} is already linked to this case")
    ]
    db.session.refresh(case)
    assert len(case.incident_links) == 1
    assert len(timeline_of(case, TimelineKind.INCIDENT_LINKED)) == 1


def test_link_service_refuses_the_same_incident_twice(db_session, in_request):
    incident = IncidentFactory()
    case = make_case(incidents=[incident])
    with pytest.raises(services.CaseWorkflowError, match="already linked"):
        services.link_incident(case, incident, actor=case.created_by)


def test_one_incident_can_be_linked_to_two_cases(db_session, in_request):
    incident = IncidentFactory()
    first = make_case(incidents=[incident])
    second = make_case(incidents=[incident])

    assert [link.incident_id for link in first.incident_links] == [incident.id]
    assert [link.incident_id for link in second.incident_links] == [incident.id]
    assert incident.status is IncidentStatus.LINKED


def test_a_restricted_incident_of_another_agency_cannot_be_linked(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing")
    hidden = IncidentFactory(
        recording_agency=agency("barbican"), restricted=True, restriction_reason="Domestic abuse"
    )
    db.session.commit()

    response = client.post(f"/cases/{case.id}/incidents", data={"reference": hidden.reference})

    assert error_summary(response) == [("#reference", "No incident you can see has this reference")]
    assert hidden.status is IncidentStatus.NEW


def test_linking_tells_the_case_officer_but_not_the_officer_who_linked(db_session, in_request):
    from asb.notifications.models import Notification

    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=officer)
    incident = IncidentFactory()
    before = db.session.scalars(select(Notification).where(Notification.user_id == officer.id))
    before = len(before.all())

    services.link_incident(case, incident, actor=make_user(Role.OFFICER, "housing"))
    services.link_incident(case, IncidentFactory(), actor=officer)

    told = db.session.scalars(
        select(Notification.message).where(Notification.user_id == officer.id)
    ).all()
    assert len(told) == before + 1
    assert told[-1] == f"New incident {incident.reference} linked to your case {case.reference}"


# Optimistic lock: two officers with the same case open


@pytest.fixture
def two_officers(client_as, make_user):
    first, second = make_user(Role.OFFICER, "housing"), make_user(Role.OFFICER, "housing")
    return client_as(first), client_as(second)


def test_second_status_save_on_a_stale_page_is_refused(two_officers, make_case):
    first, second = two_officers
    case = make_case("housing")
    first_version = form_version(first.get(f"/cases/{case.id}/status"))
    second_version = form_version(second.get(f"/cases/{case.id}/status"))
    assert first_version == second_version == case.version

    saved = first.post(
        f"/cases/{case.id}/status", data={"status": "investigating", "version": first_version}
    )
    refused = second.post(
        f"/cases/{case.id}/status", data={"status": "monitoring", "version": second_version}
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert f"Case {case.reference} {STALE}" in page_text(refused)
    db.session.refresh(case)
    assert case.status is INVESTIGATING
    assert [e.detail["status"] for e in timeline_of(case, TimelineKind.STATUS)] == ["investigating"]
    # The page now carries the latest version, so the officer can look again and resubmit.
    assert form_version(refused) == case.version
    again = second.post(
        f"/cases/{case.id}/status", data={"status": "monitoring", "version": case.version}
    )
    assert again.status_code == 302


def test_close_on_a_stale_page_is_refused(two_officers, make_case):
    first, second = two_officers
    case = make_case("housing")
    version = form_version(second.get(f"/cases/{case.id}/close"))
    form_version(first.get(f"/cases/{case.id}/status"))

    saved = first.post(f"/cases/{case.id}/status", data={"status": "action", "version": version})
    refused = second.post(
        f"/cases/{case.id}/close",
        data={"outcome": "resolved", "closing_summary": "All quiet", "version": version},
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert STALE in page_text(refused)
    db.session.refresh(case)
    assert case.status is ACTION
    assert case.outcome is None
    assert case.closing_summary is None


def test_assignment_on_a_stale_page_is_refused(client_as, make_user, make_case):
    managers = [make_user(Role.MANAGER, "housing"), make_user(Role.MANAGER, "housing")]
    first, second = (client_as(manager) for manager in managers)
    alice, bola = make_user(Role.OFFICER, "housing"), make_user(Role.OFFICER, "housing")
    case = make_case("housing")
    version = form_version(first.get(f"/cases/{case.id}/assign"))
    assert form_version(second.get(f"/cases/{case.id}/assign")) == version
    team = str(agency("housing").id)

    saved = first.post(
        f"/cases/{case.id}/assign",
        data={"agency": team, "officer": str(alice.id), "reason": "", "version": version},
    )
    refused = second.post(
        f"/cases/{case.id}/assign",
        data={"agency": team, "officer": str(bola.id), "reason": "", "version": version},
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert STALE in page_text(refused)
    db.session.refresh(case)
    assert case.case_officer_id == alice.id
    assert len(timeline_of(case, TimelineKind.ASSIGNMENT)) == 1


def test_stale_reopen_is_refused(two_officers, make_case):
    first, second = two_officers
    case = make_case("housing", status=CLOSED)
    version = form_version(first.get(f"/cases/{case.id}/reopen"))
    assert form_version(second.get(f"/cases/{case.id}/reopen")) == version

    saved = first.post(f"/cases/{case.id}/reopen", data={"reason": "Back", "version": version})
    refused = second.post(
        f"/cases/{case.id}/reopen", data={"reason": "Also back", "version": version}
    )

    assert saved.status_code == 302
    # The second officer's reopen is moot: the case is open, so they are shown it.
    assert refused.status_code == 302
    assert [e.summary for e in timeline_of(case, TimelineKind.STATUS)][-1] == "Case reopened: Back"


def test_service_refuses_a_stale_version(db_session, in_request):
    case = make_case()
    seen = case.version
    services.change_case_status(case, INVESTIGATING, actor=case.created_by)
    assert case.version == seen + 1

    with pytest.raises(services.StaleCaseError):
        services.change_case_status(case, MONITORING, actor=case.created_by, expected_version=seen)
    with pytest.raises(services.StaleCaseError):
        services.close_case(
            case,
            outcome=CaseOutcome.RESOLVED,
            closing_summary="x",
            actor=case.created_by,
            expected_version=seen,
        )
    assert case.status is INVESTIGATING


# Each review repeats the victim's risk assessment


def test_review_needs_a_victim_risk_assessment_since_the_last_review(db_session, in_request):
    case = make_case("housing")
    officer = make_user(Role.OFFICER, "housing")
    answers = {q.id: q.answers[-1].value for q in risk_matrix("victim").questions}

    with pytest.raises(services.CaseWorkflowError, match="Repeat the victim's risk assessment"):
        services.record_review(case, note="First", next_review_due=date(2099, 1, 1), actor=officer)

    with freeze_time("2026-11-02 10:00"):
        record_risk_assessment(case, subject="victim", answers=answers, actor=officer)
    with freeze_time("2026-11-03 10:00"):
        services.record_review(case, note="First", next_review_due=date(2099, 1, 1), actor=officer)
    with freeze_time("2026-11-20 10:00"), pytest.raises(services.CaseWorkflowError):
        services.record_review(case, note="Second", next_review_due=date(2099, 1, 1), actor=officer)
    with freeze_time("2026-11-21 10:00"):
        record_risk_assessment(case, subject="victim", answers=answers, actor=officer)
        services.record_review(case, note="Second", next_review_due=date(2099, 2, 1), actor=officer)
    assert case.review_due == date(2099, 2, 1)


def test_review_page_sends_the_officer_to_reassess_first(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing")

    page = client.get(f"/cases/{case.id}/review")
    assert f"/cases/{case.id}/risk-assessment/victim" in page.get_data(as_text=True)
    refused = client.post(
        f"/cases/{case.id}/review",
        data={"note": "Looked again", "next_review_due": ["1", "1", "2099"]},
    )
    assert (
        "#note",
        "Repeat the victim's risk assessment before recording the review",
    ) in error_summary(refused)
