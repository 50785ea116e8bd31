"""Sharing a case with City Police: only under an agreement in force that covers what is
shared, by the ASB lead or a manager of the lead agency, with one disclosure per share."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from asb.agreements.vocabulary import DataCategory
from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.disclosures.models import Disclosure
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.people.vocabulary import PersonRole
from asb.sharing import services
from asb.sharing.models import CaseShare
from tests.conftest import sign_in_session
from tests.factories import (
    AgencyFactory,
    CasePersonFactory,
    PersonFactory,
    agency,
    request_context,
)
from tests.helpers import error_summary, visible_text
from tests.sharing.conftest import make_agreement, share


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def share_form(chosen, /, *categories: str, **changes) -> dict:
    """The share form answered for the agreement chosen, with some answers changed."""
    data = {
        "agency": str(chosen.partner_agency_id),
        "agreement": str(chosen.id),
        "categories": list(categories) or ["incident-facts", "locations"],
        "may_add_notes": "yes",
        "may_add_incidents": "no",
        "purpose": "Joint visit with the neighbourhood policing team",
    }
    data.update(changes)
    return data


@pytest.fixture
def case_with_people(make_case):
    case = make_case()
    victim = PersonFactory(name="Valerie Victim")
    perpetrator = PersonFactory(name="Percy Perpetrator")
    CasePersonFactory(case_id=case.id, person_id=victim.id, role=PersonRole.VICTIM)
    CasePersonFactory(case_id=case.id, person_id=perpetrator.id, role=PersonRole.PERPETRATOR)
    db.session.commit()
    return case


def test_the_lead_shares_a_case_under_an_agreement_and_one_disclosure_is_logged(
    client, lead, agreement, case_with_people
):
    sign_in_session(client, lead)
    case = case_with_people
    page = client.get(f"/cases/{case.id}")
    assert "Share this case" in visible_text(page)
    form = client.get(f"/cases/{case.id}/share")
    assert agreement.reference in visible_text(form)

    response = client.post(
        f"/cases/{case.id}/share", data=share_form(agreement, "incident-facts", "people")
    )

    assert response.status_code == 302
    made = db.session.scalars(select(CaseShare)).one()
    assert made.agency == agency("city-police")
    assert made.agreement == agreement
    assert made.categories == ["incident-facts", "people"]
    assert (made.may_add_notes, made.may_add_incidents) == (True, False)
    assert made.shared_by == lead
    disclosure = db.session.scalars(select(Disclosure)).one()
    assert made.disclosure == disclosure
    assert disclosure.method is DisclosureMethod.CASE_SHARE
    assert disclosure.case == case
    assert disclosure.agreement == agreement
    assert disclosure.recipient_agency == agency("city-police")
    assert disclosure.categories == ["incident-facts", "people"]
    assert disclosure.authorised_by == lead
    assert disclosure.legal_basis_note == services.SECTION_115
    assert {subject.person.name for subject in disclosure.subjects} == {
        "Valerie Victim",
        "Percy Perpetrator",
    }
    shared = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.shared")).one()
    assert "Valerie" not in str(shared.detail)
    case_page = visible_text(client.get(f"/cases/{case.id}"))
    assert "City of London Police" in case_page and "Live" in case_page


def test_posting_the_share_form_twice_creates_one_share_and_one_disclosure(
    client, lead, agreement, make_case
):
    sign_in_session(client, lead)
    case = make_case()
    data = {**share_form(agreement), "submission_key": "k" * 43}

    first = client.post(f"/cases/{case.id}/share", data=data)
    again = client.post(f"/cases/{case.id}/share", data=data)

    assert first.status_code == again.status_code == 302
    assert again.location == first.location
    assert (_count(CaseShare), _count(Disclosure)) == (1, 1)


def test_a_second_live_share_with_the_same_partner_is_refused(client, lead, agreement, make_case):
    case = make_case()
    share(case, agreement, actor=lead)
    sign_in_session(client, lead)

    response = client.post(f"/cases/{case.id}/share", data=share_form(agreement))

    assert response.status_code == 200
    assert "already shared with City of London Police" in dict(error_summary(response))["#agency"]
    assert _count(CaseShare) == 1


def _today():
    return today_in_london()


# How each agreement is wrong, and what the lead is told.
AGREEMENTS = {
    "expired": (
        lambda: {"starts_on": _today() - timedelta(days=400), "ends_on": _today() - timedelta(1)},
        "ended on",
    ),
    "not yet started": (
        lambda: {"starts_on": _today() + timedelta(days=1), "review_on": _today() + timedelta(9)},
        "does not start until",
    ),
}


@pytest.mark.parametrize("state", AGREEMENTS)
def test_sharing_under_an_agreement_not_in_force_is_refused(lead, make_case, state):
    fields, message = AGREEMENTS[state]
    agreement = make_agreement(lead, **fields())
    case = make_case()
    with request_context(), pytest.raises(services.SharingError, match=message):
        services.share_case(
            case,
            agency=agency("city-police"),
            agreement=agreement,
            categories=[DataCategory.INCIDENT_FACTS],
            purpose="Joint visit",
            actor=lead,
        )
    assert _count(CaseShare) == _count(Disclosure) == 0


@pytest.mark.parametrize("state", AGREEMENTS)
def test_the_share_page_offers_no_agreement_not_in_force_and_refuses_one_sent(
    client, lead, make_case, state
):
    agreement = make_agreement(lead, **AGREEMENTS[state][0]())
    in_force = make_agreement(lead)
    case = make_case()
    db.session.commit()
    sign_in_session(client, lead)

    page = visible_text(client.get(f"/cases/{case.id}/share"))
    assert in_force.reference in page and agreement.reference not in page
    response = client.post(f"/cases/{case.id}/share", data=share_form(agreement))

    assert response.status_code == 200
    assert dict(error_summary(response))["#agreement"] == "Select sharing agreement from the list"
    assert _count(CaseShare) == 0


def test_with_no_agreement_in_force_the_share_page_says_so_and_takes_nothing(
    client, lead, make_case
):
    expired = make_agreement(lead, **AGREEMENTS["expired"][0]())
    case = make_case()
    db.session.commit()
    sign_in_session(client, lead)

    page = client.get(f"/cases/{case.id}/share")
    assert "nothing can be shared" in visible_text(page)
    assert "<form" not in page.get_data(as_text=True).split("<main")[1]
    response = client.post(f"/cases/{case.id}/share", data=share_form(expired))

    assert response.status_code == 200 and not error_summary(response)
    assert _count(CaseShare) == 0


def test_sharing_with_no_agreement_is_refused(lead, make_case):
    case = make_case()
    with request_context(), pytest.raises(services.SharingError, match="Choose the sharing"):
        services.share_case(
            case,
            agency=agency("city-police"),
            agreement=None,
            categories=[DataCategory.INCIDENT_FACTS],
            purpose="Joint visit",
            actor=lead,
        )
    assert _count(CaseShare) == 0


def test_sharing_under_another_organisations_agreement_is_refused(client, lead, make_case):
    other = AgencyFactory(
        code="transport-police", name="British Transport Police", is_external=True
    )
    police_agreement = make_agreement(lead)
    other_agreement = make_agreement(lead, partner="transport-police")
    case = make_case()
    db.session.commit()
    sign_in_session(client, lead)

    response = client.post(
        f"/cases/{case.id}/share",
        data=share_form(other_agreement, agency=str(police_agreement.partner_agency_id)),
    )

    assert response.status_code == 200
    message = dict(error_summary(response))["#agreement"]
    assert message.startswith(f"Agreement {other_agreement.reference} is with {other.name}")
    assert _count(CaseShare) == 0


def test_a_category_the_agreement_does_not_cover_is_refused(client, lead, make_case):
    agreement = make_agreement(
        lead, categories=[DataCategory.INCIDENT_FACTS, DataCategory.LOCATIONS]
    )
    case = make_case()
    db.session.commit()
    sign_in_session(client, lead)

    response = client.post(
        f"/cases/{case.id}/share",
        data=share_form(agreement, "incident-facts", "people", "vulnerabilities"),
    )

    assert response.status_code == 200
    assert dict(error_summary(response))["#categories"] == (
        f"Agreement {agreement.reference} does not cover people's names and contact details, "
        "vulnerabilities: select only what it covers"
    )
    assert _count(CaseShare) == _count(Disclosure) == 0


@pytest.mark.parametrize(
    "data",
    [
        {"categories": []},
        {"purpose": ""},
        {"agency": ""},
        {"agreement": "999999"},
        {"may_add_notes": "perhaps"},
    ],
)
def test_incomplete_share_forms_say_what_to_do(client, lead, agreement, make_case, data):
    case = make_case()
    sign_in_session(client, lead)
    response = client.post(f"/cases/{case.id}/share", data=share_form(agreement, **data))
    assert response.status_code == 200
    assert error_summary(response)
    assert _count(CaseShare) == 0


# Who may share a case led by Housing: the policy's answer, written out.
SHARERS = [
    (Role.ASB_LEAD, "community-safety", 200),
    (Role.MANAGER, "housing", 200),
    (Role.OFFICER, "housing", 403),
    (Role.MANAGER, "barbican", 403),  # a partner agency on the case
    (Role.MANAGER, "street-enforcement", 403),  # sees nothing of the case
    (Role.PARTNER, "city-police", 403),
    (Role.ADMIN, "community-safety", 403),
]


@pytest.mark.parametrize(("role", "code", "status"), SHARERS)
def test_who_may_share_a_case(client, login_as, agreement, make_case, role, code, status):
    case = make_case(partners=["barbican"])
    login_as(role, code)
    assert client.get(f"/cases/{case.id}/share").status_code == status
    response = client.post(f"/cases/{case.id}/share", data=share_form(agreement))
    assert response.status_code == (302 if status == 200 else status)
    assert _count(CaseShare) == (1 if status == 200 else 0)


def test_a_restricted_case_is_never_shared(client, lead, agreement, make_case):
    case = make_case(restricted=True)
    sign_in_session(client, lead)
    assert "Share this case" not in visible_text(client.get(f"/cases/{case.id}"))
    assert client.post(f"/cases/{case.id}/share", data=share_form(agreement)).status_code == 403
    assert _count(CaseShare) == 0


def test_the_partner_agency_page_says_how_to_share_with_the_police(
    client, login_as, agreement, make_case
):
    case = make_case()
    login_as(Role.MANAGER, "housing")
    page = client.get(f"/cases/{case.id}/partners")
    html = page.get_data(as_text=True)
    offered = re.findall(r'<option value="(\d+)"', html)
    assert offered and str(agency("city-police").id) not in offered
    assert f'href="/cases/{case.id}/share"' in html
    assert "information sharing agreement" in visible_text(page)
