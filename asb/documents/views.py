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

from asb.auth.current import signed_in_user
from asb.cases.models import Case
from asb.cases.queries import load_case
from asb.documents import services, storage
from asb.documents.forms import UploadForm
from asb.documents.models import Document
from asb.documents.uploads import FileType, size_in_words
from asb.extensions import db
from asb.policy import Permission, can
from asb.submissions import record_result

blueprint = Blueprint("documents", __name__)
log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A downloaded document runs nothing and loads nothing, even if a browser renders it.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


def max_bytes() -> int:
    return int(current_app.config.get("DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


@blueprint.app_template_global()
def case_documents(case: Case) -> list[Document]:
    """The case's documents, newest first, for the case page."""
    return list(
        db.session.scalars(
            db.select(Document)
            .where(Document.case_id == case.id)
            .order_by(Document.uploaded_at.desc(), Document.id.desc())
        )
    )


@blueprint.app_template_filter()
def document_type(document: Document) -> str:
    kind = next((t for t in FileType if t.info.content_type == document.content_type), None)
    return kind.info.name[0].upper() + kind.info.name[1:] if kind else "File"


@blueprint.app_template_filter()
def file_size(size_bytes: int) -> str:
    return size_in_words(size_bytes)


@blueprint.route("/cases/<int:case_id>/documents/new", methods=["GET", "POST"])
@login_required
def upload_document(case_id: int):
    case = load_case(case_id, Permission.WORK_CASE)
    form = UploadForm(max_bytes=max_bytes())
    if form.validate_on_submit():
        with storage.stored_until_rollback(form.content) as storage_name:
            document = services.add_document(
                case,
                upload=form.upload,
                storage_name=storage_name,
                size_bytes=len(form.content),
                description=form.description.data or None,
                actor=signed_in_user(),
            )
            url = record_result(url_for("cases.show_case", case_id=case.id, _anchor="documents"))
            db.session.commit()
        flash(f"{document.filename} uploaded.", "success")
        return redirect(url)
    return render_template("documents/new.html", form=form, case=case)


@blueprint.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """The server would not read a body this big (MAX_CONTENT_LENGTH): say so on the form."""
    case = db.session.get(Case, (request.view_args or {}).get("case_id", 0))
    user = signed_in_user()
    if (
        request.endpoint != "documents.upload_document"
        or case is None
        or not can(user, Permission.WORK_CASE, case)
    ):
        return render_template(
            "errors/400.html", heading="The file or form you sent is too large"
        ), 413
    form = UploadForm(formdata=None, max_bytes=max_bytes())
    form.size_too_large()
    return render_template("documents/new.html", form=form, case=case), 413


@blueprint.get("/cases/<int:case_id>/documents/<int:document_id>")
@login_required
def download_document(case_id: int, document_id: int):
    # Documents hold personal details: only those who may see them may download.
    case = load_case(case_id, Permission.VIEW_CASE_PERSONAL_DETAILS)
    document = db.session.get(Document, document_id)
    if document is None or document.case_id != case.id:
        abort(404)
    path = storage.path_of(document.storage_name)
    if not path.is_file():
        log.error("Document %s of case %s is missing from storage", document.id, case.id)
        abort(404)
    services.record_download(document, actor=signed_in_user())
    db.session.commit()
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=not document.serve_inline,
        download_name=document.filename,
        etag=False,
        conditional=False,
        max_age=None,
    )
    # Exactly the type detected at upload: given "text/plain; charset=utf-8" as the mimetype,
    # Werkzeug would add a second charset.
    response.headers["Content-Type"] = document.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response
