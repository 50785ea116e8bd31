"""The register of information sharing agreements: list, add, show, edit, end, signed document."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from asb.agreements import queries, services
from asb.agreements.forms import (
    STATE_COLOURS,
    STATE_LABELS,
    AgreementFilterForm,
    EditAgreementForm,
    EndAgreementForm,
    NewAgreementForm,
    SignedDocumentForm,
)
from asb.agreements.models import AgreementState, SharingAgreement
from asb.auth.current import signed_in_user
from asb.calendar import long_date, today_in_london
from asb.documents import storage
from asb.documents.uploads import size_in_words
from asb.extensions import db
from asb.forms import whole_number
from asb.policy import Permission, authorize, can, hides_existence
from asb.submissions import record_result
from asb.versioning import StaleEditError, commit_versioned

blueprint = Blueprint("agreements", __name__, url_prefix="/agreements")
log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A downloaded document runs nothing and loads nothing, even if a browser renders it.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"
STALE = (
    "Agreement {reference} changed since you opened it, so your change has not been saved. "
    "Check the latest version below and try again."
)


def max_bytes() -> int:
    return int(current_app.config.get("DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


@blueprint.app_template_global()
def agreement_state(agreement: SharingAgreement) -> dict[str, str]:
    """The agreement's state today, as a tag's text and colour."""
    state = agreement.state_on(today_in_london())
    return {"text": STATE_LABELS[state], "colour": STATE_COLOURS[state]}


@blueprint.app_template_global()
def agreement_flags() -> dict[str, int] | None:
    """For the home page of those who keep the register: what needs their attention."""
    if not can(signed_in_user(), Permission.MANAGE_AGREEMENTS):
        return None
    today = today_in_london()
    return {
        "past_review": queries.count_past_review(today),
        "recently_ended": queries.count_recently_ended(today),
        "recent_days": queries.RECENTLY_ENDED_DAYS,
    }


def _load(agreement_id: int, permission: Permission) -> SharingAgreement:
    agreement = db.get_or_404(SharingAgreement, agreement_id)
    authorize(permission, agreement)
    return agreement


def _owners_with(agreement: SharingAgreement | None):
    owners = queries.possible_owners()
    if agreement is not None and agreement.owner not in owners:
        owners.append(agreement.owner)  # an owner who has since left stays until changed
    return owners


@blueprint.get("")
@login_required
def list_agreements():
    authorize(Permission.VIEW_AGREEMENTS)
    agencies = queries.partner_agencies()
    form = AgreementFilterForm(request.args, agencies=agencies)
    agreements = []
    if form.validate():
        state = form.state.data
        agreements = queries.register(
            today_in_london(),
            partner_agency_id=whole_number(form.partner.data),
            state=AgreementState(state) if state else None,
        )
    return render_template("agreements/list.html", form=form, agreements=agreements)


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def new_agreement():
    authorize(Permission.MANAGE_AGREEMENTS)
    user = signed_in_user()
    form = NewAgreementForm(agencies=queries.partner_agencies(), owners=_owners_with(None))
    if request.method == "GET":
        form.owner.data = str(user.id)
        form.special_category_condition.data = "none"
    if form.validate_on_submit():
        agreement = services.create_agreement(form.agreement_fields(), actor=user)
        url = record_result(url_for("agreements.show_agreement", agreement_id=agreement.id))
        db.session.commit()
        flash(f"Agreement {agreement.reference} added to the register.", "success")
        return redirect(url)
    return render_template("agreements/form.html", form=form, agreement=None)


@blueprint.get("/<int:agreement_id>")
@login_required
def show_agreement(agreement_id: int):
    agreement = _load(agreement_id, Permission.VIEW_AGREEMENTS)
    user = signed_in_user()
    shares = [
        share for share in queries.shares_under(agreement) if not hides_existence(user, share.case)
    ]
    return render_template(
        "agreements/show.html",
        agreement=agreement,
        state=agreement.state_on(today_in_london()),
        shares=shares,
        history=queries.agreement_history(agreement),
        AgreementState=AgreementState,
    )


@blueprint.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit_agreement(agreement_id: int):
    agreement = _load(agreement_id, Permission.MANAGE_AGREEMENTS)
    agencies = queries.partner_agencies()
    if agreement.partner_agency not in agencies:
        agencies.append(agreement.partner_agency)  # an agency since closed stays until changed
    form = EditAgreementForm(agencies=agencies, owners=_owners_with(agreement))
    if request.method == "GET":
        form.fill_from(agreement)
        form.version.data = str(agreement.version)
    elif form.validate_on_submit():
        try:
            changed = commit_versioned(
                lambda: services.update_agreement(
                    agreement,
                    form.agreement_fields(),
                    actor=signed_in_user(),
                    expected_version=form.version.number,
                )
            )
        except StaleEditError:
            form.version.errors.append(STALE.format(reference=agreement.reference))
        else:
            message = f"Agreement {agreement.reference} updated."
            flash(message if changed else "No changes to save.", "success")
            return redirect(url_for("agreements.show_agreement", agreement_id=agreement.id))
    return render_template("agreements/form.html", form=form, agreement=agreement)


@blueprint.route("/<int:agreement_id>/end", methods=["GET", "POST"])
@login_required
def end_agreement(agreement_id: int):
    agreement = _load(agreement_id, Permission.MANAGE_AGREEMENTS)
    today = today_in_london()
    if agreement.state_on(today) is AgreementState.ENDED:
        flash(f"Agreement {agreement.reference} has already ended.")
        return redirect(url_for("agreements.show_agreement", agreement_id=agreement.id))
    form = EndAgreementForm(starts_on=agreement.starts_on, today=today)
    if request.method == "GET":
        form.version.data = str(agreement.version)
        form.ends_on.data = today
    elif form.validate_on_submit():
        try:
            commit_versioned(
                lambda: services.end_agreement(
                    agreement,
                    last_day=form.ends_on.data,
                    reason=form.reason.data,
                    actor=signed_in_user(),
                    expected_version=form.version.number,
                )
            )
        except StaleEditError:
            form.version.errors.append(STALE.format(reference=agreement.reference))
        else:
            last_day = long_date(agreement.ends_on)
            flash(f"Agreement {agreement.reference} ends after {last_day}.", "success")
            return redirect(url_for("agreements.show_agreement", agreement_id=agreement.id))
    return render_template("agreements/end.html", form=form, agreement=agreement)


@blueprint.route("/<int:agreement_id>/document", methods=["GET", "POST"])
@login_required
def upload_document(agreement_id: int):
    agreement = _load(agreement_id, Permission.MANAGE_AGREEMENTS)
    form = SignedDocumentForm(max_bytes=max_bytes())
    if form.validate_on_submit():
        with storage.stored_until_rollback(form.content) as storage_name:
            replaced = services.attach_document(
                agreement,
                form.checked,
                storage_name=storage_name,
                size_bytes=len(form.content),
                actor=signed_in_user(),
            )
            url = record_result(url_for("agreements.show_agreement", agreement_id=agreement.id))
            db.session.commit()
        if replaced:
            storage.path_of(replaced).unlink(missing_ok=True)
        flash(f"Signed agreement {agreement.document_filename} uploaded.", "success")
        return redirect(url)
    return render_template("agreements/document.html", form=form, agreement=agreement)


@blueprint.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """The server would not read a body this big (MAX_CONTENT_LENGTH): say so on the form."""
    agreement = db.session.get(SharingAgreement, (request.view_args or {}).get("agreement_id", 0))
    if (
        request.endpoint != "agreements.upload_document"
        or agreement is None
        or not can(signed_in_user(), Permission.MANAGE_AGREEMENTS)
    ):
        return render_template(
            "errors/400.html", heading="The file or form you sent is too large"
        ), 413
    form = SignedDocumentForm(formdata=None, max_bytes=max_bytes())
    form.file.errors = [f"The selected file must be smaller than {size_in_words(max_bytes())}"]
    return render_template("agreements/document.html", form=form, agreement=agreement), 413


@blueprint.get("/<int:agreement_id>/document/download")
@login_required
def download_document(agreement_id: int):
    agreement = _load(agreement_id, Permission.VIEW_AGREEMENTS)
    if not agreement.has_document:
        abort(404)
    path = storage.path_of(agreement.document_storage_name)
    if not path.is_file():
        log.error("The signed document of agreement %s is missing from storage", agreement.id)
        abort(404)
    services.record_document_download(agreement, actor=signed_in_user())
    db.session.commit()
    response = send_file(
        path,
        mimetype=agreement.document_content_type,
        as_attachment=True,
        download_name=agreement.document_filename,
        etag=False,
        conditional=False,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response
