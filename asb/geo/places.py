"""When two place descriptions name the same place: one rule, in SQL and in Python.

"St Paul's Churchyard", " St. Pauls  churchyard" and "ST PAUL\u2019S CHURCHYARD" (a curly
apostrophe) share one key: the text with ASCII letters in lower case and spaces,
punctuation and quotes dropped. The wording is kept: "On or near Bishopsgate" (police.uk's
street-level spelling) is not "Bishopsgate". Only ASCII letters are folded, because
SQLite's lower() folds no others and the key must be the same on every database and in
Python.

Each dropped character costs SQLite one replace() per row (PostgreSQL drops them all in
one translate()), so the list holds only what people type between words.
"""

from __future__ import annotations

import string

from sqlalchemy import ColumnElement, String, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

IGNORED_IN_PLACES = " ,.-/;:'\u2018\u2019\"\u201c\u201d"

_FOLD_AND_DROP = str.maketrans(string.ascii_uppercase, string.ascii_lowercase, IGNORED_IN_PLACES)


def place_key(text: str) -> str:
    return text.translate(_FOLD_AND_DROP)


def place_key_sql(text: ColumnElement[str]) -> ColumnElement[str]:
    """place_key of a text column, computed by the database."""
    return _PlaceKey(text)


class _PlaceKey(FunctionElement[str]):
    type = String()
    inherit_cache = True


def _sql_string(text: str) -> ColumnElement[str]:
    """A string constant written into the SQL rather than bound: PostgreSQL then sees the
    same expression in SELECT and GROUP BY, where bound ones would be $1 and $4."""
    return literal_column("'" + text.replace("'", "''") + "'", String)


@compiles(_PlaceKey)
def _replace_each(element: _PlaceKey, compiler, **kw) -> str:
    key: ColumnElement[str] = func.lower(*element.clauses)
    for character in IGNORED_IN_PLACES:
        key = func.replace(key, _sql_string(character), _sql_string(""))
    return compiler.process(key, **kw)


@compiles(_PlaceKey, "postgresql")
def _translate(element: _PlaceKey, compiler, **kw) -> str:
    # translate() drops the characters of its second argument that have no counterpart in
    # the third.
    key = func.translate(
        *element.clauses,
        _sql_string(string.ascii_uppercase + IGNORED_IN_PLACES),
        _sql_string(string.ascii_lowercase),
    )
    return compiler.process(key, **kw)
