"""Writing the disclosure log. Flush-only: the request commits the disclosure with the change
that made it, so a share and its log entry stand or fall together."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory, LawfulBasis
from asb.audit.services import record_event
from asb.auth.models import Agency, User
from asb.cases.models import Case
from asb.database import utcnow
from asb.disclosures.models import Disclosure, DisclosureSubject
from asb.disclosures.vocabulary import DisclosureMethod
from asb.extensions import db
from asb.incidents.models import Incident
from asb.people.models import Person


def record_disclosure(
    *,
    method: DisclosureMethod,
    description: str,
    purpose: str,
    disclosing_agency: Agency,
    recorded_by: User | None,
    categories: Iterable[DataCategory] = (),
    recipient_agency: Agency | None = None,
    recipient_name: str | None = None,
    agreement: SharingAgreement | None = None,
    lawful_basis: LawfulBasis | None = None,
    legal_basis_note: str | None = None,
    authorised_by: User | None = None,
    subjects: Iterable[Person] = (),
    case: Case | None = None,
    incident: Incident | None = None,
    disclosed_at: datetime | None = None,
) -> Disclosure:
    """Add one entry to the disclosure log; it must rest on an agreement or a lawful basis."""
    if agreement is None and lawful_basis is None:
        raise ValueError("A disclosure needs an agreement or a lawful basis")
    if recipient_agency is None and not recipient_name:
        raise ValueError("A disclosure needs a recipient")
    disclosure = Disclosure(
        method=method,
        description=description,
        purpose=purpose,
        categories=sorted({str(category) for category in categories}),
        disclosing_agency=disclosing_agency,
        recipient_agency=recipient_agency,
        recipient_name=recipient_name,
        agreement=agreement,
        lawful_basis=lawful_basis,
        legal_basis_note=legal_basis_note,
        authorised_by=authorised_by or recorded_by,
        recorded_by=recorded_by,
        case=case,
        incident=incident,
        disclosed_at=disclosed_at or utcnow(),
    )
    seen: set[int] = set()
    for person in subjects:
        if person.id not in seen:
            seen.add(person.id)
            disclosure.subjects.append(DisclosureSubject(person=person))
    db.session.add(disclosure)
    db.session.flush()
    record_event(
        "disclosure.recorded",
        actor=recorded_by,
        obj=disclosure,
        method=method.value,
        recipient_agency_id=getattr(recipient_agency, "id", None),
        agreement_id=getattr(agreement, "id", None),
        case_id=getattr(case, "id", None),
        incident_id=getattr(incident, "id", None),
        subject_ids=sorted(seen),
    )
    return disclosure
