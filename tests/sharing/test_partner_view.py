"""The partner sees exactly what was shared, on the page and in the CSV, until the share is
withdrawn or its agreement ends; nothing else of asb opens to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from asb.agreements.vocabulary import DataCategory
from asb.audit.models import AuditEvent
from asb.auth.models import Role, User
from asb.calendar import today_in_london
from asb.cases import services as case_services
from asb.cases.models import Case, TimelineEntry
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import TimelineKind
from asb.documents.models import Document
from asb.documents.storage import stored_until_rollback
from asb.extensions import db
from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentSource
from asb.notifications.models import Notification
from asb.people.vocabulary import PersonRole
from asb.sharing.models import CaseShare, CaseShareContribution
from tests.conftest import sign_in_session
from tests.factories import (
    CITY_POINT,
    AgencyFactory,
    CasePersonFactory,
    DocumentFactory,
    IncidentFactory,
    PersonFactory,
    RiskAssessmentFactory,
    UserFactory,
    agency,
    make_action,
    make_user,
    request_context,
)
from tests.helpers import incident_form, visible_text
from tests.sharing.conftest import make_agreement, share

# Each category's values, planted in the case: shown when it is shared, never when it is not.
PLANTED: dict[DataCategory, list[str]] = {
    DataCategory.INCIDENT_FACTS: [
        "Wombat Court noise",
        "Music through the wall every night",
        "Bass so loud the windows rattled",
    ],
    DataCategory.LOCATIONS: [
        "Stairwell B, Wombat Court",
        "Farringdon Within",
        f"{CITY_POINT[0]:.5f}, {CITY_POINT[1]:.5f}",
    ],
    DataCategory.PEOPLE: [
        "Quentin Marchbanks",
        "020 7946 0999",
        "quentin@example.com",
        "7 Wombat Court, EC2Y 8DS",
        "14 March 1971",
    ],
    DataCategory.VULNERABILITIES: ["Hearing loss; lives alone", "Mental health condition"],
    DataCategory.RISK_ASSESSMENTS: ["9137"],
    DataCategory.CASE_WORK: [
        "Rang the housing officer about the noise diary",
        "Visit the neighbours on the fourth floor",
        "Warning letter",
    ],
    DataCategory.DOCUMENTS: ["noise-diary-march.txt"],
}
DOCUMENT_CONTENT = b"Friday 23:00 music again\n"


@dataclass
class Planted:
    case: Case
    document: Document
    lead: User


@pytest.fixture
def planted(app: Flask, lead, monkeypatch, tmp_path) -> Planted:
    """A case holding one distinct value in every field a partner might be shown."""
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(tmp_path / "documents"))
    from tests.factories import make_case

    officer = make_user(Role.OFFICER, "housing")
    incident = IncidentFactory(
        description=PLANTED[DataCategory.INCIDENT_FACTS][2],
        location_description=PLANTED[DataCategory.LOCATIONS][0],
        ward_name=PLANTED[DataCategory.LOCATIONS][1],
        vulnerabilities=["mental-health"],
    )
    case = make_case(
        title=PLANTED[DataCategory.INCIDENT_FACTS][0],
        summary=PLANTED[DataCategory.INCIDENT_FACTS][1],
        incidents=[incident],
    )
    person = PersonFactory(
        name="Quentin Marchbanks",
        phone="020 7946 0999",
        email="quentin@example.com",
        address="7 Wombat Court, EC2Y 8DS",
        date_of_birth=date(1971, 3, 14),
        vulnerability_notes="Hearing loss; lives alone",
    )
    CasePersonFactory(case_id=case.id, person_id=person.id, role=PersonRole.VICTIM)
    RiskAssessmentFactory(case_id=case.id, person_id=person.id, score=9137, level=RiskLevel.HIGH)
    with request_context():
        case_services.add_note(case, PLANTED[DataCategory.CASE_WORK][0], actor=officer)
        # Timeline entries that tell of other parts go with those parts.
        case_services.add_timeline(
            case, TimelineKind.RISK_ASSESSMENT, "Victim risk: high (score 9137)", actor=officer
        )
        case_services.add_timeline(
            case, TimelineKind.DOCUMENT, "Document uploaded: noise-diary-march.txt", actor=officer
        )
    make_action(
        case,
        officer,
        today_in_london() + timedelta(days=3),
        description=PLANTED[DataCategory.CASE_WORK][1],
    )
    from asb.interventions.rules import InterventionKind
    from asb.interventions.services import InterventionDetails, record_intervention

    with request_context():
        record_intervention(
            case,
            InterventionDetails(
                kind=InterventionKind.WARNING_LETTER,
                issued_on=today_in_london() - timedelta(days=2),
                served_on_person=person,
            ),
            actor=officer,
        )
    with stored_until_rollback(DOCUMENT_CONTENT) as storage_name:
        document = DocumentFactory(
            case_id=case.id,
            filename="noise-diary-march.txt",
            storage_name=storage_name,
            content=DOCUMENT_CONTENT,
            uploaded_by_id=officer.id,
        )
        db.session.commit()
    return Planted(case=case, document=document, lead=lead)


def _shared_with_police(planted: Planted, *categories: DataCategory, **options) -> CaseShare:
    agreement = make_agreement(planted.lead)
    return share(planted.case, agreement, categories, actor=planted.lead, **options)


def _partner_client(app: Flask, code: str = "city-police"):
    client = app.test_client()
    user = UserFactory(role=Role.PARTNER, agency=agency(code))
    db.session.commit()
    sign_in_session(client, user)
    return client, user


def _seen(client, case: Case, form: str) -> str:
    if form == "csv":
        response = client.get(f"/shared/cases/{case.id}/export.csv")
        assert response.mimetype == "text/csv"
        return response.get_data(as_text=True)
    response = client.get(f"/shared/cases/{case.id}")
    assert response.status_code == 200
    return visible_text(response)


@pytest.mark.parametrize("form", ["html", "csv"])
@pytest.mark.parametrize("category", list(DataCategory))
def test_the_partner_sees_exactly_the_part_shared(app, planted, category, form):
    _shared_with_police(planted, category)
    client, _ = _partner_client(app)

    seen = _seen(client, planted.case, form)

    for value in PLANTED[category]:
        assert value in seen, f"{value!r} of {category} is not shown"
    for other, values in PLANTED.items():
        if other is not category:
            for value in values:
                assert value not in seen, f"{value!r} of {other} shows with only {category}"
    assert "Not shared" in seen
    if category is not DataCategory.PEOPLE:
        assert "Redacted" in seen
    assert planted.case.reference in seen


@pytest.mark.parametrize("form", ["html", "csv"])
def test_the_partner_sees_every_part_when_everything_is_shared(app, planted, form):
    _shared_with_police(planted, *DataCategory)
    client, _ = _partner_client(app)

    seen = _seen(client, planted.case, form)

    for values in PLANTED.values():
        for value in values:
            assert value in seen
    assert "Not shared" not in seen and "Redacted" not in seen


def test_the_csv_cannot_carry_a_formula(app, planted):
    planted.case.summary = '=HYPERLINK("http://evil.example")'
    db.session.commit()
    _shared_with_police(planted, DataCategory.INCIDENT_FACTS)
    client, _ = _partner_client(app)
    body = client.get(f"/shared/cases/{planted.case.id}/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_a_restricted_incident_linked_to_the_case_is_never_shown(app, planted):
    hidden = IncidentFactory(
        restricted=True,
        restriction_reason="Domestic abuse",
        description="Hidden incident description",
        location_description="Refuge address",
    )
    with request_context():
        case_services.link_incident(planted.case, hidden, actor=planted.lead)
    db.session.commit()
    _shared_with_police(planted, *DataCategory)
    client, _ = _partner_client(app)
    for form in ("html", "csv"):
        seen = _seen(client, planted.case, form)
        for value in (hidden.reference, "Hidden incident description", "Refuge address"):
            assert value not in seen


def test_each_view_and_download_of_a_shared_case_is_audited(app, planted):
    _shared_with_police(planted, *DataCategory)
    client, partner = _partner_client(app)
    case_id = planted.case.id
    client.get(f"/shared/cases/{case_id}")
    client.get(f"/shared/cases/{case_id}/export.csv")
    client.get(f"/shared/cases/{case_id}/documents/{planted.document.id}")
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == partner.id).order_by(AuditEvent.id)
    ).all()
    assert actions == ["case.shared-viewed", "case.shared-exported", "document.downloaded"]


def test_the_partner_downloads_a_shared_document(app, planted):
    _shared_with_police(planted, DataCategory.DOCUMENTS)
    client, _ = _partner_client(app)
    response = client.get(f"/shared/cases/{planted.case.id}/documents/{planted.document.id}")
    assert response.status_code == 200
    assert response.data == DOCUMENT_CONTENT
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_documents_not_shared_are_not_downloaded(app, planted):
    _shared_with_police(planted, DataCategory.INCIDENT_FACTS)
    client, _ = _partner_client(app)
    path = f"/shared/cases/{planted.case.id}/documents/{planted.document.id}"
    assert client.get(path).status_code == 404


def test_the_home_page_lists_what_is_shared_with_the_agreement_date_and_sharer(app, planted):
    made = _shared_with_police(planted, DataCategory.INCIDENT_FACTS)
    client, _ = _partner_client(app)
    home = visible_text(client.get("/"))
    assert planted.case.reference in home
    assert PLANTED[DataCategory.INCIDENT_FACTS][0] in home
    assert made.agreement.reference in home and made.agreement.title in home
    assert f"{planted.lead.name} (Community Safety)" in home
    assert "Nothing has been shared" not in home


def test_the_home_page_shows_no_title_that_was_not_shared(app, planted):
    _shared_with_police(planted, DataCategory.LOCATIONS)
    client, _ = _partner_client(app)
    home = visible_text(client.get("/"))
    assert planted.case.reference in home
    assert PLANTED[DataCategory.INCIDENT_FACTS][0] not in home


def test_the_home_page_says_when_nothing_is_shared(app, planted):
    client, _ = _partner_client(app)
    home = visible_text(client.get("/"))
    assert "Nothing has been shared with your organisation yet" in home
    assert planted.case.reference not in home


def _withdraw(share_: CaseShare, lead: User) -> None:
    from asb.sharing.services import withdraw_share

    with request_context():
        withdraw_share(share_, reason="The joint visit is done", actor=lead)
    db.session.commit()


def _end_agreement(share_: CaseShare, lead: User) -> None:
    share_.agreement.starts_on = today_in_london() - timedelta(days=400)
    share_.agreement.ends_on = today_in_london() - timedelta(days=1)
    db.session.commit()


# Every page a partner can reach about a shared case, and its answer while the share is live.
PARTNER_PAGES = {
    "shared case": ("GET", "/shared/cases/{case}", 200),
    "CSV": ("GET", "/shared/cases/{case}/export.csv", 200),
    "document": ("GET", "/shared/cases/{case}/documents/{document}", 200),
    "note form": ("GET", "/shared/cases/{case}/notes", 200),
    "note sent": ("POST", "/shared/cases/{case}/notes", 302),
    "incident form": ("GET", "/shared/cases/{case}/incidents/new", 200),
    "incident sent": ("POST", "/shared/cases/{case}/incidents/new", 302),
}


def _answer(client, planted: Planted, page: str) -> int:
    method, path, _ = PARTNER_PAGES[page]
    path = path.format(case=planted.case.id, document=planted.document.id)
    if method == "GET":
        return client.get(path).status_code
    data = (
        {"text": "Seen at the address on Friday night"}
        if "notes" in path
        else incident_form(agency("city-police"))
    )
    return client.post(path, data=data).status_code


SITUATIONS = {
    "live share": None,
    "partner of another organisation": "other",
    "withdrawn": _withdraw,
    "agreement ended": _end_agreement,
}


@pytest.mark.parametrize("page", PARTNER_PAGES)
@pytest.mark.parametrize("situation", SITUATIONS)
def test_every_partner_page_answers_only_while_the_share_is_live(app, planted, page, situation):
    made = _shared_with_police(planted, *DataCategory)
    change = SITUATIONS[situation]
    code = "city-police"
    if change == "other":
        AgencyFactory(code="transport-police", name="British Transport Police", is_external=True)
        code = "transport-police"
    elif change is not None:
        change(made, planted.lead)
    client, _ = _partner_client(app, code)

    expected = PARTNER_PAGES[page][2] if situation == "live share" else 404
    assert _answer(client, planted, page) == expected
    home = visible_text(client.get("/"))
    assert (planted.case.reference in home) is (situation == "live share")


@pytest.mark.parametrize("page", ["note form", "note sent", "incident form", "incident sent"])
def test_a_share_without_contributions_refuses_the_partners_notes_and_incidents(app, planted, page):
    _shared_with_police(planted, *DataCategory, may_add_notes=False, may_add_incidents=False)
    client, _ = _partner_client(app)
    assert _answer(client, planted, page) == 403
    page_text = visible_text(client.get(f"/shared/cases/{planted.case.id}"))
    assert "Add a note" not in page_text and "Record an incident" not in page_text


# Council users on the partner's pages: refused if they see the case, told nothing otherwise.
COUNCIL = [
    (Role.OFFICER, "housing", 403),
    (Role.ASB_LEAD, "community-safety", 403),
    (Role.OFFICER, "street-enforcement", 404),
    (Role.ADMIN, "community-safety", 404),
]


@pytest.mark.parametrize(("role", "code", "status"), COUNCIL)
@pytest.mark.parametrize("page", PARTNER_PAGES)
def test_council_users_do_not_use_the_partners_pages(app, planted, role, code, status, page):
    _shared_with_police(planted, *DataCategory)
    client = app.test_client()
    sign_in_session(client, make_user(role, code))
    db.session.commit()
    assert _answer(client, planted, page) == status


def test_withdrawal_takes_effect_at_once(app, planted):
    made = _shared_with_police(planted, *DataCategory)
    partner, _ = _partner_client(app)
    assert partner.get(f"/shared/cases/{planted.case.id}").status_code == 200
    council = app.test_client()
    sign_in_session(council, planted.lead)
    case_page = council.get(f"/cases/{planted.case.id}")
    withdraw_path = f"/cases/{planted.case.id}/shares/{made.id}/withdraw"
    assert withdraw_path in case_page.get_data(as_text=True)
    assert council.post(withdraw_path, data={"reason": ""}).status_code == 200
    assert partner.get(f"/shared/cases/{planted.case.id}").status_code == 200

    response = council.post(withdraw_path, data={"reason": "The joint visit is done"})

    assert response.status_code == 302
    assert partner.get(f"/shared/cases/{planted.case.id}").status_code == 404
    assert partner.get(f"/shared/cases/{planted.case.id}/export.csv").status_code == 404
    page = visible_text(council.get(f"/cases/{planted.case.id}"))
    assert "Withdrawn" in page and "The joint visit is done" in page
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "case.share-withdrawn"))
        == 1
    )


def test_the_case_page_shows_a_share_ended_with_its_agreement(app, planted):
    made = _shared_with_police(planted, *DataCategory)
    _end_agreement(made, planted.lead)
    council = app.test_client()
    sign_in_session(council, planted.lead)
    page = council.get(f"/cases/{planted.case.id}")
    assert "Ended with its agreement" in visible_text(page)
    assert f"/shares/{made.id}/withdraw" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "code", "status"),
    [
        (Role.ASB_LEAD, "community-safety", 200),
        (Role.MANAGER, "housing", 200),
        (Role.OFFICER, "housing", 403),
        (Role.MANAGER, "barbican", 403),
        (Role.PARTNER, "city-police", 403),
    ],
)
def test_who_may_withdraw_a_share(app, planted, role, code, status):
    made = _shared_with_police(planted, *DataCategory)
    client = app.test_client()
    sign_in_session(client, make_user(role, code))
    db.session.commit()
    path = f"/cases/{planted.case.id}/shares/{made.id}/withdraw"
    assert client.get(path).status_code == status


def test_the_partners_note_is_on_the_case_as_theirs(app, planted):
    _shared_with_police(planted, *DataCategory)
    partner, user = _partner_client(app)
    path = f"/shared/cases/{planted.case.id}/notes"
    data = {"text": "PC Ahmed saw a group outside at 23:40", "submission_key": "n" * 43}

    first = partner.post(path, data=data)
    again = partner.post(path, data=data)

    assert first.status_code == again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CaseShareContribution)) == 1
    entry = db.session.scalars(select(TimelineEntry).where(TimelineEntry.actor_id == user.id)).one()
    assert entry.kind is TimelineKind.NOTE
    shared_page = visible_text(partner.get(f"/shared/cases/{planted.case.id}"))
    assert "Notes from City of London Police" in shared_page
    assert "PC Ahmed saw a group outside at 23:40" in shared_page
    officer = make_user(Role.OFFICER, "housing")
    with request_context():
        case_services.assign_case(
            planted.case, agency=agency("housing"), officer=officer, actor=planted.lead
        )
    db.session.commit()
    partner.post(path, data={"text": "A second note"})
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.user_id == officer.id, Notification.message.contains("added a note")
            )
        )
        == 1
    )
    council = app.test_client()
    sign_in_session(council, planted.lead)
    case_page = visible_text(council.get(f"/cases/{planted.case.id}"))
    assert "From City of London Police" in case_page
    assert f"{user.name} (City of London Police)" in case_page


def test_the_partner_records_an_incident_of_their_own_on_the_case(app, planted):
    _shared_with_police(planted, DataCategory.LOCATIONS)
    partner, user = _partner_client(app)
    data = incident_form(
        agency("housing"),
        description="Group of six drinking in the stairwell",
        reporter_name="Not kept",
        restricted="yes",
    )

    response = partner.post(f"/shared/cases/{planted.case.id}/incidents/new", data=data)

    assert response.status_code == 302
    incident = db.session.scalars(select(Incident).where(Incident.recorded_by_id == user.id)).one()
    assert incident.recording_agency == agency("city-police")
    assert incident.source is IncidentSource.PARTNERSHIP
    assert not incident.restricted and incident.reporter_name is None
    assert incident.id in {link.incident_id for link in planted.case.incident_links}
    shared_page = visible_text(partner.get(f"/shared/cases/{planted.case.id}"))
    assert "Incidents recorded by City of London Police" in shared_page
    assert incident.reference in shared_page
    assert "Group of six drinking in the stairwell" in shared_page
    council = app.test_client()
    sign_in_session(council, make_user(Role.OFFICER, "housing"))
    db.session.commit()
    assert incident.reference in visible_text(council.get(f"/cases/{planted.case.id}"))


def test_the_partner_incident_form_says_what_to_do(app, planted):
    _shared_with_police(planted, *DataCategory)
    partner, _ = _partner_client(app)
    response = partner.post(
        f"/shared/cases/{planted.case.id}/incidents/new",
        data=incident_form(agency("city-police"), latitude="", longitude="", description=""),
    )
    assert response.status_code == 200
    text = visible_text(response)
    assert "Enter what happened" in text
    assert "Choose the location on the map" in text
