from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from asb.extensions import db
from asb.forms import BaseForm
from asb.notifications import services
from asb.notifications.models import OutboxEmail
from asb.policy import Permission, authorize

blueprint = Blueprint("notifications", __name__)


@blueprint.get("/notifications")
@login_required
def list_notifications():
    user = current_user._get_current_object()
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
    services.mark_all_read(current_user._get_current_object())
    db.session.commit()
    flash("All notifications marked as read.", "success")
    return redirect(url_for("notifications.list_notifications"))


@blueprint.get("/outbox")
@login_required
def outbox():
    """The emails asb sent or, without a mail server, would have sent (development only)."""
    if current_app.config.get("MAIL_SERVER"):
        abort(404)
    authorize(Permission.VIEW_OUTBOX)
    emails = db.session.scalars(
        select(OutboxEmail).order_by(OutboxEmail.created_at.desc()).limit(200)
    ).all()
    return render_template("notifications/outbox.html", emails=emails)
