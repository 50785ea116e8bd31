"""The REST API, /api/v1: JSON in and out, signed in by personal tokens only.

Every view asks asb.policy exactly as the matching page does, and every call is audited
("api.<endpoint>", with the token's id): a success inside the change's own transaction, a
refusal in a transaction of its own.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from asb.api.errors import ApiError, api_error_response, error_response
from asb.api.incident_input import current_answers, form_data, form_errors
from asb.api.openapi import build_spec, operation
from asb.api.presenters import (
    case_json,
    incident_json,
    incident_summary,
    paging_json,
    person_json,
    report_json,
)
from asb.api.requests import api_user, authenticate, flatten_messages, json_body, query
from asb.api.schemas import (
    AgencyListSchema,
    CaseListQuerySchema,
    CaseListSchema,
    CaseSchema,
    CategoryListSchema,
    HotspotListSchema,
    HotspotQuerySchema,
    IncidentCreateSchema,
    IncidentListQuerySchema,
    IncidentListSchema,
    IncidentReportSchema,
    IncidentSchema,
    IncidentUpdateSchema,
    LocalTypeListSchema,
    PersonSchema,
    WardListSchema,
)
from asb.api.urls import API_PREFIX
from asb.audit.services import record_event, request_filters
from asb.calendar import today_in_london
from asb.cases.models import Case
from asb.database import utcnow
from asb.emergency_access.services import note_emergency_view
from asb.extensions import csrf, db
from asb.geo.services import geography
from asb.incidents import queries as incident_queries
from asb.incidents import services as incident_services
from asb.incidents.duplicates import add_report_to_incident, find_likely_duplicates
from asb.incidents.filters import IncidentFilterForm
from asb.incidents.forms import EditIncidentForm, IncidentForm
from asb.incidents.models import Incident
from asb.incidents.vocabulary import Category, Qualifier
from asb.maps import hotspots
from asb.maps.forms import MapFilterForm
from asb.people.models import Person
from asb.policy import (
    Permission,
    authorize,
    authorize_case_view,
    authorize_incident_view,
    visible_cases,
)
from asb.versioning import StaleEditError, commit_versioned

blueprint = Blueprint("api", __name__, url_prefix=API_PREFIX)
csrf.exempt(blueprint)

INCIDENTS = "Incidents"
CASES = "Cases"
PEOPLE = "People"
REFERENCE = "Reference data"
HOTSPOTS = "Hotspots"


# Every call --------------------------------------------------------------------------------


@blueprint.before_request
def sign_in_by_token():
    """Within size, within limits, and signed in by a live token: never by the session."""
    request.max_content_length = current_app.config["API_MAX_BODY_BYTES"]
    if request.content_length is not None and request.content_length > (request.max_content_length):
        raise ApiError(413)
    view = current_app.view_functions.get(request.endpoint or "")
    described = getattr(view, "api_operation", None)
    if described is not None and not described.authenticated:
        return
    token = authenticate()
    g.api_token = token
    # Flask-Login's current_user (which asb.policy asks) is the token's user for this request.
    g._login_user = token.user


def _action() -> str:
    return "api." + (request.endpoint or "unknown").partition(".")[2]


def audit(obj=None, **detail: Any) -> None:
    """Record this call; the caller commits (with its change, if it makes one)."""
    record_event(_action(), actor=api_user(), obj=obj, token_id=g.api_token.id, **detail)


def audit_read(obj=None, **detail: Any) -> None:
    """Record a call that changes nothing, and commit it before the records are read: a
    commit afterwards would expire what was loaded."""
    audit(obj, **detail)
    db.session.commit()


def _audit_refusal(status: int) -> None:
    db.session.rollback()
    token = g.get("api_token")
    record_event(
        _action(),
        actor=token.user if token is not None else None,
        outcome="refused",
        status=status,
        token_id=token.id if token is not None else None,
    )
    db.session.commit()


@blueprint.errorhandler(ApiError)
def handle_api_error(error: ApiError):
    _audit_refusal(error.status)
    return api_error_response(error)


@blueprint.errorhandler(ValidationError)
def handle_validation_error(error: ValidationError):
    _audit_refusal(422)
    return error_response(422, fields=flatten_messages(error.messages))


@blueprint.errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    status = error.code or 500
    _audit_refusal(status)
    headers = (
        {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
    )
    return error_response(status, headers=headers)


def _created(body: dict, location: str) -> Response:
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def _page_numbers(args: dict) -> tuple[int, int]:
    return args.get("page", 1), args.get("per_page", current_app.config["API_PER_PAGE_DEFAULT"])


# The document ------------------------------------------------------------------------------


@blueprint.get("/openapi.json")
@operation(summary="This API's OpenAPI 3.1 document", tag="Documentation", authenticated=False)
def openapi_document():
    if "asb_openapi" not in current_app.extensions:
        current_app.extensions["asb_openapi"] = build_spec(current_app)
    return jsonify(current_app.extensions["asb_openapi"])


# Incidents ---------------------------------------------------------------------------------


def _filter_form_data(args: dict) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in ("text", "category", "status", "ward", "source", "sort", "order"):
        if args.get(name) is not None:
            data[name] = args[name]
    for name in ("agency", "local_type", "cell"):
        if args.get(name) is not None:
            data[name] = str(args[name])
    for name in ("date_from", "date_to"):
        if args.get(name) is not None:
            day = args[name]
            data[name] = [str(day.day), str(day.month), str(day.year)]
    return data


def _form_from(form_class, data: dict[str, Any] | MultiDict, **kwargs):
    """The page's form, filled in with the request's answers as a browser would send them."""
    formdata = data if isinstance(data, MultiDict) else MultiDict()
    if formdata is not data:
        for key, value in data.items():
            formdata.setlist(key, value if isinstance(value, list) else [value])
    return form_class(formdata=formdata, meta={"csrf": False}, **kwargs)


@blueprint.get("/incidents")
@operation(
    summary="List incidents",
    tag=INCIDENTS,
    query=IncidentListQuerySchema,
    response=IncidentListSchema,
    errors=(403,),
    description="The shared log's filters, sorting and paging, with the same results as the "
    "incident log page. Personal details only where you may see them.",
)
def list_incidents():
    authorize(Permission.VIEW_INCIDENT_LOG)
    args = query(IncidentListQuerySchema)
    form = _form_from(
        IncidentFilterForm,
        _filter_form_data(args),
        agencies=incident_queries.active_agencies(),
        local_types=incident_queries.local_types(include_inactive=True),
        wards=geography().ward_list,
    )
    if not form.validate():
        raise ApiError(400, "The query string is not valid: see fields", fields=form_errors(form))
    audit_read(filters=request_filters())
    page, per_page = _page_numbers(args)
    user = api_user()
    result = incident_queries.page_of_incidents(
        user,
        form.as_filters(),
        page=page,
        per_page=per_page,
        count_cap=current_app.config["INCIDENT_COUNT_CAP"],
    )
    return jsonify(
        incidents=[incident_json(incident, user) for incident in result.incidents],
        paging=paging_json(
            page=page, per_page=per_page, total=result.total, capped=result.total_is_capped
        ),
    )


def _incident_or_404(incident_id: int) -> Incident:
    incident = db.get_or_404(Incident, incident_id)
    authorize_incident_view(incident)
    return incident


@blueprint.get("/incidents/<int:incident_id>")
@operation(summary="Read an incident", tag=INCIDENTS, response=IncidentSchema, errors=(403,))
def show_incident(incident_id: int):
    incident = _incident_or_404(incident_id)
    user = api_user()
    note_emergency_view(user, incident)
    audit_read(incident)
    return jsonify(incident_json(incident, user))


def _incident_form(form_class, answers: dict[str, Any], local_types: list):
    user = api_user()
    form = _form_from(
        form_class,
        form_data(answers, default_agency_id=user.agency_id),
        agencies=incident_queries.active_agencies(internal_only=True),
        local_types=local_types,
    )
    if not form.validate():
        raise ApiError(422, fields=form_errors(form))
    return form


@blueprint.post("/incidents")
@operation(
    summary="Record an incident",
    tag=INCIDENTS,
    body=IncidentCreateSchema,
    response=IncidentSchema,
    status=201,
    errors=(403, 409),
    other_responses={200: ("The report was linked to an existing incident", IncidentReportSchema)},
    description="Checked by the same rules as the incident form. If likely duplicates are "
    "found and on_duplicate is not given, answers 409 with them; on_duplicate 'link' with "
    "duplicate_of adds the report to that incident instead.",
)
def create_incident():
    authorize(Permission.RECORD_INCIDENT)
    body = json_body(IncidentCreateSchema)
    user = api_user()
    form = _incident_form(IncidentForm, body, incident_queries.local_types())
    fields = form.incident_fields()
    choice = body.get("on_duplicate")
    if choice == "link":
        return _link_report(body, fields)
    if choice != "create":
        candidates = find_likely_duplicates(
            category=fields["category"],
            latitude=fields["latitude"],
            longitude=fields["longitude"],
            occurred_at=fields["occurred_from"],
            reporter_email=fields["reporter_email"],
            reporter_phone=fields["reporter_phone"],
            reporter_name=fields["reporter_name"],
            location_description=fields["location_description"],
            viewer=user,
        )
        if candidates:
            raise ApiError(
                409,
                "This may repeat an incident already recorded: send on_duplicate 'link' with "
                "duplicate_of, or 'create'",
                extra={"likely_duplicates": [incident_summary(item) for item in candidates]},
            )
    incident = incident_services.record_incident(fields, actor=user)
    audit(incident)
    db.session.commit()
    return _created(
        incident_json(incident, user), url_for("api.show_incident", incident_id=incident.id)
    )


def _link_report(body: dict[str, Any], fields: dict[str, Any]):
    if body.get("duplicate_of") is None:
        raise ApiError(
            422,
            fields={"duplicate_of": ["Send the id of the incident to link this report to"]},
        )
    incident = _incident_or_404(body["duplicate_of"])
    user = api_user()
    report = add_report_to_incident(
        incident,
        channel=fields["reporting_channel"],
        reported_at=utcnow(),
        description=fields["description"],
        reporter_anonymous=fields["reporter_anonymous"],
        reporter_name=fields["reporter_name"],
        reporter_phone=fields["reporter_phone"],
        reporter_email=fields["reporter_email"],
        reporter_address=fields["reporter_address"],
        recorded_by=user,
    )
    audit(incident, report_id=report.id)
    db.session.commit()
    response = jsonify(report_json(report))
    response.headers["Location"] = url_for("api.show_incident", incident_id=incident.id)
    return response


@blueprint.patch("/incidents/<int:incident_id>")
@operation(
    summary="Change an incident",
    tag=INCIDENTS,
    body=IncidentUpdateSchema,
    response=IncidentSchema,
    errors=(403, 409),
    description="Send the fields to change and the version you read; the same rules as the "
    "edit form apply to the result. A version someone has since replaced answers 409.",
)
def update_incident(incident_id: int):
    incident = _incident_or_404(incident_id)
    authorize(Permission.EDIT_INCIDENT, incident)
    body = json_body(IncidentUpdateSchema)
    user = api_user()
    local_types = incident_queries.local_types()
    if incident.local_type is not None and incident.local_type not in local_types:
        local_types.append(incident.local_type)  # a retired type stays on its incidents
    form = _incident_form(EditIncidentForm, {**current_answers(incident), **body}, local_types)

    fields = form.incident_fields()
    # The form reads times to the minute: a time not sent stays exactly as it was.
    if "occurred_at" not in body:
        fields["occurred_from"] = incident.occurred_from
    if "ended_at" not in body:
        fields["occurred_to"] = incident.occurred_to

    def change() -> dict:
        changes = incident_services.update_incident(
            incident, fields, actor=user, expected_version=body["version"]
        )
        audit(incident, fields=sorted(changes))
        return changes

    try:
        commit_versioned(change)
    except StaleEditError:
        raise ApiError(
            409, "The incident changed since that version: read it again and resend"
        ) from None
    return jsonify(incident_json(incident, user))


# Cases and people --------------------------------------------------------------------------


@blueprint.get("/cases")
@operation(
    summary="List the cases you may see",
    tag=CASES,
    query=CaseListQuerySchema,
    response=CaseListSchema,
    errors=(403,),
)
def list_cases():
    authorize(Permission.VIEW_TEAM_QUEUE)
    args = query(CaseListQuerySchema)
    audit_read(filters=request_filters())
    user = api_user()
    page, per_page = _page_numbers(args)
    matching = db.select(Case).where(visible_cases(user))
    if args.get("status"):
        matching = matching.where(Case.status == args["status"])
    total = db.session.scalar(
        db.select(db.func.count()).select_from(matching.order_by(None).subquery())
    )
    cases = db.session.scalars(
        matching.order_by(Case.opened_at.desc(), Case.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return jsonify(
        cases=[case_json(case, user) for case in cases],
        paging=paging_json(page=page, per_page=per_page, total=total or 0, capped=False),
    )


@blueprint.get("/cases/<int:case_id>")
@operation(summary="Read a case", tag=CASES, response=CaseSchema, errors=(403,))
def show_case(case_id: int):
    case = db.get_or_404(Case, case_id)
    authorize_case_view(case)
    user = api_user()
    note_emergency_view(user, case)
    audit_read(case)
    return jsonify(case_json(case, user))


@blueprint.get("/people/<int:person_id>")
@operation(
    summary="Read a person",
    tag=PEOPLE,
    response=PersonSchema,
    description="Their details only where you see the details of one of their records.",
)
def show_person(person_id: int):
    person = db.get_or_404(Person, person_id)
    authorize(Permission.VIEW_PERSON, person, hide_existence=True)
    user = api_user()
    audit_read(person)
    return jsonify(person_json(person, user))


# Reference data ----------------------------------------------------------------------------


@blueprint.get("/reference/agencies")
@operation(summary="Agencies", tag=REFERENCE, response=AgencyListSchema, errors=(403,))
def agencies():
    authorize(Permission.VIEW_REFERENCE_DATA)
    audit_read()
    return jsonify(
        AgencyListSchema().dump(
            {
                "agencies": [
                    {"id": a.id, "code": a.code, "name": a.name, "is_external": a.is_external}
                    for a in incident_queries.active_agencies()
                ]
            }
        )
    )


@blueprint.get("/reference/categories")
@operation(
    summary="Categories and kinds of ASB", tag=REFERENCE, response=CategoryListSchema, errors=(403,)
)
def categories():
    authorize(Permission.VIEW_REFERENCE_DATA)
    audit_read()
    return jsonify(
        categories=[{"value": value, "label": label} for value, label in Category.choices()],
        qualifiers=[{"value": value, "label": label} for value, label in Qualifier.choices()],
    )


@blueprint.get("/reference/local-types")
@operation(summary="Local ASB types", tag=REFERENCE, response=LocalTypeListSchema, errors=(403,))
def local_types():
    authorize(Permission.VIEW_REFERENCE_DATA)
    audit_read()
    return jsonify(
        local_types=[
            {"id": t.id, "name": t.name, "is_active": t.is_active}
            for t in incident_queries.local_types(include_inactive=True)
        ]
    )


@blueprint.get("/reference/wards")
@operation(summary="Wards", tag=REFERENCE, response=WardListSchema, errors=(403,))
def wards():
    authorize(Permission.VIEW_REFERENCE_DATA)
    audit_read()
    return jsonify(wards=[{"code": w.code, "name": w.name} for w in geography().ward_list])


# Hotspots ----------------------------------------------------------------------------------


def _map_form_data(args: dict) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in ("period", "qualifier", "category", "status", "source", "ward"):
        if args.get(name) is not None:
            data[name] = args[name]
    for name in ("local_type", "agency"):
        if args.get(name) is not None:
            data[name] = str(args[name])
    for name in ("date_from", "date_to"):
        if args.get(name) is not None:
            day = args[name]
            data[name] = [str(day.day), str(day.month), str(day.year)]
    return data


@blueprint.get("/hotspots")
@operation(
    summary="Hotspots",
    tag=HOTSPOTS,
    query=HotspotQuerySchema,
    response=HotspotListSchema,
    errors=(403,),
    description="The hotspot map's analysis (Gi* on the 100 m grid) for a window and filters.",
)
def hotspot_list():
    authorize(Permission.VIEW_INCIDENT_LOG)
    args = query(HotspotQuerySchema)
    form = _form_from(
        MapFilterForm,
        _map_form_data(args),
        agencies=incident_queries.active_agencies(),
        local_types=incident_queries.local_types(include_inactive=True),
        wards=geography().ward_list,
        today=today_in_london(),
    )
    if not form.validate():
        raise ApiError(400, "The query string is not valid: see fields", fields=form_errors(form))
    audit_read(filters=request_filters())
    filters = form.as_filters()
    data = hotspots.hotspot_data(api_user(), filters)
    return jsonify(
        HotspotListSchema().dump(
            {
                "date_from": filters.date_from,
                "date_to": filters.date_to,
                "total": data.total,
                "outside_area": data.outside_area,
                "without_location": data.without_location,
                "hotspots": [
                    {
                        "number": spot.number,
                        "cells": [int(cell) for cell in spot.cells],
                        "incidents": int(spot.incidents),
                        "confidence": int(spot.confidence),
                        "persistence": spot.persistence,
                        "active_periods": [bool(active) for active in spot.active_periods],
                        "busiest_cell": int(spot.busiest_cell),
                        "ward_names": list(spot.ward_names),
                    }
                    for spot in data.hotspots
                ],
            }
        )
    )
