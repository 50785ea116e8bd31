"""The public report form (/report, no sign-in); the triage queue's routes, on the same
blueprint, are in triage_views.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from itsdangerous import BadSignature, URLSafeSerializer

from asb import rate_limits
from asb.audit.services import client_address, record_event
from asb.auth.current import signed_in_user
from asb.calendar import long_date
from asb.extensions import db
from asb.incidents.vocabulary import Category
from asb.public_reports import queries, services
from asb.public_reports.forms import (
    AboutYouForm,
    SendReportForm,
    WhatForm,
    WhenForm,
    WhereForm,
)
from asb.public_reports.vocabulary import (
    PUBLIC_CATEGORY_LABELS,
    SOMETHING_ELSE,
    PublicReportChannel,
)
from asb.submissions import record_result

blueprint = Blueprint("public_reports", __name__)

# The answers so far, kept in the session between the question pages: nothing is stored
# in the database until the reporter sends the report.
ANSWERS = "public_report"
STEPS = ("what", "where", "when", "about_you")
_STEP_KEYS = {
    "what": "description",
    "where": "location_given",
    "when": "occurred_at",
    "about_you": "reporter_anonymous",
}


@blueprint.app_template_global()
def public_reports_waiting() -> int:
    """How many reports wait in the signed-in user's triage queues, for the menu."""
    return queries.waiting_count(signed_in_user())


def _answers() -> dict[str, Any]:
    answers = session.get(ANSWERS)
    return answers if isinstance(answers, dict) else {}


def _save_answers(**values: Any) -> None:
    session[ANSWERS] = {**_answers(), **values}


def _first_missing_step(answers: dict[str, Any]) -> str | None:
    for step in STEPS:
        if _STEP_KEYS[step] not in answers:
            return step
    return None


def _next_page() -> str:
    """The next question, or the check page once every question is answered (as after a
    change made from the check page)."""
    missing = _first_missing_step(_answers())
    return url_for(f"public_reports.{missing}" if missing else "public_reports.check")


def _require_earlier_steps(step: str):
    """Send the reporter back to the first question they have not answered yet."""
    missing = _first_missing_step(_answers())
    if missing and STEPS.index(missing) < STEPS.index(step):
        return redirect(url_for(f"public_reports.{missing}"))
    return None


def _sent_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="public-report-sent")


def _public_page(template: str, status: int = 200, **context: Any):
    return render_template(template, without_account=True, **context), status


@blueprint.get("/report")
def start():
    return _public_page("public_reports/start.html")


@blueprint.route("/report/what", methods=["GET", "POST"])
def what():
    form = WhatForm()
    if request.method == "GET":
        form.category.data = _answers().get("category")
        form.description.data = _answers().get("description")
    if form.validate_on_submit():
        _save_answers(category=form.category.data, description=form.description.data)
        return redirect(_next_page())
    return _public_page("public_reports/what.html", form=form)


@blueprint.route("/report/where", methods=["GET", "POST"])
def where():
    if back := _require_earlier_steps("where"):
        return back
    form = WhereForm()
    if request.method == "GET":
        answers = _answers()
        form.location_description.data = answers.get("location_description")
        if answers.get("latitude") is not None:
            form.latitude.data = str(answers["latitude"])
            form.longitude.data = str(answers["longitude"])
    if form.validate_on_submit():
        latitude, longitude = form.point or (None, None)
        _save_answers(
            location_given=True,
            location_description=form.location_description.data or None,
            latitude=latitude,
            longitude=longitude,
        )
        return redirect(_next_page())
    return _public_page("public_reports/where.html", form=form)


@blueprint.route("/report/when", methods=["GET", "POST"])
def when():
    if back := _require_earlier_steps("when"):
        return back
    form = WhenForm()
    if request.method == "GET" and "occurred_at" in _answers():
        occurred = datetime.fromisoformat(_answers()["occurred_at"])
        form.occurred_date.data = occurred.date()
        form.occurred_time.data = _answers().get("occurred_time")
        form.still_happening.data = "yes" if _answers().get("still_happening") else "no"
    if form.validate_on_submit():
        _save_answers(
            occurred_at=form.occurred_at().isoformat(),
            occurred_time=form.occurred_time.data or None,
            still_happening=form.still_happening.data == "yes",
        )
        return redirect(_next_page())
    return _public_page("public_reports/when.html", form=form)


@blueprint.route("/report/about-you", methods=["GET", "POST"])
def about_you():
    if back := _require_earlier_steps("about_you"):
        return back
    form = AboutYouForm()
    answers = _answers()
    if request.method == "GET" and "reporter_anonymous" in answers:
        form.reporter_anonymous.data = "anonymous" if answers["reporter_anonymous"] else "named"
        form.reporter_name.data = answers.get("reporter_name")
        form.reporter_email.data = answers.get("reporter_email")
        form.reporter_phone.data = answers.get("reporter_phone")
        if not answers["reporter_anonymous"]:
            form.may_contact.data = "yes" if answers.get("may_contact") else "no"
    if form.validate_on_submit():
        session[ANSWERS] = {
            key: value
            for key, value in answers.items()
            if key not in {"reporter_name", "reporter_email", "reporter_phone", "may_contact"}
        }
        _save_answers(**form.answers())
        return redirect(url_for("public_reports.check"))
    return _public_page("public_reports/about_you.html", form=form)


def _public_report_limit() -> rate_limits.Limit:
    config = current_app.config
    return rate_limits.Limit(
        "public-report:address",
        config["PUBLIC_REPORT_LIMIT_PER_ADDRESS"],
        timedelta(minutes=config["PUBLIC_REPORT_LIMIT_MINUTES"]),
    )


@blueprint.route("/report/check", methods=["GET", "POST"])
def check():
    answers = _answers()
    if missing := _first_missing_step(answers):
        return redirect(url_for(f"public_reports.{missing}"))
    form = SendReportForm()
    if form.is_submitted():
        verdict = rate_limits.hit(_public_report_limit(), client_address() or "unknown")
        if not verdict.allowed:
            record_event("public-report.submitted", outcome="rate-limited")
            rate_limits.forget_ended_windows()
            db.session.commit()
            page, status = _public_page("public_reports/too_many.html", 429)
            return page, status, {"Retry-After": str(verdict.retry_after_seconds)}
    if form.validate_on_submit():
        report = services.submit_public_report(
            channel=PublicReportChannel.WEB,
            description=answers["description"],
            category=_category(answers.get("category")),
            latitude=answers.get("latitude"),
            longitude=answers.get("longitude"),
            location_description=answers.get("location_description"),
            occurred_at=datetime.fromisoformat(answers["occurred_at"]),
            still_happening=answers.get("still_happening"),
            reporter_anonymous=answers["reporter_anonymous"],
            reporter_name=answers.get("reporter_name"),
            reporter_email=answers.get("reporter_email"),
            reporter_phone=answers.get("reporter_phone"),
            may_contact=bool(answers.get("may_contact")),
        )
        url = record_result(
            url_for("public_reports.sent", token=_sent_serializer().dumps(report.reference))
        )
        db.session.commit()
        session.pop(ANSWERS, None)
        return redirect(url)
    return _public_page(
        "public_reports/check.html", form=form, answers=answers, labels=_answer_labels(answers)
    )


def _category(value: str | None) -> Category | None:
    if value in (None, SOMETHING_ELSE):
        return None
    return Category(value)


def _answer_labels(answers: dict[str, Any]) -> dict[str, str]:
    category = _category(answers.get("category"))
    occurred = datetime.fromisoformat(answers["occurred_at"])
    when = long_date(occurred)
    if answers.get("occurred_time"):
        when += f", at about {answers['occurred_time']}"
    return {
        "category": PUBLIC_CATEGORY_LABELS[category] if category else "Something else",
        "when": when,
    }


@blueprint.get("/report/sent/<token>")
def sent(token: str):
    try:
        reference = _sent_serializer().loads(token)
    except BadSignature:
        abort(404)
    return _public_page("public_reports/sent.html", reference=reference)


from asb.public_reports import triage_views  # noqa: E402, F401  (its routes, on this blueprint)
