"""ASB Case Review applications."""

from __future__ import annotations

from datetime import date

import factory

from asb.calendar import today_in_london
from asb.case_reviews import services
from asb.case_reviews.vocabulary import ApplicationRoute
from asb.extensions import db
from asb.models import CaseReviewApplication
from tests.factories.base import BaseFactory


class CaseReviewApplicationFactory(BaseFactory):
    """The application's row alone, with no complaints or audit: `make_application` logs one."""

    class Meta:
        model = CaseReviewApplication

    reference = factory.Sequence(lambda n: f"ASB-CR-1999-{n:05d}")
    applicant_name = "Pat Applicant"
    applicant_contact = "020 7946 0123"
    route = ApplicationRoute.PHONE.value
    received_on = factory.LazyFunction(today_in_london)


def make_application(actor, *, received_on: date | None = None, case=None, **fields):
    """Log an application through the service, then set any later steps directly."""
    application = services.log_application(
        applicant_name="Pat Applicant",
        applicant_contact="020 7946 0123",
        on_behalf_of=None,
        consent_confirmed=False,
        route=ApplicationRoute.PHONE,
        received_on=received_on or today_in_london(),
        complaints=[],
        actor=actor,
        case=case,
    )
    for name, value in fields.items():
        setattr(application, name, value)
    db.session.commit()
    return db.session.get(CaseReviewApplication, application.id)
