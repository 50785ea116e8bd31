"""Signing in, with limits and lock-out, and managing accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from flask import current_app
from sqlalchemy import case, func, literal, null, or_, select, update

from asb import rate_limits
from asb.audit.services import record_event
from asb.auth.models import Agency, Role, User
from asb.auth.passwords import hash_password, needs_rehash, verify_password
from asb.auth.sessions import end_all_sessions
from asb.database import UTCDateTime, utcnow
from asb.extensions import db
from asb.policy import Permission, can
from asb.rate_limits import Limit


class SignInRefusal(Enum):
    # Every refusal but RATE_LIMITED gets the same answer, so that no one learns whether an
    # account exists or is locked.
    WRONG_CREDENTIALS = "wrong-credentials"
    LOCKED = "locked"
    RATE_LIMITED = "rate-limited"


@dataclass
class SignInAttempt:
    """An attempt counted against every limit, before its password is checked."""

    email: str
    address: str
    user: User | None = None
    number: int | None = None  # of this attempt since the account's last success
    # Read with the count, so that checking the password needs no database (and on SQLite
    # holds no lock that simultaneous attempts would wait for).
    password_hash: str | None = None
    active: bool = False
    refusal: SignInRefusal | None = None
    retry_after_seconds: int = 0


@dataclass
class SignInResult:
    user: User | None = None
    refusal: SignInRefusal | None = None
    retry_after_seconds: int = 0
    # The password was right, and the user must now give their second factor.
    second_factor_needed: bool = False


def sign_in_limits() -> tuple[Limit, Limit]:
    """Failed sign-ins allowed per address and per email address (whether it has an account)."""
    config = current_app.config
    period = timedelta(minutes=config["SIGN_IN_LIMIT_MINUTES"])
    return (
        Limit("sign-in:address", config["SIGN_IN_LIMIT_PER_ADDRESS"], period),
        Limit("sign-in:account", config["SIGN_IN_LIMIT_PER_ACCOUNT"], period),
    )


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def start_sign_in(email: str, address: str) -> SignInAttempt:
    """Count the attempt against the limits; the caller commits before checking the password.

    Counting first, in one atomic update whose answer decides, is what holds the limits
    when many guesses arrive at once: each gets its own number, and those past the limit
    are refused without their password being checked.
    """
    email = email.strip().lower()
    attempt = SignInAttempt(email=email, address=address)
    for limit, subject in zip(sign_in_limits(), (address, email), strict=True):
        verdict = rate_limits.hit(limit, subject)
        if not verdict.allowed:
            attempt.refusal = SignInRefusal.RATE_LIMITED
            attempt.retry_after_seconds = verdict.retry_after_seconds
            record_event("auth.sign-in", outcome="rate-limited", email=email[:254])
            rate_limits.forget_ended_windows()
            return attempt
    attempt.user = find_user_by_email(email)
    if attempt.user is not None:
        attempt.password_hash = attempt.user.password_hash
        attempt.active = attempt.user.is_active
        attempt.number = _count_attempt(attempt.user)
        if attempt.number is None or attempt.number > current_app.config["LOGIN_LOCK_AFTER"]:
            attempt.refusal = SignInRefusal.LOCKED
            record_event("auth.sign-in", actor=attempt.user, outcome="locked")
    rate_limits.forget_ended_windows()
    return attempt


def _count_attempt(user: User) -> int | None:
    """Count an attempt on the account as a failure until it succeeds: its number, or None
    while the account is locked.

    The attempt numbered LOGIN_LOCK_AFTER locks the account, and is the last whose password
    is checked until the lock ends (a success lifts it); when a lock has ended, counting
    starts again from one. On PostgreSQL a simultaneous attempt waits for this row, then
    sees the new count and the lock.
    """
    now = utcnow()
    lock_after = current_app.config["LOGIN_LOCK_AFTER"]
    count = case((User.locked_until.is_(None), User.failed_sign_in_count + 1), else_=1)
    lock_ends = literal(
        now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"]), UTCDateTime()
    )
    number = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(
            failed_sign_in_count=count,
            last_failed_sign_in_at=now,
            locked_until=case((count >= lock_after, lock_ends), else_=null()),
        )
        .returning(User.failed_sign_in_count),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    db.session.expire(user)
    return number


def finish_sign_in(attempt: SignInAttempt, password: str) -> SignInResult:
    """Check the password of an attempt that was counted and allowed.

    A success clears the account's count and lock only if no attempt was counted after it:
    a right password sent among many wrong ones does not wipe out theirs.
    """
    if attempt.refusal is SignInRefusal.RATE_LIMITED:
        return SignInResult(
            refusal=attempt.refusal, retry_after_seconds=attempt.retry_after_seconds
        )
    if attempt.refusal is SignInRefusal.LOCKED:
        verify_password(None, password)  # as long as any other refusal takes
        return SignInResult(refusal=SignInRefusal.WRONG_CREDENTIALS)
    user = attempt.user
    password_ok = verify_password(attempt.password_hash, password)
    if user is None or not password_ok or not attempt.active:
        record_event("auth.sign-in", actor=user, outcome="failure", email=attempt.email[:254])
        if attempt.number == current_app.config["LOGIN_LOCK_AFTER"]:
            record_event("auth.account-locked", actor=user, obj=user)
        return SignInResult(refusal=SignInRefusal.WRONG_CREDENTIALS)

    if needs_rehash(attempt.password_hash):
        user.password_hash = hash_password(password)
    if user.has_two_factor:
        # The attempt stays counted as a failure until the code is right too (see
        # asb.auth.two_factor): a known password buys no fresh guesses at the code.
        record_event("auth.sign-in", actor=user, outcome="password-accepted")
        return SignInResult(user=user, second_factor_needed=True)
    accept_sign_in(attempt)
    record_event("auth.sign-in", actor=user, outcome="success")
    # A role that requires two factors enrols before the session starts.
    return SignInResult(user=user, second_factor_needed=user.requires_two_factor)


def accept_sign_in(attempt: SignInAttempt, *, attempts: int = 1) -> None:
    """Give back the limits' count of the attempts that made up a successful sign-in, and
    clear the account's count and lock unless an attempt was counted after this one."""
    user = attempt.user
    # Rows in the order start_sign_in takes them (limits, then the user), so that two
    # sign-ins never each wait for the other.
    for limit, subject in zip(sign_in_limits(), (attempt.address, attempt.email), strict=True):
        for _ in range(attempts):
            rate_limits.give_back(limit, subject)
    db.session.execute(
        update(User)
        .where(User.id == user.id, User.failed_sign_in_count == attempt.number)
        .values(failed_sign_in_count=0, last_failed_sign_in_at=None, locked_until=None),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(User).where(User.id == user.id).values(last_signed_in_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    counted = ["failed_sign_in_count", "last_failed_sign_in_at", "locked_until"]
    db.session.expire(user, [*counted, "last_signed_in_at"])


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


class AccessChangeRefused(Exception):
    """Only admins change role, agency and whether an account is active; never their own."""


def _check_may_change_access(user: User, actor: User) -> None:
    if not can(actor, Permission.CHANGE_USER_ACCESS, user):
        raise AccessChangeRefused(f"{actor!r} may not change the access of {user!r}")


def update_user_access(user: User, *, role: Role, agency: Agency, actor: User) -> None:
    """Change a user's role or agency; their sessions end so the new access applies at once."""
    _check_may_change_access(user, actor)
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
    _check_may_change_access(user, actor)
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
