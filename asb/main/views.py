from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from asb.cases import queries as case_queries
from asb.extensions import db
from asb.incidents import queries as incident_queries
from asb.policy import Permission, can

blueprint = Blueprint("main", __name__)


@blueprint.get("/")
@login_required
def index():
    user = current_user._get_current_object()
    if can(user, Permission.MANAGE_USERS) and not can(user, Permission.VIEW_INCIDENT_LOG):
        return redirect(url_for("admin.list_users"))
    summary = (
        incident_queries.home_summary(user) if can(user, Permission.VIEW_INCIDENT_LOG) else None
    )
    cases = case_queries.case_summary(user) if can(user, Permission.OPEN_CASE) else None
    return render_template("main/index.html", summary=summary, cases=cases)


@blueprint.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
