"""Reading case shares: which are live, what a partner sees, what they added."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from asb.agreements.models import SharingAgreement
from asb.agreements.queries import agreements_open_for_sharing, in_force_on
from asb.auth.models import Agency
from asb.calendar import today_in_london
from asb.cases.models import Case
from asb.extensions import db
from asb.sharing.models import CaseShare, CaseShareContribution


def live_share(case: Case, agency: Agency, day: date | None = None) -> CaseShare | None:
    """The share through which the agency sees the case today, if there is one."""
    day = day or today_in_london()
    shares = db.session.scalars(
        select(CaseShare)
        .where(
            CaseShare.case_id == case.id,
            CaseShare.agency_id == agency.id,
            CaseShare.withdrawn_at.is_(None),
        )
        .order_by(CaseShare.shared_at.desc(), CaseShare.id.desc())
    )
    return next((share for share in shares if share.is_live_on(day)), None)


def live_shares_for_agency(agency_id: int, day: date | None = None) -> list[CaseShare]:
    """What is shared with a partner organisation today, newest first: their home page."""
    return list(
        db.session.scalars(
            select(CaseShare)
            .join(Case, Case.id == CaseShare.case_id)
            .join(SharingAgreement, SharingAgreement.id == CaseShare.agreement_id)
            .where(
                CaseShare.agency_id == agency_id,
                CaseShare.withdrawn_at.is_(None),
                Case.restricted.is_(False),
                in_force_on(day or today_in_london()),
            )
            .order_by(CaseShare.shared_at.desc(), CaseShare.id.desc())
        )
    )


def shares_of(case: Case) -> list[CaseShare]:
    """Every share of the case, live and ended, newest first: the case page's section."""
    return list(
        db.session.scalars(
            select(CaseShare)
            .where(CaseShare.case_id == case.id)
            .order_by(CaseShare.shared_at.desc(), CaseShare.id.desc())
        )
    )


def partner_agencies_with_agreements(day: date | None = None) -> list[Agency]:
    """The partner organisations outside the partnership with an agreement in force."""
    day = day or today_in_london()
    return list(
        db.session.scalars(
            select(Agency)
            .where(
                Agency.is_active.is_(True),
                Agency.is_external.is_(True),
                Agency.id.in_(select(SharingAgreement.partner_agency_id).where(in_force_on(day))),
            )
            .order_by(Agency.name)
        )
    )


def agreements_for(agencies: list[Agency], day: date | None = None) -> list[SharingAgreement]:
    """The agreements in force with these agencies, to choose one to share under."""
    day = day or today_in_london()
    return [
        agreement
        for agency in agencies
        for agreement in agreements_open_for_sharing(agency.id, day)
    ]


def contributions(case: Case, agency: Agency) -> list[CaseShareContribution]:
    """What the agency added to the case through its shares, oldest first."""
    return list(
        db.session.scalars(
            select(CaseShareContribution)
            .join(CaseShare, CaseShare.id == CaseShareContribution.case_share_id)
            .where(CaseShare.case_id == case.id, CaseShare.agency_id == agency.id)
            .order_by(CaseShareContribution.added_at, CaseShareContribution.id)
        )
    )
