"""Risk assessment in the style of the Home Office ASB risk assessment matrix.

Each partnership sets its own questions, scores and thresholds, so they are configuration
(config/risk_matrix.json, one matrix per subject: the victim and the alleged perpetrator).
A total at or above a threshold reaches that level; an override answer (a fear for physical
safety, thoughts of self-harm) lifts the level whatever the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asb.enums import LabelledEnum
from asb.settings import SettingsError, read_json, settings_loader, settings_path


class RiskLevel(LabelledEnum):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"

    @property
    def tag_colour(self) -> str:
        return {"standard": "grey", "medium": "orange", "high": "red"}[self.value]

    @property
    def rank(self) -> int:
        """Order levels by risk; the values themselves sort alphabetically, not by risk."""
        return list(RiskLevel).index(self)


class RiskConfigError(SettingsError):
    pass


class IncompleteAnswersError(ValueError):
    def __init__(self, missing: list[str], invalid: dict[str, str], unknown: list[str]) -> None:
        self.missing = missing
        self.invalid = invalid
        self.unknown = unknown
        problems = []
        if missing:
            problems.append(f"unanswered: {', '.join(missing)}")
        if invalid:
            given = ", ".join(f"{question}={value!r}" for question, value in invalid.items())
            problems.append(f"not one of the question's answers: {given}")
        if unknown:
            problems.append(f"not questions in this assessment: {', '.join(unknown)}")
        super().__init__("The risk assessment is incomplete (" + "; ".join(problems) + ")")


@dataclass(frozen=True)
class Answer:
    value: str
    label: str
    score: int


@dataclass(frozen=True)
class Question:
    id: str
    group: str
    text: str
    answers: tuple[Answer, ...]
    weight: int = 1

    def answer(self, value: str) -> Answer | None:
        return next((answer for answer in self.answers if answer.value == value), None)

    @property
    def highest_score(self) -> int:
        return self.weight * max(answer.score for answer in self.answers)


@dataclass(frozen=True)
class Override:
    question: Question
    answer: Answer
    minimum_level: RiskLevel

    @property
    def reason(self) -> str:
        return (
            f'Answer "{self.answer.label}" to "{self.question.text}" makes the risk '
            f"{self.minimum_level.label.lower()}"
        )


@dataclass(frozen=True)
class RiskResult:
    score: int
    level: RiskLevel
    reasons: list[str]


@dataclass(frozen=True)
class RiskMatrix:
    version: str
    subject: str
    questions: tuple[Question, ...]
    thresholds: Mapping[RiskLevel, int]
    overrides: tuple[Override, ...] = ()

    def question(self, question_id: str) -> Question | None:
        return next((question for question in self.questions if question.id == question_id), None)

    def score(self, answers: Mapping[str, str]) -> RiskResult:
        chosen = self._chosen_answers(answers)
        total = sum(question.weight * chosen[question.id].score for question in self.questions)
        by_score = self._level_for(total)
        fired = [
            override
            for override in self.overrides
            if chosen[override.question.id] == override.answer
            and override.minimum_level.rank > by_score.rank
        ]
        level = max((o.minimum_level for o in fired), key=lambda lvl: lvl.rank, default=by_score)
        reasons = [self._score_reason(total, by_score)]
        reasons += [override.reason for override in fired if override.minimum_level is level]
        return RiskResult(score=total, level=level, reasons=reasons)

    def _chosen_answers(self, answers: Mapping[str, str]) -> dict[str, Answer]:
        chosen: dict[str, Answer] = {}
        invalid: dict[str, str] = {}
        unknown: list[str] = []
        for question_id, value in answers.items():
            question = self.question(question_id)
            if question is None:
                unknown.append(question_id)
            elif (answer := question.answer(value)) is not None:
                chosen[question_id] = answer
            elif value:
                invalid[question_id] = value
        missing = [
            question.id
            for question in self.questions
            if question.id not in chosen and question.id not in invalid
        ]
        if missing or invalid or unknown:
            raise IncompleteAnswersError(missing, invalid, unknown)
        return chosen

    def _level_for(self, total: int) -> RiskLevel:
        if total >= self.thresholds[RiskLevel.HIGH]:
            return RiskLevel.HIGH
        if total >= self.thresholds[RiskLevel.MEDIUM]:
            return RiskLevel.MEDIUM
        return RiskLevel.STANDARD

    def _score_reason(self, total: int, level: RiskLevel) -> str:
        if level is RiskLevel.STANDARD:
            medium = self.thresholds[RiskLevel.MEDIUM]
            return f"Score {total} is below the medium threshold {medium}"
        return (
            f"Score {total} is at or above the {level.label.lower()} threshold "
            f"{self.thresholds[level]}"
        )


def load_risk_matrix(path: Path | None = None, subject: str = "victim") -> RiskMatrix:
    """Read the matrix for `subject`: from `path` or the ASB_RISK_MATRIX setting."""
    path = path or settings_path("ASB_RISK_MATRIX")
    matrices = load_risk_matrices(path)
    if subject not in matrices:
        known = ", ".join(sorted(matrices)) or "none"
        raise RiskConfigError(f"{path} has no matrix for {subject!r} (it has: {known})")
    return matrices[subject]


def load_risk_matrices(path: Path) -> dict[str, RiskMatrix]:
    """Every matrix in the file, by subject; each is checked, so a mistake is found early."""
    data = read_json(path, RiskConfigError)
    if not isinstance(data, dict) or not isinstance(data.get("matrices"), list):
        raise RiskConfigError(f'{path} needs a "matrices" list')
    matrices: dict[str, RiskMatrix] = {}
    for entry in data["matrices"]:
        matrix = _parse_matrix(entry, path)
        if matrix.subject in matrices:
            raise RiskConfigError(f"{path} has more than one matrix for {matrix.subject!r}")
        matrices[matrix.subject] = matrix
    return matrices


risk_matrices = settings_loader("ASB_RISK_MATRIX", load_risk_matrices)


def _parse_matrix(data: Any, path: Path) -> RiskMatrix:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise RiskConfigError(f"{path}: each matrix must be an object")
    subject = data.get("subject")
    where = f"{path} ({subject} matrix)"
    for key in ("version", "subject"):
        if not _is_text(data.get(key)):
            problems.append(f'"{key}" must be some text')

    questions = _parse_questions(data.get("questions"), problems)
    thresholds = _parse_thresholds(data.get("thresholds"), questions, problems)
    overrides = _parse_overrides(data.get("overrides", []), questions, problems)
    if problems:
        raise RiskConfigError(f"{where}: " + "; ".join(problems))
    return RiskMatrix(
        version=data["version"],
        subject=subject,
        questions=questions,
        thresholds=thresholds,
        overrides=overrides,
    )


def _parse_questions(data: Any, problems: list[str]) -> tuple[Question, ...]:
    if not isinstance(data, list) or not data:
        problems.append('"questions" must be a list of at least one question')
        return ()
    questions: list[Question] = []
    for position, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            problems.append(f"question {position} must be an object")
            continue
        question_id = entry.get("id")
        name = f"question {question_id!r}" if _is_text(question_id) else f"question {position}"
        before = len(problems)
        for key in ("id", "group", "text"):
            if not _is_text(entry.get(key)):
                problems.append(f'{name} needs "{key}" text')
        if any(question.id == question_id for question in questions):
            problems.append(f"{name} is used more than once; question ids must be unique")
        weight = entry.get("weight", 1)
        if not _is_whole(weight) or weight < 1:
            problems.append(
                f"{name} has weight {weight!r}; a weight is a whole number of 1 or more"
            )
        answers = _parse_answers(entry.get("answers"), name, problems)
        if len(problems) == before:
            questions.append(Question(question_id, entry["group"], entry["text"], answers, weight))
    return tuple(questions)


def _parse_answers(data: Any, name: str, problems: list[str]) -> tuple[Answer, ...]:
    if not isinstance(data, list) or len(data) < 2:
        problems.append(f"{name} needs a list of at least two answers")
        return ()
    answers: list[Answer] = []
    for entry in data:
        if not isinstance(entry, dict) or not _is_text(entry.get("value")):
            problems.append(f'{name} has an answer without a "value"')
            continue
        value = entry["value"]
        if not _is_text(entry.get("label")):
            problems.append(f'{name} answer {value!r} needs a "label"')
        score = entry.get("score")
        if not _is_whole(score) or score < 0:
            problems.append(
                f"{name} answer {value!r} has score {score!r}; "
                "a score is a whole number of 0 or more"
            )
        if any(answer.value == value for answer in answers):
            problems.append(f"{name} has answer {value!r} more than once")
        answers.append(Answer(value, entry.get("label"), score))
    return tuple(answers)


def _parse_thresholds(
    data: Any, questions: tuple[Question, ...], problems: list[str]
) -> dict[RiskLevel, int]:
    if not isinstance(data, dict) or set(data) != {"medium", "high"}:
        problems.append('"thresholds" must give exactly a "medium" and a "high" score')
        return {}
    medium, high = data["medium"], data["high"]
    if not (_is_whole(medium) and _is_whole(high) and 0 < medium < high):
        problems.append(
            f"thresholds must be whole numbers rising from medium to high, above 0 "
            f"(medium {medium!r}, high {high!r})"
        )
        return {}
    highest = sum(question.highest_score for question in questions)
    if questions and high > highest:
        problems.append(
            f"the high threshold {high} is more than the highest possible score {highest}"
        )
    return {RiskLevel.MEDIUM: medium, RiskLevel.HIGH: high}


def _parse_overrides(
    data: Any, questions: tuple[Question, ...], problems: list[str]
) -> tuple[Override, ...]:
    if not isinstance(data, list):
        problems.append('"overrides" must be a list')
        return ()
    overrides: list[Override] = []
    levels = {RiskLevel.MEDIUM.value, RiskLevel.HIGH.value}
    for entry in data:
        if not isinstance(entry, dict):
            problems.append("each override must be an object")
            continue
        question_id, value = entry.get("question"), entry.get("answer")
        level = entry.get("minimum_level")
        question = next((question for question in questions if question.id == question_id), None)
        answer = question.answer(value) if question else None
        if question is None:
            problems.append(f"an override names question {question_id!r}, which is not asked")
        elif answer is None:
            problems.append(
                f"an override names answer {value!r}, which question {question_id!r} does not have"
            )
        elif level not in levels:
            problems.append(
                f"the override on {question_id!r} has minimum_level {level!r}; "
                'use "medium" or "high"'
            )
        else:
            overrides.append(Override(question, answer, RiskLevel(level)))
    return tuple(overrides)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
