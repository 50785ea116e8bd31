"""Cases for tests, opened and worked through the services so they carry what real ones do.

Everything is flushed into the test's session; the fixtures in conftest.py commit, so that a
page that rolls back (a refused request, a stale save) does not take the test's data with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from flask import current_app, has_request_context

from asb.auth.models import Role, User
from asb.cases import services
from asb.cases.models import Case, CaseAction, RiskAssessment
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import CaseOutcome, CaseStatus
from asb.extensions import db
from asb.incidents.models import Incident
from tests.factories import UserFactory, agency

_VERSION = re.compile(r'name="version" value="(\d+)"')
_CASE_REFERENCE = re.compile(r">(ASB-C-\d{4}-\d{5})</a>")


@contextmanager
def request_context() -> Iterator[None]:
    """Services that notify build links with url_for, so they run inside a request."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context():
        yield


def make_user(role: Role | str = Role.OFFICER, agency_code: str = "housing", **fields) -> User:
    """A flushed user (no usable password: sign them in with sign_in_session)."""
    return UserFactory(role=Role(role), agency=agency(agency_code), **fields)


def make_case(
    lead: str = "housing",
    actor: User | None = None,
    *,
    title: str = "Noise from 12 Crescent House",
    summary: str = "Loud music most nights after midnight",
    incidents: Iterable[Incident] = (),
    restricted: bool = False,
    restriction_reason: str | None = None,
    team: str | None = None,
    officer: User | None = None,
    partners: Iterable[str] = (),
    status: CaseStatus = CaseStatus.OPEN,
    risk_level: RiskLevel | None = None,
    review_due: date | None = None,
) -> Case:
    """Open a case led by the agency `lead`, then give it the team, officer, partners and
    status asked for, each through its service (so the timeline and history are real)."""
    with request_context():
        actor = actor or make_user(Role.MANAGER, lead)
        case = services.open_case(
            title=title,
            summary=summary,
            lead_agency=agency(lead),
            actor=actor,
            incidents=list(incidents),
            restricted=restricted,
            restriction_reason=restriction_reason or ("Domestic abuse" if restricted else None),
        )
        for code in partners:
            services.add_partner(case, agency(code), actor=actor)
        if officer is not None or team is not None:
            services.assign_case(
                case,
                agency=officer.agency if officer is not None else agency(team),
                officer=officer,
                actor=actor,
            )
        if status is CaseStatus.CLOSED:
            services.close_case(
                case,
                outcome=CaseOutcome.RESOLVED,
                closing_summary="The noise stopped after a warning letter",
                actor=actor,
            )
        elif status is not CaseStatus.OPEN:
            services.change_case_status(case, status, actor=actor)
        if risk_level is not None:
            case.risk_level = risk_level
            db.session.add(
                RiskAssessment(
                    case_id=case.id,
                    subject="victim",
                    matrix_version="test",
                    answers={},
                    score=0,
                    level=risk_level,
                    assessed_by_id=actor.id,
                )
            )
        if review_due is not None:
            case.review_due = review_due
        db.session.flush()
    return case


def make_action(
    case: Case,
    owner: User,
    due_on: date,
    *,
    description: str = "Visit the neighbours",
    actor: User | None = None,
) -> CaseAction:
    """An open action; the service takes any due date, so overdue ones can be made."""
    with request_context():
        action = services.add_action(
            case, description=description, owner=owner, due_on=due_on, actor=actor or owner
        )
        db.session.flush()
    return action


# Reading pages


def form_version(response) -> int:
    """The case version a form carries, as an officer's browser would send it back."""
    found = _VERSION.search(response.get_data(as_text=True))
    assert found, "the form carries no case version"
    return int(found.group(1))


def case_references(response) -> list[str]:
    """Case references in the order the page lists them."""
    return _CASE_REFERENCE.findall(response.get_data(as_text=True))
