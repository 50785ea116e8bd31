"""`flask --app wsgi asb retention` as an operator runs it: in its own process."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

from tests.conftest import scratch_database_url

ROOT = Path(__file__).resolve().parents[2]
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]


def _flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "ASB_CONFIG": "development",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def test_the_command_lists_and_applies_in_its_own_process(tmp_path):
    url = scratch_database_url("retention", tmp_path)
    assert _flask(url, "db", "upgrade").returncode == 0

    dry_run = _flask(url, "asb", "retention", "--dry-run")
    applied = _flask(url, "asb", "retention", "--apply")
    neither = _flask(url, "asb", "retention")

    assert dry_run.returncode == 0, dry_run.stderr
    assert dry_run.stdout.splitlines() == [
        "Cases due: 0",
        "Incidents due: 0",
        "People due: 0",
        "Dry run: nothing was changed.",
    ]
    assert applied.returncode == 0, applied.stderr
    assert "Anonymised 0 cases, 0 incidents and 0 people." in applied.stdout
    assert neither.returncode != 0
    assert "Choose --dry-run to list what is due or --apply to anonymise it." in neither.stderr
