"""The case pages: each renders and passes the page check, the queues list and order cases as
promised, the all-open-cases filters work, and the timeline filters by kind."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.cases import services
from asb.cases.models import CaseAction, TimelineEntry
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import ActionState, CaseStatus, ContactMethod, TimelineKind
from asb.extensions import db
from tests.factories import IncidentFactory, agency, make_action, request_context
from tests.helpers import case_references, date_parts, error_summary, page_text, visible_text


@pytest.fixture
def worked_case(make_user, make_case):
    """A case with something in every section: an incident, a partner, an officer, risk,
    actions (one overdue), notes and a contact."""
    officer = make_user(Role.OFFICER, "housing", name="Priya Shah")
    case = make_case(
        "housing",
        incidents=[IncidentFactory()],
        partners=["street-enforcement"],
        officer=officer,
        risk_level=RiskLevel.HIGH,
        review_due=today_in_london() - timedelta(days=1),
    )
    make_action(
        case, officer, today_in_london() - timedelta(days=2), description="Visit the victim"
    )
    make_action(
        case, officer, today_in_london() + timedelta(days=5), description="Write to the tenant"
    )
    with request_context():
        services.add_note(case, "Spoke to the caretaker", actor=officer)
        services.add_note(case, "Rang the victim", actor=officer, contact_method=ContactMethod.CALL)
        services.change_case_status(case, CaseStatus.INVESTIGATING, actor=officer)
    db.session.commit()
    return case


CASE_PAGES = [
    "/cases/{id}",
    "/cases/{id}?show=note&show=contact",
    "/cases/{id}/assign",
    "/cases/{id}/status",
    "/cases/{id}/close",
    "/cases/{id}/notes",
    "/cases/{id}/actions",
    "/cases/{id}/review",
    "/cases/{id}/incidents",
    "/cases/{id}/risk-assessment/victim",
    "/cases/{id}/risk-assessment/perpetrator",
]


@pytest.mark.parametrize("path", CASE_PAGES)
@pytest.mark.parametrize("role", [Role.ASB_LEAD, Role.MANAGER])
def test_case_page_renders(client, login_as, worked_case, path, role):
    login_as(role, "community-safety" if role is Role.ASB_LEAD else "housing")

    response = client.get(path.format(id=worked_case.id))

    assert response.status_code == 200
    assert worked_case.reference in page_text(response)


@pytest.mark.parametrize(
    "path", ["/cases", "/cases/team", "/cases/all", "/cases/new", "/notifications", "/outbox", "/"]
)
def test_queue_and_list_pages_render(client, login_as, worked_case, make_case, path):
    make_case("barbican", restricted=True)
    login_as(Role.ASB_LEAD, "community-safety")
    assert client.get(path).status_code == 200


def test_closed_and_restricted_case_pages_render(client, login_as, make_case):
    login_as(Role.ASB_LEAD, "community-safety")
    closed = make_case("housing", status=CaseStatus.CLOSED)
    restricted = make_case("barbican", restricted=True)

    page = visible_text(client.get(f"/cases/{closed.id}"))
    assert "Resolved" in page
    assert "The noise stopped after a warning letter" in page
    assert client.get(f"/cases/{closed.id}/reopen").status_code == 200
    assert "Restricted" in visible_text(client.get(f"/cases/{restricted.id}"))


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/cases/{id}/status", {"status": ""}),
        ("/cases/{id}/close", {"outcome": "", "closing_summary": ""}),
        ("/cases/{id}/notes", {"text": ""}),
        ("/cases/{id}/actions", {"description": "", "owner": ""}),
        ("/cases/{id}/review", {"note": ""}),
        ("/cases/{id}/incidents", {"reference": ""}),
        ("/cases/{id}/risk-assessment/victim", {}),
        ("/cases/{id}/assign", {"agency": "", "officer": ""}),
    ],
)
def test_case_form_with_errors_renders_with_an_error_title(client, login_as, make_case, path, data):
    login_as(Role.MANAGER, "housing")
    case = make_case("housing")

    response = client.post(path.format(id=case.id), data={**data, "version": case.version})

    assert response.status_code == 200
    assert "<title>Error: " in page_text(response)
    assert error_summary(response)


def test_opening_a_case_with_errors_renders_with_an_error_title(client, login_as):
    login_as(Role.OFFICER, "housing")

    response = client.post("/cases/new", data={"title": "", "summary": ""})

    assert response.status_code == 200
    assert ("#title", "Enter a title for the case") in error_summary(response)


# Working the case through its pages


def test_note_and_contact_go_on_the_timeline_and_contact_counts_as_first_contact(
    client, login_as, make_case
):
    login_as(Role.OFFICER, "street-enforcement")
    case = make_case("housing", partners=["street-enforcement"])

    client.post(f"/cases/{case.id}/notes", data={"contact_method": "", "text": "Seen graffiti"})
    db.session.refresh(case)
    assert case.first_contact_at is None
    client.post(f"/cases/{case.id}/notes", data={"contact_method": "visit", "text": "Visited"})

    db.session.refresh(case)
    assert case.first_contact_at is not None
    kinds = db.session.scalars(
        select(TimelineEntry.kind).where(
            TimelineEntry.case_id == case.id,
            TimelineEntry.kind.in_([TimelineKind.NOTE, TimelineKind.CONTACT]),
        )
    ).all()
    assert sorted(kinds) == sorted([TimelineKind.NOTE, TimelineKind.CONTACT])


def test_action_is_added_for_an_owner_and_marked_done(client, login_as, make_user, make_case):
    manager = login_as(Role.MANAGER, "housing")
    owner = make_user(Role.OFFICER, "street-enforcement", name="Sam Street")
    case = make_case("housing", partners=["street-enforcement"])
    due = today_in_london() + timedelta(days=7)

    page = page_text(client.get(f"/cases/{case.id}/actions"))
    assert "Sam Street (Street Enforcement, Built Environment)" in page
    response = client.post(
        f"/cases/{case.id}/actions",
        data={"description": "Clean the wall", "owner": str(owner.id), "due_on": date_parts(due)},
    )

    assert response.status_code == 302
    action = db.session.scalar(select(CaseAction).where(CaseAction.case_id == case.id))
    assert (action.owner_id, action.due_on, action.created_by_id) == (owner.id, due, manager.id)
    done = client.post(f"/cases/{case.id}/actions/{action.id}/done")
    assert done.status_code == 302
    db.session.refresh(action)
    assert action.state is ActionState.DONE
    again = client.post(f"/cases/{case.id}/actions/{action.id}/done", follow_redirects=True)
    assert "This action is already finished" in page_text(again)


def test_action_due_in_the_past_is_refused(client, login_as, make_case):
    manager = login_as(Role.MANAGER, "housing")
    case = make_case("housing")

    response = client.post(
        f"/cases/{case.id}/actions",
        data={
            "description": "Clean the wall",
            "owner": str(manager.id),
            "due_on": date_parts(today_in_london() - timedelta(days=1)),
        },
    )

    assert ("#due_on-day", "Due date must be today or in the future") in error_summary(response)


def test_action_of_another_case_is_not_found(client, login_as, make_user, make_case):
    login_as(Role.MANAGER, "housing")
    officer = make_user(Role.OFFICER, "housing")
    case, other = make_case("housing"), make_case("housing")
    action = make_action(other, officer, today_in_london())
    db.session.commit()

    assert client.post(f"/cases/{case.id}/actions/{action.id}/done").status_code == 404


def test_review_page_suggests_the_next_date_and_records_the_review(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing", risk_level=RiskLevel.HIGH)

    page = client.get(f"/cases/{case.id}/review")
    assert page.status_code == 200
    next_review = today_in_london() + timedelta(days=10)
    response = client.post(
        f"/cases/{case.id}/review",
        data={"note": "Quieter since the letter", "next_review_due": date_parts(next_review)},
    )

    assert response.status_code == 302
    db.session.refresh(case)
    assert case.review_due == next_review
    refused = client.post(
        f"/cases/{case.id}/review",
        data={"note": "Again", "next_review_due": date_parts(today_in_london())},
    )
    assert ("#next_review_due-day", "Next review must be after today") in error_summary(refused)


# My cases: overdue first, then due soon


def test_my_cases_lists_overdue_then_due_soon_then_the_rest(client, login_as, make_user, make_case):
    officer = login_as(Role.OFFICER, "housing")
    now = today_in_london()

    def mine(days: int, **fields):
        return make_case(
            "housing", officer=officer, review_due=now + timedelta(days=days), **fields
        )

    later = mine(20)
    overdue_review = mine(-1)
    soon = mine(3)
    overdue_action = mine(25)
    make_action(overdue_action, officer, now - timedelta(days=1))
    next_month = mine(10)
    mine(-5, status=CaseStatus.CLOSED)
    make_case(
        "housing", officer=make_user(Role.OFFICER, "housing"), review_due=now - timedelta(days=9)
    )
    db.session.commit()

    response = client.get("/cases")

    assert case_references(response) == [
        overdue_review.reference,
        overdue_action.reference,
        soon.reference,
        next_month.reference,
        later.reference,
    ]
    text = visible_text(response)
    assert text.count("Review overdue") == 1
    assert text.count("Action overdue") == 1


def test_home_page_counts_my_cases_and_the_asb_leads_figures(client, login_as, make_case):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    make_case("housing", officer=lead, review_due=today_in_london() - timedelta(days=1))
    make_case("barbican", risk_level=RiskLevel.HIGH)
    make_case("barbican", risk_level=RiskLevel.HIGH, status=CaseStatus.CLOSED)

    text = visible_text(client.get("/"))

    assert "1 open case assigned to you 1 with overdue work" in text
    assert "1 open high-risk case" in text
    assert "1 case with an overdue review" in text


# All open cases: filters


@pytest.fixture
def open_cases(make_case, make_user):
    now = today_in_london()
    officer = make_user(Role.OFFICER, "street-enforcement")
    found = {
        "housing-high": make_case(
            "housing", title="Graffiti on Golden Lane", risk_level=RiskLevel.HIGH
        ),
        "housing-to-barbican": make_case(
            "housing",
            team="barbican",
            risk_level=RiskLevel.MEDIUM,
            review_due=now - timedelta(days=1),
        ),
        "street": make_case("street-enforcement", officer=officer, risk_level=RiskLevel.STANDARD),
        "mcp": make_case("mcp", title="Begging at Bank station", status=CaseStatus.MONITORING),
        "closed": make_case("housing", title="Graffiti, closed", status=CaseStatus.CLOSED),
    }
    make_action(found["street"], officer, now - timedelta(days=3))
    db.session.commit()
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["housing-high", "housing-to-barbican", "street", "mcp"]),
        ({"agency": "housing"}, ["housing-high", "housing-to-barbican"]),
        ({"agency": "barbican"}, ["housing-to-barbican"]),
        ({"risk": "high"}, ["housing-high"]),
        ({"risk": "standard"}, ["street"]),
        ({"overdue": "yes"}, ["housing-to-barbican", "street"]),
        ({"text": "GOLDEN"}, ["housing-high"]),
        ({"text": "graffiti"}, ["housing-high"]),
        ({"text": "{mcp}"}, ["mcp"]),
        ({"status": "monitoring"}, ["mcp"]),
        ({"agency": "housing", "overdue": "yes"}, ["housing-to-barbican"]),
        (
            {"agency": "not-a-number", "status": "made-up"},
            ["housing-high", "housing-to-barbican", "street", "mcp"],
        ),
    ],
    ids=lambda value: (
        "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None
    ),
)
def test_all_open_cases_filters(client, login_as, open_cases, query, expected):
    login_as(Role.ASB_LEAD, "community-safety")
    args = {
        key: str(agency(value).id) if key == "agency" and agency(value) else value
        for key, value in query.items()
    }
    if "text" in args:
        args["text"] = args["text"].format(mcp=open_cases["mcp"].reference.lower())

    response = client.get("/cases/all", query_string=args)

    assert response.status_code == 200
    shown = case_references(response)
    mine = {case.reference: key for key, case in open_cases.items()}
    assert sorted(mine[ref] for ref in shown if ref in mine) == sorted(expected)


def test_all_open_cases_lists_overdue_first(client, login_as, open_cases):
    login_as(Role.ASB_LEAD, "community-safety")

    shown = case_references(client.get("/cases/all"))

    overdue = {open_cases["housing-to-barbican"].reference, open_cases["street"].reference}
    assert set(shown[:2]) == overdue


def test_unknown_risk_filter_is_ignored(client, login_as, open_cases):
    login_as(Role.ASB_LEAD, "community-safety")

    response = client.get("/cases/all", query_string={"risk": "extreme"})

    assert response.status_code == 200
    assert len(case_references(response)) == 4


# Timeline filter


@pytest.mark.parametrize(
    ("show", "shown", "hidden"),
    [
        (
            ["note"],
            ["Spoke to the caretaker"],
            ["Rang the victim", "Status changed", "Case opened"],
        ),
        (["contact"], ["Rang the victim"], ["Spoke to the caretaker", "Status changed"]),
        (["note", "contact"], ["Spoke to the caretaker", "Rang the victim"], ["Status changed"]),
        (["status"], ["Status changed from Open to Investigating"], ["Spoke to the caretaker"]),
        (
            ["action"],
            ["Visit the victim", "Write to the tenant"],
            ["Spoke to the caretaker", "Rang the victim"],
        ),
        ([], ["Spoke to the caretaker", "Rang the victim", "Status changed", "Case opened"], []),
        (["made-up"], ["Spoke to the caretaker", "Rang the victim", "Case opened"], []),
    ],
    ids=lambda value: "+".join(value) or "everything" if isinstance(value, list) else None,
)
def test_timeline_filter_shows_only_the_kinds_chosen(
    client, login_as, worked_case, show, shown, hidden
):
    login_as(Role.OFFICER, "housing")

    response = client.get(f"/cases/{worked_case.id}", query_string={"show": show})

    timeline = visible_text(response).split("Filter timeline", 1)[1]
    for text in shown:
        assert text in timeline
    for text in hidden:
        assert text not in timeline


def test_timeline_filter_keeps_the_boxes_ticked(client, login_as, worked_case):
    login_as(Role.OFFICER, "housing")

    page = page_text(client.get(f"/cases/{worked_case.id}", query_string={"show": "note"}))

    assert 'id="show-note" name="show" type="checkbox" value="note" checked' in page
    assert 'value="contact" >' in page or 'value="contact">' in page


def test_timeline_lists_newest_first(client, login_as, worked_case):
    login_as(Role.OFFICER, "housing")

    timeline = visible_text(client.get(f"/cases/{worked_case.id}")).split("Filter timeline", 1)[1]

    assert timeline.index("Status changed") < timeline.index("Rang the victim")
    assert timeline.index("Rang the victim") < timeline.index("Spoke to the caretaker")
    assert timeline.index("Spoke to the caretaker") < timeline.index("Case opened")


def test_overdue_action_stands_out_on_the_case_page(client, login_as, worked_case):
    login_as(Role.OFFICER, "housing")

    text = visible_text(client.get(f"/cases/{worked_case.id}"))

    assert "Visit the victim Priya Shah" in text
    overdue_row = text.split("Visit the victim Priya Shah", 1)[1].split("Write to the tenant")[0]
    assert "Overdue" in overdue_row
    assert "Review overdue" in text


def test_review_due_date_is_shown_in_full(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    case = make_case("housing", review_due=date(2027, 1, 4))

    assert "4 January 2027" in visible_text(client.get(f"/cases/{case.id}"))


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_all_open_cases_sort_by_reference(client, login_as, open_cases, order):
    login_as(Role.ASB_LEAD, "community-safety")

    shown = case_references(
        client.get("/cases/all", query_string={"sort": "reference", "order": order})
    )

    mine = [ref for ref in shown if ref in {c.reference for c in open_cases.values()}]
    assert mine == sorted(mine, reverse=order == "desc")


def test_all_open_cases_sort_by_risk_puts_high_first(client, login_as, open_cases):
    login_as(Role.ASB_LEAD, "community-safety")

    shown = case_references(client.get("/cases/all", query_string={"sort": "risk"}))

    assert shown[0] == open_cases["housing-high"].reference


def test_team_queue_filters_like_the_other_queues(client, login_as, open_cases, make_case):
    login_as(Role.OFFICER, "housing")
    make_case("housing", title="Littering", risk_level=RiskLevel.STANDARD)

    everything = case_references(client.get("/cases/team"))
    high_only = case_references(client.get("/cases/team", query_string={"risk": "high"}))

    assert open_cases["housing-high"].reference in high_only
    assert set(high_only) < set(everything)


def test_a_closed_case_does_not_say_its_targets_are_still_to_be_set(client, login_as, make_case):
    login_as(Role.OFFICER, "housing")
    closed = make_case("housing", status=CaseStatus.CLOSED)
    still_open = make_case("housing")

    closed_page = visible_text(client.get(f"/cases/{closed.id}"))
    open_page = visible_text(client.get(f"/cases/{still_open.id}"))

    assert "Set once first contact is made" not in closed_page
    assert "Next update to the complainant None: the case is closed" in closed_page
    assert "Set once first contact is made" in open_page
