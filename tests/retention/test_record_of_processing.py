"""The record-of-processing page: from configuration, the retention schedule and the
agreements register, for every signed-in user."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from freezegun import freeze_time

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis, SpecialCategoryCondition
from asb.auth.models import Role
from asb.extensions import db
from asb.processing.record import RecordOfProcessingError, load_record
from tests.conftest import sign_in_session
from tests.factories import agency
from tests.helpers import visible_text

ROLES = [
    (Role.OFFICER, "housing"),
    (Role.MANAGER, "barbican"),
    (Role.PARTNER, "city-police"),
    (Role.ASB_LEAD, "community-safety"),
    (Role.ADMIN, "community-safety"),
]


def _agreement(owner, reference: str, **fields) -> SharingAgreement:
    values = {
        "reference": reference,
        "title": "City Police ASB information sharing",
        "partner_agency": agency("city-police"),
        "purpose": "Preventing and reducing anti-social behaviour in the City",
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "special_category_condition": SpecialCategoryCondition.PREVENTING_CRIME,
        "crime_and_disorder_s115": True,
        "categories": [DataCategory.INCIDENT_FACTS.value, DataCategory.LOCATIONS.value],
        "starts_on": date(2026, 1, 1),
        "review_on": date(2027, 1, 1),
        "owner": owner,
        **fields,
    }
    agreement = SharingAgreement(**values)
    db.session.add(agreement)
    return agreement


@pytest.mark.parametrize(("role", "agency_code"), ROLES)
def test_every_signed_in_user_reads_it(client, make_user, role, agency_code):
    sign_in_session(client, make_user(role, agency_code))

    response = client.get("/record-of-processing")

    assert response.status_code == 200
    assert 'href="/record-of-processing"' in response.get_data(as_text=True)  # the footer


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client):
    response = client.get("/record-of-processing")

    assert response.status_code == 302
    assert "/sign-in" in response.location


def test_it_states_the_controller_purposes_retention_and_who_data_is_shared_with(client, lead):
    _agreement(lead, "ISA-IN-FORCE")
    _agreement(lead, "ISA-ENDED", ends_on=date(2026, 6, 30), title="An ended agreement")
    _agreement(lead, "ISA-FUTURE", starts_on=date(2027, 1, 1), title="Not yet started")
    db.session.commit()

    with freeze_time("2026-11-20 12:00"):
        sign_in_session(client, lead)
        page = visible_text(client.get("/record-of-processing"))

    for shown in [
        "Controller City of London Corporation",
        "Data Protection Officer",
        "ASB Case Reviews (the Community Trigger)",
        "Closed cases, with their notes, actions, documents and linked incidents "
        "6 years after the case closes",
        "Incidents closed with no further action (not on a case) 2 years after they are closed",
        "City of London Police ISA-IN-FORCE: City Police ASB information sharing",
        "Article 6(1)(e) public task",
        "Section 115, Crime and Disorder Act 1998",
        "Incident facts (what happened, when, category) Locations",
    ]:
        assert shown in page, shown
    assert "ISA-ENDED" not in page
    assert "ISA-FUTURE" not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"controller": {"name": "City"}}, "controller needs name and address"),
        ({"purposes": []}, "purposes must be a list of one or more texts"),
        ({"security_measures": ["", "TLS"]}, "security_measures must be a list"),
        ({"data_protection_officer": "the DPO"}, "data_protection_officer needs name and contact"),
    ],
)
def test_a_mistake_in_the_record_is_named(app, tmp_path, changes, message):
    shipped = json.loads(Path(app.config["ASB_RECORD_OF_PROCESSING"]).read_text(encoding="utf-8"))
    path = tmp_path / "record.json"
    path.write_text(json.dumps({**shipped, **changes}))

    with pytest.raises(RecordOfProcessingError, match=message):
        load_record(path)
