"""Where uploaded documents are kept: a private folder, never under static/.

Each file is stored under a random name that says nothing about it; the name the user sees
and the content type live in the database. A file is written only after the upload has been
checked, and removed again if the database does not keep its record, so nothing is ever half
saved: the worst a crash can leave is a file no record points to, never a record without one.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

STORAGE_NAME = re.compile(r"^[0-9a-f]{32}$")


class StorageConfigError(RuntimeError):
    """The documents folder is somewhere the web server would publish it."""


def storage_dir() -> Path:
    configured = current_app.config.get("DOCUMENT_STORAGE_DIR") or os.path.join(
        current_app.instance_path, "documents"
    )
    folder = Path(configured).resolve()
    static = current_app.static_folder
    if static and folder.is_relative_to(Path(static).resolve()):
        raise StorageConfigError(
            f"DOCUMENT_STORAGE_DIR ({folder}) is inside the static folder, where anyone could "
            "download the files: choose a folder outside it"
        )
    return folder


def path_of(storage_name: str) -> Path:
    if not STORAGE_NAME.match(storage_name):
        raise ValueError(f"{storage_name!r} is not a storage name asb made")
    return storage_dir() / storage_name


def _write(data: bytes) -> str:
    """Write the bytes under a new random name, complete or not at all."""
    folder = storage_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    storage_name = secrets.token_hex(16)
    descriptor, partial = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, folder / storage_name)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return storage_name


@contextmanager
def stored_until_rollback(data: bytes) -> Iterator[str]:
    """Store the bytes and yield their storage name; remove the file if the block fails.

    Commit the database inside the block, so a failed commit takes the file with it.
    """
    storage_name = _write(data)
    try:
        yield storage_name
    except BaseException:
        path_of(storage_name).unlink(missing_ok=True)
        raise
