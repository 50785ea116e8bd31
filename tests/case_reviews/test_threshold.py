"""The ASB Case Review threshold, counted against worked examples."""

from __future__ import annotations

from datetime import date

import pytest

from asb.case_reviews.threshold import (
    ComplaintInput,
    applicant_problems,
    check_threshold,
)


def complaint(behaviour_on: date, complained_on: date, key: str) -> ComplaintInput:
    return ComplaintInput(behaviour_on=behaviour_on, complained_on=complained_on, behaviour_key=key)


def test_three_separate_behaviours_complained_of_in_time_meet_the_threshold():
    result = check_threshold(
        [
            complaint(date(2026, 3, 1), date(2026, 3, 2), "noise-march"),
            complaint(date(2026, 5, 10), date(2026, 5, 20), "noise-may"),
            complaint(date(2026, 8, 1), date(2026, 8, 1), "noise-august"),
        ],
        date(2026, 9, 1),
    )
    assert result.met is True
    assert result.qualifying == 3
    assert result.reasons == ["counted", "counted", "counted"]
    assert result.summary() == (
        "3 qualifying complaints about separate behaviour (3 needed): threshold met."
    )


def test_one_report_copied_to_three_agencies_counts_once():
    result = check_threshold(
        [
            complaint(date(2026, 6, 1), date(2026, 6, 1), "party-1-june"),
            complaint(date(2026, 6, 1), date(2026, 6, 2), "party-1-june"),
            complaint(date(2026, 6, 1), date(2026, 6, 3), "party-1-june"),
        ],
        date(2026, 7, 1),
    )
    assert result.met is False
    assert result.qualifying == 1
    assert result.reasons == [
        "counted",
        "same behaviour as complaint 1: counted once",
        "same behaviour as complaint 1: counted once",
    ]


@pytest.mark.parametrize(
    ("behaviour_on", "complained_on", "counted"),
    [
        (date(2026, 1, 15), date(2026, 2, 15), True),
        (date(2026, 1, 15), date(2026, 2, 16), False),
        # One month after 31 January is the last day of February.
        (date(2026, 1, 31), date(2026, 2, 28), True),
        (date(2026, 1, 31), date(2026, 3, 1), False),
        (date(2026, 1, 15), date(2026, 1, 15), True),
    ],
)
def test_a_complaint_made_more_than_a_month_after_the_behaviour_does_not_count(
    behaviour_on, complained_on, counted
):
    result = check_threshold(
        [complaint(behaviour_on, complained_on, "a")], date(2026, 4, 1), required=1
    )
    assert result.met is counted
    assert result.reasons == [
        "counted" if counted else "made more than one month after the behaviour"
    ]


@pytest.mark.parametrize(
    ("received_on", "counted"),
    [(date(2026, 9, 2), True), (date(2026, 9, 3), False)],
)
def test_a_complaint_made_more_than_six_months_before_the_application_does_not_count(
    received_on, counted
):
    result = check_threshold(
        [complaint(date(2026, 3, 1), date(2026, 3, 2), "a")], received_on, required=1
    )
    assert result.met is counted
    assert result.reasons == [
        "counted" if counted else "made more than six months before the application"
    ]


def test_each_reason_is_given_for_a_mixed_application():
    result = check_threshold(
        [
            complaint(date(2026, 1, 10), date(2026, 1, 12), "stairwell"),  # too old by now
            complaint(date(2026, 5, 1), date(2026, 6, 20), "car park"),  # complained too late
            complaint(date(2026, 7, 1), date(2026, 7, 2), "balcony"),
            complaint(date(2026, 7, 1), date(2026, 7, 3), "balcony"),
            complaint(date(2026, 8, 5), date(2026, 8, 6), "courtyard"),
        ],
        date(2026, 8, 20),
    )
    assert result.qualifying == 2
    assert result.met is False
    assert result.reasons == [
        "made more than six months before the application",
        "made more than one month after the behaviour",
        "counted",
        "same behaviour as complaint 3: counted once",
        "counted",
    ]
    assert [verdict.number for verdict in result.verdicts] == [1, 2, 3, 4, 5]


def test_a_lower_local_threshold_of_two_is_met_by_two_separate_behaviours():
    complaints = [
        complaint(date(2026, 5, 1), date(2026, 5, 1), "a"),
        complaint(date(2026, 6, 1), date(2026, 6, 1), "b"),
    ]
    assert check_threshold(complaints, date(2026, 7, 1)).met is False
    local = check_threshold(complaints, date(2026, 7, 1), required=2)
    assert local.met is True
    assert local.summary().endswith("(2 needed): threshold met.")


def test_a_late_complaint_to_one_agency_does_not_hide_a_timely_one_to_another():
    result = check_threshold(
        [
            complaint(date(2026, 5, 1), date(2026, 5, 1), "a"),
            complaint(date(2026, 5, 1), date(2026, 6, 15), "a"),
        ],
        date(2026, 7, 1),
    )
    assert result.qualifying == 1
    result = check_threshold(
        [
            complaint(date(2026, 5, 1), date(2026, 6, 15), "a"),
            complaint(date(2026, 5, 1), date(2026, 5, 20), "a"),
        ],
        date(2026, 7, 1),
    )
    assert result.qualifying == 1
    assert result.reasons == ["made more than one month after the behaviour", "counted"]


def test_complaints_dated_impossibly_do_not_count():
    result = check_threshold(
        [
            complaint(date(2026, 5, 10), date(2026, 5, 1), "a"),
            complaint(date(2026, 6, 1), date(2026, 7, 2), "b"),
        ],
        date(2026, 7, 1),
    )
    assert result.qualifying == 0
    assert result.reasons == [
        "dated before the behaviour it is about",
        "made after the application",
    ]


def test_the_periods_are_configurable():
    complaints = [complaint(date(2026, 1, 1), date(2026, 2, 20), "a")]
    assert check_threshold(complaints, date(2026, 3, 1), required=1).met is False
    assert (
        check_threshold(
            complaints, date(2026, 3, 1), required=1, complaint_within_months_of_behaviour=2
        ).met
        is True
    )
    assert check_threshold(
        complaints,
        date(2026, 3, 1),
        required=1,
        complaint_within_months_of_behaviour=2,
        application_within_months=0,
    ).reasons == ["made more than 0 months before the application"]


def test_no_complaints_do_not_meet_the_threshold():
    result = check_threshold([], date(2026, 7, 1))
    assert (result.met, result.qualifying, result.verdicts) == (False, 0, [])


def test_a_threshold_of_nothing_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        check_threshold([], date(2026, 7, 1), required=0)


@pytest.mark.parametrize(
    ("name", "on_behalf_of", "consent", "problems"),
    [
        ("Pat Applicant", None, False, {}),
        ("Pat Applicant", "Sam Victim", True, {}),
        ("", None, False, {"applicant_name": "Enter the applicant's name"}),
        (
            "  Anonymous ",
            None,
            False,
            {
                "applicant_name": "Enter the applicant's name: an ASB Case Review application "
                "cannot be anonymous"
            },
        ),
        (
            "Withheld",
            None,
            False,
            {
                "applicant_name": "Enter the applicant's name: an ASB Case Review application "
                "cannot be anonymous"
            },
        ),
        (
            "Cllr Jo Member",
            "Sam Victim",
            False,
            {
                "consent_confirmed": "Confirm that the victim has consented to the application "
                "made on their behalf"
            },
        ),
    ],
)
def test_an_application_needs_a_named_applicant_and_the_victims_consent(
    name, on_behalf_of, consent, problems
):
    assert applicant_problems(name, on_behalf_of, consent) == problems
