"""The partnership's settings files: named by a setting, read once, checked, kept.

Each feature parses its own file (the risk matrix, response targets, bank holidays,
intervention rules, Case Review procedure, ward populations) and names it to
`settings_loader`; start-up (asb/startup.py) calls every loader, so a mistake stops the app
with a message naming the file and the field instead of a 500 on the first page that needs
it. The files change by deployment, not at run time, so each is read once per path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app, has_app_context

from config import Config

T = TypeVar("T")


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file and what is wrong."""


def settings_path(setting: str) -> Path:
    """The file `setting` names: in the app's configuration, else config.py's default."""
    configured = current_app.config.get(setting) if has_app_context() else None
    return Path(configured or getattr(Config, setting))


def read_json(path: Path, error: type[SettingsError] = SettingsError) -> Any:
    """The file's JSON; what stops it is raised as `error`, the feature's own kind."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise error(f"cannot read {path} ({problem.strerror or problem})") from problem
    except ValueError as problem:  # not JSON, or not UTF-8
        raise error(f"{path} is not valid JSON: {problem}") from problem


def settings_loader(setting: str, load: Callable[[Path], T]) -> Callable[[], T]:
    """The settings from the file `setting` names, read by `load` once per path."""
    load_once = cache(load)

    def current() -> T:
        return load_once(settings_path(setting))

    return current
