"""Reading ASB Case Reviews: who sees which, their threshold and deadlines, the yearly figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy import case as sql_case

from asb.auth.models import Agency, Role, User
from asb.calendar import BankHolidays
from asb.case_reviews.complaints import complaint_made_on, not_a_complaint
from asb.case_reviews.deadlines import CaseReviewSettings, Deadline, deadlines, next_deadline
from asb.case_reviews.models import CaseReviewApplication, CaseReviewComplaint
from asb.case_reviews.threshold import (
    ComplaintInput,
    ThresholdResult,
    check_threshold,
    same_behaviour_reason,
)
from asb.case_reviews.vocabulary import ReviewStage
from asb.cases.models import Case, CaseAction
from asb.enums import LabelledEnum
from asb.extensions import db
from asb.incidents.models import Incident
from asb.policy import (
    Permission,
    authorize,
    authorize_case_review_view,
    can,
    hides_existence,
    visible_case_reviews,
)


def applications_for(user: User) -> list[CaseReviewApplication]:
    return list(
        db.session.scalars(
            select(CaseReviewApplication)
            .where(visible_case_reviews(user))
            .order_by(CaseReviewApplication.received_on.desc(), CaseReviewApplication.id.desc())
            .limit(500)
        )
    )


def applications_for_case(case: Case) -> list[CaseReviewApplication]:
    return list(
        db.session.scalars(
            select(CaseReviewApplication)
            .where(CaseReviewApplication.case_id == case.id)
            .order_by(CaseReviewApplication.received_on.desc(), CaseReviewApplication.id.desc())
        )
    )


def ordered_complaints(application: CaseReviewApplication) -> list[CaseReviewComplaint]:
    """The complaints in the order the threshold numbers them: when made, then when logged."""
    return sorted(application.complaints, key=lambda c: (c.complained_on, c.id or 0))


def threshold_result(
    application: CaseReviewApplication, settings: CaseReviewSettings
) -> ThresholdResult:
    return check_threshold(
        [
            ComplaintInput(c.behaviour_on, c.complained_on, c.behaviour_key)
            for c in ordered_complaints(application)
        ],
        application.received_on,
        required=settings.qualifying_complaints,
        complaint_within_months_of_behaviour=settings.complaint_within_months_of_behaviour,
        application_within_months=settings.application_within_months_of_complaint,
    )


@dataclass(frozen=True)
class ComplaintRow:
    """A complaint as the user may see it, with its verdict, numbered among those shown."""

    number: int
    complaint: CaseReviewComplaint
    counted: bool
    reason: str


def complaint_rows(
    user: User, application: CaseReviewApplication, threshold: ThresholdResult
) -> list[ComplaintRow]:
    """The complaints the application cites, less those about incidents the user may not see.

    They are numbered among themselves, so no gap in the numbers admits a hidden one; the
    threshold itself still counts every complaint.
    """
    shown = [
        (complaint, verdict)
        for complaint, verdict in zip(
            ordered_complaints(application), threshold.verdicts, strict=True
        )
        if complaint.incident is None or can(user, Permission.VIEW_INCIDENT, complaint.incident)
    ]
    numbers = {verdict.number: number for number, (_, verdict) in enumerate(shown, start=1)}
    return [
        ComplaintRow(
            number,
            complaint,
            verdict.counted,
            verdict.reason
            if verdict.same_as is None
            else same_behaviour_reason(numbers.get(verdict.same_as)),
        )
        for number, (complaint, verdict) in enumerate(shown, start=1)
    ]


NOT_CITED = "a complaint the application does not cite: add it if the applicant relies on it"


@dataclass(frozen=True)
class CaseIncidentRow:
    """An incident on the application's case: whether it counts as a complaint, and why."""

    incident: Incident
    complained_on: date | None  # None when it is not a complaint at all
    counted: bool
    reason: str
    further_reports: int


def case_incident_rows(
    user: User, case: Case | None, rows: list[ComplaintRow] | None = None
) -> list[CaseIncidentRow]:
    """The incidents on the case the user may see, each with whether it counts and why not.

    `rows` are the complaints of an application the user is shown, so a cited incident
    carries its verdict; without an application, a complaint is one that could be cited.
    """
    if case is None:
        return []
    cited = {row.complaint.incident_id: row for row in rows or [] if row.complaint.incident_id}
    result = []
    for link in sorted(case.incident_links, key=lambda link: link.incident.occurred_from):
        incident = link.incident
        if not can(user, Permission.VIEW_INCIDENT, incident):
            continue
        row = cited.get(incident.id)
        refused = not_a_complaint(incident)
        if row is not None:
            made_on, counted = row.complaint.complained_on, row.counted
            reason = f"complaint {row.number}: {row.reason}"
        elif refused is not None:
            made_on, counted, reason = None, False, refused
        else:
            made_on, counted, reason = complaint_made_on(incident), False, NOT_CITED
        result.append(CaseIncidentRow(incident, made_on, counted, reason, len(incident.reports)))
    return result


def case_shown(user: User, application: CaseReviewApplication) -> Case | None:
    """The case the application is about, unless it is restricted and hidden from the user."""
    case = application.case
    return None if case is None or hides_existence(user, case) else case


def possible_spocs() -> list[User]:
    """Active officers, managers and ASB leads of the City's own agencies."""
    return list(
        db.session.scalars(
            select(User)
            .join(Agency, User.agency_id == Agency.id)
            .where(
                User.is_active_account.is_(True),
                User.role.in_([Role.OFFICER, Role.MANAGER, Role.ASB_LEAD]),
                Agency.is_external.is_(False),
            )
            .order_by(User.name)
        )
    )


def recommendations(application: CaseReviewApplication) -> list[CaseAction]:
    return list(
        db.session.scalars(
            select(CaseAction)
            .where(CaseAction.case_review_id == application.id)
            .order_by(CaseAction.id)
        )
    )


@dataclass(frozen=True)
class ApplicationSummary:
    application: CaseReviewApplication
    stage: ReviewStage
    deadlines: dict[str, Deadline]

    @property
    def next_deadline(self) -> Deadline | None:
        return next_deadline(self.deadlines)

    @property
    def overdue(self) -> list[Deadline]:
        return [step for step in self.deadlines.values() if step.overdue]


def summarise(
    applications: list[CaseReviewApplication],
    *,
    today: date,
    settings: CaseReviewSettings,
    holidays: BankHolidays,
) -> list[ApplicationSummary]:
    return [
        ApplicationSummary(
            application,
            ReviewStage.of(application),
            deadlines(application, today=today, settings=settings, holidays=holidays),
        )
        for application in applications
    ]


class YearBasis(LabelledEnum):
    FINANCIAL = "financial", "Financial year (April to March)"
    CALENDAR = "calendar", "Calendar year (January to December)"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str


def period_for(year: int, basis: YearBasis) -> Period:
    if basis is YearBasis.CALENDAR:
        return Period(date(year, 1, 1), date(year, 12, 31), str(year))
    return Period(date(year, 4, 1), date(year + 1, 3, 31), f"April {year} to March {year + 1}")


def current_year(basis: YearBasis, on: date) -> int:
    """The year whose period contains `on`: a financial year is named for its April."""
    if basis is YearBasis.FINANCIAL and on.month < 4:
        return on.year - 1
    return on.year


@dataclass(frozen=True)
class Figures:
    """What section 104 requires to be published each year.

    Applications, threshold not met, reviews held and reviews that led to recommendations,
    counted over the applications received in the period: each application counts in one
    year only, whenever its review ends.
    """

    period: Period
    applications: int
    threshold_not_met: int
    reviews_held: int
    reviews_with_recommendations: int
    awaiting_decision: int


def figures(period: Period) -> Figures:
    app = CaseReviewApplication

    def count(condition) -> ColumnElement[int]:
        return func.coalesce(func.sum(sql_case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        select(
            func.count(app.id),
            count(app.threshold_met.is_(False)),
            count(app.threshold_met.is_(True) & app.meeting_on.isnot(None)),
            count(app.threshold_met.is_(True) & app.made_recommendations.is_(True)),
            count(app.threshold_decided_on.is_(None)),
        ).where(app.received_on >= period.start, app.received_on <= period.end)
    ).one()
    return Figures(period, *(int(value) for value in row))


def load_application(application_id: int, *permissions: Permission) -> CaseReviewApplication:
    """The application, if the signed-in user may see it and has each of `permissions`."""
    application = db.get_or_404(CaseReviewApplication, application_id)
    authorize_case_review_view(application)
    for permission in permissions:
        authorize(permission, application)
    return application
