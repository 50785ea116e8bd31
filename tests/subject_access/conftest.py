"""A subject access request, logged through the service as the new-request page would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from asb.auth.models import User
from asb.extensions import db
from asb.people.models import Person
from asb.subject_access import services
from asb.subject_access.models import SubjectAccessRequest
from asb.subject_access.vocabulary import ReceivedBy


@pytest.fixture
def log_request(db_session, lead: User) -> Callable[..., SubjectAccessRequest]:
    def log(
        *,
        requester_name: str = "Sam Caller",
        received_on: date | None = None,
        identity_checked_on: date | None = None,
        people: list[Person] = (),
        actor: User | None = None,
    ) -> SubjectAccessRequest:
        received_on = received_on or date(2026, 11, 2)
        request = services.log_request(
            requester_name=requester_name,
            received_by=ReceivedBy.EMAIL,
            received_on=received_on,
            identity_checked_on=identity_checked_on,
            notes=None,
            people=list(people),
            actor=actor or lead,
        )
        db.session.commit()
        return request

    return log
