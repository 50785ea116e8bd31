from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from asb.auth.current import signed_in_user
from asb.extensions import db
from asb.forms import BaseForm
from asb.notifications import services
from asb.notifications.models import OutboxEmail
from asb.notifications.sending import MAX_ATTEMPTS
from asb.policy import Permission, authorize

blueprint = Blueprint("notifications", __name__)


@blueprint.app_template_global()
def unread_notifications() -> int:
    return services.unread_count(current_user) if current_user.is_authenticated else 0


@blueprint.get("/notifications")
@login_required
def list_notifications():
    user = signed_in_user()
    return render_template(
        "notifications/list.html",
        notifications=services.notifications_for(user),
        action_form=BaseForm(),
    )


@blueprint.post("/notifications/read")
@login_required
def mark_read():
    if not BaseForm().validate_on_submit():
        abort(400)
    services.mark_all_read(signed_in_user())
    db.session.commit()
    flash("All notifications marked as read.", "success")
    return redirect(url_for("notifications.list_notifications"))


@blueprint.get("/outbox")
@login_required
def outbox():
    """The emails asb sent, is sending or failed to send (without a mail server: would send)."""
    authorize(Permission.VIEW_OUTBOX)
    failed, emails = services.outbox_emails()
    return render_template(
        "notifications/outbox.html",
        failed=failed,
        emails=emails,
        texts=services.outbox_texts(),
        mail_server=current_app.config.get("MAIL_SERVER"),
        max_attempts=MAX_ATTEMPTS,
        action_form=BaseForm(),
    )


@blueprint.post("/outbox/<int:email_id>/retry")
@login_required
def retry_email(email_id: int):
    # The permission is not about one email, so ask it first: ids are no one else's business.
    authorize(Permission.VIEW_OUTBOX)
    email = db.session.get(OutboxEmail, email_id)
    if email is None:
        abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    if services.retry_email(email, actor=signed_in_user()):
        db.session.commit()
        flash(f"The email to {email.recipient} will be sent again.", "success")
    else:
        flash(f"The email to {email.recipient} has not failed, so it was left as it is.")
    return redirect(url_for("notifications.outbox"))
