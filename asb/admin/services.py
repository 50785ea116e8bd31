"""Reference data that admins maintain: agencies and local ASB types."""

from __future__ import annotations

from sqlalchemy import func, select

from asb.audit.services import record_event
from asb.auth.models import Agency, User
from asb.extensions import db
from asb.incidents.models import LocalAsbType


def add_agency(*, code: str, name: str, is_external: bool, actor: User | None) -> Agency:
    agency = Agency(code=code, name=name, is_external=is_external)
    db.session.add(agency)
    db.session.flush()
    record_event("agency.added", actor=actor, obj=agency, code=code)
    return agency


def find_local_type(name: str) -> LocalAsbType | None:
    return db.session.scalar(
        select(LocalAsbType).where(func.lower(LocalAsbType.name) == name.strip().lower())
    )


def add_local_type(name: str, *, actor: User | None) -> LocalAsbType:
    local_type = LocalAsbType(name=name.strip())
    db.session.add(local_type)
    db.session.flush()
    record_event("local-type.added", actor=actor, obj=local_type, name=local_type.name)
    return local_type


def set_local_type_active(local_type: LocalAsbType, active: bool, *, actor: User) -> None:
    local_type.is_active = active
    record_event(
        "local-type.reactivated" if active else "local-type.retired", actor=actor, obj=local_type
    )
