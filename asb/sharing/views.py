"""Sharing a case with a partner organisation, and the partner's read-only view of it."""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import login_required

from asb.agreements.vocabulary import DataCategory
from asb.audit.services import record_event
from asb.auth.current import signed_in_user
from asb.calendar import today_in_london
from asb.cases.models import Case
from asb.cases.queries import load_case
from asb.documents import storage
from asb.documents.models import Document
from asb.documents.services import record_download
from asb.exports import safe_cell
from asb.extensions import db
from asb.policy import Permission, authorize, can, deny
from asb.sharing import queries, services
from asb.sharing.forms import (
    PartnerIncidentForm,
    PartnerNoteForm,
    ShareCaseForm,
    WithdrawShareForm,
)
from asb.sharing.models import CaseShare
from asb.sharing.presenters import shared_case_view
from asb.submissions import record_result

blueprint = Blueprint("sharing", __name__)

# A downloaded document runs nothing and loads nothing, even if a browser renders it.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


@blueprint.app_template_global()
def case_shares(case: Case) -> list[CaseShare]:
    """The case's shares, live and ended, for the case page."""
    return queries.shares_of(case)


@blueprint.app_template_global()
def share_state(share: CaseShare) -> tuple[str, str]:
    """The share's state in words, with its tag colour."""
    if share.withdrawn_at is not None:
        return "Withdrawn", "grey"
    if share.is_live_on(today_in_london()):
        return "Live", "green"
    if share.agreement.ends_on is not None and share.agreement.ends_on < today_in_london():
        return "Ended with its agreement", "grey"
    return "Not yet in force", "yellow"


@blueprint.route("/cases/<int:case_id>/share", methods=["GET", "POST"])
@login_required
def share_case(case_id: int):
    case = load_case(case_id, Permission.SHARE_CASE)
    agencies = queries.partner_agencies_with_agreements()
    agreements = queries.agreements_for(agencies)
    form = ShareCaseForm(agencies=agencies, agreements=agreements)
    if request.method == "GET" and len(agencies) == 1:
        form.agency.data = str(agencies[0].id)
    # With no agreement in force the page offers no form, so nothing sent is taken.
    if agreements and form.validate_on_submit():
        try:
            share = services.share_case(
                case,
                agency=form.chosen_agency(),
                agreement=form.chosen_agreement(),
                categories=form.chosen_categories(),
                purpose=form.purpose.data,
                may_add_notes=form.may_add_notes.data == "yes",
                may_add_incidents=form.may_add_incidents.data == "yes",
                actor=signed_in_user(),
            )
        except services.SharingError as error:
            db.session.rollback()
            getattr(form, error.field or "agreement").errors.append(str(error))
        else:
            url = record_result(url_for("cases.show_case", case_id=case.id, _anchor="shared"))
            db.session.commit()
            flash(
                f"Case {case.reference} shared with {share.agency.name}. The disclosure is "
                "in the disclosure log.",
                "success",
            )
            return redirect(url)
    return render_template(
        "sharing/share.html",
        form=form,
        case=case,
        agreements=agreements,
        categories=list(DataCategory),
    )


@blueprint.route("/cases/<int:case_id>/shares/<int:share_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_share(case_id: int, share_id: int):
    case = load_case(case_id)
    share = db.session.get(CaseShare, share_id)
    if share is None or share.case_id != case.id:
        abort(404)
    authorize(Permission.WITHDRAW_SHARE, share)
    if share.withdrawn_at is not None:
        flash(f"Sharing with {share.agency.name} was already withdrawn.")
        return redirect(url_for("cases.show_case", case_id=case.id, _anchor="shared"))
    form = WithdrawShareForm()
    if form.validate_on_submit():
        try:
            services.withdraw_share(share, reason=form.reason.data, actor=signed_in_user())
        except services.SharingError as error:
            db.session.rollback()
            form.reason.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{share.agency.name} can no longer see case {case.reference}.", "success")
            return redirect(url_for("cases.show_case", case_id=case.id, _anchor="shared"))
    return render_template("sharing/withdraw.html", form=form, case=case, share=share)


def load_shared_case(case_id: int, *permissions: Permission) -> tuple[Case, CaseShare]:
    """The case and the live share that lets the partner user see it; else 404.

    A partner is never told that a case not shared with them exists. Someone who may see the
    case in asb itself is refused (403), not deceived.
    """
    case = db.get_or_404(Case, case_id)
    user = signed_in_user()
    if not can(user, Permission.VIEW_SHARED_CASE, case):
        deny(
            Permission.VIEW_SHARED_CASE,
            case,
            hide_existence=not can(user, Permission.VIEW_CASE, case),
        )
    for permission in permissions:
        authorize(permission, case)
    share = queries.live_share(case, user.agency)
    if share is None:  # ended between the policy's question and this one
        abort(404)
    return case, share


@blueprint.get("/shared/cases/<int:case_id>")
@login_required
def show_shared_case(case_id: int):
    case, share = load_shared_case(case_id)
    view = shared_case_view(case, share)
    record_event("case.shared-viewed", actor=signed_in_user(), obj=case, share_id=share.id)
    db.session.commit()
    return render_template("sharing/shared_case.html", case=case, share=share, view=view)


@blueprint.get("/shared/cases/<int:case_id>/export.csv")
@login_required
def export_shared_case(case_id: int):
    case, share = load_shared_case(case_id)
    view = shared_case_view(case, share)
    record_event("case.shared-exported", actor=signed_in_user(), obj=case, share_id=share.id)
    db.session.commit()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Section", "Item", "Field", "Value"])
    writer.writerows([safe_cell(value) for value in row] for row in view.csv_rows())
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="shared-case-{case.reference}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/shared/cases/<int:case_id>/documents/<int:document_id>")
@login_required
def download_shared_document(case_id: int, document_id: int):
    case, share = load_shared_case(case_id)
    document = db.session.get(Document, document_id)
    if not share.carries(DataCategory.DOCUMENTS) or document is None or document.case_id != case.id:
        abort(404)
    path = storage.path_of(document.storage_name)
    if not path.is_file():
        abort(404)
    record_download(document, actor=signed_in_user())
    db.session.commit()
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.filename,
        etag=False,
        conditional=False,
        max_age=None,
    )
    response.headers["Content-Type"] = document.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/shared/cases/<int:case_id>/notes", methods=["GET", "POST"])
@login_required
def add_partner_note(case_id: int):
    case, share = load_shared_case(case_id, Permission.ADD_SHARED_CASE_NOTE)
    form = PartnerNoteForm()
    if form.validate_on_submit():
        services.add_partner_note(case, form.text.data, actor=signed_in_user())
        url = record_result(url_for("sharing.show_shared_case", case_id=case.id))
        db.session.commit()
        flash("Your note is on the case.", "success")
        return redirect(url)
    return render_template("sharing/note.html", form=form, case=case, share=share)


@blueprint.route("/shared/cases/<int:case_id>/incidents/new", methods=["GET", "POST"])
@login_required
def record_partner_incident(case_id: int):
    case, share = load_shared_case(case_id, Permission.ADD_SHARED_CASE_INCIDENT)
    user = signed_in_user()
    form = PartnerIncidentForm(agency=user.agency)
    if form.validate_on_submit():
        incident = services.record_partner_incident(case, form.incident_fields(), actor=user)
        url = record_result(url_for("sharing.show_shared_case", case_id=case.id))
        db.session.commit()
        flash(f"Incident {incident.reference} recorded and linked to the case.", "success")
        return redirect(url)
    return render_template("sharing/incident.html", form=form, case=case, share=share)
