"""Agreements and shares as the sharing tests need them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

import pytest

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis, SpecialCategoryCondition
from asb.auth.models import Role, User
from asb.calendar import today_in_london
from asb.cases.models import Case
from asb.extensions import db
from asb.sharing import services
from asb.sharing.models import CaseShare
from tests.factories import agency, make_user, request_context

_numbers = iter(range(1, 1_000_000))


def make_agreement(
    owner: User,
    partner: str = "city-police",
    categories: Iterable[DataCategory] = tuple(DataCategory),
    **fields,
) -> SharingAgreement:
    """A flushed agreement with the partner, in force from 30 days ago, reviewed in 90."""
    today = today_in_london()
    values = {
        "reference": f"ISA-SHARE-{next(_numbers):05d}",
        "title": "City Police ASB information sharing",
        "partner_agency": agency(partner),
        "purpose": "Preventing and reducing anti-social behaviour in the City",
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "special_category_condition": SpecialCategoryCondition.PREVENTING_CRIME,
        "crime_and_disorder_s115": True,
        "categories": [category.value for category in categories],
        "starts_on": today - timedelta(days=30),
        "review_on": today + timedelta(days=90),
        "ends_on": None,
        "owner": owner,
    }
    values.update(fields)
    agreement = SharingAgreement(**values)
    db.session.add(agreement)
    db.session.flush()
    return agreement


def share(
    case: Case,
    agreement: SharingAgreement,
    categories: Iterable[DataCategory] | None = None,
    *,
    actor: User,
    may_add_notes: bool = True,
    may_add_incidents: bool = True,
) -> CaseShare:
    """Share the case through the service, as the share page does; committed."""
    with request_context():
        made = services.share_case(
            case,
            agency=agreement.partner_agency,
            agreement=agreement,
            categories=agreement.data_categories if categories is None else categories,
            purpose="Joint visit with the neighbourhood policing team",
            may_add_notes=may_add_notes,
            may_add_incidents=may_add_incidents,
            actor=actor,
        )
    db.session.commit()
    return made


@pytest.fixture
def agreement(lead) -> SharingAgreement:
    made = make_agreement(lead)
    db.session.commit()
    return made


@pytest.fixture
def police_user(db_session) -> Callable[..., User]:
    def make(**fields) -> User:
        user = make_user(Role.PARTNER, "city-police", **fields)
        db.session.commit()
        return user

    return make
