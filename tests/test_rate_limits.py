"""The shared rate limits: windows, give-backs and tidying (races: tests/auth)."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from asb import rate_limits
from asb.extensions import db
from asb.rate_limits import Limit, RateLimitCount

LIMIT = Limit("test:report", attempts=3, period=timedelta(minutes=10))


def allowed(subject: str = "192.0.2.1") -> bool:
    return rate_limits.hit(LIMIT, subject).allowed


def test_a_limit_allows_its_number_per_subject_until_the_window_ends(db_session):
    with freeze_time("2026-03-02 09:00:00") as clock:
        assert [allowed() for _ in range(4)] == [True, True, True, False]
        assert allowed("192.0.2.2")
        clock.tick(timedelta(minutes=9, seconds=30))
        verdict = rate_limits.hit(LIMIT, "192.0.2.1")
        assert (verdict.allowed, verdict.retry_after_seconds) == (False, 30)
        clock.tick(timedelta(seconds=30))
        assert [allowed() for _ in range(4)] == [True, True, True, False]


def test_limits_with_other_names_count_apart(db_session):
    other = Limit("test:api", attempts=1, period=timedelta(minutes=10))
    assert rate_limits.hit(other, "192.0.2.1").allowed
    assert not rate_limits.hit(other, "192.0.2.1").allowed
    assert allowed()


def test_an_attempt_given_back_does_not_count(db_session):
    for _ in range(10):
        assert allowed()
        rate_limits.give_back(LIMIT, "192.0.2.1")


def test_a_long_subject_is_kept_as_its_digest(db_session):
    subject = "x" * 300 + "@example.test"
    assert [allowed(subject) for _ in range(4)] == [True, True, True, False]
    key = db.session.scalar(select(RateLimitCount.key))
    assert len(key) == len("test:report:") + 64


def test_counts_of_ended_windows_are_forgotten(db_session):
    with freeze_time("2026-03-02 09:00:00") as clock:
        allowed("192.0.2.1")
        clock.tick(timedelta(minutes=5))
        allowed("192.0.2.2")
        clock.tick(timedelta(minutes=6))
        rate_limits.forget_ended_windows()
        keys = db.session.scalars(select(RateLimitCount.key)).all()
    assert keys == ["test:report:192.0.2.2"]
