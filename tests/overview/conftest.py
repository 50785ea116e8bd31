"""Cases opened at given moments, for the overview's tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from asb.cases.vocabulary import CaseStatus
from asb.models import Case
from tests.factories import CaseFactory, agency


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
        return CaseFactory(
            status=status,
            lead_agency=agency(team),
            restricted=restricted,
            restriction_reason="Domestic abuse" if restricted else None,
            opened_at=opened_at,
        )

    return make
