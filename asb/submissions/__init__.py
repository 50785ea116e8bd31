"""One-time submission keys, so a form sent twice creates its record once.

Each form that creates something carries a random key made when the form is drawn. The
first POST with a key claims it (a row in the request's transaction) and records where it
led; a repeat, whether a double click or a resend from any worker or server, finds the key
taken and is sent to the same place. On PostgreSQL the repeat's insert waits for the first
transaction and then fails on the primary key; on SQLite a form's POST waits for the write
lock from its first statement (BEGIN IMMEDIATE, asb/extensions.py), so it sees the key.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import abort, flash, g, redirect, request
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField
from wtforms.validators import ValidationError

from asb.database import utcnow
from asb.extensions import db
from asb.submissions.models import SubmissionKey

KEPT_FOR = timedelta(days=7)
EXPIRED = "This form had expired: check your answers and send it again"
REPEATED = "You sent this form more than once. It was saved once."

_KEY = re.compile(r"[A-Za-z0-9_-]{32,64}")


def new_key() -> str:
    return secrets.token_urlsafe(32)


class SubmissionKeyField(HiddenField):
    """The form's one-time key: a new one when the form is drawn, the sent one after a POST."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, default=new_key, **kwargs)

    def process_formdata(self, valuelist):
        # A POST without a key has none: HiddenField would keep the fresh default.
        self.data = valuelist[0] if valuelist else None

    def well_formed(self) -> bool:
        return isinstance(self.data, str) and _KEY.fullmatch(self.data) is not None

    def pre_validate(self, form):
        if not self.well_formed():
            self.expire()
            raise ValidationError(EXPIRED)

    def expire(self) -> None:
        """Give the form drawn again a new key, so that sending it again is a new submission."""
        self.data = new_key()


class SubmitOnceInput(GovSubmitInput):
    """A button that GOV.UK Frontend's Button component ignores a second click on."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.setdefault("preventDoubleClick", True)
        return params


class SubmitOnce:
    """Mix into a form that creates something: a one-time key and a button clicked once.

    validate_on_submit() claims the key before it checks the answers: a POST that repeats
    one already answered never gets past it, but is redirected to where the first led.
    """

    submission_key = SubmissionKeyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.submit.widget = SubmitOnceInput()

    def validate_on_submit(self, extra_validators=None) -> bool:
        # Claimed first, a repeat waits for the first submission to finish, and is answered
        # before checks that the first has made fail (that agency is a partner already). A
        # form refused for its answers gives its key back, to be sent again corrected.
        key = self.submission_key
        if self.is_submitted() and key.well_formed() and not _claim(key):
            return False
        if super().validate_on_submit(extra_validators):
            return True
        _give_back()
        return False


def _claim(field: SubmissionKeyField) -> bool:
    """Claim the key in this request's transaction; a repeat answers with the first's result."""
    # A public form's key (the /report page) is claimed by nobody: no one else has the key.
    user_id = current_user.id if current_user.is_authenticated else None
    endpoint, key = request.endpoint, field.data
    if getattr(g.get("submission"), "key", None) == key:
        return True
    submission = SubmissionKey(key=key, user_id=user_id, endpoint=endpoint)
    try:
        db.session.add(submission)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        _answer_repeat(key, user_id, endpoint)
        field.errors = [EXPIRED]
        field.expire()
        return False
    g.submission = submission
    _forget_old_keys(user_id)
    return True


def _give_back() -> None:
    submission = g.pop("submission", None)
    if submission is not None:
        db.session.delete(submission)
        db.session.flush()


def _answer_repeat(key: str, user_id: int | None, endpoint: str) -> None:
    """Redirect to where the first submission led, if this user sent it to the same form.

    Anyone else's key says nothing about their record: that form is treated as expired.
    """
    first = db.session.get(SubmissionKey, key)
    if first and first.user_id == user_id and first.endpoint == endpoint and first.result_url:
        flash(REPEATED)
        abort(redirect(first.result_url))


def _forget_old_keys(user_id: int | None) -> None:
    """Drop the user's keys older than KEPT_FOR: a form is not sent again after a week.

    Done here, one user's few rows at a time, so no scheduled job is needed.
    """
    db.session.execute(
        delete(SubmissionKey)
        .where(SubmissionKey.user_id == user_id, SubmissionKey.created_at < utcnow() - KEPT_FOR)
        .execution_options(synchronize_session=False)
    )


def record_result(url: str) -> str:
    """Keep where this request's submission led, before the commit; returns the URL.

    A request that claimed no key (a form that creates nothing) records nothing.
    """
    submission = g.get("submission")
    if submission is not None:
        submission.result_url = url
        db.session.flush()
    return url
