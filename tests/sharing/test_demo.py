"""The demo's partnership: an agreement with City of London Police in force and one case
shared under it, so the police user sees the partner's view at once."""

from __future__ import annotations

from sqlalchemy import select

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis
from asb.auth.models import Role, User
from asb.auth.services import create_user, find_agency
from asb.calendar import today_in_london
from asb.demo.cases import load_demo_cases
from asb.demo.partnership import load_demo_partnership
from asb.demo.seed import DEMO_USERS, load_partnership_incidents
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.sharing.models import CaseShare
from tests.conftest import sign_in_session
from tests.helpers import visible_text


def test_the_demo_shares_one_case_with_city_police_under_an_agreement(app, client, db_session):
    users = {
        spec.email: create_user(
            email=spec.email,
            name=spec.name,
            agency=find_agency(spec.agency_code),
            role=spec.role,
            password="demo-password-2026",
        )
        for spec in DEMO_USERS
    }
    load_partnership_incidents(
        {spec.agency_code: users[spec.email] for spec in DEMO_USERS if spec.role is Role.OFFICER}
    )
    with app.test_request_context():
        load_demo_cases(users)
        load_demo_partnership(users)
    db.session.commit()

    agreement = db.session.scalars(select(SharingAgreement)).one()
    today = today_in_london()
    assert agreement.partner_agency.code == "city-police"
    assert agreement.in_force_on(today) and agreement.review_on > today
    assert agreement.lawful_basis is LawfulBasis.PUBLIC_TASK
    assert agreement.crime_and_disorder_s115
    assert set(agreement.data_categories) == {
        DataCategory.INCIDENT_FACTS,
        DataCategory.LOCATIONS,
        DataCategory.PEOPLE,
        DataCategory.CASE_WORK,
    }
    share = db.session.scalars(select(CaseShare)).one()
    assert share.is_live_on(today) and not share.case.restricted
    assert share.shared_by.email == "asb.lead@demo.asb.local"
    assert share.disclosure.method is DisclosureMethod.CASE_SHARE
    assert share.disclosure.subjects

    police = db.session.scalar(select(User).where(User.email == "police.partner@demo.asb.local"))
    sign_in_session(client, police)
    home = visible_text(client.get("/"))
    assert share.case.reference in home and share.case.title in home
    shared = visible_text(client.get(f"/shared/cases/{share.case_id}"))
    assert share.case.people[0].person.name in shared
