"""Risk assessments through the page: scoring worked examples from the configured matrix,
and the targets that follow (first contact and review dates across weekends and bank
holidays), and high risk flagged to the ASB lead."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.auth.models import Role
from asb.calendar import LONDON
from asb.cases import services
from asb.cases.assessments import complainant_update_due
from asb.cases.models import Case, RiskAssessment, TimelineEntry
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import ContactMethod, TimelineKind
from asb.extensions import db
from asb.notifications.models import Notification, OutboxEmail
from tests import factories
from tests.helpers import error_summary, page_text

MATRIX_FILE = Path(__file__).parents[2] / "asb" / "cases" / "config" / "risk_matrix.json"
MATRICES = {m["subject"]: m for m in json.loads(MATRIX_FILE.read_text())["matrices"]}
VICTIM = MATRICES["victim"]
PERPETRATOR = MATRICES["perpetrator"]


def answers_scoring_nothing(matrix: dict) -> dict[str, str]:
    """Each question's answer that scores 0 ("no", but "yes" to having support)."""
    return {
        question["id"]: next(a["value"] for a in question["answers"] if a["score"] == 0)
        for question in matrix["questions"]
    }


def score_by_hand(matrix: dict, answers: dict[str, str]) -> int:
    total = 0
    for question in matrix["questions"]:
        chosen = next(a for a in question["answers"] if a["value"] == answers[question["id"]])
        total += question.get("weight", 1) * chosen["score"]
    return total


def victim_answers(**changes: str) -> dict[str, str]:
    return {**answers_scoring_nothing(VICTIM), **changes}


# Worked examples against the 2026.1 victim matrix (medium from 14, high from 23; fearing
# for physical safety or thoughts of self-harm make it high, hate motivation medium).
MEDIUM_AT_14 = {
    "targeted": "yes",  # 2
    "repeat": "four-or-more",  # 4
    "reported_before": "yes",  # 1
    "lives_alone": "yes",  # 2
    "support": "no",  # 2
    "health": "yes",  # 3
}
WORKED_EXAMPLES = [
    pytest.param({}, 0, RiskLevel.STANDARD, id="nothing-standard-0"),
    pytest.param(
        {"targeted": "yes", "repeat": "two-or-three", "reported_before": "yes", "sleep": "yes"},
        7,
        RiskLevel.STANDARD,
        id="standard-7",
    ),
    pytest.param(
        {**MEDIUM_AT_14, "health": "no", "age": "yes"}, 13, RiskLevel.STANDARD, id="standard-13"
    ),
    pytest.param(MEDIUM_AT_14, 14, RiskLevel.MEDIUM, id="medium-at-threshold-14"),
    pytest.param(
        {**MEDIUM_AT_14, "disability": "yes", "unsafe_at_home": "yes", "routine": "yes"},
        22,
        RiskLevel.MEDIUM,
        id="medium-22",
    ),
    pytest.param(
        {**MEDIUM_AT_14, "disability": "yes", "unsafe_at_home": "yes", "afraid_to_go_out": "yes"},
        23,
        RiskLevel.HIGH,
        id="high-at-threshold-23",
    ),
    pytest.param({"physical_safety": "yes"}, 4, RiskLevel.HIGH, id="override-physical-safety"),
    pytest.param({"self_harm": "yes"}, 4, RiskLevel.HIGH, id="override-self-harm"),
    pytest.param({"hate": "yes"}, 4, RiskLevel.MEDIUM, id="override-hate-medium"),
    pytest.param(
        {"hate": "yes", "physical_safety": "yes"}, 8, RiskLevel.HIGH, id="overrides-highest-wins"
    ),
]


@pytest.fixture
def officer(login_as):
    return login_as(Role.OFFICER, "housing")


def assess(client, case: Case, answers: dict[str, str], subject: str = "victim"):
    return client.post(f"/cases/{case.id}/risk-assessment/{subject}", data=answers)


def assessments_of(case: Case) -> list[RiskAssessment]:
    return list(
        db.session.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.case_id == case.id)
            .order_by(RiskAssessment.id)
        )
    )


def told(user) -> list[str]:
    return list(
        db.session.scalars(select(Notification.message).where(Notification.user_id == user.id))
    )


# Missing answers


def test_page_asks_every_question_of_the_matrix(client, officer, make_case):
    case = make_case("housing")

    page = page_text(client.get(f"/cases/{case.id}/risk-assessment/victim"))

    for question in VICTIM["questions"]:
        assert question["text"] in page
        assert f'name="{question["id"]}"' in page
    assert "version 2026.1" in page


def test_no_answers_give_one_message_per_question(client, officer, make_case):
    case = make_case("housing")

    response = assess(client, case, {})

    assert response.status_code == 200
    assert error_summary(response) == [
        (f"#{q['id']}", f"Answer the question: {q['text']}") for q in VICTIM["questions"]
    ]
    assert assessments_of(case) == []


def test_only_the_unanswered_questions_are_listed(client, officer, make_case):
    case = make_case("housing")
    answers = victim_answers()
    del answers["sleep"], answers["self_harm"]

    response = assess(client, case, answers)

    assert error_summary(response) == [
        ("#sleep", "Answer the question: Is it affecting your sleep?"),
        (
            "#self_harm",
            "Answer the question: Has the situation made you think about harming yourself?",
        ),
    ]
    db.session.refresh(case)
    assert case.risk_level is None


def test_an_answer_the_question_does_not_have_is_refused(client, officer, make_case):
    case = make_case("housing")

    response = assess(client, case, victim_answers(repeat="hundreds"))

    assert response.status_code == 200
    assert [href for href, _ in error_summary(response)] == ["#repeat"]
    assert assessments_of(case) == []


# Worked examples


@pytest.mark.parametrize(("changes", "score", "level"), WORKED_EXAMPLES)
def test_worked_example_is_scored_and_sets_the_case_risk(
    client, officer, make_case, changes, score, level
):
    answers = victim_answers(**changes)
    assert score_by_hand(VICTIM, answers) == score  # the example reads the matrix right
    case = make_case("housing")

    response = assess(client, case, answers)

    assert response.status_code == 302
    assert response.location == f"/cases/{case.id}"
    [assessment] = assessments_of(case)
    assert (assessment.subject, assessment.score, assessment.level) == ("victim", score, level)
    assert assessment.answers == answers
    assert assessment.matrix_version == VICTIM["version"]
    assert assessment.assessed_by_id == officer.id
    db.session.refresh(case)
    assert case.risk_level is level
    entry = db.session.scalars(
        select(TimelineEntry).where(
            TimelineEntry.case_id == case.id, TimelineEntry.kind == TimelineKind.RISK_ASSESSMENT
        )
    ).one()
    assert entry.summary.startswith(f"Victim risk assessment: {level.label} (score {score}).")
    assert f"{level.label.lower()} risk (score {score})" in page_text(
        client.get(f"/cases/{case.id}")
    )


def test_override_says_why_the_risk_is_high(client, officer, make_case):
    case = make_case("housing")

    assess(client, case, victim_answers(physical_safety="yes"))

    entry = db.session.scalars(
        select(TimelineEntry).where(
            TimelineEntry.case_id == case.id, TimelineEntry.kind == TimelineKind.RISK_ASSESSMENT
        )
    ).one()
    assert "Score 4 is below the medium threshold 14" in entry.summary
    assert "makes the risk high" in entry.summary


def test_a_repeat_assessment_is_kept_beside_the_first(client, officer, make_case):
    case = make_case("housing")

    assess(client, case, victim_answers(**MEDIUM_AT_14))
    assess(client, case, victim_answers())

    assert [a.level for a in assessments_of(case)] == [RiskLevel.MEDIUM, RiskLevel.STANDARD]
    db.session.refresh(case)
    assert case.risk_level is RiskLevel.STANDARD


# Targets from the level, on a known date (freezegun)

# Reviews: high every 14 days, medium and standard every 28 (calendar days); a date on a
# weekend or bank holiday moves back to the working day before.
REVIEW_DATES = [
    pytest.param("2026-11-04", RiskLevel.STANDARD, date(2026, 12, 2), id="standard-weekday"),
    pytest.param("2026-11-04", RiskLevel.HIGH, date(2026, 11, 18), id="high-weekday"),
    pytest.param("2026-11-07", RiskLevel.HIGH, date(2026, 11, 20), id="high-saturday-to-friday"),
    pytest.param("2026-11-07", RiskLevel.MEDIUM, date(2026, 12, 4), id="medium-saturday-to-friday"),
    pytest.param(
        "2026-05-11", RiskLevel.HIGH, date(2026, 5, 22), id="high-spring-bank-holiday-to-friday"
    ),
    pytest.param(
        "2026-03-09", RiskLevel.MEDIUM, date(2026, 4, 2), id="medium-easter-monday-to-thursday"
    ),
    pytest.param(
        "2026-11-30", RiskLevel.STANDARD, date(2026, 12, 24), id="standard-boxing-day-substitute"
    ),
    pytest.param("2026-12-11", RiskLevel.HIGH, date(2026, 12, 24), id="high-christmas-day"),
]
LEVEL_ANSWERS = {
    RiskLevel.STANDARD: victim_answers(),
    RiskLevel.MEDIUM: victim_answers(**MEDIUM_AT_14),
    RiskLevel.HIGH: victim_answers(physical_safety="yes"),
}


@pytest.mark.parametrize(("assessed_on", "level", "review_due"), REVIEW_DATES)
def test_review_date_follows_the_level_and_the_working_day_rules(
    client, login_as, make_case, assessed_on, level, review_due
):
    with freeze_time(f"{assessed_on} 10:00:00"):
        login_as(Role.OFFICER, "housing")
        case = make_case("housing")

        response = assess(client, case, LEVEL_ANSWERS[level])

    assert response.status_code == 302
    db.session.refresh(case)
    assert case.risk_level is level
    assert case.review_due == review_due


def test_assessment_never_puts_an_earlier_review_back(client, login_as, make_case):
    with freeze_time("2026-11-04 10:00:00"):
        login_as(Role.OFFICER, "housing")
        case = make_case("housing", review_due=date(2026, 11, 10))

        assess(client, case, LEVEL_ANSWERS[RiskLevel.STANDARD])

    db.session.refresh(case)
    assert case.review_due == date(2026, 11, 10)


# First contact: high within 1 working day, medium 3, standard 5, due at 17:00 London, counted
# from the London date the case opened.
FIRST_CONTACT = [
    pytest.param(
        "2026-12-24 10:00:00",
        RiskLevel.HIGH,
        datetime(2026, 12, 29, 17, tzinfo=LONDON),
        id="high-christmas-eve-to-tuesday",
    ),
    pytest.param(
        "2026-12-24 10:00:00",
        RiskLevel.MEDIUM,
        datetime(2026, 12, 31, 17, tzinfo=LONDON),
        id="medium-christmas-eve",
    ),
    pytest.param(
        "2026-12-24 10:00:00",
        RiskLevel.STANDARD,
        datetime(2027, 1, 5, 17, tzinfo=LONDON),
        id="standard-christmas-eve-past-new-year",
    ),
    pytest.param(
        "2026-11-06 16:00:00",
        RiskLevel.HIGH,
        datetime(2026, 11, 9, 17, tzinfo=LONDON),
        id="high-friday-to-monday",
    ),
    pytest.param(
        "2026-07-02 22:30:00",
        RiskLevel.HIGH,
        datetime(2026, 7, 3, 17, tzinfo=LONDON),
        id="high-thursday-night-bst",
    ),
    pytest.param(
        "2026-07-02 23:30:00",
        RiskLevel.HIGH,
        datetime(2026, 7, 6, 17, tzinfo=LONDON),
        id="high-after-midnight-bst-is-friday",
    ),
]


@pytest.mark.parametrize(("opened_at_utc", "level", "due"), FIRST_CONTACT)
def test_first_contact_due_follows_the_level_in_working_days(
    client, login_as, make_case, opened_at_utc, level, due
):
    with freeze_time(opened_at_utc):
        login_as(Role.OFFICER, "housing")
        case = make_case("housing")
        assess(client, case, LEVEL_ANSWERS[level])

    db.session.refresh(case)
    assert case.first_contact_due == due
    assert case.first_contact_due.astimezone(LONDON).hour == 17


def test_first_contact_counts_from_opening_not_from_the_assessment(client, login_as, make_case):
    with freeze_time("2026-12-24 10:00:00"):
        case = make_case("housing")
    with freeze_time("2026-12-29 09:00:00"):
        login_as(Role.OFFICER, "housing")
        assess(client, case, LEVEL_ANSWERS[RiskLevel.HIGH])
        page = page_text(client.get(f"/cases/{case.id}"))

    db.session.refresh(case)
    assert case.first_contact_due == datetime(2026, 12, 29, 17, tzinfo=LONDON)
    assert "Due by" in page


def test_first_contact_made_is_not_given_a_new_deadline(client, login_as, make_case):
    with freeze_time("2026-11-04 10:00:00"):
        login_as(Role.OFFICER, "housing")
        case = make_case("housing")
        client.post(
            f"/cases/{case.id}/notes", data={"contact_method": "call", "text": "Rang the victim"}
        )
        assess(client, case, LEVEL_ANSWERS[RiskLevel.HIGH])

    db.session.refresh(case)
    assert case.first_contact_at is not None
    assert case.first_contact_due is None


# High risk goes to the ASB lead


def test_high_risk_is_flagged_to_every_asb_lead(client, officer, make_user, make_case):
    leads = [
        make_user(Role.ASB_LEAD, "community-safety"),
        make_user(Role.ASB_LEAD, "community-safety"),
    ]
    retired = make_user(Role.ASB_LEAD, "community-safety", is_active_account=False)
    case = make_case("housing")

    assess(client, case, LEVEL_ANSWERS[RiskLevel.HIGH])

    message = f"Case {case.reference} has been assessed as high risk"
    for lead in leads:
        assert told(lead) == [message]
        [email] = db.session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == lead.email))
        assert f"http://localhost/cases/{case.id}" in email.body
    assert told(retired) == []
    assert told(officer) == []


def test_lead_who_assesses_is_not_told_of_their_own_assessment(
    client, login_as, make_user, make_case
):
    other = make_user(Role.ASB_LEAD, "community-safety")
    lead = login_as(Role.ASB_LEAD, "community-safety")
    case = make_case("housing")

    assess(client, case, LEVEL_ANSWERS[RiskLevel.HIGH])

    assert told(lead) == []
    assert len(told(other)) == 1


def test_staying_high_on_reassessment_is_not_flagged_again(client, officer, make_user, make_case):
    lead = make_user(Role.ASB_LEAD, "community-safety")
    case = make_case("housing")

    assess(client, case, LEVEL_ANSWERS[RiskLevel.HIGH])
    assess(client, case, victim_answers(self_harm="yes"))

    assert len(told(lead)) == 1


@pytest.mark.parametrize("level", [RiskLevel.STANDARD, RiskLevel.MEDIUM])
def test_lower_risk_is_not_flagged(client, officer, make_user, make_case, level):
    lead = make_user(Role.ASB_LEAD, "community-safety")
    case = make_case("housing")

    assess(client, case, LEVEL_ANSWERS[level])

    assert told(lead) == []


# Perpetrators


def test_perpetrator_assessment_leaves_the_case_risk_alone(client, officer, make_user, make_case):
    lead = make_user(Role.ASB_LEAD, "community-safety")
    case = make_case("housing")
    assess(client, case, LEVEL_ANSWERS[RiskLevel.MEDIUM])
    db.session.refresh(case)
    review_due, first_contact_due = case.review_due, case.first_contact_due
    answers = {**answers_scoring_nothing(PERPETRATOR), "weapon": "yes"}

    response = assess(client, case, answers, subject="perpetrator")

    assert response.status_code == 302
    perpetrator = assessments_of(case)[-1]
    assert (perpetrator.subject, perpetrator.score, perpetrator.level) == (
        "perpetrator",
        5,
        RiskLevel.HIGH,
    )
    db.session.refresh(case)
    assert case.risk_level is RiskLevel.MEDIUM
    assert (case.review_due, case.first_contact_due) == (review_due, first_contact_due)
    assert told(lead) == []


def test_perpetrator_assessment_of_an_unassessed_case_sets_no_risk(client, officer, make_case):
    case = make_case("housing")
    answers = {**answers_scoring_nothing(PERPETRATOR), "violence": "yes", "escalating": "yes"}

    assess(client, case, answers, subject="perpetrator")

    db.session.refresh(case)
    assert case.risk_level is None
    assert case.first_contact_due is None
    assert [a.score for a in assessments_of(case)] == [7]


def test_complainant_update_follows_the_risk_levels_cadence_from_the_last_contact(
    db_session, in_request
):
    with freeze_time("2026-11-02 09:00"):  # a Monday
        case = factories.make_case("housing", risk_level=RiskLevel.HIGH)
        officer = factories.make_user(Role.OFFICER, "housing")
        assert complainant_update_due(case) is None  # no contact yet
        services.add_note(case, "Called her", actor=officer, contact_method=ContactMethod.CALL)
    due = complainant_update_due(case)
    # High risk: an update every 7 calendar days, due by the end of the working day.
    assert due == datetime(2026, 11, 9, 17, 0, tzinfo=LONDON)
