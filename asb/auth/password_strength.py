"""Refuse new passwords that guessers try first (OWASP ASVS 6.2.4 and 6.2.12).

Two checks, each with a reason a person can act on: a bundled list of the most used
passwords (asb/auth/data/README.md says where it comes from), then zxcvbn's estimate of
how many guesses the password would take, which also catches keyboard rows, sequences,
repeats, dates and the person's own name and email address.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from zxcvbn import zxcvbn

COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"
COMMON = "This is one of the most used passwords: choose another"
# zxcvbn's score 3: about 10^8 guesses or more, "safely unguessable" against online guessing
# and a slow hash such as asb's Argon2id.
MINIMUM_SCORE = 3
# zxcvbn's time grows quickly with length; the first 72 characters are enough to tell, since
# a strong start stays strong whatever follows (a weak start is refused, which is safe).
_ESTIMATED_LENGTH = 72


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def weakness(password: str, *, hints: tuple[str, ...] = ()) -> str | None:
    """Why the password is too easy to guess, or None when it is not.

    `hints` are words a guesser would try for this person: their name, their email address.
    """
    if password.lower() in _common_passwords():
        return COMMON
    words = {part for hint in hints for part in [hint, *re.split(r"[\W_]+", hint)] if part}
    estimate = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=sorted(words))
    if estimate["score"] >= MINIMUM_SCORE:
        return None
    warning = estimate["feedback"]["warning"].rstrip(".")
    reason = f": {warning[0].lower()}{warning[1:]}" if warning else ""
    return (
        f"Choose a password that is harder to guess{reason}. "
        "A few unrelated words make a strong password"
    )
