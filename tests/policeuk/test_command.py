"""`flask --app wsgi asb import-policeuk` as an operator runs it: in its own process."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

from tests.conftest import scratch_database_url
from tests.policeuk.helpers import SCARBOROUGH, asb_row, write_street_file

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
        [*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_command_imports_folders_once_and_says_what_it_left_out(tmp_path):
    url = scratch_database_url("policeuk", tmp_path)
    assert _flask(url, "db", "upgrade").returncode == 0
    folder = tmp_path / "police-uk"
    folder.mkdir()
    write_street_file(
        folder / "2024-03-city-of-london-street.csv",
        [
            asb_row(),
            asb_row(),
            asb_row(point=SCARBOROUGH),
            asb_row("2024-13"),
            asb_row("", ("", "")),
        ],
    )
    (folder / "2024-03-city-of-london-outcomes.csv").write_text("not read\n", encoding="utf-8")

    first = _flask(url, "asb", "import-policeuk", str(folder))
    again = _flask(url, "asb", "import-policeuk", str(folder))
    not_street = _flask(
        url, "asb", "import-policeuk", str(folder / "2024-03-city-of-london-outcomes.csv")
    )

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-6:] == [
        "Read 5 rows in 1 file: 5 anti-social behaviour.",
        "  2 imported",
        "  0 already present, not imported again",
        "  1 outside the City of London, not imported",
        "  0 without a location, not imported",
        "  2 bad rows, not imported",
    ]
    assert "2024-03-city-of-london-street.csv, line 5: not imported: Month '2024-13' is not" in (
        first.stderr
    )
    assert "line 6: not imported: Month '' is not a year and month" in first.stderr
    assert again.returncode == 0, again.stderr
    assert "  0 imported" in again.stdout
    assert "  2 already present, not imported again" in again.stdout
    assert "the same file was imported before" in again.stdout
    assert not_street.returncode != 0
    assert "not a police.uk street-level file" in not_street.stderr
