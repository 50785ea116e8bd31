"""Agreements as tests need them, and the agreement form filled in."""

from __future__ import annotations

from datetime import date

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis, SpecialCategoryCondition
from asb.auth.models import User
from asb.extensions import db
from tests.factories import agency
from tests.helpers import date_parts

_numbers = iter(range(1, 1_000_000))


def make_agreement(owner: User, partner: str = "city-police", **fields) -> SharingAgreement:
    """A flushed agreement with the partner, in force from 2026-01-01, reviewed 2027-01-01."""
    values = {
        "reference": f"ISA-TEST-{next(_numbers):05d}",
        "title": "City Police ASB information sharing",
        "partner_agency": agency(partner),
        "purpose": "Preventing and reducing anti-social behaviour in the City",
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "special_category_condition": SpecialCategoryCondition.PREVENTING_CRIME,
        "crime_and_disorder_s115": True,
        "categories": [DataCategory.INCIDENT_FACTS.value, DataCategory.LOCATIONS.value],
        "starts_on": date(2026, 1, 1),
        "review_on": date(2027, 1, 1),
        "ends_on": None,
        "owner": owner,
    }
    values.update(fields)
    agreement = SharingAgreement(**values)
    db.session.add(agreement)
    db.session.flush()
    return agreement


def agreement_form(owner: User, /, **changes) -> dict:
    """A complete, valid answer to the agreement form, with some answers changed."""
    data = {
        "title": "City Police ASB information sharing",
        "partner_agency": str(agency("city-police").id),
        "purpose": "Preventing and reducing anti-social behaviour in the City",
        "lawful_basis": "public-task",
        "special_category_condition": "sch1-10",
        "crime_and_disorder_s115": "yes",
        "categories": ["incident-facts", "locations", "people"],
        "starts_on": date_parts(date(2026, 4, 1)),
        "review_on": date_parts(date(2027, 4, 1)),
        "ends_on": ["", "", ""],
        "owner": str(owner.id),
    }
    data.update(changes)
    return data
