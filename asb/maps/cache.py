"""Hotspot results kept in memory, keyed by the filters and what the user may see.

A result is reused only while the incidents are unchanged. The data version is read on
every request and costs two index lookups:

- the highest incident id, which any new incident raises, and the highest incident change
  id, which every save through asb's services raises (recording, editing and status
  changes each write an IncidentChange row), so changes made by other processes count;
- a counter this process raises whenever a flush writes an Incident, so changes made here
  without a change row (imports, tests) count too.

Incidents are never deleted, so nothing else can change a result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from asb.extensions import db
from asb.incidents.models import Incident, IncidentChange
from asb.policy import visible_incidents

T = TypeVar("T")
MAX_ENTRIES = 64

_writes = 0
_writes_lock = threading.Lock()


@event.listens_for(Session, "after_flush")
def _count_incident_writes(session: Session, flush_context) -> None:
    global _writes
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(instance, Incident) for instance in changed):
        with _writes_lock:
            _writes += 1


def data_version() -> tuple[int, int, int]:
    latest_incident = db.session.scalar(select(func.max(Incident.id))) or 0
    latest_change = db.session.scalar(select(func.max(IncidentChange.id))) or 0
    return latest_incident, latest_change, _writes


def visibility_scope(user) -> str:
    """The user's visibility rule as SQL text: users who may see the same incidents share it."""
    clause = visible_incidents(user)
    return str(clause.compile(compile_kwargs={"literal_binds": True}))


class ResultCache:
    """A small least-recently-used store of (version, value) by key, safe across threads."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, tuple[Hashable, object]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == version:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[1]  # type: ignore[return-value]
            self.misses += 1
        # Computed outside the lock: two requests may both compute, neither waits on the other.
        value = compute()
        with self._lock:
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


results = ResultCache()


def cached(kind: str, user, filters: Hashable, compute: Callable[[], T]) -> T:
    """``compute``'s result for these filters and this user's visibility, while it is valid."""
    config = current_app.config
    key = (
        kind,
        config["SQLALCHEMY_DATABASE_URI"],
        config["ASB_AREA_BOUNDARY"],
        config["ASB_WARD_BOUNDARIES"],
        config.get("ASB_WARD_POPULATION"),
        filters,
        visibility_scope(user),
    )
    return results.get_or_compute(key, data_version(), compute)
