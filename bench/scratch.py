"""Databases the bench tools make for themselves: marked when made, touched only when marked.

A tool creates its PostgreSQL database, writes its own mark as the database's comment
(COMMENT ON DATABASE), and from then on drops or empties it only while the mark is there. A
database that exists without the mark was made by someone else: the tool refuses it.
"""

from __future__ import annotations

import re

import psycopg
from psycopg import sql


class BenchError(Exception):
    """A reason a bench tool cannot go on, said in one line."""


class Unreachable(BenchError):
    """The PostgreSQL server did not answer."""


class ScratchDatabase:
    """A database a bench tool creates, marks, and alone may drop."""

    def __init__(self, server: str, name: str, mark: str, option: str = "--database"):
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise BenchError(f"{name!r} is not a plain PostgreSQL database name")
        self.server, self.name, self.mark, self.option = server.rstrip("/"), name, mark, option
        self.url = f"{self.server}/{name}"

    def _admin(self) -> psycopg.Connection:
        try:
            return psycopg.connect(f"{self.server}/postgres", autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as error:
            reason = str(error).strip().splitlines()[-1]
            raise Unreachable(f"cannot reach PostgreSQL at {self.server}: {reason}") from None

    def _found_mark(self, admin: psycopg.Connection) -> str | None:
        """The database's comment, '' for none, or None when it does not exist."""
        row = admin.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
            "WHERE datname = %s",
            (self.name,),
        ).fetchone()
        return None if row is None else row[0]

    def _refuse_unless_ours(self, found: str | None) -> None:
        if found is not None and found != self.mark:
            raise BenchError(
                f"the database {self.name} already exists and this tool did not make it, so "
                f"it will not touch it: choose another name with {self.option}"
            )

    def _create(self, admin: psycopg.Connection) -> None:
        name = sql.Identifier(self.name)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
        admin.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(name, sql.Literal(self.mark)))

    def ensure(self) -> bool:
        """Make it if missing and say whether it was made; refuse one that is not ours."""
        with self._admin() as admin:
            found = self._found_mark(admin)
            self._refuse_unless_ours(found)
            if found is None:
                self._create(admin)
            return found is None

    def create(self) -> None:
        """Create it afresh; a marked leftover (of an interrupted or older run) is dropped."""
        with self._admin() as admin:
            found = self._found_mark(admin)
            self._refuse_unless_ours(found)
            if found is not None:
                admin.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(self.name))
                )
            self._create(admin)

    def drop(self) -> None:
        with self._admin() as admin:
            found = self._found_mark(admin)
            if found is None:
                return
            if found != self.mark:
                raise BenchError(f"the database {self.name} has lost its mark: not dropping it")
            admin.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(self.name))
            )

    def server_version(self) -> str:
        with self._admin() as admin:
            return admin.execute("SHOW server_version").fetchone()[0]
