"""Optimistic locking: a save made against a version someone has since replaced is refused.

Cases and incidents carry a version (SQLAlchemy's version_id_col), and their forms the
version their user opened. A service refuses a save made against an older one
(StaleEditError), reading the version afresh and locking the record (current_version), so
that of two saves sent at the same moment the second waits for the first and is refused.
Any other change to the record that meets a save made at the same moment learns it from
the database: its UPDATE ... WHERE version = n finds no row, and SQLAlchemy raises
StaleDataError, at a flush or at the commit. Both mean the same to the person saving:
commit_versioned turns both into StaleEditError with nothing saved, and the error pages
answer any that a view leaves alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField
from wtforms.validators import ValidationError

from asb.extensions import db
from asb.forms import whole_number

T = TypeVar("T")

VERSION_UNREADABLE = (
    "Nothing has been saved: this form did not say which version it was opened on. "
    "Open the page again and make your change there."
)


class StaleEditError(Exception):
    """The record changed after the editor opened it."""


class VersionField(HiddenField):
    """The version of the record the form was opened on: a form without one is refused.

    Skipping the check instead would let a broken or tampered form overwrite another's save.
    """

    def pre_validate(self, form) -> None:
        if whole_number(self.data) is None:
            raise ValidationError(VERSION_UNREADABLE)

    @property
    def number(self) -> int | None:
        return whole_number(self.data)


def current_version(record) -> int:
    """The record's version as saved now, locked until the commit.

    Read afresh, not as the request first loaded it: a save sent at the same moment as
    another waits here for the other's commit (FOR UPDATE on PostgreSQL; on SQLite the
    request already holds the write lock) and then sees its version, so it is refused before
    it reads anything the other one changed.
    """
    db.session.refresh(record, with_for_update={"of": record.__table__})
    return record.version


def commit_versioned(change: Callable[[], T]) -> T:
    """Make a change to a versioned record and commit it.

    Raises StaleEditError, after rolling back so that nothing of the change is saved, when
    someone else saved the record first, whether before this request or at the same moment.
    """
    try:
        result = change()
        db.session.commit()
    except (StaleEditError, StaleDataError) as error:
        db.session.rollback()
        raise StaleEditError(str(error)) from error
    return result
