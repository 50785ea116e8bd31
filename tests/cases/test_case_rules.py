"""Rules the services keep whoever calls them: who may assign where, who may own an action,
and that a closed case is not worked until it is reopened."""

from __future__ import annotations

from datetime import date

import pytest

from asb.auth.models import Role
from asb.cases import services
from asb.cases.vocabulary import CaseOutcome, CaseStatus
from asb.interventions import services as intervention_services
from asb.interventions.rules import InterventionKind
from asb.people import services as people_services
from asb.people.vocabulary import PersonRole
from tests.factories import agency, make_case, make_user


def test_a_manager_cannot_assign_outside_their_agency_through_the_service(db_session, in_request):
    manager = make_user(Role.MANAGER, "housing")
    case = make_case("housing", actor=manager)

    with pytest.raises(services.CaseWorkflowError, match="cannot assign this case to Barbican"):
        services.assign_case(case, agency=agency("barbican"), officer=None, actor=manager)

    assert case.assigned_agency_id == agency("housing").id
    lead = make_user(Role.ASB_LEAD, "community-safety")  # the ASB lead assigns across agencies
    services.assign_case(case, agency=agency("barbican"), officer=None, actor=lead)
    assert case.assigned_agency_id == agency("barbican").id


def test_an_officer_cannot_assign_through_the_service(db_session, in_request):
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing")

    with pytest.raises(services.CaseWorkflowError, match="cannot assign"):
        services.assign_case(case, agency=agency("housing"), officer=officer, actor=officer)

    assert case.case_officer_id is None


def test_no_one_assigns_a_case_to_an_external_agency(db_session, in_request):
    lead = make_user(Role.ASB_LEAD, "community-safety")
    case = make_case("housing")

    with pytest.raises(services.CaseWorkflowError, match="cannot assign"):
        services.assign_case(case, agency=agency("city-police"), officer=None, actor=lead)


def test_an_action_owner_from_an_agency_not_on_the_case_is_refused(db_session, in_request):
    officer = make_user(Role.OFFICER, "housing")
    stranger = make_user(Role.OFFICER, "barbican")
    case = make_case("housing", officer=officer)

    with pytest.raises(services.CaseWorkflowError, match="cannot own actions") as refused:
        services.add_action(
            case, description="Visit", owner=stranger, due_on=date(2026, 12, 1), actor=officer
        )

    assert refused.value.field == "owner"
    assert services.open_actions_for(case) == []


def test_work_on_a_closed_case_is_refused_by_one_check(db_session, in_request):
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=officer)
    services.close_case(
        case, outcome=CaseOutcome.RESOLVED, closing_summary="Stopped", actor=officer
    )
    assert case.status is CaseStatus.CLOSED
    refusals = {
        "adding people to it": lambda: people_services.add_person_to_case(
            case, name="Sam Jones", role=PersonRole.VICTIM, actor=officer
        ),
        "recording an intervention": lambda: intervention_services.record_intervention(
            case,
            intervention_services.InterventionDetails(
                kind=InterventionKind.WARNING_LETTER, issued_on=date(2026, 11, 1)
            ),
            actor=officer,
        ),
    }
    for doing, change in refusals.items():
        with pytest.raises(services.CaseClosedError, match=f"Reopen the case before {doing}"):
            change()
