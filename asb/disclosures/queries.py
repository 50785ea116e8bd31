"""Reading the disclosure log: search, pages, export rows, and a record's or person's entries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import selectinload

from asb.agreements.models import SharingAgreement
from asb.auth.models import Agency, Role, User
from asb.calendar import start_of_london_day
from asb.cases.models import Case
from asb.disclosures.models import Disclosure, DisclosureSubject
from asb.extensions import db
from asb.incidents.models import Incident
from asb.paging import CappedPage, like_pattern
from asb.people.models import CasePerson, IncidentPerson, Person
from asb.policy import visible_cases, visible_incidents


@dataclass
class DisclosureFilters:
    text: str | None = None
    person: str | None = None
    recipient_agency_id: int | None = None
    method: str | None = None
    agreement_id: int | None = None
    reference: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class DisclosurePage(CappedPage):
    disclosures: list[Disclosure]
    page: int
    per_page: int
    total: int
    total_is_capped: bool


def not_hidden_from(user: User) -> ColumnElement[bool]:
    """Entries about a restricted case or incident the user may not see are not admitted to
    exist, in the log as everywhere else."""
    if user.is_asb_lead:
        return true()
    hidden_cases = select(Case.id).where(Case.restricted.is_(True), ~visible_cases(user))
    hidden_incidents = select(Incident.id).where(
        Incident.restricted.is_(True), ~visible_incidents(user)
    )
    return and_(
        or_(Disclosure.case_id.is_(None), Disclosure.case_id.not_in(hidden_cases)),
        or_(Disclosure.incident_id.is_(None), Disclosure.incident_id.not_in(hidden_incidents)),
    )


def filtered_disclosures(user: User, filters: DisclosureFilters) -> Select:
    query = select(Disclosure).where(not_hidden_from(user))
    if filters.text:
        pattern = like_pattern(filters.text)
        query = query.where(
            or_(
                func.lower(Disclosure.description).like(pattern, escape="\\"),
                func.lower(Disclosure.purpose).like(pattern, escape="\\"),
                func.lower(Disclosure.recipient_name).like(pattern, escape="\\"),
            )
        )
    if filters.person:
        about = (
            select(DisclosureSubject.id)
            .join(Person, Person.id == DisclosureSubject.person_id)
            .where(
                DisclosureSubject.disclosure_id == Disclosure.id,
                Person.name_key.like(like_pattern(" ".join(filters.person.split())), escape="\\"),
            )
        )
        query = query.where(exists(about))
    if filters.recipient_agency_id:
        query = query.where(Disclosure.recipient_agency_id == filters.recipient_agency_id)
    if filters.method:
        query = query.where(Disclosure.method == filters.method)
    if filters.agreement_id:
        query = query.where(Disclosure.agreement_id == filters.agreement_id)
    if filters.reference:
        reference = filters.reference.upper()
        query = query.where(
            or_(
                Disclosure.case_id.in_(select(Case.id).where(Case.reference == reference)),
                Disclosure.incident_id.in_(
                    select(Incident.id).where(Incident.reference == reference)
                ),
            )
        )
    if filters.date_from:
        query = query.where(Disclosure.disclosed_at >= start_of_london_day(filters.date_from))
    if filters.date_to:
        next_day = start_of_london_day(filters.date_to + timedelta(days=1))
        query = query.where(Disclosure.disclosed_at < next_day)
    return query


def _newest_first(query: Select) -> Select:
    return query.order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc()).options(
        selectinload(Disclosure.subjects),
        selectinload(Disclosure.case),
        selectinload(Disclosure.incident),
        selectinload(Disclosure.authorised_by),
        selectinload(Disclosure.recorded_by),
    )


def capped_count(query: Select, cap: int) -> tuple[int, bool]:
    """Count matches up to the cap: an exact count of a million rows costs more than a page."""
    limited = query.with_only_columns(Disclosure.id).order_by(None).limit(cap + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(limited)) or 0
    return min(total, cap), total > cap


def page_of_disclosures(
    user: User, filters: DisclosureFilters, *, page: int, per_page: int, count_cap: int
) -> DisclosurePage:
    query = filtered_disclosures(user, filters)
    total, capped = capped_count(query, count_cap)
    rows = db.session.scalars(
        _newest_first(query).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return DisclosurePage(list(rows), page, per_page, total, capped)


def count_disclosures(user: User, filters: DisclosureFilters) -> int:
    """How many entries the user may see match the filters: an export's row count."""
    matching = filtered_disclosures(user, filters).with_only_columns(Disclosure.id).subquery()
    return db.session.scalar(select(func.count()).select_from(matching)) or 0


def disclosures_for_export(user: User, filters: DisclosureFilters) -> Iterator[Disclosure]:
    query = _newest_first(filtered_disclosures(user, filters))
    yield from db.session.scalars(query.execution_options(yield_per=500))


def disclosures_about_person(user: User, person: Person) -> list[Disclosure]:
    """Every disclosure about the person the user is admitted to know of, newest first."""
    query = select(Disclosure).where(
        not_hidden_from(user),
        exists().where(
            DisclosureSubject.disclosure_id == Disclosure.id,
            DisclosureSubject.person_id == person.id,
        ),
    )
    return list(db.session.scalars(_newest_first(query)))


def disclosures_about_case(case: Case) -> list[Disclosure]:
    query = select(Disclosure).where(Disclosure.case_id == case.id)
    return list(db.session.scalars(_newest_first(query)))


def people_on_case(case: Case) -> list[Person]:
    """The people on the case, once each, by name."""
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.id.in_(select(CasePerson.person_id).where(CasePerson.case_id == case.id)))
            .order_by(Person.name, Person.id)
        )
    )


def disclosures_about_incident(incident: Incident) -> list[Disclosure]:
    query = select(Disclosure).where(Disclosure.incident_id == incident.id)
    return list(db.session.scalars(_newest_first(query)))


def people_on_incident(incident: Incident) -> list[Person]:
    """The people named on the incident, once each, by name."""
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.id.in_(
                    select(IncidentPerson.person_id).where(
                        IncidentPerson.incident_id == incident.id
                    )
                )
            )
            .order_by(Person.name, Person.id)
        )
    )


def recipient_agencies() -> list[Agency]:
    """Every active agency, external organisations (City of London Police) first."""
    return list(
        db.session.scalars(
            select(Agency)
            .where(Agency.is_active.is_(True))
            .order_by(Agency.is_external.desc(), Agency.name)
        )
    )


def all_agreements() -> list[SharingAgreement]:
    return list(
        db.session.scalars(
            select(SharingAgreement)
            .join(SharingAgreement.partner_agency)
            .order_by(Agency.name, SharingAgreement.reference)
        )
    )


def possible_authorisers(user: User) -> list[User]:
    """Who may authorise a disclosure the user records: themselves, a manager of their agency,
    or the ASB lead."""
    others = db.session.scalars(
        select(User)
        .where(
            User.is_active_account.is_(True),
            User.id != user.id,
            or_(
                User.role == Role.ASB_LEAD,
                and_(User.role == Role.MANAGER, User.agency_id == user.agency_id),
            ),
        )
        .order_by(User.name, User.id)
    )
    return [user, *others]
