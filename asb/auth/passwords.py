"""Password hashing with Argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's minimum for Argon2id (Password Storage Cheat Sheet): 19 MiB, two passes, one lane.
# About 20 ms a hash on one core, against 130 ms on four threads for argon2-cffi's default
# (64 MiB, three passes, four lanes); docs/performance.md has the figures and the reasons.
# Hashes made with other parameters still verify, and sign-in rehashes them (needs_rehash).
ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}

_hasher = PasswordHasher(**ARGON2_PARAMETERS)

# Verified against when the email matches no account, so that a wrong email takes as long
# as a wrong password and does not reveal which addresses have accounts.
_DUMMY_HASH = _hasher.hash("no account has this password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
