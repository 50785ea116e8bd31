"""The disclosure log for the Information Board as a download (CSV or XLSX, written by
asb/exports.py): its columns and one entry's row."""

from __future__ import annotations

from collections.abc import Callable

from asb.agreements.vocabulary import DataCategory
from asb.disclosures.models import Disclosure
from asb.exports import Value
from asb.people.models import Person

EXPORT_HEADER = [
    "Entry",
    "Disclosed at",
    "How",
    "Disclosed by",
    "Disclosed to",
    "Recipient",
    "About",
    "Case",
    "Incident",
    "What was disclosed",
    "Kinds of information",
    "Why",
    "Agreement",
    "Lawful basis",
    "Further legal ground",
    "Authorised by",
    "Recorded by",
    "Recorded at",
]
WITHHELD = "Withheld"


def export_row(disclosure: Disclosure, may_name: Callable[[Person], bool]) -> list[Value]:
    """One entry as the export's cells; a person the reader may not see is 'Withheld'."""
    about = "; ".join(
        subject.person.name if may_name(subject.person) else WITHHELD
        for subject in disclosure.subjects
    )
    row = [
        disclosure.id,
        disclosure.disclosed_at,
        disclosure.method.label,
        disclosure.disclosing_agency.name,
        disclosure.recipient_agency.name if disclosure.recipient_agency else "",
        disclosure.recipient_name,
        about,
        disclosure.case.reference if disclosure.case else "",
        disclosure.incident.reference if disclosure.incident else "",
        disclosure.description,
        "; ".join(DataCategory(value).label for value in disclosure.categories),
        disclosure.purpose,
        disclosure.agreement.reference if disclosure.agreement else "",
        disclosure.lawful_basis.label if disclosure.lawful_basis else "",
        disclosure.legal_basis_note,
        disclosure.authorised_by.name if disclosure.authorised_by else "",
        disclosure.recorded_by.name if disclosure.recorded_by else "",
        disclosure.recorded_at,
    ]
    return row
