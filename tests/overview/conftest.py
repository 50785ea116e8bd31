"""Users and cases for the overview's tests, flushed into the test's rolled-back transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import count

import pytest

from asb.auth.models import Role, User
from asb.cases.models import Case
from asb.cases.vocabulary import CaseStatus
from asb.extensions import db
from tests.factories import UserFactory, agency

_case_numbers = count(1)


@pytest.fixture
def user(db_session) -> Callable[..., User]:
    def make(role: Role | str = Role.MANAGER, agency_code: str = "housing") -> User:
        return UserFactory(role=Role(role), agency=agency(agency_code))

    return make


@pytest.fixture
def lead(user) -> User:
    return user(Role.ASB_LEAD, "community-safety")


@pytest.fixture
def case_opened(db_session) -> Callable[..., Case]:
    """A case opened at a given moment; only what the overview reads is filled in."""

    def make(
        opened_at: datetime,
        *,
        team: str = "housing",
        status: CaseStatus = CaseStatus.OPEN,
        restricted: bool = False,
    ) -> Case:
        case = Case(
            reference=f"ASB-C-TEST-{next(_case_numbers):05d}",
            title="Noise from 12 Crescent House",
            summary="Loud music most nights",
            status=status,
            lead_agency=agency(team),
            assigned_agency=agency(team),
            restricted=restricted,
            restriction_reason="Domestic abuse" if restricted else None,
            opened_at=opened_at,
        )
        db.session.add(case)
        db.session.flush()
        return case

    return make
