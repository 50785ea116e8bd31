"""The audit page: the ASB lead and admins read the trail, filter it and export it.

There is nothing here, nor anywhere else, to edit or delete an entry. Reading the trail is
itself recorded: each search and each export.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC
from functools import partial
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from asb.audit.models import AuditEvent
from asb.audit.services import record_event, record_view, request_filters
from asb.audit_trail import queries
from asb.audit_trail.forms import AuditFilterForm
from asb.auth.current import signed_in_user
from asb.exports import Value, csv_response, xlsx_response
from asb.extensions import db
from asb.policy import Permission, authorize

blueprint = Blueprint("audit_trail", __name__, url_prefix="/audit")

PER_PAGE = 50
COUNT_CAP = 10_000
EXPORT_HEADER = [
    "Entry",
    "When (UTC)",
    "User id",
    "User email",
    "Action",
    "Outcome",
    "Kind of record",
    "Record id",
    "Address",
    "Detail",
    "Previous entry's hash",
    "Entry hash",
]
# The record pages an entry can link to: (endpoint, argument) by table.
RECORD_PAGES = {
    "incidents": ("incidents.show_incident", "incident_id"),
    "cases": ("cases.show_case", "case_id"),
    "people": ("people.show_person", "person_id"),
    "case_review_applications": ("case_reviews.show_application", "application_id"),
}


@blueprint.app_template_filter()
def audit_detail(detail: dict[str, Any] | None) -> str:
    """An entry's detail as 'key: value' pairs, lists and filters written compactly."""
    parts = []
    for key, value in sorted((detail or {}).items()):
        shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


@blueprint.app_template_global()
def audit_record_url(entry: AuditEvent) -> str | None:
    page = RECORD_PAGES.get(entry.object_type or "")
    if page is None or entry.object_id is None:
        return None
    endpoint, argument = page
    return url_for(endpoint, **{argument: entry.object_id})


def _filter_form() -> AuditFilterForm:
    return AuditFilterForm(
        request.args, users=queries.users_for_filter(), record_types=queries.record_types()
    )


@blueprint.get("")
@login_required
def show_trail():
    authorize(Permission.VIEW_AUDIT_TRAIL)
    form = _filter_form()
    page = None
    if form.validate():
        # Recorded first: committing after the query would expire the entries it loaded.
        record_view("audit.searched", actor=signed_in_user(), filters=request_filters())
        page = queries.page_of_entries(
            queries.filtered_entries(form.as_filters()),
            page=form.page_number(),
            per_page=PER_PAGE,
            count_cap=COUNT_CAP,
        )
    return render_template(
        "audit_trail/index.html",
        form=form,
        page=page,
        actors=queries.actors_of(page.entries) if page else {},
    )


def _export_row(entry: AuditEvent, email: str | None) -> list[Value]:
    return [
        entry.sequence,
        entry.occurred_at.astimezone(UTC).replace(tzinfo=None),
        entry.actor_id,
        email,
        entry.action,
        entry.outcome,
        entry.object_type,
        entry.object_id,
        entry.ip_address,
        json.dumps(entry.detail, sort_keys=True),
        entry.previous_hash,
        entry.entry_hash,
    ]


def _export(file_format: str, write: Callable[..., Response]):
    """The matching entries as a file; bad filters answer 400 with the page explaining them.
    Recorded first, with the filters exactly and the number of rows."""
    authorize(Permission.VIEW_AUDIT_TRAIL)
    form = _filter_form()
    if not form.validate():
        flash("Correct the filters before exporting.")
        return render_template("audit_trail/index.html", form=form, page=None, actors={}), 400
    query = queries.filtered_entries(form.as_filters())
    record_event(
        "audit.exported",
        actor=signed_in_user(),
        format=file_format,
        filters=request_filters(),
        rows=queries.count_entries(query),
    )
    db.session.commit()
    rows = (_export_row(entry, email) for entry, email in queries.entries_for_export(query))
    return write(f"asb-audit-trail.{file_format}", EXPORT_HEADER, rows, seconds=True)


@blueprint.get("/export.csv")
@login_required
def export_trail():
    return _export("csv", csv_response)


@blueprint.get("/export.xlsx")
@login_required
def export_trail_xlsx():
    return _export("xlsx", partial(xlsx_response, sheet_title="Audit trail"))
