from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import login_required

from asb import startup
from asb.auth.current import signed_in_user
from asb.cases import queries as case_queries
from asb.incidents import queries as incident_queries
from asb.policy import Permission, can
from asb.sharing import queries as sharing_queries

blueprint = Blueprint("main", __name__)


@blueprint.get("/")
@login_required
def index():
    user = signed_in_user()
    summary = (
        incident_queries.home_summary(user) if can(user, Permission.VIEW_INCIDENT_LOG) else None
    )
    cases = case_queries.case_summary(user) if can(user, Permission.OPEN_CASE) else None
    shared = (
        sharing_queries.live_shares_for_agency(user.agency_id)
        if can(user, Permission.VIEW_SHARED_RECORDS)
        else None
    )
    return render_template("main/index.html", summary=summary, cases=cases, shared=shared)


@blueprint.get("/healthz")
def healthz():
    report = startup.health()
    ok = all(value == "ok" for value in report.values())
    return jsonify(status="ok" if ok else "unavailable", **report), 200 if ok else 503
