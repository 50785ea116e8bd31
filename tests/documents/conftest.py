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

from asb.auth.models import Role
from asb.cases import services as case_services
from asb.cases.models import Case
from asb.extensions import db
from tests.factories import UserFactory, agency


@pytest.fixture
def storage(app: Flask, monkeypatch, tmp_path) -> Path:
    folder = tmp_path / "documents"
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(folder))
    return folder


@pytest.fixture
def open_case(app: Flask, db_session) -> Callable[..., Case]:
    def make(
        lead: str = "street-enforcement",
        *,
        partners: tuple[str, ...] = (),
        restricted: bool = False,
    ) -> Case:
        actor = UserFactory(role=Role.MANAGER, agency=agency(lead))
        with app.test_request_context():
            case = case_services.open_case(
                title="Graffiti on the stairwell",
                summary="Tags sprayed every weekend",
                lead_agency=agency(lead),
                actor=actor,
                restricted=restricted,
                restriction_reason="Domestic abuse" if restricted else None,
            )
            for code in partners:
                case_services.add_partner(case, agency(code), actor=actor)
        db.session.commit()
        return case

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
