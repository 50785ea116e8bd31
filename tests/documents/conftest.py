"""Fixtures for documents: a case, a private storage folder, and small real files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from asb.cases.models import Case


@pytest.fixture
def storage(app: Flask, monkeypatch, tmp_path) -> Path:
    folder = tmp_path / "documents"
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(folder))
    return folder


@pytest.fixture
def open_case(make_case) -> Callable[..., Case]:
    """A committed case, led by Street Enforcement unless another agency is given."""

    def make(lead: str = "street-enforcement", **fields) -> Case:
        return make_case(
            lead, title="Graffiti on the stairwell", summary="Tags sprayed every weekend", **fields
        )

    return make


@pytest.fixture
def case(open_case) -> Case:
    """A Street Enforcement case with Housing as a partner."""
    return open_case(partners=("housing",))


# Minimal real files


def png_bytes() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


FILES = {
    "png": ("graffiti.png", png_bytes),
    "pdf": ("letter.pdf", pdf_bytes),
    "docx": ("statement.docx", docx_bytes),
    "txt": ("notes.txt", lambda: b"Seen at 23:00 on Friday.\n"),
}
