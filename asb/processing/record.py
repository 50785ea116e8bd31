"""The record of processing's own words, from configuration (config/record_of_processing.json,
or the file the ASB_RECORD_OF_PROCESSING setting names)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asb.settings import SettingsError, read_json, settings_loader

LISTS = ("purposes", "lawful_bases", "data_subjects", "data_categories", "security_measures")
CONTACTS = {"controller": ("name", "address"), "data_protection_officer": ("name", "contact")}


class RecordOfProcessingError(SettingsError):
    pass


@dataclass(frozen=True)
class RecordOfProcessing:
    controller: dict[str, str]
    data_protection_officer: dict[str, str]
    purposes: tuple[str, ...]
    lawful_bases: tuple[str, ...]
    data_subjects: tuple[str, ...]
    data_categories: tuple[str, ...]
    security_measures: tuple[str, ...]


def _texts(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, str) and item.strip() for item in value)
    )


def load_record(path: Path) -> RecordOfProcessing:
    data = read_json(path, RecordOfProcessingError)
    if not isinstance(data, dict):
        raise RecordOfProcessingError(f"{path} must be an object")
    problems = []
    for name, required in CONTACTS.items():
        section = data.get(name)
        if not isinstance(section, dict) or not all(
            isinstance(section.get(key), str) and section[key].strip() for key in required
        ):
            problems.append(f"{name} needs {' and '.join(required)}")
        elif not all(isinstance(value, str) for value in section.values()):
            problems.append(f"every entry of {name} must be text")
    for name in LISTS:
        if not _texts(data.get(name)):
            problems.append(f"{name} must be a list of one or more texts")
    if problems:
        raise RecordOfProcessingError(f"{path}: " + "; ".join(problems))
    return RecordOfProcessing(
        controller=dict(data["controller"]),
        data_protection_officer=dict(data["data_protection_officer"]),
        **{name: tuple(data[name]) for name in LISTS},
    )


record_of_processing = settings_loader("ASB_RECORD_OF_PROCESSING", load_record)
