"""Subject access request pages: the list with its clocks, logging, answering, and the pack."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from asb.audit.services import record_event
from asb.auth.current import signed_in_user
from asb.calendar import long_date, today_in_london
from asb.extensions import db
from asb.forms import BaseForm, whole_number
from asb.people.models import Person
from asb.policy import Permission, authorize, can
from asb.subject_access import queries, services
from asb.subject_access.forms import CloseForm, ExtendForm, IdentityForm, RequestForm
from asb.subject_access.models import SubjectAccessRequest
from asb.subject_access.pack import REVIEW_NOTICE, build_pack
from asb.subject_access.vocabulary import ReceivedBy, RequestStatus
from asb.submissions import record_result
from asb.versioning import StaleEditError, commit_versioned

blueprint = Blueprint("subject_access", __name__, url_prefix="/subject-access")


@blueprint.app_template_global("subject_access_attention")
def subject_access_attention() -> list[queries.Clock] | None:
    """Open requests overdue or due soon, for the lead's home page and overview; None for
    anyone who does not manage them."""
    if not can(signed_in_user(), Permission.MANAGE_SUBJECT_ACCESS):
        return None
    return queries.needing_attention(today_in_london())


def _show(subject_access_request: SubjectAccessRequest):
    return redirect(url_for("subject_access.show_request", request_id=subject_access_request.id))


def _stale_message(subject_access_request: SubjectAccessRequest) -> str:
    return (
        f"Request {subject_access_request.reference} changed since you opened it, so your "
        "change has not been saved. Check the request and try again."
    )


def _refused(form: BaseForm, error: services.SubjectAccessError, default_field: str) -> None:
    db.session.rollback()
    field = getattr(form, error.field or "", None) or getattr(form, default_field)
    field.errors = [*field.errors, str(error)]


@blueprint.get("")
@login_required
def list_requests():
    authorize(Permission.MANAGE_SUBJECT_ACCESS)
    return render_template(
        "subject_access/list.html",
        open_clocks=queries.open_requests(today_in_london()),
        closed=queries.closed_requests(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def new_request():
    authorize(Permission.MANAGE_SUBJECT_ACCESS)
    form = RequestForm()
    person_id = request.args.get("person") if request.method == "GET" else form.person_id.data
    person = None
    if person_id:
        number = whole_number(person_id)
        person = db.session.get(Person, number) if number is not None else None
        if person is None:
            abort(404)
    if request.method == "GET":
        form.person_id.data = str(person.id) if person else ""
        form.received_on.data = today_in_london()
        if person is not None:
            form.requester_name.data = person.name
    if form.validate_on_submit():
        logged = services.log_request(
            requester_name=form.requester_name.data,
            received_by=ReceivedBy(form.received_by.data),
            received_on=form.received_on.data,
            identity_checked_on=form.checked_on,
            notes=form.notes.data or None,
            people=[person] if person else [],
            actor=signed_in_user(),
        )
        url = record_result(url_for("subject_access.show_request", request_id=logged.id))
        db.session.commit()
        flash(
            f"Subject access request {logged.reference} logged. The answer is due by "
            f"{long_date(logged.due_on)}.",
            "success",
        )
        return redirect(url)
    return render_template("subject_access/new.html", form=form, person=person)


@blueprint.get("/<int:request_id>")
@login_required
def show_request(request_id: int):
    subject_access_request = queries.load_request(request_id)
    return render_template(
        "subject_access/show.html",
        sar=subject_access_request,
        clock=queries.clock(subject_access_request, today_in_london()),
        possible_people=(
            queries.possible_people(subject_access_request)
            if subject_access_request.status.is_open
            else []
        ),
        action_form=BaseForm(),
    )


def _person_from_form() -> int:
    if not BaseForm().validate_on_submit():
        abort(400)
    person_id = whole_number(request.form.get("person_id"))
    if person_id is None:
        abort(404)
    return person_id


@blueprint.post("/<int:request_id>/people")
@login_required
def link_person(request_id: int):
    subject_access_request = queries.load_request(request_id)
    person = db.session.get(Person, _person_from_form())
    if person is None:
        abort(404)
    try:
        services.link_person(subject_access_request, person, actor=signed_in_user())
    except services.SubjectAccessError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"{person.name}'s record linked to the request.", "success")
    return _show(subject_access_request)


@blueprint.post("/<int:request_id>/people/remove")
@login_required
def unlink_person(request_id: int):
    subject_access_request = queries.load_request(request_id)
    person_id = _person_from_form()
    try:
        services.unlink_person(subject_access_request, person_id, actor=signed_in_user())
    except services.SubjectAccessError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("The person record is no longer linked to the request.", "success")
    return _show(subject_access_request)


def _step(subject_access_request: SubjectAccessRequest, form: BaseForm, run, message: str, field):
    """Validate, take the step and commit; None when the form is to be shown (again)."""
    if request.method == "GET":
        form.version.data = str(subject_access_request.version)
        return None
    if not form.validate_on_submit():
        return None
    try:
        commit_versioned(run)
    except StaleEditError:
        form.version.errors.append(_stale_message(subject_access_request))
        return None
    except services.SubjectAccessError as error:
        _refused(form, error, field)
        return None
    flash(message, "success")
    return _show(subject_access_request)


@blueprint.route("/<int:request_id>/identity", methods=["GET", "POST"])
@login_required
def record_identity(request_id: int):
    subject_access_request = queries.load_request(request_id)
    form = IdentityForm()
    done = _step(
        subject_access_request,
        form,
        lambda: services.record_identity_check(
            subject_access_request,
            checked_on=form.checked_on.data,
            actor=signed_in_user(),
            expected_version=form.version.number,
        ),
        "Identity check recorded.",
        "checked_on",
    )
    return done or render_template(
        "subject_access/step.html",
        sar=subject_access_request,
        form=form,
        heading="Record the identity check",
        action=url_for("subject_access.record_identity", request_id=request_id),
    )


@blueprint.route("/<int:request_id>/extend", methods=["GET", "POST"])
@login_required
def extend_request(request_id: int):
    subject_access_request = queries.load_request(request_id)
    form = ExtendForm()
    done = _step(
        subject_access_request,
        form,
        lambda: services.extend(
            subject_access_request,
            extended_to=form.extended_to.data,
            reason=form.reason.data,
            actor=signed_in_user(),
            expected_version=form.version.number,
        ),
        "Deadline extended.",
        "extended_to",
    )
    return done or render_template(
        "subject_access/step.html",
        sar=subject_access_request,
        form=form,
        heading="Extend the deadline",
        action=url_for("subject_access.extend_request", request_id=request_id),
        latest=services.latest_extension(subject_access_request.received_on),
    )


@blueprint.route("/<int:request_id>/close", methods=["GET", "POST"])
@login_required
def close_request(request_id: int):
    subject_access_request = queries.load_request(request_id)
    form = CloseForm()
    if request.method == "GET":
        form.closed_on.data = today_in_london()

    def close() -> None:
        releases_pack = (
            form.status.data == RequestStatus.COMPLETED.value and subject_access_request.people
        )
        categories = (
            build_pack(subject_access_request, today=today_in_london()).categories
            if releases_pack
            else []
        )
        services.close(
            subject_access_request,
            status=RequestStatus(form.status.data),
            closed_on=form.closed_on.data,
            note=form.note.data or None,
            categories=categories,
            actor=signed_in_user(),
            expected_version=form.version.number,
        )

    done = _step(subject_access_request, form, close, "Request closed.", "status")
    return done or render_template(
        "subject_access/step.html",
        sar=subject_access_request,
        form=form,
        heading="Close the request",
        action=url_for("subject_access.close_request", request_id=request_id),
    )


def _pack_or_back(subject_access_request: SubjectAccessRequest, output: str):
    """The pack, its production audited and committed; or back to the request if no person
    record is linked yet."""
    if not subject_access_request.people:
        flash("Link the requester's person records before producing the pack.", "error")
        return None
    pack = build_pack(subject_access_request, today=today_in_london())
    record_event(
        "subject_access.pack-produced",
        actor=signed_in_user(),
        obj=subject_access_request,
        output=output,
        person_ids=[link.person_id for link in subject_access_request.people],
        redactions=pack.redactions,
    )
    db.session.commit()
    return pack


@blueprint.get("/<int:request_id>/pack")
@login_required
def show_pack(request_id: int):
    subject_access_request = queries.load_request(request_id)
    pack = _pack_or_back(subject_access_request, "html")
    if pack is None:
        return _show(subject_access_request)
    return render_template(
        "subject_access/pack.html", sar=subject_access_request, pack=pack, notice=REVIEW_NOTICE
    )


@blueprint.get("/<int:request_id>/pack.json")
@login_required
def download_pack(request_id: int):
    subject_access_request = queries.load_request(request_id)
    pack = _pack_or_back(subject_access_request, "json")
    if pack is None:
        return _show(subject_access_request)
    return Response(
        json.dumps(pack.as_json(), indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{subject_access_request.reference}-pack.json"'
            ),
            "Cache-Control": "no-store",
        },
    )
