"""Checks on a document uploaded to a case, decided by its content, never by the client.

Only a few types are allowed, each recognised by its first bytes (and a Word document by the
parts inside it). The name the client sent is used only to check it agrees with the content
and to offer a tidy download name; the content type is always the one detected here.
Serve a stored document with this content type, `X-Content-Type-Options: nosniff`, and as an
attachment unless `serve_inline` says it is an image or a PDF.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from enum import Enum

NOT_ALLOWED_CONTENT_TYPE = "application/octet-stream"
FALLBACK_STEM = "document"
MAX_STEM_LENGTH = 100
MAX_DOCX_PARTS = 10_000
MAX_CONTENT_TYPES_BYTES = 1_000_000


@dataclass(frozen=True)
class FileTypeInfo:
    name: str  # as users know it, in messages: "The selected file is not a real PNG"
    content_type: str
    extensions: tuple[str, ...]  # the first is the one a download name gets
    inline: bool


class FileType(Enum):
    PDF = FileTypeInfo("PDF", "application/pdf", ("pdf",), inline=True)
    JPEG = FileTypeInfo("JPG", "image/jpeg", ("jpg", "jpeg", "jpe"), inline=True)
    PNG = FileTypeInfo("PNG", "image/png", ("png",), inline=True)
    DOCX = FileTypeInfo(
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
        inline=False,
    )
    TEXT = FileTypeInfo("text file", "text/plain; charset=utf-8", ("txt",), inline=False)

    @property
    def info(self) -> FileTypeInfo:
        return self.value

    @classmethod
    def for_extension(cls, extension: str) -> FileType | None:
        return next((kind for kind in cls if extension in kind.info.extensions), None)


ALLOWED_TYPES_IN_WORDS = "a PDF, JPG, PNG, Word document or text file"


@dataclass(frozen=True)
class UploadCheck:
    ok: bool
    error: str | None
    content_type: str
    safe_filename: str
    serve_inline: bool
    sha256: str
    file_type: FileType | None = None


class Danger(Enum):
    PROGRAM = "a program"
    MARKUP = "a web page, SVG image or XML file"


class DangerousContent(Exception):
    def __init__(self, danger: Danger) -> None:
        super().__init__(danger.value)
        self.danger = danger


def check_upload(filename: str, data: bytes, *, max_bytes: int) -> UploadCheck:
    """Decide whether a document may be stored, and how it may later be served."""
    digest = hashlib.sha256(data).hexdigest()
    clean_name = sanitise_filename(filename)
    extension = extension_of(clean_name)
    claimed = FileType.for_extension(extension)

    def refuse(error: str) -> UploadCheck:
        return UploadCheck(
            ok=False,
            error=error,
            content_type=NOT_ALLOWED_CONTENT_TYPE,
            safe_filename=clean_name or FALLBACK_STEM,
            serve_inline=False,
            sha256=digest,
        )

    if not data:
        return refuse("The selected file is empty" if filename.strip() else "Select a file")
    if len(data) > max_bytes:
        return refuse(f"The selected file must be smaller than {size_in_words(max_bytes)}")

    not_real = f"The selected file is not a real {claimed.info.name}" if claimed else None
    must_be_allowed = f"The selected file must be {ALLOWED_TYPES_IN_WORDS}"
    try:
        detected = detect_file_type(data)
    except DangerousContent as found:
        cannot = f"{found.danger.value}, which cannot be uploaded"
        return refuse(
            f"{not_real}: it is {cannot}" if not_real else f"The selected file is {cannot}"
        )
    if detected is None:
        if claimed is FileType.TEXT and b"\x00" not in data:
            return refuse("The selected text file must be saved as UTF-8")
        return refuse(not_real or must_be_allowed)
    if claimed is not detected and (extension or detected is FileType.TEXT):
        if claimed is None:
            return refuse(must_be_allowed)
        return refuse(
            f"{not_real}: it is a {detected.info.name}. "
            f"Rename it to end in .{detected.info.extensions[0]} and try again"
        )
    if problem := _content_problem(detected, data):
        return refuse(problem)

    return UploadCheck(
        ok=True,
        error=None,
        content_type=detected.info.content_type,
        safe_filename=with_extension(clean_name, detected.info.extensions[0]),
        serve_inline=detected.info.inline,
        sha256=digest,
        file_type=detected,
    )


# Recognising content ---------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows and DOS programs
    b"\x7fELF",  # Linux programs
    b"\xfe\xed\xfa\xce",  # Mach-O, macOS programs, 32 and 64 bit, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, and Java classes
    b"#!",  # scripts
    b"\x00asm",  # WebAssembly
)
MARKUP_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")
MARKUP_TAGS = re.compile(
    rb"<\s*(?:!doctype|\?xml|html|head|body|script|svg|iframe|object|embed|meta|link)\b", re.I
)


def detect_file_type(data: bytes) -> FileType | None:
    """The allowed type this content is, or None; raise DangerousContent for what can run."""
    if data.startswith(EXECUTABLE_SIGNATURES):
        raise DangerousContent(Danger.PROGRAM)
    if data.startswith(b"%PDF-"):
        return FileType.PDF
    if data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR":
        return FileType.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if data.startswith(b"PK\x03\x04"):
        return FileType.DOCX if _word_parts(data) else None
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if MARKUP_START.match(data) or MARKUP_TAGS.search(data):
        raise DangerousContent(Danger.MARKUP)
    return FileType.TEXT


WORD_REQUIRED_PARTS = {"[Content_Types].xml", "word/document.xml"}
WORD_MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)activeX/", re.I)


@dataclass(frozen=True)
class WordParts:
    names: list[str]
    content_types: bytes


def _word_parts(data: bytes) -> WordParts | None:
    """The part names and declared content types of a Word document; None if it is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if len(names) > MAX_DOCX_PARTS or not WORD_REQUIRED_PARTS.issubset(names):
                return None
            types = archive.getinfo("[Content_Types].xml")
            if types.file_size > MAX_CONTENT_TYPES_BYTES:
                return None  # no real document needs this much; don't inflate it to find out
            return WordParts(names, archive.read(types))
    except Exception:  # a hostile archive fails in many ways; each means "not a Word document"
        return None


def _content_problem(detected: FileType, data: bytes) -> str | None:
    """Active content inside an otherwise allowed type."""
    if detected is FileType.DOCX and _has_macros(data):
        return "The selected Word document contains macros, which cannot be uploaded"
    if detected is FileType.PDF and (b"/JavaScript" in data or b"/Launch" in data):
        # Best effort: names hidden in compressed object streams are not seen.
        return "The selected PDF contains scripts or actions, which cannot be uploaded"
    return None


def _has_macros(data: bytes) -> bool:
    parts = _word_parts(data)
    return parts is None or (
        any(WORD_MACRO_PARTS.search(name) for name in parts.names)
        or b"macroEnabled" in parts.content_types
    )


# Names and sizes -------------------------------------------------------------------------------

UNSAFE_IN_NAMES = re.compile(r'[<>:"|?*;\\/]+')
SPACES = re.compile(r"\s+")


def sanitise_filename(filename: str) -> str:
    """The last part of a client's file name, with nothing that could mislead or escape."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = unicodedata.normalize("NFC", name)
    # Control and format characters, including right-to-left overrides that disguise ".exe"
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = UNSAFE_IN_NAMES.sub("_", name)
    name = SPACES.sub(" ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return name[:MAX_STEM_LENGTH]
    return f"{stem[:MAX_STEM_LENGTH].rstrip(' .')}.{extension[:10]}"


def extension_of(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    return extension.lower() if dot and stem else ""


def with_extension(filename: str, extension: str) -> str:
    stem = filename.rpartition(".")[0] if extension_of(filename) else filename
    return f"{stem or FALLBACK_STEM}.{extension}"


def size_in_words(size: int) -> str:
    """A size as the GOV.UK file upload pattern writes it: 10MB, 500KB."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            amount = size / scale
            return f"{amount:.0f}{unit}" if amount == int(amount) else f"{amount:.1f}{unit}"
    return f"{size} bytes"
