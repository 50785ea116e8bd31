"""Upload checks: allowed types decided by content, and nothing that can run gets in."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib

import pytest

from asb.documents.uploads import FileType, check_upload, sanitise_filename, size_in_words

TEN_MB = 10 * 1024 * 1024
EVERYTHING_ALLOWED = "The selected file must be a PDF, JPG, PNG, Word document or text file"


def check(filename: str, data: bytes, max_bytes: int = TEN_MB):
    return check_upload(filename, data, max_bytes=max_bytes)


# Minimal real files, built here so the tests show exactly what is in them


def png_bytes() -> bytes:
    """A 1x1 white PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """An 8x8 mid-grey baseline JPEG: one block, every coefficient zero."""
    one_code_of_length_1 = bytes([1] + [0] * 15)
    return b"".join(
        [
            b"\xff\xd8",  # start of image
            b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
            b"\xff\xdb\x00\x43\x00" + bytes([1] * 64),  # quantisation table
            b"\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00",  # 8x8, one component
            b"\xff\xc4\x00\x14\x00" + one_code_of_length_1 + b"\x00",  # DC: difference 0
            b"\xff\xc4\x00\x14\x10" + one_code_of_length_1 + b"\x00",  # AC: end of block
            b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00",  # start of scan
            b"\x3f",  # DC code 0, EOB code 0, padded with ones
            b"\xff\xd9",  # end of image
        ]
    )


def pdf_bytes(extra: bytes = b"") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R" + extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx_bytes(*, main: str = DOCX_MAIN, extra_parts: dict[str, bytes] | None = None) -> bytes:
    """A Word document with one paragraph, zipped in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.replace("{main}", main))
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Letter to the resident</w:t></w:r></w:p></w:body>"
            "</w:document>",
        )
        for name, body in (extra_parts or {}).items():
            archive.writestr(name, body)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    return buffer.getvalue()


WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(100)
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01" + bytes(100)


# Allowed types


@pytest.mark.parametrize(
    ("filename", "data", "content_type", "inline", "safe_filename"),
    [
        ("scan.png", png_bytes(), "image/png", True, "scan.png"),
        ("photo.jpg", jpeg_bytes(), "image/jpeg", True, "photo.jpg"),
        ("Photo.JPEG", jpeg_bytes(), "image/jpeg", True, "Photo.jpg"),
        ("warning letter.pdf", pdf_bytes(), "application/pdf", True, "warning letter.pdf"),
        (
            "letter.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            False,
            "letter.docx",
        ),
        ("notes.txt", "Visited 3 March, no answer — card left.\n".encode(),
         "text/plain; charset=utf-8", False, "notes.txt"),
    ],
)  # fmt: skip
def test_allowed_types_are_accepted_by_their_content(
    filename, data, content_type, inline, safe_filename
):
    result = check(filename, data)

    assert result.ok, result.error
    assert result.error is None
    assert result.content_type == content_type
    assert result.serve_inline is inline
    assert result.safe_filename == safe_filename
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_the_client_content_type_plays_no_part_a_name_without_extension_gets_one():
    result = check("scan", pdf_bytes())

    assert result.ok
    assert result.file_type is FileType.PDF
    assert result.safe_filename == "scan.pdf"


def test_only_images_and_pdfs_are_shown_inline():
    inline = {kind for kind in FileType if kind.info.inline}

    assert inline == {FileType.PDF, FileType.JPEG, FileType.PNG}


# Programs and script


def test_renamed_windows_program_is_refused_as_not_a_real_image():
    result = check("photo.jpg", WINDOWS_PROGRAM)

    assert not result.ok
    assert result.error == (
        "The selected file is not a real JPG: it is a program, which cannot be uploaded"
    )
    assert result.content_type == "application/octet-stream"
    assert result.serve_inline is False


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("tool", LINUX_PROGRAM),
        ("setup.exe", WINDOWS_PROGRAM),
        ("app", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(50)),
        ("run.sh", b"#!/bin/sh\nrm -rf /\n"),
    ],
)
def test_programs_are_refused_by_content(filename, data):
    assert check(filename, data).error == "The selected file is a program, which cannot be uploaded"


def test_linux_program_renamed_as_a_pdf_is_refused():
    assert check("report.pdf", LINUX_PROGRAM).error == (
        "The selected file is not a real PDF: it is a program, which cannot be uploaded"
    )


def test_script_renamed_as_text_is_refused():
    assert not check("notes.txt", b"#!/usr/bin/env python3\nprint('hello')\n").ok


MARKUP = "a web page, SVG image or XML file, which cannot be uploaded"


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
         f"The selected file is {MARKUP}"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
         f"The selected file is {MARKUP}"),
        ("data.xml", b'<?xml version="1.0"?><root/>', f"The selected file is {MARKUP}"),
        ("picture.png", b'\xef\xbb\xbf  <svg xmlns="http://www.w3.org/2000/svg"/>',
         f"The selected file is not a real PNG: it is {MARKUP}"),
        ("notes.txt", b"Dear resident,\n<script src=//evil.example></script>",
         f"The selected file is not a real text file: it is {MARKUP}"),
    ],
)  # fmt: skip
def test_web_pages_svg_and_xml_are_refused(filename, data, expected):
    assert check(filename, data).error == expected


# Content that disagrees with the name, or with the allowed list


def test_an_extension_that_disagrees_with_the_content_is_refused():
    assert check("photo.jpg", png_bytes()).error == (
        "The selected file is not a real JPG: it is a PNG. Rename it to end in .png and try again"
    )


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("archive.zip", zip_bytes()),
        ("letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
        ("scan.pdf.exe", pdf_bytes()),
        ("notes.md", b"# Notes\n"),
        ("notes", b"Just some words\n"),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_other_types_are_refused(filename, data):
    assert check(filename, data).error == EVERYTHING_ALLOWED


@pytest.mark.parametrize("data", [zip_bytes(), b"PK\x03\x04 broken archive"], ids=["zip", "broken"])
def test_zip_named_as_a_word_document_is_not_a_real_one(data):
    assert check("letter.docx", data).error == "The selected file is not a real Word document"


def test_text_file_that_is_not_utf8_is_refused():
    assert check("notes.txt", "Café visit".encode("cp1252")).error == (
        "The selected text file must be saved as UTF-8"
    )


def test_binary_named_as_text_is_not_a_real_text_file():
    assert (
        check("notes.txt", b"abc\x00\x01\x02").error == "The selected file is not a real text file"
    )


# Active content inside allowed types


@pytest.mark.parametrize(
    "docx",
    [
        docx_bytes(extra_parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        docx_bytes(main=DOCM_MAIN),
        docx_bytes(extra_parts={"word/activeX/activeX1.xml": b"<ax/>"}),
    ],
    ids=["vba-project", "macro-enabled-content-type", "activex"],
)
def test_word_documents_with_macros_are_refused(docx):
    result = check("letter.docx", docx)

    assert not result.ok
    assert result.error == "The selected Word document contains macros, which cannot be uploaded"


def test_macro_document_renamed_docm_is_refused():
    macro_document = docx_bytes(main=DOCM_MAIN, extra_parts={"word/vbaProject.bin": b"x"})

    assert check("letter.docm", macro_document).error == EVERYTHING_ALLOWED


def test_pdf_with_javascript_is_refused():
    script = b" /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"

    assert check("report.pdf", pdf_bytes(script)).error == (
        "The selected PDF contains scripts or actions, which cannot be uploaded"
    )


# Empty and oversize


def test_empty_file_is_refused():
    assert check("notes.txt", b"").error == "The selected file is empty"


def test_no_file_at_all_asks_for_one():
    assert check("", b"").error == "Select a file"


def test_oversize_file_is_refused():
    too_big = pdf_bytes() + bytes(TEN_MB)

    assert check("big.pdf", too_big).error == "The selected file must be smaller than 10MB"


def test_file_of_exactly_the_limit_is_accepted():
    data = pdf_bytes()

    assert check("exact.pdf", data, max_bytes=len(data)).ok


@pytest.mark.parametrize(
    ("size", "words"),
    [(TEN_MB, "10MB"), (512 * 1024, "512KB"), (1536 * 1024, "1.5MB"), (2 * 1024**3, "2GB"),
     (900, "900 bytes")],
)  # fmt: skip
def test_sizes_read_as_the_govuk_pattern_writes_them(size, words):
    assert size_in_words(size) == words


# File names


@pytest.mark.parametrize(
    ("filename", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\scan.PDF", "scan.pdf"),
        ("C:\\Users\\officer\\Desktop\\visit notes.pdf", "visit notes.pdf"),
        ("..pdf", "pdf.pdf"),
        ("  letter\t\n  draft .pdf", "letter draft.pdf"),
        ('a<b>c:"d|e?f*.pdf', "a_b_c_d_e_f_.pdf"),
        ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
        ("/", "document.pdf"),
    ],
)
def test_names_are_stripped_of_paths_and_awkward_characters(filename, safe):
    result = check(filename, pdf_bytes())

    assert result.ok, result.error
    assert result.safe_filename == safe


def test_control_and_direction_characters_are_removed_from_names():
    disguised = "invoice\u202efdp.exe"  # shows as "invoiceexe.pdf" in a right-to-left-aware UI

    assert sanitise_filename(disguised) == "invoicefdp.exe"
    assert sanitise_filename("bell\x07\x00name.txt") == "bellname.txt"
    assert check(disguised, pdf_bytes()).error == EVERYTHING_ALLOWED
