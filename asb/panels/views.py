"""ASB panel meeting pages: the list, planning, the agenda, decisions, packs and disclosures."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, select

from asb.audit.services import record_view
from asb.auth.current import signed_in_user
from asb.auth.models import Agency
from asb.cases import services as case_services
from asb.cases.models import Case
from asb.extensions import db
from asb.forms import BaseForm
from asb.incidents import queries as incident_queries
from asb.panels import queries, services
from asb.panels.forms import (
    AgendaForm,
    DecisionForm,
    MeetingDisclosureForm,
    MeetingForm,
    ProducePackForm,
)
from asb.panels.models import AgendaItem, PanelMeeting
from asb.panels.vocabulary import AgendaReason, MeetingStatus
from asb.policy import Permission, authorize, can
from asb.submissions import record_result

blueprint = Blueprint("panels", __name__, url_prefix="/panels")


@blueprint.app_template_global()
def case_panel_items(case: Case) -> list[AgendaItem]:
    """The panel meetings a case is on the agenda of, for its page."""
    return queries.case_panel_items(case)


def _meeting_page(meeting: PanelMeeting):
    return redirect(url_for("panels.show_meeting", meeting_id=meeting.id))


def _refused(form: BaseForm, error: services.PanelError, default_field: str) -> None:
    db.session.rollback()
    field = getattr(form, error.field or "", None) or getattr(form, default_field)
    field.errors = [*field.errors, str(error)]


@blueprint.get("")
@login_required
def list_meetings():
    authorize(Permission.VIEW_PANEL_MEETINGS)
    return render_template("panels/list.html", meetings=queries.meetings_for(signed_in_user()))


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def new_meeting():
    authorize(Permission.MANAGE_PANEL_MEETINGS)
    user = signed_in_user()
    form = MeetingForm(
        chairs=queries.possible_chairs(), agencies=incident_queries.active_agencies()
    )
    if request.method == "GET":
        form.chair.data = str(user.id)
    if form.validate_on_submit():
        try:
            meeting = services.plan_meeting(
                starts_at=form.starts_at(),
                place=form.place.data,
                chair=form.chosen_chair(),
                agencies=form.chosen_agencies(),
                actor=user,
                notes=form.notes.data,
            )
        except services.PanelError as error:
            _refused(form, error, "agencies")
        else:
            url = record_result(url_for("panels.show_meeting", meeting_id=meeting.id))
            db.session.commit()
            flash(f"Panel meeting {meeting.reference} planned.", "success")
            return redirect(url)
    return render_template("panels/new.html", form=form)


def _suggestion_forms(meeting: PanelMeeting) -> list[tuple[queries.Suggestion, AgendaForm]]:
    """Each suggested case with a form of its own (and its own one-time key) to add it."""
    if meeting.status is not MeetingStatus.PLANNED or not can(
        signed_in_user(), Permission.MANAGE_PANEL_MEETINGS
    ):
        return []
    found = []
    for suggestion in queries.suggestions(meeting, signed_in_user()):
        form = AgendaForm(formdata=None)
        form.reference.data = suggestion.case.reference
        form.reason.data = suggestion.reasons[0].value
        found.append((suggestion, form))
    return found


@blueprint.get("/<int:meeting_id>")
@login_required
def show_meeting(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    user = signed_in_user()
    manages = can(user, Permission.MANAGE_PANEL_MEETINGS)
    record_view("panel.viewed", actor=user, obj=meeting)
    return render_template(
        "panels/show.html",
        meeting=meeting,
        agenda=queries.visible_agenda(meeting, user),
        suggestions=_suggestion_forms(meeting),
        disclosures=queries.meeting_disclosures(meeting) if manages else [],
        manages=manages,
        action_form=BaseForm(),
    )


@blueprint.route("/<int:meeting_id>/agenda", methods=["GET", "POST"])
@login_required
def add_to_agenda(meeting_id: int):
    meeting = queries.load_meeting(meeting_id, Permission.MANAGE_PANEL_MEETINGS)
    if meeting.status is not MeetingStatus.PLANNED:
        flash(f"This meeting is {meeting.status.label.lower()}: its agenda is settled.")
        return _meeting_page(meeting)
    form = AgendaForm()
    if request.method == "GET":
        form.reason.data = AgendaReason.LEAD_CHOICE.value
    if form.validate_on_submit():
        case = db.session.scalar(
            select(Case).where(func.upper(Case.reference) == form.reference.data.upper())
        )
        if case is None or not can(signed_in_user(), Permission.VIEW_CASE, case):
            form.reference.errors.append("No case you can see has this reference")
        else:
            try:
                services.add_to_agenda(
                    meeting,
                    case,
                    reason=AgendaReason(form.reason.data),
                    note=form.note.data,
                    actor=signed_in_user(),
                )
            except services.PanelError as error:
                _refused(form, error, "reference")
            else:
                url = record_result(url_for("panels.show_meeting", meeting_id=meeting.id))
                db.session.commit()
                flash(f"Case {case.reference} added to the agenda.", "success")
                return redirect(url)
    return render_template("panels/agenda.html", form=form, meeting=meeting)


@blueprint.route("/<int:meeting_id>/agenda/<int:item_id>", methods=["GET", "POST"])
@login_required
def record_decision(meeting_id: int, item_id: int):
    meeting = queries.load_meeting(meeting_id, Permission.MANAGE_PANEL_MEETINGS)
    item = queries.load_item(meeting, item_id)
    if meeting.status is MeetingStatus.CANCELLED:
        flash("This meeting was cancelled: nothing was decided at it.")
        return _meeting_page(meeting)
    case = item.case
    owners = [
        member
        for agency_id in sorted(case.involved_agency_ids)
        for member in case_services.team_members(db.session.get(Agency, agency_id))
        if can(member, Permission.OWN_CASE_ACTION, case)
    ]
    form = DecisionForm(owners=owners)
    if request.method == "GET":
        form.discussion.data = item.discussion
        form.decision.data = item.decision
    if form.validate_on_submit():
        action = (
            services.ActionDetails(
                description=form.action_description.data,
                owner=form.chosen_owner(),
                due_on=form.action_due_on.data,
            )
            if form.has_action()
            else None
        )
        try:
            services.record_decision(
                item,
                discussion=form.discussion.data,
                decision=form.decision.data,
                actor=signed_in_user(),
                action=action,
            )
        except services.PanelError as error:
            _refused(form, error, "decision")
        else:
            url = record_result(url_for("panels.show_meeting", meeting_id=meeting.id))
            db.session.commit()
            flash(f"Decision on case {case.reference} recorded on the case.", "success")
            return redirect(url)
    return render_template("panels/decision.html", form=form, meeting=meeting, item=item)


@blueprint.post("/<int:meeting_id>/agenda/<int:item_id>/remove")
@login_required
def remove_from_agenda(meeting_id: int, item_id: int):
    meeting = queries.load_meeting(meeting_id, Permission.MANAGE_PANEL_MEETINGS)
    item = queries.load_item(meeting, item_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    reference = item.case.reference
    try:
        services.remove_from_agenda(item, actor=signed_in_user())
    except services.PanelError as error:
        db.session.rollback()
        flash(f"{error}.")
    else:
        db.session.commit()
        flash(f"Case {reference} taken off the agenda.", "success")
    return _meeting_page(meeting)


def _change_status(meeting_id: int, status: MeetingStatus, done: str):
    meeting = queries.load_meeting(meeting_id, Permission.MANAGE_PANEL_MEETINGS)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        services.change_status(meeting, status, actor=signed_in_user())
    except services.PanelError as error:
        db.session.rollback()
        flash(f"{error}.")
    else:
        db.session.commit()
        flash(f"Panel meeting {meeting.reference} {done}.", "success")
    return _meeting_page(meeting)


@blueprint.post("/<int:meeting_id>/held")
@login_required
def mark_held(meeting_id: int):
    return _change_status(meeting_id, MeetingStatus.HELD, "marked as held")


@blueprint.post("/<int:meeting_id>/cancel")
@login_required
def cancel_meeting(meeting_id: int):
    return _change_status(meeting_id, MeetingStatus.CANCELLED, "cancelled")


def _attending_agency(meeting: PanelMeeting, agency_id: int) -> Agency:
    agency = next((agency for agency in meeting.agencies if agency.id == agency_id), None)
    if agency is None:
        abort(404)
    return agency


@blueprint.route("/<int:meeting_id>/packs/<int:agency_id>", methods=["GET", "POST"])
@login_required
def show_pack(meeting_id: int, agency_id: int):
    """The printable pack for one attending agency. An external agency's is produced on
    purpose (a POST), which logs what it discloses; reading it again logs nothing more."""
    meeting = queries.load_meeting(meeting_id, Permission.MANAGE_PANEL_MEETINGS)
    agency = _attending_agency(meeting, agency_id)
    form = ProducePackForm()
    if agency.is_external and form.validate_on_submit():
        try:
            services.produce_pack(meeting, agency, actor=signed_in_user())
        except services.PanelError as error:
            _refused(form, error, "submit")
        else:
            url = record_result(
                url_for("panels.show_pack", meeting_id=meeting.id, agency_id=agency.id)
            )
            db.session.commit()
            flash(f"Pack for {agency.name} produced and logged as a disclosure.", "success")
            return redirect(url)
    elif request.method == "POST" and not agency.is_external:
        abort(405)
    pack = queries.build_pack(meeting, agency)
    record_view(
        "panel.pack-viewed",
        actor=signed_in_user(),
        obj=meeting,
        agency=agency.code,
        case_ids=[entry.case.id for entry in pack.cases if not entry.withheld],
    )
    return render_template("panels/pack.html", pack=pack, form=form)


@blueprint.route("/<int:meeting_id>/disclosures", methods=["GET", "POST"])
@login_required
def record_disclosure(meeting_id: int):
    meeting = queries.load_meeting(meeting_id, Permission.MANAGE_PANEL_MEETINGS)
    if meeting.status is not MeetingStatus.HELD:
        flash("Mark the meeting as held before logging what was disclosed at it.")
        return _meeting_page(meeting)
    cases = [item.case for item in meeting.agenda]
    form = MeetingDisclosureForm(
        agencies=meeting.agencies,
        cases=cases,
        people=[(link.person, case) for case in cases for link in case.people],
        agreements=queries.basis_agreements(meeting),
    )
    if form.validate_on_submit():
        try:
            services.record_meeting_disclosure(
                meeting,
                services.MeetingDisclosure(
                    disclosing_agency=form.chosen_agency(),
                    description=form.description.data,
                    categories=form.chosen_categories(),
                    case=form.chosen_case(),
                    subjects=form.chosen_people(),
                    agreement=form.chosen_agreement(),
                    lawful_basis=form.chosen_lawful_basis(),
                ),
                actor=signed_in_user(),
            )
        except services.PanelError as error:
            _refused(form, error, "description")
        else:
            url = record_result(url_for("panels.show_meeting", meeting_id=meeting.id))
            db.session.commit()
            flash("Disclosure logged.", "success")
            return redirect(url)
    return render_template("panels/disclosure.html", form=form, meeting=meeting)
