"""Names and addresses are compared as people write them, not character for character."""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select

from asb.extensions import db
from asb.people.services import normalise_address, normalise_name
from asb.people.victimisation import address_key


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sam Caller", "sam caller"),
        ("  SAM   Caller ", "sam caller"),
        ("Sam\tCaller", "sam caller"),
        ("Mary-Jane O'Neill", "mary-jane o'neill"),
    ],
)
def test_names_are_lower_cased_and_single_spaced(name, expected):
    assert normalise_name(name) == expected


@pytest.mark.parametrize(
    "address",
    [
        "Flat 3, 12 Crescent House, EC1Y 0SL",
        "flat 3 12 crescent house ec1y0sl",
        "Apartment 3, 12 Crescent House,\nEC1Y 0SL",
        "Apt. 3 12 Crescent House EC1Y  0SL",
        "  FLAT 3 - 12 CRESCENT HOUSE - EC1Y0SL ",
    ],
)
def test_addresses_written_differently_normalise_to_one(address):
    assert normalise_address(address) == "flat 3 12 crescent house ec1y 0sl"


@pytest.mark.parametrize("address", [None, "", "  ", ", ."])
def test_an_empty_address_has_no_key(address):
    assert normalise_address(address) is None


def test_different_flats_stay_different():
    assert normalise_address("Flat 3, Crescent House") != normalise_address(
        "Flat 4, Crescent House"
    )


def test_the_database_compares_addresses_written_differently_as_one(db_session):
    variants = [
        "Flat 3, 12 Crescent House, EC1Y 0SL",
        "flat 3 12 crescent house ec1y0sl",
        "Apartment 3, 12 Crescent House,\r\nEC1Y 0SL",
        "Apt. 3 12 Crescent House EC1Y  0SL",
    ]
    keys = {db.session.scalar(select(address_key(literal(variant)))) for variant in variants}
    assert keys == {"flat312crescenthouseec1y0sl"}
    other = db.session.scalar(select(address_key(literal("Flat 4, 12 Crescent House"))))
    assert other not in keys
