"""Importing police.uk street-level files as incidents of source police.uk, in bulk.

A file streams through in batches (asb.policeuk.reader): each batch's points are placed all
at once (inside the area? which ward, grid position and hotspot cell?), the rows already
imported are left out by their key, the rest take references in one counter update per year
and are written in one statement (executemany on SQLite; COPY into a scratch table and one
INSERT ... ON CONFLICT DO NOTHING on PostgreSQL). Nothing is committed here: the caller
commits, a file at a time from the command line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from queue import Full, Queue
from threading import Event, Thread

from sqlalchemy import insert, literal, select

from asb.audit.services import record_event
from asb.auth.models import Agency, User
from asb.database import utcnow
from asb.extensions import db
from asb.geo.services import geography
from asb.incidents.models import Incident, IncidentChange
from asb.policeuk.models import PoliceUkImport
from asb.policeuk.placing import Placement, Placer
from asb.policeuk.reader import BadRow, Batch, read_street_file
from asb.policeuk.writing import incident_writer

STREET_FILE_PATTERN = "*-street.csv"
POLICE_AGENCY_CODE = "city-police"


def street_files(paths: list[Path]) -> Iterator[Path]:
    """The files named, and the street-level files in the folders named (recursively)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob(STREET_FILE_PATTERN))
        else:
            yield path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def previous_import(run: PoliceUkImport) -> PoliceUkImport | None:
    """The last import before this run of a file with the same contents, if any."""
    return db.session.scalar(
        select(PoliceUkImport)
        .where(
            PoliceUkImport.file_sha256 == run.file_sha256,
            PoliceUkImport.id < run.id,
            PoliceUkImport.finished_at.is_not(None),
        )
        .order_by(PoliceUkImport.id.desc())
        .limit(1)
    )


def import_street_file(
    path: Path,
    *,
    police: Agency,
    actor: User | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_bad_row: Callable[[BadRow], None] | None = None,
) -> PoliceUkImport:
    """Import one file's anti-social behaviour rows inside the area; flush-only.

    `on_progress` is told the bytes read so far after each batch, `on_bad_row` each row that
    cannot be imported, with its line number and why. Raises reader.NotAStreetFile, before
    anything is written, for a file that is not a street-level CSV.
    """
    run = PoliceUkImport(file_name=str(path), file_sha256=file_sha256(path), imported_by=actor)
    batches = read_street_file(path)
    first = next(batches)  # refuses a file that is not a street-level CSV before the run
    db.session.add(run)
    db.session.flush()
    writer = incident_writer(db.session.connection(), run, police)
    with ReadAhead(_chain(first, batches), Placer(geography())) as placed:
        for batch, place in placed:
            for bad_row in batch.bad_rows:
                if on_bad_row is not None:
                    on_bad_row(bad_row)
            run.rows_read += batch.rows_read
            run.asb_rows += batch.asb_rows
            run.without_location += batch.without_location
            run.bad_rows += len(batch.bad_rows)
            run.outside_area += len(batch.keys) - len(place.inside)
            written = writer.write(batch, place)
            run.imported += written
            run.already_present += len(place.inside) - written
            if on_progress is not None:
                on_progress(batch.position)
    _record_history(run)
    run.finished_at = utcnow()
    record_event(
        "police-uk.imported",
        actor=actor,
        obj=run,
        file_sha256=run.file_sha256,
        rows_read=run.rows_read,
        asb_rows=run.asb_rows,
        imported=run.imported,
        already_present=run.already_present,
        outside_area=run.outside_area,
        without_location=run.without_location,
        bad_rows=run.bad_rows,
    )
    db.session.flush()
    return run


def _chain(first: Batch, rest: Iterator[Batch]) -> Iterator[Batch]:
    yield first
    yield from rest


_END = object()


class ReadAhead:
    """Reads and places batches in a thread of its own, at most AHEAD batches ahead of the
    writer, so that the two share the machine's cores: the database (SQLite's C code, or
    PostgreSQL's own process) works on one batch while Python reads the next."""

    AHEAD = 2

    def __init__(self, batches: Iterator[Batch], placer: Placer) -> None:
        self.batches = batches
        self.placer = placer
        self.queue: Queue = Queue(maxsize=self.AHEAD)
        self.stop = Event()
        self.thread = Thread(target=self._read, name="police-uk-reader", daemon=True)

    def __enter__(self) -> Iterator[tuple[Batch, Placement]]:
        self.thread.start()
        return self._placed()

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        self.thread.join()

    def _placed(self) -> Iterator[tuple[Batch, Placement]]:
        while (item := self.queue.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item

    def _read(self) -> None:
        try:
            for batch in self.batches:
                if not self._put((batch, self.placer.place(batch.longitudes, batch.latitudes))):
                    return
            self._put(_END)
        except BaseException as error:  # handed to the writer's thread, which raises it
            self._put(error)

    def _put(self, item: object) -> bool:
        """Wait for room, unless the writer has stopped; whether the item went in."""
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
            except Full:
                continue
            return True
        return False


def _record_history(run: PoliceUkImport) -> None:
    """Each incident's history starts with 'recorded', as record_incident() writes it."""
    db.session.execute(
        insert(IncidentChange).from_select(
            ["incident_id", "changed_at", "action", "changes"],
            select(
                Incident.id,
                literal(utcnow(), IncidentChange.changed_at.type),
                literal("recorded"),
                literal({}, IncidentChange.changes.type),
            ).where(Incident.police_uk_import_id == run.id),
        )
    )
