"""The subject access pack: everything about the person, nothing identifying anyone else."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from asb.agreements.vocabulary import LawfulBasis
from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.cases import services as case_services
from asb.cases.models import Case
from asb.disclosures.services import record_disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.documents.storage import stored_until_rollback
from asb.extensions import db
from asb.people.models import CasePerson
from asb.people.vocabulary import PersonRole
from asb.subject_access.pack import REDACTED, Redactor
from tests.conftest import sign_in_session
from tests.factories import (
    CasePersonFactory,
    DocumentFactory,
    IncidentFactory,
    IncidentPersonFactory,
    PersonFactory,
    agency,
    make_case,
    make_user,
    request_context,
)
from tests.helpers import visible_text

# What the subject may see, and what identifies someone else.
SUBJECT = ["Sam Caller", "1 Subject Street", "020 7946 0100", "sam.caller@example.com"]
THIRD_PARTIES = [
    "Jordan",
    "Okafor",
    "07700 900123",
    "jordan.okafor@example.com",
    "3 Other Road",
    "Casey",
    "Witness",
    "Unrelated",
]


@pytest.fixture
def subject_world(app, db_session, lead, log_request, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(tmp_path / "documents"))
    officer = make_user(Role.OFFICER, "housing", name="Officer Priya Shah")
    subject = PersonFactory(
        name="Sam Caller",
        date_of_birth=date(1980, 5, 1),
        address="1 Subject Street",
        phone="020 7946 0100",
        email="sam.caller@example.com",
        vulnerability_notes="Hearing impairment",
    )
    other = PersonFactory(
        name="Jordan Okafor",
        address="3 Other Road",
        phone="07700 900123",
        email="jordan.okafor@example.com",
    )
    incident = IncidentFactory(
        description="JORDAN okafor played loud music; Casey Witness saw it. Call 07700 900123.",
        reporter_name="Sam Caller",
        reporter_phone="020 7946 0100",
        victim_name="Casey Witness",
        victim_phone="020 7946 0999",
    )
    IncidentPersonFactory(incident=incident, person=subject, role=PersonRole.REPORTER)
    IncidentPersonFactory(incident=incident, person=other, role=PersonRole.PERPETRATOR)
    unrelated_person = PersonFactory(name="Unrelated Person")
    IncidentPersonFactory(
        incident=IncidentFactory(description="Unrelated"), person=unrelated_person
    )
    case = make_case(
        "housing",
        officer,
        title="Noise at Jordan's flat",
        summary="Sam Caller complains about Jordan Okafor (jordan.okafor@example.com)",
        incidents=[incident],
    )
    CasePersonFactory(case_id=case.id, person_id=subject.id, role=PersonRole.VICTIM)
    CasePersonFactory(case_id=case.id, person_id=other.id, role=PersonRole.PERPETRATOR)
    with request_context():
        case_services.add_note(case, "Spoke to Mr Okafor at 3 Other Road", actor=officer)
    with stored_until_rollback(b"statement") as storage_name:
        DocumentFactory(case_id=case.id, filename="okafor-statement.txt", storage_name=storage_name)
    record_disclosure(
        method=DisclosureMethod.PHONE,
        description="Told PC Ahmed that Jordan Okafor was the neighbour Sam complained of",
        purpose="Preventing crime",
        disclosing_agency=agency("housing"),
        recorded_by=officer,
        recipient_agency=agency("city-police"),
        recipient_name="PC Ahmed",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        subjects=[subject, other],
    )
    db.session.commit()
    return log_request(people=[subject])


def test_the_pack_shows_the_subjects_data_and_no_one_elses(client, lead, subject_world):
    sign_in_session(client, lead)

    response = client.get(f"/subject-access/{subject_world.id}/pack")
    page = visible_text(response)

    assert response.status_code == 200
    for shown in [
        *SUBJECT,
        "1 May 1980",
        "Hearing impairment",
        f"{REDACTED} played loud music; {REDACTED} saw it. Call {REDACTED}.",
        "Your part Reporter",
        "Reported by Sam Caller",
        "Victim [third party]",
        "Other people [third party] (Alleged perpetrator)",
        "Spoke to Mr [redacted] at [redacted]",
        "Officer Priya Shah",  # officers acting in their job are named
        "[redacted]-statement.txt",
        "Told PC Ahmed that [redacted] was the neighbour Sam complained of",
        "Redaction applied: 1 other person linked to these records",
        "a person must read every free-text passage before the pack is released",
    ]:
        assert shown in page
    for hidden in THIRD_PARTIES:
        assert hidden.lower() not in page.lower(), hidden


def test_the_json_pack_carries_the_same_and_no_one_else(client, lead, subject_world):
    sign_in_session(client, lead)

    response = client.get(f"/subject-access/{subject_world.id}/pack.json")
    text = response.get_data(as_text=True)
    pack = json.loads(text)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert pack["people"][0]["name"] == "Sam Caller"
    assert pack["people"][0]["date_of_birth"] == "1980-05-01"
    assert pack["redaction_applied"] is True
    assert "Automated redaction is not perfect" in pack["notice"]
    assert pack["incidents"][0]["others"] == [
        {"name": "[third party]", "role": "Alleged perpetrator"}
    ]
    subject = subject_world.subjects[0]
    assert [case["reference"] for case in pack["cases"]] == list(
        db.session.scalars(
            select(Case.reference)
            .join(CasePerson, CasePerson.case_id == Case.id)
            .where(CasePerson.person_id == subject.id)
        )
    )
    assert len(pack["disclosures"]) == 1
    for hidden in THIRD_PARTIES:
        assert hidden.lower() not in text.lower(), hidden


def test_producing_the_pack_is_audited_without_personal_data(client, lead, subject_world):
    sign_in_session(client, lead)

    client.get(f"/subject-access/{subject_world.id}/pack")
    client.get(f"/subject-access/{subject_world.id}/pack.json")

    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "subject_access.pack-produced")
        .order_by(AuditEvent.id)
    ).all()
    assert [event.detail["output"] for event in events] == ["html", "json"]
    assert all(event.actor_id == lead.id for event in events)
    assert all(event.object_id == subject_world.id for event in events)
    assert "Sam" not in json.dumps([event.detail for event in events])


def test_without_a_linked_record_there_is_no_pack(client, lead, log_request):
    request = log_request()
    sign_in_session(client, lead)

    response = client.get(f"/subject-access/{request.id}/pack")

    assert response.status_code == 302
    assert "Link the requester's person records" in visible_text(client.get(response.location))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jordan OKAFOR called", f"{REDACTED} called"),
        ("Jordan's car", f"{REDACTED}'s car"),
        ("Jordanstown is a place", "Jordanstown is a place"),
        ("Al Okafor", f"Al {REDACTED}"),  # parts shorter than three letters stay
        ("Sam Caller and Pat Caller", f"Sam Caller and {REDACTED}"),  # the subject's own name
        ("Ring 07700  900123", f"Ring {REDACTED}"),
        ("Mail jordan.okafor@example.com now", f"Mail {REDACTED} now"),
    ],
)
def test_the_redactor_works_on_word_boundaries(text, expected):
    redact = Redactor.for_people(
        ["Sam Caller"],
        [
            ("Jordan Okafor", "07700 900123", "jordan.okafor@example.com"),
            ("Pat Caller", None, None),
        ],
    )

    assert redact(text) == expected
