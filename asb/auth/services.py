"""Signing in, with throttling and lock-out, and managing accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from flask import current_app
from sqlalchemy import func, select

from asb.audit.services import record_event
from asb.auth.models import Agency, Role, User
from asb.auth.passwords import hash_password, needs_rehash, verify_password
from asb.auth.sessions import end_all_sessions
from asb.database import utcnow
from asb.extensions import db


class SignInRefusal(Enum):
    WRONG_CREDENTIALS = "wrong-credentials"
    TOO_SOON = "too-soon"
    LOCKED = "locked"


@dataclass
class SignInResult:
    user: User | None = None
    refusal: SignInRefusal | None = None
    wait_seconds: int = 0


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _retry_delay(failures: int) -> timedelta:
    """No wait for the first few failures, then 2 s, 4 s, 8 s ... before the next attempt."""
    slow_after = current_app.config["LOGIN_SLOW_AFTER"]
    if failures < slow_after:
        return timedelta(0)
    return timedelta(seconds=min(2 ** (failures - slow_after + 1), 60))


def authenticate(email: str, password: str) -> SignInResult:
    """Check a sign-in attempt; failures are counted per account and audited."""
    now = utcnow()
    user = find_user_by_email(email)
    if user is not None and user.locked_until and user.locked_until > now:
        record_event("auth.sign-in", actor=user, outcome="locked")
        return SignInResult(
            refusal=SignInRefusal.LOCKED,
            wait_seconds=int((user.locked_until - now).total_seconds()) + 1,
        )
    if user is not None and user.last_failed_sign_in_at:
        ready_at = user.last_failed_sign_in_at + _retry_delay(user.failed_sign_in_count)
        if ready_at > now:
            record_event("auth.sign-in", actor=user, outcome="throttled")
            return SignInResult(
                refusal=SignInRefusal.TOO_SOON,
                wait_seconds=int((ready_at - now).total_seconds()) + 1,
            )

    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.is_active:
        if user is not None:
            _count_failure(user, now)
        record_event("auth.sign-in", actor=user, outcome="failure", email=email[:254])
        return SignInResult(refusal=SignInRefusal.WRONG_CREDENTIALS)

    user.failed_sign_in_count = 0
    user.last_failed_sign_in_at = None
    user.locked_until = None
    user.last_signed_in_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record_event("auth.sign-in", actor=user, outcome="success")
    return SignInResult(user=user)


def _count_failure(user: User, now: datetime) -> None:
    user.failed_sign_in_count += 1
    user.last_failed_sign_in_at = now
    if user.failed_sign_in_count >= current_app.config["LOGIN_LOCK_AFTER"]:
        user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        user.failed_sign_in_count = 0
        record_event("auth.account-locked", actor=user, obj=user)


def sign_out_everywhere(user: User) -> None:
    end_all_sessions(user)
    record_event("auth.sign-out", actor=user)


def change_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    end_all_sessions(user)
    record_event("auth.password-changed", actor=user, obj=user)


def create_user(
    *,
    email: str,
    name: str,
    agency: Agency,
    role: Role,
    password: str,
    actor: User | None = None,
    must_change_password: bool = False,
) -> User:
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        agency=agency,
        role=role,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    record_event("user.created", actor=actor, obj=user, role=role.value, agency=agency.code)
    return user


def update_user_access(user: User, *, role: Role, agency: Agency, actor: User) -> None:
    """Change a user's role or agency; their sessions end so the new access applies at once."""
    changes = {}
    if user.role is not role:
        changes["role"] = [user.role.value, role.value]
    if user.agency_id != agency.id:
        changes["agency"] = [user.agency.code, agency.code]
    if not changes:
        return
    user.role = role
    user.agency = agency
    end_all_sessions(user)
    record_event("user.access-changed", actor=actor, obj=user, **changes)


def set_account_active(user: User, active: bool, *, actor: User) -> None:
    user.is_active_account = active
    if not active:
        end_all_sessions(user)
    record_event("user.reactivated" if active else "user.deactivated", actor=actor, obj=user)


def reset_password(user: User, temporary_password: str, *, actor: User) -> None:
    user.password_hash = hash_password(temporary_password)
    user.must_change_password = True
    user.failed_sign_in_count = 0
    user.locked_until = None
    user.last_failed_sign_in_at = None
    end_all_sessions(user)
    record_event("user.password-reset", actor=actor, obj=user)


def find_agency(code: str) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.code == code))


def find_agency_by_name(name: str) -> Agency | None:
    return db.session.scalar(select(Agency).where(func.lower(Agency.name) == name.strip().lower()))
