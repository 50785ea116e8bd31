from __future__ import annotations

import copy
import json

import pytest
from flask import Flask

from asb.cases.risk import (
    IncompleteAnswersError,
    RiskConfigError,
    RiskLevel,
    RiskMatrix,
    load_risk_matrix,
)

PHYSICAL_SAFETY = "Do you fear for your physical safety, or the safety of someone you live with?"


@pytest.fixture(scope="module")
def victim() -> RiskMatrix:
    return load_risk_matrix(subject="victim")


def victim_answers(**answers: str) -> dict[str, str]:
    """Answers scoring 0 on the packaged victim matrix, with the changes given."""
    baseline = {
        "targeted": "no",
        "hate": "no",
        "repeat": "once",
        "reported_before": "no",
        "disability": "no",
        "mental_health": "no",
        "age": "no",
        "lives_alone": "no",
        "support": "yes",
        "near_perpetrator": "no",
        "other_factors": "no",
        "health": "no",
        "sleep": "no",
        "daily_life": "no",
        "routine": "no",
        "unsafe_at_home": "no",
        "afraid_to_go_out": "no",
        "physical_safety": "no",
        "self_harm": "no",
    }
    return baseline | answers


def test_risk_levels_have_labels_and_an_order():
    assert RiskLevel.HIGH.label == "High"
    assert [level.rank for level in RiskLevel] == [0, 1, 2]
    assert RiskLevel("medium") is RiskLevel.MEDIUM


def test_no_concerns_score_zero(victim):
    result = victim.score(victim_answers())
    assert (result.score, result.level) == (0, RiskLevel.STANDARD)


def test_worked_example_standard(victim):
    # repeat 2 + reported before 1 + sleep 2 + routine 2 = 7
    result = victim.score(
        victim_answers(repeat="two-or-three", reported_before="yes", sleep="yes", routine="yes")
    )
    assert result.score == 7
    assert result.level is RiskLevel.STANDARD
    assert result.reasons == ["Score 7 is below the medium threshold 14"]


def test_worked_example_medium(victim):
    # targeted 2 + repeat 4 + reported before 1 + lives alone 2 + health 3 + sleep 2 + routine 2
    result = victim.score(
        victim_answers(
            targeted="yes",
            repeat="four-or-more",
            reported_before="yes",
            lives_alone="yes",
            health="yes",
            sleep="yes",
            routine="yes",
        )
    )
    assert result.score == 16
    assert result.level is RiskLevel.MEDIUM
    assert result.reasons == ["Score 16 is at or above the medium threshold 14"]


def test_worked_example_high_by_score(victim):
    # targeted 2 + repeat 4 + reported 1 + disability 3 + mental health 3 + lives alone 2
    # + no support 2 + health 3 + sleep 2 + unsafe at home 3 = 25
    result = victim.score(
        victim_answers(
            targeted="yes",
            repeat="four-or-more",
            reported_before="yes",
            disability="yes",
            mental_health="yes",
            lives_alone="yes",
            support="no",
            health="yes",
            sleep="yes",
            unsafe_at_home="yes",
        )
    )
    assert result.score == 25
    assert result.level is RiskLevel.HIGH
    assert result.reasons == ["Score 25 is at or above the high threshold 23"]


def test_worked_example_high_by_override(victim):
    # physical safety 4 + repeat 2 = 6, standard by score, high by the override
    result = victim.score(victim_answers(physical_safety="yes", repeat="two-or-three"))
    assert result.score == 6
    assert result.level is RiskLevel.HIGH
    assert result.reasons == [
        "Score 6 is below the medium threshold 14",
        f'Answer "Yes" to "{PHYSICAL_SAFETY}" makes the risk high',
    ]


def test_hate_motivation_makes_the_risk_at_least_medium(victim):
    result = victim.score(victim_answers(hate="yes"))
    assert (result.score, result.level) == (4, RiskLevel.MEDIUM)
    assert len(result.reasons) == 2


def test_only_the_overrides_that_decide_the_level_are_given_as_reasons(victim):
    result = victim.score(victim_answers(hate="yes", physical_safety="yes"))
    assert result.level is RiskLevel.HIGH
    assert result.reasons[1:] == [f'Answer "Yes" to "{PHYSICAL_SAFETY}" makes the risk high']


def test_an_override_never_lowers_the_level(victim):
    answers = victim_answers(
        hate="yes",
        repeat="four-or-more",
        health="yes",
        sleep="yes",
        unsafe_at_home="yes",
        afraid_to_go_out="yes",
        routine="yes",
        daily_life="yes",
    )
    result = victim.score(answers)
    assert (result.score, result.level) == (23, RiskLevel.HIGH)
    assert result.reasons == ["Score 23 is at or above the high threshold 23"]


# targeted 2 + repeat 4 + disability 3 + health 3 = 12
TWELVE = dict(targeted="yes", repeat="four-or-more", disability="yes", health="yes")
# TWELVE + age 2 + sleep 2 + routine 2 + lives alone 2 = 20
TWENTY = TWELVE | dict(age="yes", sleep="yes", routine="yes", lives_alone="yes")


@pytest.mark.parametrize(
    ("answers", "score", "level"),
    [
        (TWELVE | dict(reported_before="yes"), 13, "standard"),
        (TWELVE | dict(age="yes"), 14, "medium"),
        (TWENTY | dict(daily_life="yes"), 22, "medium"),
        (TWENTY | dict(mental_health="yes"), 23, "high"),
    ],
)
def test_a_score_exactly_at_a_threshold_reaches_that_level(victim, answers, score, level):
    result = victim.score(victim_answers(**answers))
    assert (result.score, result.level) == (score, RiskLevel(level))


def test_incomplete_answers_are_listed(victim):
    answers = victim_answers(hate="maybe", colour="blue")
    del answers["sleep"]
    answers["routine"] = ""
    with pytest.raises(IncompleteAnswersError) as caught:
        victim.score(answers)
    error = caught.value
    assert error.missing == ["sleep", "routine"]
    assert error.invalid == {"hate": "maybe"}
    assert error.unknown == ["colour"]
    assert "unanswered: sleep, routine" in str(error)


def test_the_perpetrator_matrix_is_scored_separately():
    perpetrator = load_risk_matrix(subject="perpetrator")
    assert perpetrator.subject == "perpetrator"
    lowest = {
        question.id: min(question.answers, key=lambda answer: answer.score).value
        for question in perpetrator.questions
    }
    assert perpetrator.score(lowest).score == 0
    # violence 4 + escalating 3 + previous enforcement 3 = 10, the medium threshold
    answers = lowest | {"violence": "yes", "escalating": "yes", "previous_asb": "enforcement"}
    result = perpetrator.score(answers)
    assert (result.score, result.level) == (10, RiskLevel.MEDIUM)
    assert perpetrator.score(answers | {"weapon": "yes"}).level is RiskLevel.HIGH


def small_matrix() -> dict:
    yes_no = [
        {"value": "yes", "label": "Yes", "score": 2},
        {"value": "no", "label": "No", "score": 0},
    ]
    return {
        "version": "test",
        "subject": "victim",
        "questions": [
            {"id": "health", "group": "Impact", "text": "Affecting health?", "answers": yes_no},
            {"id": "fear", "group": "Fear", "text": "Afraid?", "answers": copy.deepcopy(yes_no)},
        ],
        "thresholds": {"medium": 2, "high": 4},
        "overrides": [{"question": "fear", "answer": "yes", "minimum_level": "high"}],
    }


def write(tmp_path, *matrices: dict):
    path = tmp_path / "risk_matrix.json"
    path.write_text(json.dumps({"matrices": list(matrices)}))
    return path


def test_a_custom_matrix_with_weights_and_thresholds_changes_the_result(tmp_path, victim):
    answers = victim_answers(health="yes", sleep="yes")
    assert victim.score(answers).level is RiskLevel.STANDARD

    custom = small_matrix()
    custom["questions"][0]["weight"] = 3
    custom["thresholds"] = {"medium": 3, "high": 6}
    matrix = load_risk_matrix(write(tmp_path, custom))
    result = matrix.score({"health": "yes", "fear": "no"})
    assert (result.score, result.level) == (6, RiskLevel.HIGH)
    assert matrix.version == "test"


def test_the_path_comes_from_app_config(tmp_path):
    app = Flask(__name__)
    app.config["ASB_RISK_MATRIX"] = str(write(tmp_path, small_matrix()))
    with app.app_context():
        assert load_risk_matrix().version == "test"


def _break(change):
    matrix = small_matrix()
    change(matrix)
    return matrix


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (_break(lambda m: m["questions"][1].update(id="health")), "question ids must be unique"),
        (_break(lambda m: m.update(thresholds={"medium": 4, "high": 2})), "rising from medium"),
        (_break(lambda m: m.update(thresholds={"medium": 3, "high": 3})), "rising from medium"),
        (_break(lambda m: m.update(thresholds={"medium": 0, "high": 3})), "above 0"),
        (_break(lambda m: m.update(thresholds={"high": 3})), 'exactly a "medium" and a "high"'),
        (_break(lambda m: m.update(thresholds={"medium": 2, "high": 9})), "highest possible"),
        (_break(lambda m: m["questions"][0]["answers"][0].pop("score")), "score None"),
        (_break(lambda m: m["questions"][0]["answers"][0].update(score="2")), "score '2'"),
        (_break(lambda m: m["questions"][0]["answers"][0].update(score=-1)), "score -1"),
        (_break(lambda m: m["questions"][0]["answers"][1].update(value="yes")), "more than once"),
        (_break(lambda m: m["questions"][0].update(answers=[])), "at least two answers"),
        (_break(lambda m: m["questions"][0].update(weight=0)), "weight 0"),
        (_break(lambda m: m["questions"][0].pop("text")), 'needs "text"'),
        (_break(lambda m: m.update(questions=[])), "at least one question"),
        (_break(lambda m: m.pop("version")), '"version" must be some text'),
        (_break(lambda m: m["overrides"][0].update(question="nope")), "which is not asked"),
        (_break(lambda m: m["overrides"][0].update(answer="perhaps")), "does not have"),
        (_break(lambda m: m["overrides"][0].update(minimum_level="standard")), "minimum_level"),
    ],
)
def test_a_bad_matrix_is_refused_with_a_clear_message(tmp_path, matrix, message):
    with pytest.raises(RiskConfigError, match="victim matrix") as caught:
        load_risk_matrix(write(tmp_path, matrix))
    assert message in str(caught.value)


def test_two_matrices_for_one_subject_are_refused(tmp_path):
    with pytest.raises(RiskConfigError, match="more than one matrix for 'victim'"):
        load_risk_matrix(write(tmp_path, small_matrix(), small_matrix()))


def test_an_unknown_subject_is_refused(tmp_path):
    with pytest.raises(RiskConfigError, match=r"no matrix for 'witness' \(it has: victim\)"):
        load_risk_matrix(write(tmp_path, small_matrix()), subject="witness")


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "risk_matrix.json"
    path.write_text("{not json")
    with pytest.raises(RiskConfigError, match="not valid JSON"):
        load_risk_matrix(path)
