"""ASB_EMERGENCY_ACCESS_HOURS is checked when asb starts, like the other number settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.test_production import ROOT, flask, one_line_failure, production_env


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("a day", "ASB_EMERGENCY_ACCESS_HOURS must be a whole number, not 'a day'"),
        ("0", "ASB_EMERGENCY_ACCESS_HOURS must be more than 0, not '0'"),
        ("-24", "ASB_EMERGENCY_ACCESS_HOURS must be more than 0, not '-24'"),
    ],
)
def test_asb_refuses_to_start_with_emergency_access_hours_that_make_no_sense(tmp_path, value, says):
    env = production_env(f"sqlite:///{tmp_path / 'asb.sqlite3'}", ASB_EMERGENCY_ACCESS_HOURS=value)
    assert says in one_line_failure(flask(env, "db", "upgrade"))


@pytest.mark.parametrize(("value", "hours"), [(None, "24"), ("6", "6")])
def test_the_hours_are_read_from_the_environment(value, hours):
    env = {name: text for name, text in os.environ.items() if name != "ASB_EMERGENCY_ACCESS_HOURS"}
    if value is not None:
        env["ASB_EMERGENCY_ACCESS_HOURS"] = value
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from config import Config; print(Config.ASB_EMERGENCY_ACCESS_HOURS)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == hours, result.stderr
