"""Records as the API shows them: through the schemas, with personal details only where the
policy lets the token's user see them."""

from __future__ import annotations

from typing import Any

from asb.api.schemas import (
    CaseSchema,
    IncidentReportSchema,
    IncidentSchema,
    IncidentSummarySchema,
    PageSchema,
    PersonSchema,
)
from asb.auth.models import Agency, User
from asb.cases.models import Case
from asb.incidents.models import PERSONAL_FIELDS, Incident, IncidentReport
from asb.people.models import Person
from asb.policy import Permission, can


def agency_ref(agency: Agency) -> dict[str, Any]:
    return {"id": agency.id, "name": agency.name}


def incident_json(incident: Incident, user: User) -> dict[str, Any]:
    shown = can(user, Permission.VIEW_PERSONAL_DETAILS, incident)
    data: dict[str, Any] = {
        "id": incident.id,
        "reference": incident.reference,
        "version": incident.version,
        "source": incident.source.value,
        "status": incident.status.value,
        "no_further_action_reason": incident.no_further_action_reason,
        "occurred_at": incident.occurred_from,
        "ended_at": incident.occurred_to,
        "location_description": incident.location_description,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "ward_code": incident.ward_code,
        "ward_name": incident.ward_name,
        "qualifier": incident.qualifier.value,
        "category": incident.category.value,
        "local_type_id": incident.local_type_id,
        "hate_motivated": incident.hate_motivated,
        "possible_crime": incident.possible_crime,
        "description": incident.description,
        "reporting_channel": incident.reporting_channel.value,
        "report_kind": incident.report_kind.value,
        "households_affected": incident.households_affected,
        "restricted": incident.restricted,
        "recording_agency": agency_ref(incident.recording_agency),
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
        "personal_details_shown": shown,
    }
    if shown:
        data.update({name: getattr(incident, name) for name in PERSONAL_FIELDS})
        data["vulnerabilities"] = list(incident.vulnerabilities or [])
    return IncidentSchema().dump(data)


def _summary(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "reference": incident.reference,
        "occurred_from": incident.occurred_from,
        "category": incident.category.value,
        "location_description": incident.location_description,
        "status": incident.status.value,
    }


def incident_summary(incident: Incident) -> dict[str, Any]:
    return IncidentSummarySchema().dump(_summary(incident))


def report_json(report: IncidentReport) -> dict[str, Any]:
    return IncidentReportSchema().dump(
        {"id": report.id, "incident": _summary(report.incident), "reported_at": report.reported_at}
    )


def case_json(case: Case, user: User) -> dict[str, Any]:
    shown = can(user, Permission.VIEW_CASE_PERSONAL_DETAILS, case)
    data: dict[str, Any] = {
        "id": case.id,
        "reference": case.reference,
        "version": case.version,
        "title": case.title,
        "summary": case.summary,
        "status": case.status.value,
        "outcome": case.outcome.value if case.outcome else None,
        "risk_level": case.risk_level.value if case.risk_level else None,
        "restricted": case.restricted,
        "lead_agency": agency_ref(case.lead_agency),
        "assigned_agency": agency_ref(case.assigned_agency),
        "case_officer": case.case_officer.name if case.case_officer else None,
        "opened_at": case.opened_at,
        "review_due": case.review_due,
        "closed_at": case.closed_at,
        "personal_details_shown": shown,
    }
    if shown:
        data["people"] = [
            {"person_id": link.person_id, "role": link.role.value, "name": link.person.name}
            for link in case.people
        ]
    return CaseSchema().dump(data)


def person_json(person: Person, user: User) -> dict[str, Any]:
    shown = can(user, Permission.VIEW_PERSON_DETAILS, person)
    data: dict[str, Any] = {
        "id": person.id,
        "merged_into_id": person.merged_into_id,
        "personal_details_shown": shown,
    }
    if shown:
        data.update(
            name=person.name,
            date_of_birth=person.date_of_birth,
            address=person.address,
            phone=person.phone,
            email=person.email,
        )
    return PersonSchema().dump(data)


def paging_json(*, page: int, per_page: int, total: int, capped: bool) -> dict[str, Any]:
    return PageSchema().dump(
        {
            "page": page,
            "per_page": per_page,
            "total": total,
            "total_is_capped": capped,
            "has_next": page * per_page < total,
        }
    )
