"""Checks on a signed agreement's upload: a PDF, Word or OpenDocument text file, by content.

PDF and Word documents are recognised by the case documents' checks (asb.documents.uploads),
which also refuse scripts and macros; an OpenDocument text file is recognised here by its
first part, which the format requires to be the uncompressed "mimetype" naming it.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from asb.documents.uploads import (
    ALLOWED_TYPES_IN_WORDS as CASE_DOCUMENT_TYPES,
)
from asb.documents.uploads import (
    FileType,
    check_upload,
    extension_of,
    sanitise_filename,
    size_in_words,
    with_extension,
)

ALLOWED_TYPES_IN_WORDS = "a PDF, Word document or OpenDocument text file"
ODT_CONTENT_TYPE = "application/vnd.oasis.opendocument.text"
_ZIP_SIGNATURE = b"PK\x03\x04"
_ODT_MACRO_PARTS = re.compile(r"^(Basic|Scripts)/", re.I)
_MAX_ODT_PARTS = 10_000
_ALLOWED = {FileType.PDF, FileType.DOCX}


@dataclass(frozen=True)
class SignedDocumentCheck:
    error: str | None
    filename: str
    content_type: str
    sha256: str


def _odt_parts(data: bytes) -> list[str] | None:
    """The part names of an OpenDocument text file; None if it is not one."""
    if not data.startswith(_ZIP_SIGNATURE):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if len(names) > _MAX_ODT_PARTS or not names or names[0] != "mimetype":
                return None
            if "content.xml" not in names:
                return None
            if archive.getinfo("mimetype").file_size > 100:
                return None
            if archive.read("mimetype").strip() != ODT_CONTENT_TYPE.encode():
                return None
            return names
    except Exception:  # a hostile archive fails in many ways; each means "not a document"
        return None


def check_document(filename: str, data: bytes, *, max_bytes: int) -> SignedDocumentCheck:
    """Whether a signed agreement may be stored, and under which name and content type."""
    digest = hashlib.sha256(data).hexdigest()
    clean_name = sanitise_filename(filename)

    def refuse(error: str) -> SignedDocumentCheck:
        return SignedDocumentCheck(error, clean_name, "application/octet-stream", digest)

    if not data:
        return refuse("The selected file is empty" if filename.strip() else "Select a file")
    if len(data) > max_bytes:
        return refuse(f"The selected file must be smaller than {size_in_words(max_bytes)}")
    odt_parts = _odt_parts(data)
    if odt_parts is not None:
        if extension_of(clean_name) not in {"", "odt"}:
            return refuse(
                "The selected file is an OpenDocument text file: rename it to end in .odt "
                "and try again"
            )
        if any(_ODT_MACRO_PARTS.match(name) for name in odt_parts):
            return refuse("The selected document contains macros, which cannot be uploaded")
        return SignedDocumentCheck(
            None, with_extension(clean_name, "odt"), ODT_CONTENT_TYPE, digest
        )
    checked = check_upload(filename, data, max_bytes=max_bytes)
    if not checked.ok:
        return refuse((checked.error or "").replace(CASE_DOCUMENT_TYPES, ALLOWED_TYPES_IN_WORDS))
    if checked.file_type not in _ALLOWED:
        return refuse(f"The selected file must be {ALLOWED_TYPES_IN_WORDS}")
    return SignedDocumentCheck(None, checked.safe_filename, checked.content_type, digest)
