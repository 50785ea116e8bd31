"""The record-of-processing page: what asb holds, why, for how long, and who it is shared with."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select

from asb.agreements.models import SharingAgreement
from asb.calendar import today_in_london
from asb.extensions import db
from asb.policy import Permission, authorize
from asb.processing.record import record_of_processing
from asb.retention.schedule import retention_schedule

blueprint = Blueprint("processing", __name__)


@blueprint.get("/record-of-processing")
@login_required
def record():
    authorize(Permission.VIEW_RECORD_OF_PROCESSING)
    today = today_in_london()
    agreements = [
        agreement
        for agreement in db.session.scalars(
            select(SharingAgreement).order_by(SharingAgreement.reference)
        )
        if agreement.in_force_on(today)
    ]
    return render_template(
        "processing/record.html",
        record=record_of_processing(),
        retention=retention_schedule().describe(),
        agreements=agreements,
        today=today,
    )
