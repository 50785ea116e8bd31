"""Reading the register of information sharing agreements."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import selectinload

from asb.agreements.models import AgreementState, SharingAgreement
from asb.agreements.vocabulary import DataCategory
from asb.audit.models import AuditEvent
from asb.auth.models import Agency, Role, User
from asb.extensions import db
from asb.sharing.models import CaseShare


def in_force_on(day: date) -> ColumnElement[bool]:
    """The SQL form of SharingAgreement.in_force_on: started, and not past its end date."""
    return and_(
        SharingAgreement.starts_on <= day,
        or_(SharingAgreement.ends_on.is_(None), SharingAgreement.ends_on >= day),
    )


def agreements_in_force(agency_id: int, day: date) -> list[SharingAgreement]:
    """The agreements with a partner agency in force on a day, newest first."""
    return list(
        db.session.scalars(
            select(SharingAgreement)
            .where(SharingAgreement.partner_agency_id == agency_id, in_force_on(day))
            .order_by(SharingAgreement.starts_on.desc(), SharingAgreement.id.desc())
        )
    )


def agreements_open_for_sharing(
    agency_id: int, day: date, categories: Iterable[DataCategory | str] = ()
) -> list[SharingAgreement]:
    """The agreements under which asb may share these categories with the agency on the day.

    An agreement past its review date is still in force (the lead is told to review it); an
    ended or not yet started one allows no new sharing.
    """
    wanted = {str(category) for category in categories}
    return [
        agreement for agreement in agreements_in_force(agency_id, day) if agreement.covers(wanted)
    ]


def state_is(state: AgreementState, day: date) -> ColumnElement[bool]:
    """The SQL form of SharingAgreement.state_on(day) == state."""
    review_passed = SharingAgreement.review_on < day
    return {
        AgreementState.NOT_STARTED: SharingAgreement.starts_on > day,
        AgreementState.ENDED: SharingAgreement.ends_on < day,
        AgreementState.REVIEW_OVERDUE: and_(in_force_on(day), review_passed),
        AgreementState.IN_FORCE: and_(in_force_on(day), ~review_passed),
    }[state]


def register(
    day: date, *, partner_agency_id: int | None = None, state: AgreementState | None = None
) -> list[SharingAgreement]:
    """The register, filtered: by partner, then reference."""
    query = select(SharingAgreement).join(SharingAgreement.partner_agency)
    if partner_agency_id:
        query = query.where(SharingAgreement.partner_agency_id == partner_agency_id)
    if state is not None:
        query = query.where(state_is(state, day))
    return list(db.session.scalars(query.order_by(Agency.name, SharingAgreement.reference)))


def count_past_review(day: date) -> int:
    """Agreements still in force whose review date has passed."""
    query = select(func.count()).select_from(SharingAgreement)
    return db.session.scalar(query.where(state_is(AgreementState.REVIEW_OVERDUE, day))) or 0


RECENTLY_ENDED_DAYS = 30


def count_recently_ended(day: date) -> int:
    """Agreements whose last day in force fell in the last RECENTLY_ENDED_DAYS days."""
    since = day - timedelta(days=RECENTLY_ENDED_DAYS)
    return (
        db.session.scalar(
            select(func.count())
            .select_from(SharingAgreement)
            .where(SharingAgreement.ends_on < day, SharingAgreement.ends_on >= since)
        )
        or 0
    )


def shares_under(agreement: SharingAgreement) -> list[CaseShare]:
    """The shares made under the agreement and not withdrawn, newest first."""
    return list(
        db.session.scalars(
            select(CaseShare)
            .where(CaseShare.agreement_id == agreement.id, CaseShare.withdrawn_at.is_(None))
            .options(selectinload(CaseShare.case))
            .order_by(CaseShare.shared_at.desc(), CaseShare.id.desc())
        )
    )


def agreement_history(agreement: SharingAgreement) -> list[tuple[AuditEvent, User | None]]:
    """What was done to the agreement and by whom, from the audit trail, newest first."""
    return [
        (event, actor)
        for event, actor in db.session.execute(
            select(AuditEvent, User)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(
                AuditEvent.object_type == SharingAgreement.__tablename__,
                AuditEvent.object_id == agreement.id,
                AuditEvent.outcome == "success",
            )
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        )
    ]


def possible_owners() -> list[User]:
    """Who may own an agreement: the ASB lead, managers and admins of the City's services."""
    return list(
        db.session.scalars(
            select(User)
            .join(User.agency)
            .where(
                User.is_active_account.is_(True),
                User.role.in_([Role.ASB_LEAD, Role.MANAGER, Role.ADMIN]),
                Agency.is_external.is_(False),
            )
            .order_by(User.name, User.id)
        )
    )


def partner_agencies() -> list[Agency]:
    """The organisations an agreement can be made with: every active agency."""
    return list(db.session.scalars(select(Agency).where(Agency.is_active.is_(True))))
