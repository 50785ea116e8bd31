"""The meeting pack carries, for each attending agency, exactly what it may have: a partner
organisation only the categories its agreements in force on the meeting's day cover (each
pack logged as disclosures), the City's agencies what the access policy lets them see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from asb.agreements.vocabulary import DataCategory
from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.cases import services as case_services
from asb.cases.models import Case
from asb.cases.risk import RiskLevel
from asb.disclosures.models import Disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.panels.models import PanelDisclosure, PanelMeeting, PanelPack
from asb.people.vocabulary import PersonRole
from tests.agreements.helpers import make_agreement
from tests.conftest import with_submission_key
from tests.factories import (
    CasePersonFactory,
    DocumentFactory,
    IncidentFactory,
    PersonFactory,
    RiskAssessmentFactory,
    agency,
    make_action,
    make_user,
    request_context,
)
from tests.helpers import visible_text

# Words only each part of the case holds: a pack that leaves a part out never shows them.
MARKERS = {
    DataCategory.INCIDENT_FACTS: ["Drumming on the balcony at 3am", "Racket at Frobisher"],
    DataCategory.LOCATIONS: ["Stairwell B, Ben Jonson House"],
    DataCategory.PEOPLE: ["Morgan Quillfeather", "020 7946 0999"],
    DataCategory.VULNERABILITIES: ["Hearing impairment"],
    DataCategory.RISK_ASSESSMENTS: ["Risk level: High", "score 17"],
    DataCategory.CASE_WORK: ["Fit a noise monitor", "Spoke to the caretaker"],
    DataCategory.DOCUMENTS: ["diary-sheet.pdf"],
}


@dataclass
class World:
    lead: object
    case: Case
    restricted: Case
    meeting: PanelMeeting
    person: object


@pytest.fixture
def world(db_session, make_meeting) -> World:
    lead = make_user(Role.ASB_LEAD, "community-safety")
    housing = make_user(Role.MANAGER, "housing")
    incident = IncidentFactory(
        description="Drumming on the balcony at 3am",
        location_description="Stairwell B, Ben Jonson House",
    )
    with request_context():
        case = case_services.open_case(
            title="Racket at Frobisher",
            summary="Repeated noise",
            lead_agency=agency("housing"),
            actor=housing,
            incidents=[incident],
        )
        case.risk_level = RiskLevel.HIGH
        case_services.add_note(case, "Spoke to the caretaker", actor=housing)
    RiskAssessmentFactory(case_id=case.id, level=RiskLevel.HIGH, score=17)
    make_action(
        case, housing, today_in_london() + timedelta(days=5), description="Fit a noise monitor"
    )
    person = PersonFactory(
        name="Morgan Quillfeather", phone="020 7946 0999", vulnerability_notes="Hearing impairment"
    )
    CasePersonFactory(case_id=case.id, person_id=person.id, role=PersonRole.VICTIM)
    DocumentFactory(case_id=case.id, filename="diary-sheet.pdf", uploaded_by_id=housing.id)
    with request_context():
        restricted = case_services.open_case(
            title="Safeguarding referral",
            summary="Domestic abuse",
            lead_agency=agency("housing"),
            actor=housing,
            restricted=True,
            restriction_reason="Domestic abuse",
        )
    db.session.commit()
    meeting = make_meeting(
        lead, ("community-safety", "housing", "barbican", "city-police"), cases=[case, restricted]
    )
    return World(lead=lead, case=case, restricted=restricted, meeting=meeting, person=person)


def _pack_path(world: World, code: str) -> str:
    return f"/panels/{world.meeting.id}/packs/{agency(code).id}"


def _produce(client, world: World, code: str = "city-police"):
    return client.post(_pack_path(world, code))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("shared", list(DataCategory))
def test_a_partner_s_pack_carries_exactly_the_category_its_agreement_covers(
    client, login_as, world, shared
):
    make_agreement(world.lead, categories=[shared.value], starts_on=date(2020, 1, 1))
    db.session.commit()
    login_as(Role.ASB_LEAD, "community-safety")
    assert _produce(client, world).status_code == 302
    html = client.get(_pack_path(world, "city-police")).get_data(as_text=True)
    for category, markers in MARKERS.items():
        for marker in markers:
            if category is shared:
                assert marker in html, f"{marker!r} missing with {category} shared"
            else:
                assert marker not in html, f"{marker!r} shown though {category} is not shared"
    assert world.case.reference in html
    assert world.restricted.reference not in html and "Safeguarding referral" not in html
    assert html.count("Not shared") >= len(DataCategory) - 1


def test_producing_a_pack_logs_a_disclosure_about_the_people_on_each_case(client, login_as, world):
    agreement = make_agreement(
        world.lead,
        categories=["incident-facts", "people"],
        starts_on=date(2020, 1, 1),
    )
    db.session.commit()
    login_as(Role.ASB_LEAD, "community-safety")
    data = with_submission_key({})
    first = client.post(_pack_path(world, "city-police"), data=data)
    again = client.post(_pack_path(world, "city-police"), data=data)
    assert first.status_code == again.status_code == 302
    assert _count(PanelPack) == 1
    disclosure = db.session.scalar(select(Disclosure))
    assert _count(Disclosure) == 1  # one case shareable: the restricted one never is
    assert disclosure.method is DisclosureMethod.PANEL_MEETING
    assert disclosure.recipient_agency.code == "city-police"
    assert disclosure.agreement_id == agreement.id
    assert disclosure.case_id == world.case.id
    assert sorted(disclosure.categories) == ["incident-facts", "people"]
    assert world.meeting.reference in disclosure.description
    assert [subject.person_id for subject in disclosure.subjects] == [world.person.id]
    link = db.session.scalar(select(PanelDisclosure))
    assert (link.meeting_id, link.disclosure_id) == (world.meeting.id, disclosure.id)
    page = visible_text(client.get(f"/panels/{world.meeting.id}"))
    assert f"Agreement {agreement.reference}" in page


def test_each_agreement_relied_on_is_named_in_its_own_disclosure(client, login_as, world):
    first = make_agreement(world.lead, categories=["incident-facts"], starts_on=date(2020, 1, 1))
    second = make_agreement(
        world.lead, categories=["incident-facts", "locations"], starts_on=date(2021, 1, 1)
    )
    db.session.commit()
    login_as(Role.ASB_LEAD, "community-safety")
    _produce(client, world)
    found = {
        d.agreement_id: d.categories
        for d in db.session.scalars(select(Disclosure).order_by(Disclosure.id))
    }
    assert found == {first.id: ["incident-facts"], second.id: ["locations"]}


@pytest.mark.parametrize(
    "agreement",
    [
        None,
        {"starts_on": date(2020, 1, 1), "ends_on": date(2021, 1, 1), "review_on": date(2020, 6, 1)},
        {"starts_on": date(2099, 1, 1), "review_on": date(2100, 1, 1)},
        {"partner": "barbican", "starts_on": date(2020, 1, 1)},
    ],
    ids=["no agreement", "ended", "not started", "another partner's"],
)
def test_no_pack_without_an_agreement_in_force_on_the_meeting_s_day(
    client, login_as, world, agreement
):
    if agreement is not None:
        make_agreement(world.lead, **{"categories": [c.value for c in DataCategory], **agreement})
        db.session.commit()
    login_as(Role.ASB_LEAD, "community-safety")
    page = client.get(_pack_path(world, "city-police"))
    text = visible_text(page)
    assert "This pack cannot be produced" in text
    assert "Produce the pack" not in text
    for markers in MARKERS.values():
        for marker in markers:
            assert marker not in page.get_data(as_text=True)
    response = _produce(client, world)
    assert response.status_code == 200
    assert "No sharing agreement with City of London Police is in force" in visible_text(response)
    assert _count(Disclosure) == 0 and _count(PanelPack) == 0


def test_an_agreement_that_ends_before_the_meeting_gives_no_pack(client, login_as, world):
    meeting_day = today_in_london() + timedelta(days=7)
    make_agreement(
        world.lead,
        categories=["incident-facts"],
        starts_on=date(2020, 1, 1),
        review_on=meeting_day + timedelta(days=30),
        ends_on=meeting_day - timedelta(days=1),
    )
    db.session.commit()
    login_as(Role.ASB_LEAD, "community-safety")
    assert "This pack cannot be produced" in visible_text(
        client.get(_pack_path(world, "city-police"))
    )


def test_a_partner_s_pack_shows_nothing_until_it_is_produced(client, login_as, world):
    make_agreement(
        world.lead, categories=[c.value for c in DataCategory], starts_on=date(2020, 1, 1)
    )
    db.session.commit()
    login_as(Role.ASB_LEAD, "community-safety")
    html = client.get(_pack_path(world, "city-police")).get_data(as_text=True)
    assert "Produce the pack and log the disclosure" in html
    assert "Drumming on the balcony at 3am" not in html
    assert _count(Disclosure) == 0


def test_the_lead_agency_s_pack_carries_the_case_by_the_policy(client, login_as, world):
    login_as(Role.ASB_LEAD, "community-safety")
    html = client.get(_pack_path(world, "housing")).get_data(as_text=True)
    for markers in MARKERS.values():
        for marker in markers:
            assert marker in html
    # Housing holds the restricted case too: it is assigned there.
    assert "Safeguarding referral" in html
    assert _count(Disclosure) == 0
    # Nothing to produce for one of the City's own agencies.
    assert client.post(_pack_path(world, "housing")).status_code == 405


def test_an_internal_agency_not_working_a_case_gets_none_of_it(client, login_as, world):
    login_as(Role.ASB_LEAD, "community-safety")
    response = client.get(_pack_path(world, "barbican"))
    html = response.get_data(as_text=True)
    assert f"Case {world.case.reference} Not shared: Barbican Estates is not working this case" in (
        visible_text(response)
    )
    for markers in MARKERS.values():
        for marker in markers:
            assert marker not in html
    assert world.restricted.reference not in html and "Safeguarding referral" not in html


def test_a_partner_agency_on_a_case_gets_it_without_personal_details(client, login_as, world):
    with request_context():
        case_services.add_partner(world.case, agency("barbican"), actor=world.lead)
    db.session.commit()
    login_as(Role.ASB_LEAD, "community-safety")
    html = client.get(_pack_path(world, "barbican")).get_data(as_text=True)
    personal = {DataCategory.PEOPLE, DataCategory.VULNERABILITIES}
    for category, markers in MARKERS.items():
        for marker in markers:
            assert (marker in html) is (category not in personal), marker


def test_a_pack_is_only_for_an_agency_attending(client, login_as, world):
    login_as(Role.ASB_LEAD, "community-safety")
    assert client.get(f"/panels/{world.meeting.id}/packs/{agency('mcp').id}").status_code == 404


def test_reading_a_pack_is_on_the_audit_trail(client, login_as, world):
    user = login_as(Role.ASB_LEAD, "community-safety")
    client.get(_pack_path(world, "housing"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panel.pack-viewed"))
    assert (event.actor_id, event.object_id) == (user.id, world.meeting.id)
    assert event.detail["agency"] == "housing"
    assert sorted(event.detail["case_ids"]) == sorted([world.case.id, world.restricted.id])
