"""Reading the register of information sharing agreements."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory
from asb.extensions import db


def in_force_on(day: date) -> ColumnElement[bool]:
    """The SQL form of SharingAgreement.in_force_on: started, and not past its end date."""
    return and_(
        SharingAgreement.starts_on <= day,
        or_(SharingAgreement.ends_on.is_(None), SharingAgreement.ends_on >= day),
    )


def agreements_in_force(agency_id: int, day: date) -> list[SharingAgreement]:
    """The agreements with a partner agency in force on a day, newest first."""
    return list(
        db.session.scalars(
            select(SharingAgreement)
            .where(SharingAgreement.partner_agency_id == agency_id, in_force_on(day))
            .order_by(SharingAgreement.starts_on.desc(), SharingAgreement.id.desc())
        )
    )


def agreements_open_for_sharing(
    agency_id: int, day: date, categories: Iterable[DataCategory | str] = ()
) -> list[SharingAgreement]:
    """The agreements under which asb may share these categories with the agency on the day.

    An agreement past its review date is still in force (the lead is told to review it); an
    ended or not yet started one allows no new sharing.
    """
    wanted = {str(category) for category in categories}
    return [
        agreement for agreement in agreements_in_force(agency_id, day) if agreement.covers(wanted)
    ]
