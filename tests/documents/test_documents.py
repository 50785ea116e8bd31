"""Uploading documents to a case and downloading them: checks, storage, headers and access."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.cases.models import TimelineEntry
from asb.cases.vocabulary import TimelineKind
from asb.documents import services
from asb.documents.models import Document
from asb.extensions import db
from tests.documents.conftest import FILES, pdf_bytes, png_bytes

SANDBOX = "default-src 'none'; sandbox"


def upload(client, case, filename: str, data: bytes, **fields):
    return client.post(
        f"/cases/{case.id}/documents/new",
        data={"file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def documents_of(case) -> list[Document]:
    return list(db.session.scalars(select(Document).where(Document.case_id == case.id)))


def stored_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def officer(login_as):
    return login_as(Role.OFFICER, "street-enforcement")


@pytest.fixture
def document(client, officer, case, storage):
    """A PDF on the case, uploaded by the signed-in Street Enforcement officer."""
    assert upload(client, case, "letter.pdf", pdf_bytes()).status_code == 302
    (found,) = documents_of(case)
    return found


def download(client, document):
    return client.get(f"/cases/{document.case_id}/documents/{document.id}")


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        ("graffiti.png", png_bytes(), "image/png"),
        ("letter.pdf", pdf_bytes(), "application/pdf"),
    ],
)
def test_png_and_pdf_are_accepted_and_stored_outside_static(
    app, client, officer, case, storage, filename, data, content_type
):
    response = upload(client, case, filename, data, description="Sprayed on Saturday")
    assert response.status_code == 302
    (document,) = documents_of(case)
    assert document.filename == filename
    assert document.content_type == content_type
    assert document.size_bytes == len(data)
    assert document.serve_inline is True
    assert document.description == "Sprayed on Saturday"
    assert document.uploaded_by_id == officer.id

    (stored,) = stored_files(storage)
    assert stored.name == document.storage_name
    assert filename not in stored.name
    assert stored.read_bytes() == data
    assert not stored.resolve().is_relative_to(Path(app.static_folder).resolve())
    assert stored.stat().st_mode & 0o077 == 0  # readable by the service alone

    assert db.session.scalar(
        select(TimelineEntry).where(
            TimelineEntry.case_id == case.id, TimelineEntry.kind == TimelineKind.DOCUMENT
        )
    ).summary == (f"Document uploaded: {filename}")
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "document.uploaded", AuditEvent.object_id == document.id
        )
    )
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert filename in page
    assert "Sprayed on Saturday" in page


def test_default_storage_is_in_the_instance_folder(app, client, officer, case, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", None)
    with app.test_request_context():
        from asb.documents.storage import storage_dir

        assert storage_dir() == (Path(app.instance_path) / "documents").resolve()


def test_storage_under_static_is_refused(app, monkeypatch):
    from asb.documents.storage import StorageConfigError, storage_dir

    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(Path(app.static_folder) / "up"))
    with app.test_request_context(), pytest.raises(StorageConfigError):
        storage_dir()


def test_renamed_executable_is_refused_and_nothing_is_stored(client, officer, case, storage):
    response = upload(client, case, "photo.jpg", b"MZ\x90\x00" + b"\x00" * 200)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The selected file is not a real JPG: it is a program, which cannot be uploaded" in page
    assert '<a href="#file">' in page
    assert documents_of(case) == []
    assert stored_files(storage) == []


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("", b"", "Select a file"),
        ("empty.txt", b"", "The selected file is empty"),
        ("page.txt", b"<html><script>alert(1)</script></html>", "a web page"),
        ("photo.png", pdf_bytes(), "The selected file is not a real PNG: it is a PDF"),
    ],
)
def test_other_refused_uploads_store_nothing(
    client, officer, case, storage, filename, data, message
):
    response = upload(client, case, filename, data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert documents_of(case) == []
    assert stored_files(storage) == []


def test_oversize_file_is_refused(app, client, officer, case, storage, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 1024)
    page = client.get(f"/cases/{case.id}/documents/new").get_data(as_text=True)
    assert "smaller than 1KB" in page
    response = upload(client, case, "notes.txt", b"a" * 1025)
    assert response.status_code == 200
    assert "The selected file must be smaller than 1KB" in response.get_data(as_text=True)
    assert documents_of(case) == []
    assert stored_files(storage) == []


@pytest.mark.parametrize("csrf", [False, True])
def test_body_over_the_server_limit_shows_the_form_again(
    app, client, officer, case, storage, monkeypatch, csrf
):
    # With CSRF on, the body is first read (and refused) before the view runs.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", csrf)
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 1024)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = upload(client, case, "notes.txt", b"a" * 10_000)
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The selected file must be smaller than 1KB" in page
    assert "<h1" in page and "Upload a document" in page
    assert documents_of(case) == []


def test_file_is_removed_when_the_record_cannot_be_saved(
    client, officer, case, storage, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_event", broken)
    assert upload(client, case, "letter.pdf", pdf_bytes()).status_code == 500
    assert documents_of(case) == []
    assert stored_files(storage) == []


@pytest.mark.parametrize(
    ("kind", "disposition", "content_type"),
    [
        ("pdf", "inline", "application/pdf"),
        ("png", "inline", "image/png"),
        (
            "docx",
            "attachment",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("txt", "attachment", "text/plain; charset=utf-8"),
    ],
)
def test_download_headers(client, officer, case, storage, kind, disposition, content_type):
    filename, make = FILES[kind]
    data = make()
    assert upload(client, case, filename, data).status_code == 302
    (document,) = documents_of(case)

    response = download(client, document)
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f"{disposition}; filename={filename}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == SANDBOX
    assert response.headers["Cache-Control"] == "no-store"


def test_download_is_audited(client, officer, document):
    download(client, document)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "document.downloaded", AuditEvent.object_id == document.id
        )
    )
    assert event.actor_id == officer.id


def test_document_of_another_case_is_not_found(client, officer, document, open_case):
    other = open_case()
    assert client.get(f"/cases/{other.id}/documents/{document.id}").status_code == 404


def test_missing_file_is_not_found(client, officer, document, storage):
    (storage / document.storage_name).unlink()
    assert download(client, document).status_code == 404


def test_refused_download_keeps_the_page_policy(client, login_as, document):
    login_as(Role.OFFICER, "barbican")
    response = download(client, document)
    assert response.status_code == 403
    assert response.headers["Content-Security-Policy"] != SANDBOX


# Access: who may list, upload and download (Housing is a partner on the case)

ACCESS = [
    # role, agency, case page lists it, download, upload page
    (Role.OFFICER, "street-enforcement", True, 200, 200),
    (Role.MANAGER, "street-enforcement", True, 200, 200),
    (Role.ASB_LEAD, "community-safety", True, 200, 200),
    (Role.OFFICER, "housing", True, 403, 403),
    (Role.OFFICER, "barbican", False, 403, 403),
    (Role.PARTNER, "city-police", False, 403, 403),
    (Role.ADMIN, "community-safety", False, 403, 403),
]


@pytest.mark.parametrize(("role", "agency_code", "lists", "downloads", "uploads"), ACCESS)
def test_who_may_list_download_and_upload(
    client, login_as, document, role, agency_code, lists, downloads, uploads
):
    login_as(role, agency_code)
    case_page = client.get(f"/cases/{document.case_id}")
    assert (case_page.status_code == 200) is lists
    if lists:
        page = case_page.get_data(as_text=True)
        assert "letter.pdf" in page
        link = f"/cases/{document.case_id}/documents/{document.id}"
        assert (link in page) is (downloads == 200)
        assert ("Upload a document" in page) is (uploads == 200)
    assert download(client, document).status_code == downloads
    assert client.get(f"/cases/{document.case_id}/documents/new").status_code == uploads


def test_restricted_case_documents_are_not_admitted_to_exist(client, login_as, open_case, storage):
    case = open_case(restricted=True)
    login_as(Role.OFFICER, "street-enforcement")
    assert upload(client, case, "letter.pdf", pdf_bytes()).status_code == 302
    (document,) = documents_of(case)
    login_as(Role.OFFICER, "barbican")
    assert download(client, document).status_code == 404
    assert client.get(f"/cases/{case.id}/documents/new").status_code == 404


def test_download_needs_signing_in(app, document):
    anonymous = app.test_client()
    assert download(anonymous, document).status_code == 302
