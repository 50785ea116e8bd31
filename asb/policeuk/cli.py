"""`flask --app wsgi asb import-policeuk`: import files one by one, a progress bar on stderr,
bad rows as they are found and a summary at the end."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import click
from flask import current_app

from asb.auth.models import Agency, User
from asb.auth.services import find_agency, find_user_by_email
from asb.extensions import db
from asb.policeuk.models import PoliceUkImport
from asb.policeuk.reader import BadRow, NotAStreetFile
from asb.policeuk.services import import_street_file, previous_import, street_files

# Bad rows listed one by one in each file; the rest are only counted.
BAD_ROWS_SHOWN = 100


@dataclass
class Totals:
    files: int = 0
    rows_read: int = 0
    asb_rows: int = 0
    imported: int = 0
    already_present: int = 0
    outside_area: int = 0
    without_location: int = 0
    bad_rows: int = 0

    def add(self, run: PoliceUkImport) -> None:
        self.files += 1
        for field in fields(self):
            if field.name != "files":
                setattr(self, field.name, getattr(self, field.name) + getattr(run, field.name))


def import_paths(paths: list[Path], *, agency_code: str, email: str | None) -> Totals:
    """Import every file named or found in the folders named, committing each file on its
    own (a file that fails leaves nothing of itself; importing it again is safe)."""
    police = _agency(agency_code)
    actor = _user(email)
    files = list(street_files(paths))
    if not files:
        raise click.ClickException("No police.uk street-level files (*-street.csv) were found.")
    totals = Totals()
    refused = 0
    for path in files:
        try:
            run = _import_file(path, police, actor)
        except NotAStreetFile as error:
            db.session.rollback()
            click.echo(f"{path}: not imported: {error}.", err=True)
            refused += 1
            continue
        db.session.commit()
        totals.add(run)
    area = current_app.config["ASB_AREA_NAME"]
    click.echo(summary(totals, area))
    if refused:
        raise click.ClickException(
            f"{refused} file{'s were' if refused != 1 else ' was'} not a police.uk "
            "street-level file."
        )
    return totals


def _import_file(path: Path, police: Agency, actor: User | None) -> PoliceUkImport:
    size = path.stat().st_size
    shown = 0

    def show_bad_row(bad_row: BadRow) -> None:
        nonlocal shown
        shown += 1
        if shown <= BAD_ROWS_SHOWN:
            click.echo(f"{path}, line {bad_row.line}: not imported: {bad_row.reason}.", err=True)

    with click.progressbar(
        length=size, label=path.name, file=click.get_text_stream("stderr"), show_pos=False
    ) as bar:
        done = 0

        def show_progress(position: int) -> None:
            nonlocal done
            bar.update(position - done)
            done = position

        run = import_street_file(
            path,
            police=police,
            actor=actor,
            on_progress=show_progress,
            on_bad_row=show_bad_row,
        )
    if shown > BAD_ROWS_SHOWN:
        click.echo(f"{path}: {shown - BAD_ROWS_SHOWN:,} more bad rows not listed.", err=True)
    before = previous_import(run)
    if before is not None:
        click.echo(f"{path}: the same file was imported before ({before.started_at:%d %B %Y}).")
    return run


def summary(totals: Totals, area: str) -> str:
    files = f"{totals.files:,} file{'s' if totals.files != 1 else ''}"
    return "\n".join(
        [
            f"Read {totals.rows_read:,} rows in {files}: {totals.asb_rows:,} anti-social "
            "behaviour.",
            f"  {totals.imported:,} imported",
            f"  {totals.already_present:,} already present, not imported again",
            f"  {totals.outside_area:,} outside {area}, not imported",
            f"  {totals.without_location:,} without a location, not imported",
            f"  {totals.bad_rows:,} bad rows, not imported",
        ]
    )


def _agency(code: str) -> Agency:
    agency = find_agency(code)
    if agency is None:
        raise click.ClickException(f"No agency has the code '{code}'.")
    return agency


def _user(email: str | None) -> User | None:
    if email is None:
        return None
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user has the email address {email}.")
    return user
