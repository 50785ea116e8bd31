"""`make test-fast` runs every test but those that drive Chromium, and `make test` all of them."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from config import BASE_DIR

# Loaded into the pytest that `make test-fast` runs: it writes down every test collected,
# whether it drives Chromium (the `browser` fixture, or Playwright started in its module),
# and which tests -m then kept.
_RECORDER = """
import json, os
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    collected = {
        item.nodeid: "browser" in item.fixturenames
        or "sync_playwright" in item.path.read_text(encoding="utf-8")
        for item in items
    }
    result = yield
    with open(os.environ["ASB_COLLECTION_RECORD"], "w") as record:
        json.dump({"collected": collected, "kept": [item.nodeid for item in items]}, record)
    return result
"""


def make_dry_run(target: str) -> list[str]:
    """The pytest command line `make <target>` runs (its last recipe line)."""
    # As a user types it, even when this suite itself runs under make (as `make test` does):
    # no variables or flags inherited from an outer make.
    outer_make = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PYTEST_ARGS"}
    env = {name: value for name, value in os.environ.items() if name not in outer_make}
    result = subprocess.run(
        ["make", "--no-print-directory", "--dry-run", target],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    command = shlex.split(result.stdout.strip().splitlines()[-1])
    assert Path(command[0]).name == "pytest", command
    return command[1:]


def collect(pytest_args: list[str], tmp_path: Path) -> dict:
    (tmp_path / "collection_recorder.py").write_text(_RECORDER, encoding="utf-8")
    record = tmp_path / "collection.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(BASE_DIR)]),
        "ASB_COLLECTION_RECORD": str(record),
    }
    subprocess.run(
        [
            *(sys.executable, "-m", "pytest", *pytest_args, "--collect-only", "-q"),
            *("-p", "collection_recorder", "-p", "no:cacheprovider"),
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        timeout=600,
    )
    return json.loads(record.read_text(encoding="utf-8"))


def test_make_test_fast_runs_every_test_but_those_that_drive_chromium(tmp_path):
    found = collect(make_dry_run("test-fast"), tmp_path)
    chromium = {test for test, drives in found["collected"].items() if drives}
    assert len(chromium) > 20, "the browser tests were not collected"
    assert set(found["kept"]) == set(found["collected"]) - chromium


def test_make_test_runs_every_test(tmp_path):
    found = collect(make_dry_run("test"), tmp_path)
    assert set(found["kept"]) == set(found["collected"])
