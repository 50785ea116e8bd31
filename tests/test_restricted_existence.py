"""Restricted incidents and cases: 404 on every route that points at them, for whoever may not
see them, and never named in a list, timeline, search, export or choice.

The README promises "404 where even existence must not leak". The routes are read from
app.url_map, so a new route that takes a record's id is in the table the day it is added; one
that takes an id this module does not know fails until the module is taught it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask, current_app, url_for

from asb import create_app
from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import LawfulBasis
from asb.api.services import create_token
from asb.auth.models import Role, User
from asb.calendar import today_in_london
from asb.case_reviews import services as case_review_services
from asb.case_reviews.models import CaseReviewApplication, CaseReviewComplaint
from asb.cases import services as case_services
from asb.cases.models import Case, CaseAction
from asb.database import utcnow
from asb.documents.models import Document
from asb.documents.storage import stored_until_rollback
from asb.extensions import db
from asb.incidents.models import Incident
from asb.interventions import services as intervention_services
from asb.interventions.models import Intervention
from asb.interventions.rules import InterventionKind
from asb.people.models import Person
from asb.people.vocabulary import PersonRole
from asb.policy import Permission, can
from asb.presentation import LONDON
from asb.sharing.models import CaseShare
from tests.conftest import sign_in_session
from tests.factories import (
    CasePersonFactory,
    DocumentFactory,
    IncidentFactory,
    IncidentPersonFactory,
    PersonFactory,
    UserFactory,
    agency,
    make_application,
)
from tests.helpers import visible_text

USERS: dict[str, tuple[Role, str]] = {
    "officer of the recording agency": (Role.OFFICER, "housing"),
    "manager of the recording agency": (Role.MANAGER, "housing"),
    "officer of a partner agency on the case": (Role.OFFICER, "barbican"),
    "manager of a partner agency on the case": (Role.MANAGER, "barbican"),
    "officer of another agency": (Role.OFFICER, "street-enforcement"),
    "police partner on the case": (Role.PARTNER, "city-police"),
    "asb lead": (Role.ASB_LEAD, "community-safety"),
    "admin": (Role.ADMIN, "community-safety"),
}
# Who may see the restricted incident (recorded by Housing) and the restricted case (assigned
# to Housing): the policy's answer, written out.
SEES_RESTRICTED = {
    "officer of the recording agency",
    "manager of the recording agency",
    "asb lead",
}
HIDDEN_FROM = set(USERS) - SEES_RESTRICTED

# The arguments that name a record that is, or belongs to, something restricted.
RECORD_ARGUMENTS = {
    "case_id",
    "incident_id",
    "application_id",
    "complaint_id",
    "person_id",
    "action_id",
    "document_id",
    "intervention_id",
    "share_id",
}
OTHER_ARGUMENTS = {"subject"}


def _record_routes() -> list[tuple[str, str]]:
    """(endpoint, method) for every route that takes the id of a record that can be restricted."""
    found = []
    for rule in create_app("testing").url_map.iter_rules():
        if not rule.arguments & RECORD_ARGUMENTS:
            continue
        unknown = rule.arguments - RECORD_ARGUMENTS - OTHER_ARGUMENTS
        assert not unknown, f"teach this test the arguments {unknown} of {rule.rule}"
        found += [(rule.endpoint, method) for method in sorted(rule.methods & {"GET", "POST"})]
    return sorted(found)


ROUTES = _record_routes()


@dataclass
class World:
    restricted_incident: Incident
    visible_incident: Incident
    restricted_case: Case
    shared_case: Case  # not restricted; Barbican is a partner; the restricted incident is linked
    about_restricted_case: CaseReviewApplication  # about the restricted case, citing the incident
    citing_restricted_incident: CaseReviewApplication  # no case; cites only the incident
    about_shared_case: CaseReviewApplication  # logged by a Barbican officer; cites both incidents
    person: Person  # on the restricted case and the restricted incident only
    duplicate: Person  # the same person again, on the restricted incident only
    action: CaseAction
    document: Document
    intervention: Intervention
    share: CaseShare  # of the restricted case, to City Police
    barbican_logger: User
    spoc: User  # an officer of another agency, the single point of contact on the first
    lead: User

    def route_values(self, application: CaseReviewApplication) -> dict[str, object]:
        return {
            "case_id": self.restricted_case.id,
            "incident_id": self.restricted_incident.id,
            "application_id": application.id,
            "complaint_id": application.complaints[0].id,
            "person_id": self.person.id,
            "action_id": self.action.id,
            "document_id": self.document.id,
            "intervention_id": self.intervention.id,
            "share_id": self.share.id,
            "subject": "victim",
            "duplicate_id": self.duplicate.id,
        }


def _days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


@pytest.fixture
def world(app: Flask, db_session, monkeypatch, tmp_path) -> World:
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(tmp_path / "documents"))
    housing = UserFactory(role=Role.MANAGER, agency=agency("housing"))
    lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
    barbican_logger = UserFactory(role=Role.OFFICER, agency=agency("barbican"))
    spoc = UserFactory(role=Role.OFFICER, agency=agency("street-enforcement"))
    # A distinctive date, so the page can be searched for the restricted incident's dates.
    restricted = IncidentFactory(
        restricted=True,
        restriction_reason="Domestic abuse",
        occurred_from=_days_ago(9),
        created_at=_days_ago(8),
        location_description="Restricted address, do not disclose",
    )
    visible = IncidentFactory(occurred_from=_days_ago(3), created_at=_days_ago(2))
    with current_app.test_request_context():
        restricted_case = case_services.open_case(
            title="Safeguarding concern",
            summary="Domestic abuse",
            lead_agency=agency("housing"),
            actor=housing,
            incidents=[restricted],
            restricted=True,
            restriction_reason="Domestic abuse",
        )
        for code in ("barbican", "city-police"):
            case_services.add_partner(restricted_case, agency(code), actor=housing)
        # asb shares no restricted case; a share of one, written directly, must still not
        # reveal it on the routes about shares.
        share = CaseShare(
            case=restricted_case,
            agency=agency("city-police"),
            agreement=SharingAgreement(
                reference="ISA-TEST-00001",
                title="City Police ASB information sharing",
                partner_agency=agency("city-police"),
                purpose="Preventing anti-social behaviour",
                lawful_basis=LawfulBasis.PUBLIC_TASK,
                categories=["incident-facts"],
                starts_on=today_in_london() - timedelta(days=30),
                review_on=today_in_london() + timedelta(days=90),
                owner=housing,
            ),
            categories=["incident-facts"],
            purpose="Joint visit",
            shared_by=housing,
        )
        db.session.add(share)
        shared_case = case_services.open_case(
            title="Noise on the estate",
            summary="Loud music",
            lead_agency=agency("housing"),
            actor=housing,
            incidents=[visible, restricted],
        )
        for code in ("barbican", "city-police"):
            case_services.add_partner(shared_case, agency(code), actor=housing)
        action = case_services.add_action(
            restricted_case,
            description="Visit the victim",
            owner=housing,
            due_on=today_in_london() + timedelta(days=7),
            actor=housing,
        )
        person, duplicate = PersonFactory.create_batch(2, name="Jo Private")
        CasePersonFactory(case_id=restricted_case.id, person_id=person.id, role=PersonRole.VICTIM)
        IncidentPersonFactory(incident=restricted, person=person, role=PersonRole.VICTIM)
        IncidentPersonFactory(incident=restricted, person=duplicate, role=PersonRole.REPORTER)
        intervention = intervention_services.record_intervention(
            restricted_case,
            intervention_services.InterventionDetails(
                # Its three-month review falls within the deadlines list's window.
                kind=InterventionKind.ACCEPTABLE_BEHAVIOUR_CONTRACT,
                issued_on=today_in_london() - timedelta(days=85),
                served_on_person=person,
            ),
            actor=housing,
        )
        content = b"Statement of the victim\n"
        with stored_until_rollback(content) as storage_name:
            document = DocumentFactory(
                case_id=restricted_case.id,
                storage_name=storage_name,
                content=content,
                uploaded_by_id=housing.id,
            )
            db.session.commit()
        about_restricted_case = make_application(lead, case=restricted_case, spoc=spoc)
        case_review_services.add_complaint(
            about_restricted_case,
            case_review_services.CitedComplaint.from_incident(restricted),
            actor=lead,
        )
        citing_restricted_incident = make_application(lead)
        case_review_services.add_complaint(
            citing_restricted_incident,
            case_review_services.CitedComplaint.from_incident(restricted),
            actor=lead,
        )
        about_shared_case = make_application(barbican_logger, case=shared_case)
        for incident in (visible, restricted):
            case_review_services.add_complaint(
                about_shared_case,
                case_review_services.CitedComplaint.from_incident(incident),
                actor=lead,
            )
    db.session.commit()
    return World(
        restricted_incident=restricted,
        visible_incident=visible,
        restricted_case=restricted_case,
        shared_case=shared_case,
        about_restricted_case=about_restricted_case,
        citing_restricted_incident=citing_restricted_incident,
        about_shared_case=about_shared_case,
        person=person,
        duplicate=duplicate,
        action=action,
        document=document,
        intervention=intervention,
        share=share,
        barbican_logger=barbican_logger,
        spoc=spoc,
        lead=lead,
    )


def _path(endpoint: str, values: dict[str, object]) -> str:
    rule = next(iter(current_app.url_map.iter_rules(endpoint=endpoint)))
    with current_app.test_request_context():
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


@contextmanager
def undone() -> Iterator[None]:
    """Undo whatever the block saves, so each user meets the records as the fixture left them.

    The session forgets every object it holds, which may be gone (or their ids reused).
    """
    connection = db.engines[None]  # the db_session fixture's connection, in its transaction
    db.session.rollback()
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        db.session.rollback()
        savepoint.rollback()
        db.session.expunge_all()


def _answers(app: Flask, endpoint: str, method: str, values: dict[str, object]) -> dict[str, str]:
    """Each user's answer from the route: 404, a server error, or anything else."""
    path = _path(endpoint, values)
    # The merge page names the second record in the query string (or the form, posted).
    extra = {"duplicate_id": values["duplicate_id"]} if endpoint == "people.merge_person" else {}
    answers = {}
    for who, (role, code) in USERS.items():
        with undone():
            user = UserFactory(role=role, agency=agency(code))
            db.session.commit()
            browser = app.test_client()
            sign_in_session(browser, user)
            headers = {}
            if endpoint.startswith("api."):
                # The API signs in by a personal token, never by the session.
                token = create_token(user, name="Test", expires_at=utcnow() + timedelta(days=1))
                db.session.commit()
                headers = {"Authorization": f"Bearer {token.secret}"}
            if method == "GET":
                response = browser.get(path, query_string=extra, headers=headers)
            else:
                response = browser.post(path, data=extra, headers=headers)
            status = response.status_code
        answers[who] = "404" if status == 404 else "server error" if status >= 500 else "shown"
    return answers


# Hidden users get 404; those who see the record never do: they get the page, or 403 where
# the route needs more than seeing the record.
EXPECTED = {who: "404" if who in HIDDEN_FROM else "shown" for who in USERS}


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_every_route_about_a_restricted_record_answers_404_to_whoever_may_not_see_it(
    app, world, endpoint, method
):
    values = world.route_values(world.about_restricted_case)
    assert _answers(app, endpoint, method, values) == EXPECTED


CASE_REVIEW_ROUTES = [(e, m) for e, m in ROUTES if e.startswith("case_reviews.")]


@pytest.mark.parametrize(("endpoint", "method"), CASE_REVIEW_ROUTES)
def test_a_case_review_citing_a_restricted_incident_is_hidden_from_who_may_not_see_it(
    app, world, endpoint, method
):
    """An application with no case that cites a restricted incident: 404 for those who may
    not see the incident; Housing sees the incident, so is refused (403) but not deceived."""
    values = world.route_values(world.citing_restricted_incident)
    assert _answers(app, endpoint, method, values) == EXPECTED


MISSING_ID = 2_000_000_000


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(
    ("path", "name", "record"),
    [
        ("/cases/new", "incident", "restricted_incident"),
        ("/case-reviews/new", "case", "restricted_case"),
    ],
)
def test_pages_pointed_at_a_restricted_record_by_their_query_string(
    client, login_as, world, who, path, name, record
):
    """Whoever may not see the record gets the answer a record that does not exist gets."""
    login_as(*USERS[who])
    response = client.get(path, query_string={name: getattr(world, record).id})
    if who in HIDDEN_FROM:
        missing = client.get(path, query_string={name: MISSING_ID})
        assert response.status_code == missing.status_code
        assert response.status_code in {403, 404}
    else:
        assert response.status_code == 200


def _never_names(response, *references: str, searched: str | None = None) -> None:
    """The page names none of the references, apart from echoing what the user searched for."""
    body = response.get_data(as_text=True)
    if searched:
        body = body.replace(f'value="{searched}"', "")
    for reference in references:
        assert reference not in body, f"{response.request.path} names {reference}"


def _date_words(moment: datetime) -> str:
    day = moment.astimezone(LONDON).date()
    return f"{day.day} {day:%B %Y}"


def test_a_partner_agency_on_a_case_is_not_told_of_its_restricted_incident(client, login_as, world):
    login_as(Role.OFFICER, "barbican")
    restricted = world.restricted_incident
    case_page = client.get(f"/cases/{world.shared_case.id}")
    assert case_page.status_code == 200
    _never_names(case_page, restricted.reference, "restricted incident")
    assert world.visible_incident.reference in case_page.get_data(as_text=True)
    assert _date_words(restricted.occurred_from) not in visible_text(case_page)

    review_page = client.get(f"/case-reviews/{world.about_shared_case.id}")
    assert review_page.status_code == 200
    _never_names(review_page, restricted.reference)
    text = visible_text(review_page)
    assert world.visible_incident.reference in text
    assert _date_words(restricted.occurred_from) not in text
    assert _date_words(restricted.created_at) not in text
    complaints = text.split("Complaints cited and the threshold")[1].split("Recommendations")[0]
    assert re.findall(r"\b(\d)\. ASB-", complaints) == ["1"], "a hidden complaint left a trace"


def test_who_sees_the_restricted_incident_sees_it_on_the_case_and_the_review(
    client, login_as, world
):
    login_as(Role.OFFICER, "housing")
    restricted = world.restricted_incident.reference
    assert restricted in visible_text(client.get(f"/cases/{world.shared_case.id}"))
    assert restricted in visible_text(client.get(f"/case-reviews/{world.about_shared_case.id}"))


def test_the_complaint_form_offers_no_choice_about_a_hidden_complaint(client, world):
    sign_in_session(client, world.barbican_logger)
    page = client.get(f"/case-reviews/{world.about_shared_case.id}/complaints")
    assert page.status_code == 200
    _never_names(page, world.restricted_incident.reference)
    body = page.get_data(as_text=True)
    assert "the same as complaint 1" in body
    assert "the same as complaint 2" not in body


def test_whoever_logged_a_review_cannot_remove_a_complaint_they_may_not_see(client, world):
    sign_in_session(client, world.barbican_logger)
    hidden = next(
        complaint
        for complaint in world.about_shared_case.complaints
        if complaint.incident_id == world.restricted_incident.id
    )
    path = f"/case-reviews/{world.about_shared_case.id}/complaints/{hidden.id}/remove"
    assert client.post(path).status_code == 404
    assert db.session.get(CaseReviewComplaint, hidden.id) is not None


def test_the_single_point_of_contact_is_not_told_of_the_restricted_case(client, world):
    sign_in_session(client, world.spoc)
    restricted_case = world.restricted_case.reference
    page = client.get(f"/case-reviews/{world.about_restricted_case.id}")
    assert page.status_code == 200
    _never_names(page, restricted_case, world.restricted_incident.reference)
    listing = client.get("/case-reviews")
    assert world.about_restricted_case.reference in visible_text(listing)
    _never_names(listing, restricted_case, world.restricted_incident.reference)


LISTS = [
    "/",
    "/cases",
    "/cases/team",
    "/cases/all",
    "/cases?text={case}",
    "/cases/team?text={case}",
    "/incidents",
    "/incidents?text={incident}",
    "/incidents/export.csv",
    "/incidents/export.csv?text={incident}",
    "/cases/export.csv",
    "/cases/team/export.csv?text={case}",
    "/cases/all/export.csv",
    "/interventions/deadlines",
    "/interventions/deadlines.csv",
    "/case-reviews",
    "/notifications",
    "/overview",
    "/map",
    "/repeat-victims",
]


@pytest.mark.parametrize("path", LISTS)
def test_no_list_search_or_export_names_a_restricted_record(app, world, path):
    path = path.format(
        case=world.restricted_case.reference, incident=world.restricted_incident.reference
    )
    hidden = [
        world.restricted_incident.reference,
        world.restricted_case.reference,
        world.about_restricted_case.reference,
        world.citing_restricted_incident.reference,
    ]
    for who in sorted(HIDDEN_FROM):
        with undone():
            user = UserFactory(role=USERS[who][0], agency=agency(USERS[who][1]))
            db.session.commit()
            browser = app.test_client()
            sign_in_session(browser, user)
            response = browser.get(path)
            assert response.status_code in {200, 302, 403}, who
            _never_names(response, *hidden, searched=response.request.args.get("text"))


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/incidents?text={incident}", "restricted_incident"),
        ("/incidents/export.csv?text={incident}", "restricted_incident"),
        ("/cases/all?text={case}", "restricted_case"),
        ("/case-reviews", "about_restricted_case"),
        ("/interventions/deadlines", "restricted_case"),
        ("/cases/all/export.csv?text={case}", "restricted_case"),
        ("/interventions/deadlines.csv", "restricted_case"),
    ],
)
def test_the_asb_lead_finds_the_restricted_records_in_the_same_lists(
    client, login_as, world, path, named
):
    login_as(Role.ASB_LEAD, "community-safety")
    response = client.get(
        path.format(
            case=world.restricted_case.reference, incident=world.restricted_incident.reference
        )
    )
    assert getattr(world, named).reference in response.get_data(as_text=True)


def test_a_case_officer_is_not_notified_of_a_restricted_incident_they_may_not_see(
    app, client, world
):
    officer = UserFactory(role=Role.OFFICER, agency=agency("barbican"))
    housing = UserFactory(role=Role.MANAGER, agency=agency("housing"))
    shown = IncidentFactory()
    with app.test_request_context():
        case = case_services.open_case(
            title="Begging", summary="Begging", lead_agency=agency("housing"), actor=housing
        )
        lead = UserFactory(role=Role.ASB_LEAD, agency=agency("community-safety"))
        case_services.assign_case(case, agency=agency("barbican"), officer=officer, actor=lead)
        case_services.link_incident(case, shown, actor=housing)
        case_services.link_incident(case, world.restricted_incident, actor=housing)
    db.session.commit()
    sign_in_session(client, officer)
    page = client.get("/notifications")
    assert shown.reference in page.get_data(as_text=True)
    _never_names(page, world.restricted_incident.reference)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("asb lead", True),
        ("whoever logged it", True),
        ("its single point of contact", False),
        ("an officer who sees its case", False),
        ("an officer of another agency", False),
        ("a police partner", False),
    ],
)
def test_who_may_change_the_complaints_an_application_cites(world, who, allowed):
    users = {
        "asb lead": world.lead,
        "whoever logged it": world.barbican_logger,
        "its single point of contact": world.spoc,
        "an officer who sees its case": UserFactory(role=Role.OFFICER, agency=agency("housing")),
        "an officer of another agency": UserFactory(role=Role.OFFICER, agency=agency("mcp")),
        "a police partner": UserFactory(role=Role.PARTNER, agency=agency("city-police")),
    }
    application = world.about_shared_case
    application.spoc = world.spoc
    db.session.flush()
    assert can(users[who], Permission.CHANGE_CASE_REVIEW_COMPLAINTS, application) is allowed
