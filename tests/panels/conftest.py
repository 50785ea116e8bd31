"""Panel meetings as tests need them: planned through the services, committed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

import pytest

from asb.auth.models import User
from asb.calendar import LONDON, today_in_london
from asb.extensions import db
from asb.panels import services
from asb.panels.models import PanelMeeting
from asb.panels.vocabulary import AgendaReason
from tests.factories import agency, request_context


@pytest.fixture
def make_meeting(db_session) -> Callable[..., PanelMeeting]:
    """A meeting planned by `actor` a week from today (or `days` from today), committed."""

    def make(
        actor: User,
        agencies: tuple[str, ...] = ("community-safety", "housing", "city-police"),
        *,
        days: int = 7,
        cases=(),
    ) -> PanelMeeting:
        with request_context():
            meeting = services.plan_meeting(
                starts_at=datetime.combine(
                    today_in_london() + timedelta(days=days), time(10, 0), tzinfo=LONDON
                ),
                place="Committee Room 2, Guildhall",
                chair=actor,
                agencies=[agency(code) for code in agencies],
                actor=actor,
            )
            for case in cases:
                services.add_to_agenda(meeting, case, reason=AgendaReason.LEAD_CHOICE, actor=actor)
        db.session.commit()
        return meeting

    return make
