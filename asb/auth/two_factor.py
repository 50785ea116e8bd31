"""Two-factor sign-in: codes from an authenticator app (TOTP, RFC 6238) and recovery codes.

A code is 6 digits for a 30-second time step; the steps either side of now are accepted too
(a phone's clock drifts, and people type slowly), but a step once accepted for a user is never
accepted again, nor any step before it: a code seen over someone's shoulder is spent.

Wrong codes count toward the same limits and lock-out as wrong passwords: a code attempt is
counted by asb.auth.services.start_sign_in, in the database that every worker shares, before
it is checked. A sign-in whose password was right stays counted as a failure until its second
factor is right too, so a known password does not buy fresh guesses at the code.

The secret is stored as it is: unlike a password it must be read back to check a code, and
there is no encryption library in the stack to seal it with a key kept apart from the
database. It is shown only while enrolling, never afterwards, and never written to the audit
trail or the log; the database and its backups are its boundary, as for the personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import Enum

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from asb.audit.services import record_event
from asb.auth.models import RecoveryCode, User
from asb.auth.services import SignInAttempt, SignInRefusal, accept_sign_in
from asb.auth.sessions import end_all_sessions
from asb.database import utcnow
from asb.extensions import db
from asb.policy import Permission, can

STEP_SECONDS = 30
DIGITS = 6
# Steps either side of now whose codes are accepted.
WINDOW = 1
ISSUER = "City of London ASB"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a recovery code is read off paper. 31 ** 10 is about 2 ** 50.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10


class TwoFactorRefused(Exception):
    """The change is not allowed: the role requires two factors, or the actor may not reset."""


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def current_step() -> int:
    return int(utcnow().timestamp()) // STEP_SECONDS


def code_for_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def current_code(secret: str) -> str:
    """The code an authenticator app shows now (for the demo-code command and tests)."""
    return code_for_step(secret, current_step())


def is_app_code(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def _matching_step(secret: str, code: str) -> int | None:
    now = current_step()
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(code_for_step(secret, step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Mark the step used, unless it (or a later one) was: atomic, so two workers cannot both
    accept one code."""
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.two_factor_last_step.is_(None), User.two_factor_last_step < step),
        )
        .values(two_factor_last_step=step),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.expire(user, ["two_factor_last_step"])
    return claimed == 1


# Enrolment ----------------------------------------------------------------------------------


def enrolment_secret(user: User) -> str:
    """The secret to show while the user enrols: kept until a code confirms it.

    Drawing the page again shows the same secret, so an app that already scanned it still
    gives codes that work.
    """
    if user.has_two_factor:
        raise TwoFactorRefused(f"{user!r} has already set up two-factor sign-in")
    if user.two_factor_secret is None:
        user.two_factor_secret = new_secret()
    return user.two_factor_secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=ISSUER
    )


def qr_code_svg(uri: str) -> Markup:
    """The QR code as inline SVG markup, drawn on the server: no script, no data: URI."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, title="QR code for your authenticator app", svgclass="asb-qr-code"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S704 - segno's own markup


def grouped(secret: str) -> str:
    """The secret in groups of four, to type into an app by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn two factors on if the code matches the enrolment secret: the new recovery codes,
    to show once, or None."""
    if user.has_two_factor or user.two_factor_secret is None:
        return None
    step = _matching_step(user.two_factor_secret, code)
    if step is None or not _claim_step(user, step):
        return None
    user.two_factor_enabled_at = utcnow()
    codes = replace_recovery_codes(user)
    record_event("auth.two_factor_enrolled", actor=user, obj=user)
    return codes


def _remove(user: User) -> None:
    user.two_factor_secret = None
    user.two_factor_enabled_at = None
    user.two_factor_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User) -> None:
    """The user's own choice, for a role that does not require two factors."""
    if user.requires_two_factor:
        raise TwoFactorRefused(f"{user!r} must sign in with two factors")
    _remove(user)
    record_event("auth.two_factor_turned_off", actor=user, obj=user)


def reset(user: User, *, actor: User) -> None:
    """An administrator's reset for a lost phone: the user enrols again at their next sign-in
    (if their role requires it); every session of theirs ends now."""
    if not can(actor, Permission.RESET_TWO_FACTOR, user):
        raise TwoFactorRefused(f"{actor!r} may not reset the two-factor sign-in of {user!r}")
    _remove(user)
    end_all_sessions(user)
    record_event("auth.two_factor_reset", actor=actor, obj=user)


# Recovery codes ---------------------------------------------------------------------------


def _normalised(code: str) -> str:
    return "".join(character for character in code.lower() if character not in " -")


def _recovery_hash(user_id: int, code: str) -> str:
    # The codes are random (about 50 bits each) and single use: a fast hash is enough, and the
    # user's id keeps one user's codes from matching another's.
    return hashlib.sha256(f"{user_id}:{_normalised(code)}".encode()).hexdigest()


def _new_recovery_code() -> str:
    characters = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    half = _RECOVERY_LENGTH // 2
    return f"{characters[:half]}-{characters[half:]}"


def replace_recovery_codes(user: User) -> list[str]:
    """New recovery codes in place of any the user had: only their hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user.id, code)) for code in codes
    )
    db.session.flush()
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    if not user.has_two_factor:
        raise TwoFactorRefused(f"{user!r} has no two-factor sign-in")
    codes = replace_recovery_codes(user)
    record_event("auth.two_factor_recovery_codes_replaced", actor=user, obj=user)
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _use_recovery_code(user: User, code: str) -> bool:
    """Spend the code if it is one of the user's unused ones (atomic: once, whatever races)."""
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(user.id, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    return used == 1


# The second step of signing in --------------------------------------------------------------


class CodeRefusal(Enum):
    WRONG = "wrong"
    REPLAYED = "replayed"
    LOCKED = "locked"
    RATE_LIMITED = "rate-limited"


@dataclass
class CodeResult:
    user: User | None = None
    refusal: CodeRefusal | None = None
    retry_after_seconds: int = 0
    attempts_left: int = 0
    recovery_codes_left: int | None = None  # after a recovery code was used


def finish_code_attempt(attempt: SignInAttempt, code: str) -> CodeResult:
    """Check the second factor of an attempt that asb.auth.services.start_sign_in counted."""
    if attempt.refusal is SignInRefusal.RATE_LIMITED:
        return CodeResult(
            refusal=CodeRefusal.RATE_LIMITED, retry_after_seconds=attempt.retry_after_seconds
        )
    user = attempt.user
    if attempt.refusal is SignInRefusal.LOCKED or user is None or not attempt.active:
        return CodeResult(refusal=CodeRefusal.LOCKED)
    method, refusal = _check_code(user, code)
    if refusal is not None:
        record_event("auth.two_factor_code", actor=user, obj=user, outcome=refusal.value)
        lock_after = current_app.config["LOGIN_LOCK_AFTER"]
        if attempt.number == lock_after:
            record_event("auth.account-locked", actor=user, obj=user)
            return CodeResult(refusal=CodeRefusal.LOCKED)
        return CodeResult(refusal=refusal, attempts_left=lock_after - (attempt.number or 0))
    # The password's attempt was kept counted until now: both are given back.
    accept_sign_in(attempt, attempts=2)
    record_event("auth.two_factor_code", actor=user, obj=user, outcome="success", method=method)
    record_event("auth.sign-in", actor=user, outcome="success")
    left = recovery_codes_left(user) if method == "recovery-code" else None
    return CodeResult(user=user, recovery_codes_left=left)


def _check_code(user: User, code: str) -> tuple[str, CodeRefusal | None]:
    if user.two_factor_secret is None or not user.has_two_factor:
        return "none", CodeRefusal.WRONG
    if is_app_code(code):
        step = _matching_step(user.two_factor_secret, code)
        if step is None:
            return "authenticator-app", CodeRefusal.WRONG
        if not _claim_step(user, step):
            return "authenticator-app", CodeRefusal.REPLAYED
        return "authenticator-app", None
    if _use_recovery_code(user, code):
        return "recovery-code", None
    return "recovery-code", CodeRefusal.WRONG
