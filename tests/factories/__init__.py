"""Factories for the models tests make, one module per feature; import them from here.

They flush into the test's rolled-back transaction. `make_case`, `make_user`,
`make_action` and `make_application` go through the services, so what they make carries its
timeline, history and audit as real records do; the `make_case` and `make_user` fixtures
(tests/conftest.py) commit what these make.
"""

from tests.factories.auth import AgencyFactory, UserFactory, make_user
from tests.factories.base import CITY_POINT, TEST_PASSWORD, BaseFactory, agency, request_context
from tests.factories.case_reviews import CaseReviewApplicationFactory, make_application
from tests.factories.cases import CaseFactory, RiskAssessmentFactory, make_action, make_case
from tests.factories.documents import DocumentFactory
from tests.factories.incidents import IncidentFactory, LocalAsbTypeFactory, reported
from tests.factories.notifications import OutboxEmailFactory
from tests.factories.people import CasePersonFactory, IncidentPersonFactory, PersonFactory

__all__ = [
    "CITY_POINT",
    "TEST_PASSWORD",
    "AgencyFactory",
    "BaseFactory",
    "CaseFactory",
    "CasePersonFactory",
    "CaseReviewApplicationFactory",
    "DocumentFactory",
    "IncidentFactory",
    "IncidentPersonFactory",
    "LocalAsbTypeFactory",
    "OutboxEmailFactory",
    "PersonFactory",
    "RiskAssessmentFactory",
    "UserFactory",
    "agency",
    "make_action",
    "make_application",
    "make_case",
    "make_user",
    "reported",
    "request_context",
]
