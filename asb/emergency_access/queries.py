"""Reading emergency access: the record a reference names, and the grants made."""

from __future__ import annotations

from sqlalchemy import func, select

from asb.auth.models import User
from asb.cases.models import Case
from asb.database import utcnow
from asb.emergency_access.models import EmergencyAccess
from asb.extensions import db
from asb.incidents.models import Incident

# The lead's page lists every live grant and this many of the latest past ones.
PAST_GRANTS_SHOWN = 200


def restricted_record(reference: str) -> Incident | Case | None:
    """The restricted incident or case with this reference, as typed in any case; else None."""
    reference = reference.strip().upper()
    for model in (Incident, Case):
        record = db.session.scalar(select(model).where(model.reference == reference))
        if record is not None:
            return record if record.restricted else None
    return None


def grants_for(record: Incident | Case) -> list[EmergencyAccess]:
    """Every grant to open this record, the latest first."""
    column = (
        EmergencyAccess.incident_id if isinstance(record, Incident) else EmergencyAccess.case_id
    )
    return list(
        db.session.scalars(
            select(EmergencyAccess)
            .where(column == record.id)
            .order_by(EmergencyAccess.granted_at.desc(), EmergencyAccess.id.desc())
        )
    )


def _live():
    return EmergencyAccess.ended_at.is_(None) & (EmergencyAccess.expires_at > utcnow())


def live_grants_of(user: User) -> list[EmergencyAccess]:
    """The user's own live grants, so they can find their way back to the records."""
    return list(
        db.session.scalars(
            select(EmergencyAccess)
            .where(EmergencyAccess.user_id == user.id, _live())
            .order_by(EmergencyAccess.expires_at)
        )
    )


def live_grant_count() -> int:
    return db.session.scalar(select(func.count()).select_from(EmergencyAccess).where(_live())) or 0


def live_and_past_grants() -> tuple[list[EmergencyAccess], list[EmergencyAccess]]:
    """Every live grant (ending soonest first) and the latest past ones."""
    live = db.session.scalars(
        select(EmergencyAccess).where(_live()).order_by(EmergencyAccess.expires_at)
    ).all()
    past = db.session.scalars(
        select(EmergencyAccess)
        .where(~_live())
        .order_by(EmergencyAccess.granted_at.desc(), EmergencyAccess.id.desc())
        .limit(PAST_GRANTS_SHOWN)
    ).all()
    return list(live), list(past)
