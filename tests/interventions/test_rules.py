"""The interventions register: legal clocks, refusals and dated rules."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from asb.interventions.clocks import (
    Clocks,
    Deadline,
    add_hours,
    compute_clocks,
    upcoming_deadlines,
    validate_intervention,
)
from asb.interventions.rules import (
    InterventionConfigError,
    InterventionKind,
    NoRuleInForce,
    load_intervention_rules,
)
from asb.settings import settings_path

Kind = InterventionKind
LONDON = ZoneInfo("Europe/London")
CPN = Kind.COMMUNITY_PROTECTION_NOTICE
CPW = Kind.COMMUNITY_PROTECTION_WARNING


@pytest.fixture(scope="module")
def rules():
    return load_intervention_rules()


def problems(rules, kind, **given) -> list[str]:
    answers = {
        "issued_on": date(2025, 3, 3),
        "prior_kinds_on_case": set(),
        "on_conviction": None,
        "subject_age_on_issue": None,
        "duration_months": None,
    }
    answers.update(given)
    issued_on = answers.pop("issued_on")
    return validate_intervention(kind, issued_on, rules, **answers)


def write_rules(tmp_path: Path, rules: list[dict]) -> Path:
    path = tmp_path / "interventions.json"
    path.write_text(json.dumps({"rules": rules}), encoding="utf-8")
    return path


# Calendar arithmetic


def test_hours_are_elapsed_time_across_the_clocks_going_back():
    served = datetime(2025, 10, 25, 10, 0, tzinfo=LONDON)  # BST; clocks go back on the 26th

    ends = add_hours(served, 48)

    assert ends == datetime(2025, 10, 27, 9, 0, tzinfo=LONDON)
    assert ends.astimezone(UTC) - served.astimezone(UTC) == timedelta(hours=48)


def test_hours_do_not_count_christmas_day_when_the_law_says_so():
    served = datetime(2025, 12, 24, 12, 0, tzinfo=UTC)

    assert add_hours(served, 48) == datetime(2025, 12, 26, 12, 0, tzinfo=UTC)
    assert add_hours(served, 48, skip_christmas=True) == datetime(2025, 12, 27, 12, 0, tzinfo=UTC)


def test_hours_served_on_christmas_day_start_counting_on_boxing_day():
    served = datetime(2025, 12, 25, 15, 0, tzinfo=UTC)

    assert add_hours(served, 48, skip_christmas=True) == datetime(2025, 12, 28, 0, 0, tzinfo=UTC)


# Clocks for each kind


def test_every_kind_has_a_rule_in_force_under_the_2014_act(rules):
    for kind in Kind:
        assert rules.rule_for(kind, date(2014, 10, 20)).effective_from == date(2014, 10, 20)
        assert rules.rule_for(kind, date.today()).kind is kind


def test_no_rule_before_the_act_came_into_force(rules):
    with pytest.raises(NoRuleInForce, match="19 October 2014"):
        rules.rule_for(CPN, date(2014, 10, 19))


@pytest.mark.parametrize("kind", [Kind.WARNING_LETTER, CPW])
def test_warnings_have_no_statutory_clock(rules, kind):
    assert compute_clocks(kind, date(2025, 3, 3), rules) == Clocks(kind)


def test_abc_lasts_six_months_with_a_review_at_three(rules):
    clocks = compute_clocks(Kind.ACCEPTABLE_BEHAVIOUR_CONTRACT, date(2025, 8, 31), rules)

    assert clocks.expires_on == date(2026, 2, 28)
    assert clocks.review_on == date(2025, 11, 30)
    assert clocks.max_expiry is None
    assert not rules.rule_for(Kind.ACCEPTABLE_BEHAVIOUR_CONTRACT, date(2025, 8, 31)).legally_binding


def test_abc_of_another_length_ends_when_agreed(rules):
    clocks = compute_clocks(
        Kind.ACCEPTABLE_BEHAVIOUR_CONTRACT, date(2025, 8, 31), rules, duration_months=12
    )

    assert clocks.expires_on == date(2026, 8, 31)


def test_cpn_appeal_window_is_21_days_beginning_with_the_day_of_issue(rules):
    clocks = compute_clocks(CPN, date(2025, 3, 3), rules)

    # s.46(2): "21 days beginning with the day on which the person is issued with the notice"
    assert clocks.appeal_deadline == date(2025, 3, 23)
    assert clocks.expires_on is None
    assert rules.rule_for(CPN, date(2025, 3, 3)).fixed_penalty_max_gbp == 100


def test_cpn_issued_with_a_time_counts_the_london_day(rules):
    late_evening_utc = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London

    clocks = compute_clocks(CPN, late_evening_utc, rules)

    assert clocks.appeal_deadline == date(2025, 7, 21)


def test_injunction_for_under_18_ends_within_12_months(rules):
    clocks = compute_clocks(
        Kind.CIVIL_INJUNCTION, date(2025, 8, 31), rules, subject_age_on_issue=15, duration_months=6
    )

    assert clocks.expires_on == date(2026, 2, 28)
    assert clocks.max_expiry == date(2026, 8, 31)


def test_injunction_for_an_adult_may_have_no_end_date(rules):
    clocks = compute_clocks(
        Kind.CIVIL_INJUNCTION, date(2025, 8, 31), rules, subject_age_on_issue=30
    )

    assert clocks.expires_on is None
    assert clocks.max_expiry is None
    assert clocks.warnings == []


def test_injunction_without_an_age_asks_for_one(rules):
    clocks = compute_clocks(Kind.CIVIL_INJUNCTION, date(2025, 8, 31), rules)

    assert clocks.warnings == [
        "Enter the person's age on the day of issue to work out how long the civil injunction "
        "can last"
    ]


def test_cbo_for_under_18_is_reviewed_within_each_year_and_ends_within_3_years(rules):
    clocks = compute_clocks(
        Kind.CRIMINAL_BEHAVIOUR_ORDER,
        date(2025, 3, 3),
        rules,
        subject_age_on_issue=16,
        duration_months=24,
    )

    assert clocks.expires_on == date(2027, 3, 3)
    assert clocks.review_on == date(2026, 3, 2)
    assert clocks.max_expiry == date(2028, 3, 3)


def test_cbo_for_an_adult_may_be_indefinite(rules):
    clocks = compute_clocks(
        Kind.CRIMINAL_BEHAVIOUR_ORDER, date(2025, 3, 3), rules, subject_age_on_issue=40
    )

    assert clocks.expires_on is None
    assert clocks.review_on is None
    assert clocks.max_expiry is None


def test_closure_notice_hearing_is_48_hours_after_service(rules):
    issued = datetime(2025, 5, 6, 9, 0, tzinfo=UTC)
    served = datetime(2025, 5, 6, 14, 30, tzinfo=UTC)

    clocks = compute_clocks(Kind.CLOSURE_NOTICE, issued, rules, served_at=served)

    assert clocks.hearing_by == datetime(2025, 5, 8, 14, 30, tzinfo=UTC)
    assert clocks.expires_on == datetime(2025, 5, 7, 14, 30, tzinfo=UTC)
    assert clocks.max_expiry == datetime(2025, 5, 8, 14, 30, tzinfo=UTC)
    assert clocks.warnings == []


def test_closure_notice_hearing_clock_skips_christmas_day(rules):
    served = datetime(2025, 12, 24, 18, 0, tzinfo=UTC)

    clocks = compute_clocks(Kind.CLOSURE_NOTICE, served, rules, served_at=served)

    assert clocks.hearing_by == datetime(2025, 12, 27, 18, 0, tzinfo=UTC)
    assert clocks.expires_on == datetime(2025, 12, 25, 18, 0, tzinfo=UTC)


def test_closure_notice_without_service_time_counts_from_issue_and_says_so(rules):
    issued = datetime(2025, 5, 6, 9, 0, tzinfo=UTC)

    clocks = compute_clocks(Kind.CLOSURE_NOTICE, issued, rules)

    assert clocks.hearing_by == datetime(2025, 5, 8, 9, 0, tzinfo=UTC)
    assert "Enter when the closure notice was served" in clocks.warnings[0]


def test_closure_notice_with_only_a_date_has_no_hour_clocks(rules):
    clocks = compute_clocks(Kind.CLOSURE_NOTICE, date(2025, 5, 6), rules)

    assert clocks.hearing_by is None
    assert clocks.expires_on is None
    assert len(clocks.warnings) == 2


def test_closure_order_lasts_3_months_extendable_to_6(rules):
    clocks = compute_clocks(Kind.CLOSURE_ORDER, date(2025, 8, 31), rules)

    assert clocks.expires_on == date(2025, 11, 30)
    assert clocks.max_expiry == date(2026, 2, 28)
    assert clocks.appeal_deadline == date(2025, 9, 20)


def test_pspo_breach_records_when_the_order_ends(rules):
    clocks = compute_clocks(
        Kind.PSPO_BREACH, date(2025, 3, 3), rules, order_expires_on=date(2026, 10, 1)
    )

    assert clocks.expires_on == date(2026, 10, 1)
    assert clocks.warnings == []
    assert rules.rule_for(Kind.PSPO_BREACH, date(2025, 3, 3)).fixed_penalty_max_gbp == 100


def test_pspo_breach_questions_an_order_longer_than_3_years(rules):
    clocks = compute_clocks(
        Kind.PSPO_BREACH, date(2025, 3, 3), rules, order_expires_on=date(2029, 1, 1)
    )

    assert clocks.warnings == [
        "Check when the order ends: an order lasts at most 3 years unless it is extended"
    ]


def test_dispersal_direction_lasts_48_hours(rules):
    given = datetime(2025, 7, 4, 22, 15, tzinfo=UTC)

    clocks = compute_clocks(Kind.DISPERSAL_DIRECTION, given, rules, duration_months=3)

    assert clocks.expires_on == datetime(2025, 7, 6, 22, 15, tzinfo=UTC)
    assert clocks.max_expiry == clocks.expires_on


def test_tenancy_action_has_only_a_review_date(rules):
    clocks = compute_clocks(Kind.TENANCY_ACTION, date(2025, 3, 3), rules)

    assert clocks == Clocks(Kind.TENANCY_ACTION, review_on=date(2025, 3, 31))


def test_naive_datetimes_are_refused(rules):
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_clocks(Kind.CLOSURE_NOTICE, datetime(2025, 5, 6, 9, 0), rules)


# Validation


def test_cpn_without_a_prior_cpw_is_refused(rules):
    assert problems(rules, CPN) == [
        "A Community Protection Notice can only follow a written warning: "
        "record the Community Protection Warning first"
    ]


def test_cpn_after_a_cpw_is_allowed(rules):
    assert problems(rules, CPN, prior_kinds_on_case={CPW}, subject_age_on_issue=17) == []


def test_a_warning_letter_is_not_the_written_warning_a_cpn_needs(rules):
    assert problems(rules, CPN, prior_kinds_on_case={Kind.WARNING_LETTER})


def test_cpn_for_someone_under_16_is_refused(rules):
    assert problems(rules, CPN, prior_kinds_on_case={CPW}, subject_age_on_issue=15) == [
        "A Community Protection Notice can only be used against someone aged 16 or over"
    ]


@pytest.mark.parametrize(
    ("age", "months", "expected"),
    [
        (17, 13, ["A civil injunction for someone under 18 can last at most 12 months"]),
        (17, 12, []),
        (
            17,
            None,
            [
                "Enter how long the civil injunction lasts: a civil injunction for someone "
                "under 18 can last at most 12 months"
            ],
        ),
        (18, 36, []),
        (18, None, []),
        (9, 6, ["A civil injunction can only be used against someone aged 10 or over"]),
    ],
)
def test_civil_injunction_length_by_age(rules, age, months, expected):
    given = {"subject_age_on_issue": age, "duration_months": months}
    assert problems(rules, Kind.CIVIL_INJUNCTION, **given) == expected


def test_cbo_not_on_conviction_is_refused(rules):
    found = problems(
        rules, Kind.CRIMINAL_BEHAVIOUR_ORDER, on_conviction=False, subject_age_on_issue=30
    )

    assert found == ["A Criminal Behaviour Order can only be made on conviction"]


def test_cbo_asks_whether_it_was_made_on_conviction(rules):
    found = problems(rules, Kind.CRIMINAL_BEHAVIOUR_ORDER, subject_age_on_issue=30)

    assert found == ["Select yes if the Criminal Behaviour Order was made on conviction"]


@pytest.mark.parametrize(
    ("age", "months", "expected"),
    [
        (16, 6, "A Criminal Behaviour Order for someone under 18 must last at least 1 year and "
         "at most 3 years"),
        (16, 37, "A Criminal Behaviour Order for someone under 18 must last at least 1 year and "
         "at most 3 years"),
        (16, 12, None),
        (16, 36, None),
        (25, 23, "A Criminal Behaviour Order for an adult must last at least 2 years, "
         "or have no end date"),
        (25, 24, None),
        (25, None, None),
    ],
)  # fmt: skip
def test_cbo_length_by_age(rules, age, months, expected):
    found = problems(
        rules,
        Kind.CRIMINAL_BEHAVIOUR_ORDER,
        on_conviction=True,
        subject_age_on_issue=age,
        duration_months=months,
    )

    assert found == ([expected] if expected else [])


@pytest.mark.parametrize(("months", "refused"), [(3, False), (1, False), (4, True), (6, True)])
def test_closure_order_longer_than_3_months_is_refused(rules, months, refused):
    found = problems(rules, Kind.CLOSURE_ORDER, duration_months=months)

    message = "A closure order can last at most 3 months (6 months with an extension)"
    assert found == ([message] if refused else [])


def test_breach_after_the_pspo_ended_is_refused(rules):
    found = problems(
        rules, Kind.PSPO_BREACH, issued_on=date(2025, 3, 3), order_expires_on=date(2025, 3, 2)
    )

    assert found == ["Enter a date on or before 2 March 2025, when the order ended"]


def test_intervention_before_the_act_is_refused(rules):
    found = problems(rules, CPN, issued_on=date(2014, 1, 1), prior_kinds_on_case={CPW})

    assert found == ["The date of issue must be on or after 20 October 2014"]


# Dated configuration


def test_a_later_rule_changes_clocks_only_for_interventions_issued_from_its_date(tmp_path):
    shipped = json.loads(settings_path("ASB_INTERVENTION_RULES").read_text("utf-8"))["rules"]
    later_cpn = {
        "kind": "community-protection-notice",
        "effective_from": "2030-01-01",
        "min_age": 16,
        "requires_prior": ["community-protection-warning"],
        "appeal_days": 28,
        "fixed_penalty_max_gbp": 500,
    }
    later_closure_order = {
        "kind": "closure-order",
        "effective_from": "2030-01-01",
        "periods": {"any": {"default": "3 months", "max": "6 months", "max_extended": "12 months"}},
    }
    rules = load_intervention_rules(
        write_rules(tmp_path, [*shipped, later_cpn, later_closure_order])
    )

    before = compute_clocks(CPN, date(2029, 12, 31), rules)
    after = compute_clocks(CPN, date(2030, 1, 1), rules)

    assert before.appeal_deadline == date(2030, 1, 20)
    assert after.appeal_deadline == date(2030, 1, 28)
    assert rules.rule_for(CPN, date(2029, 12, 31)).fixed_penalty_max_gbp == 100
    assert rules.rule_for(CPN, date(2030, 1, 1)).fixed_penalty_max_gbp == 500
    assert compute_clocks(Kind.CLOSURE_ORDER, date(2029, 12, 31), rules).max_expiry == date(
        2030, 6, 30
    )
    assert compute_clocks(Kind.CLOSURE_ORDER, date(2030, 1, 1), rules).max_expiry == date(
        2031, 1, 1
    )
    assert problems(rules, Kind.CLOSURE_ORDER, issued_on=date(2029, 12, 31), duration_months=5)
    assert not problems(rules, Kind.CLOSURE_ORDER, issued_on=date(2030, 1, 1), duration_months=5)


def test_a_rule_with_an_end_date_stops_applying_after_it(tmp_path):
    rules = load_intervention_rules(
        write_rules(
            tmp_path,
            [{"kind": "dispersal-direction", "effective_from": "2014-10-20",
              "effective_to": "2029-12-31"}],
        )
    )  # fmt: skip

    assert rules.rule_for(Kind.DISPERSAL_DIRECTION, date(2029, 12, 31))
    with pytest.raises(NoRuleInForce):
        rules.rule_for(Kind.DISPERSAL_DIRECTION, date(2030, 1, 1))


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"kind": "community-protection-notice", "effective_from": "2014-10-20",
          "apeal_days": 21}, "unknown fields: apeal_days"),
        ({"kind": "respect-order", "effective_from": "2026-01-01"}, "respect-order"),
        ({"kind": "closure-order"}, "needs effective_from"),
        ({"kind": "closure-order", "effective_from": "2014-10-20",
          "periods": {"any": {"max": "three months"}}}, "'three months' is not a period"),
        ({"kind": "closure-order", "effective_from": "2014-10-20",
          "periods": {"teenager": {}}}, "teenager"),
        ({"kind": "closure-order", "effective_from": "2014-10-20", "appeal_days": "21"},
         "appeal_days must be a whole number"),
        ({"kind": "closure-order", "effective_from": "2020-01-01",
          "effective_to": "2019-01-01"}, "ends before it starts"),
    ],
)  # fmt: skip
def test_mistakes_in_the_rules_file_are_reported(tmp_path, rule, message):
    with pytest.raises(InterventionConfigError, match=message):
        load_intervention_rules(write_rules(tmp_path, [rule]))


def test_two_rules_for_a_kind_starting_the_same_day_are_refused(tmp_path):
    rule = {"kind": "closure-order", "effective_from": "2014-10-20"}

    with pytest.raises(InterventionConfigError, match="Two rules"):
        load_intervention_rules(write_rules(tmp_path, [rule, rule]))


# Deadlines coming up


def test_upcoming_deadlines_are_soonest_first_within_the_window(rules):
    today = date(2025, 3, 10)
    clocks_by_id = {
        1: compute_clocks(CPN, date(2025, 3, 3), rules),  # appeal 23 March
        2: compute_clocks(
            Kind.CLOSURE_NOTICE,
            datetime(2025, 3, 10, 9, 0, tzinfo=UTC),
            rules,
            served_at=datetime(2025, 3, 10, 10, 0, tzinfo=UTC),
        ),
        3: compute_clocks(Kind.ACCEPTABLE_BEHAVIOUR_CONTRACT, date(2024, 12, 25), rules),
        4: compute_clocks(CPN, date(2025, 2, 1), rules),  # appeal 21 February: passed
    }

    deadlines = upcoming_deadlines(clocks_by_id, today, within_days=14)

    assert deadlines == [
        Deadline(2, "Closure notice: ends", datetime(2025, 3, 11, 10, 0, tzinfo=UTC)),
        Deadline(2, "Closure notice: court hearing by", datetime(2025, 3, 12, 10, 0, tzinfo=UTC)),
        Deadline(
            2, "Closure notice: latest possible end", datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
        ),
        Deadline(1, "Community Protection Notice: appeal deadline", date(2025, 3, 23)),
    ]
    assert [d.intervention_id for d in upcoming_deadlines(clocks_by_id, today, 15)][-1] == 3


def test_a_deadline_today_is_still_coming_up(rules):
    clocks = {7: compute_clocks(CPN, date(2025, 3, 3), rules)}

    assert upcoming_deadlines(clocks, date(2025, 3, 23), within_days=0) == [
        Deadline(7, "Community Protection Notice: appeal deadline", date(2025, 3, 23))
    ]
