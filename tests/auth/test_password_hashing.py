"""Argon2id at OWASP's minimum, and hashes made with older parameters upgraded at sign-in."""

from __future__ import annotations

import argon2
import pytest
from argon2 import PasswordHasher

from asb.auth import passwords
from tests.auth.helpers import sign_in
from tests.factories import TEST_PASSWORD

# Taken at import, before the autouse fixture swaps in the fast hasher for other tests.
CONFIGURED_HASHER = passwords._hasher


@pytest.fixture
def configured_hashing(monkeypatch) -> None:
    monkeypatch.setattr(passwords, "_hasher", CONFIGURED_HASHER)


def test_new_hashes_are_argon2id_at_owasp_minimum(configured_hashing):
    parameters = argon2.extract_parameters(passwords.hash_password(TEST_PASSWORD))
    assert parameters.type is argon2.Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        19 * 1024,
        2,
        1,
    )


def test_a_hash_with_the_old_default_parameters_still_signs_in_and_is_rehashed(
    configured_hashing, client, make_user
):
    old_hash = PasswordHasher().hash(TEST_PASSWORD)  # argon2-cffi's default: 64 MiB, t=3, p=4
    user = make_user(email="old.hash@example.test", password_hash=old_hash)

    assert sign_in(client, user.email).status_code == 302

    parameters = argon2.extract_parameters(user.password_hash)
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        19 * 1024,
        2,
        1,
    )
    assert passwords.verify_password(user.password_hash, TEST_PASSWORD)
