"""What an agency disclosed at a held meeting goes in the disclosure log: what, about whom,
from whom, to the meeting, under which agreement or lawful basis."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from asb.auth.models import Role
from asb.disclosures.models import Disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.panels.models import PanelDisclosure
from asb.panels.vocabulary import MeetingStatus
from asb.people.vocabulary import PersonRole
from asb.submissions import new_key
from tests.agreements.helpers import make_agreement
from tests.factories import CasePersonFactory, PersonFactory, agency
from tests.helpers import error_summary, visible_text


@pytest.fixture
def held(login_as, make_case, make_meeting, client):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    case = make_case()
    person = PersonFactory(name="Jordan Neighbour")
    CasePersonFactory(case_id=case.id, person_id=person.id, role=PersonRole.PERPETRATOR)
    db.session.commit()
    meeting = make_meeting(
        lead, ("community-safety", "housing", "city-police"), days=-1, cases=[case]
    )
    assert client.post(f"/panels/{meeting.id}/held").status_code == 302
    return meeting, case, person, lead


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_disclosure_at_the_meeting_is_logged_once(client, held):
    meeting, case, person, lead = held
    data = {
        "agency": str(agency("city-police").id),
        "description": "Two arrests at the address for criminal damage",
        "case": str(case.id),
        "people": [str(person.id)],
        "categories": ["incident-facts", "people"],
        "basis": "basis-public-task",
        "submission_key": new_key(),
    }
    first = client.post(f"/panels/{meeting.id}/disclosures", data=data)
    again = client.post(f"/panels/{meeting.id}/disclosures", data=data)
    assert first.status_code == again.status_code == 302
    assert _count(Disclosure) == _count(PanelDisclosure) == 1
    disclosure = db.session.scalar(select(Disclosure))
    assert disclosure.method is DisclosureMethod.PANEL_MEETING
    assert disclosure.disclosing_agency.code == "city-police"
    assert disclosure.recipient_agency is None
    assert meeting.reference in disclosure.recipient_name
    assert "Housing" in disclosure.recipient_name
    assert meeting.reference in disclosure.description
    assert "Two arrests" in disclosure.description
    assert disclosure.case_id == case.id
    assert disclosure.lawful_basis.value == "public-task" and disclosure.agreement is None
    assert [s.person_id for s in disclosure.subjects] == [person.id]
    assert disclosure.disclosed_at == meeting.starts_at
    assert disclosure.recorded_by_id == lead.id
    page = visible_text(client.get(f"/panels/{meeting.id}"))
    assert "Two arrests at the address for criminal damage" in page


def test_a_disclosure_may_rest_on_an_agreement(client, held):
    meeting, _, _, lead = held
    agreement = make_agreement(lead, starts_on=date(2020, 1, 1))
    db.session.commit()
    response = client.post(
        f"/panels/{meeting.id}/disclosures",
        data={
            "agency": str(agency("housing").id),
            "description": "The tenancy history",
            "case": "",
            "categories": ["case-work"],
            "basis": f"agreement-{agreement.id}",
        },
    )
    assert response.status_code == 302
    disclosure = db.session.scalar(select(Disclosure))
    assert disclosure.agreement_id == agreement.id and disclosure.lawful_basis is None
    assert disclosure.case_id is None and disclosure.subjects == []


def test_what_is_missing_is_asked_for(client, held):
    meeting, *_ = held
    response = client.post(f"/panels/{meeting.id}/disclosures", data={"agency": ""})
    assert response.status_code == 200
    assert [text for _, text in error_summary(response)] == [
        "Select the agency",
        "Enter what was disclosed",
        "Select the data disclosed",
        "Select the agreement or the lawful basis",
    ]
    assert _count(Disclosure) == 0


def test_an_agency_not_attending_cannot_be_chosen(client, held):
    meeting, *_ = held
    response = client.post(
        f"/panels/{meeting.id}/disclosures",
        data={
            "agency": str(agency("barbican").id),
            "description": "Anything",
            "categories": ["people"],
            "basis": "basis-public-task",
        },
    )
    assert response.status_code == 200
    assert ("#agency", "Select agency that disclosed from the list") in error_summary(response)
    assert _count(Disclosure) == 0


def test_nothing_is_logged_as_disclosed_at_a_meeting_not_yet_held(client, login_as, make_meeting):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    meeting = make_meeting(lead)
    assert meeting.status is MeetingStatus.PLANNED
    response = client.post(
        f"/panels/{meeting.id}/disclosures",
        data={
            "agency": str(agency("housing").id),
            "description": "Anything",
            "categories": ["people"],
            "basis": "basis-public-task",
        },
    )
    assert response.status_code == 302
    assert _count(Disclosure) == 0
    assert "Log what an agency disclosed" not in visible_text(client.get(f"/panels/{meeting.id}"))
