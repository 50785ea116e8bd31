"""The register of information sharing agreements, as its keepers and readers meet it."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.agreements.models import SharingAgreement
from asb.agreements.queries import agreements_open_for_sharing
from asb.agreements.vocabulary import DataCategory
from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.extensions import db
from asb.sharing.models import CaseShare
from tests.agreements.helpers import agreement_form, make_agreement
from tests.documents.conftest import docx_bytes, pdf_bytes, png_bytes
from tests.factories import agency
from tests.helpers import date_parts, error_summary, visible_text

ROLES = {
    "officer": (Role.OFFICER, "housing"),
    "manager": (Role.MANAGER, "housing"),
    "asb lead": (Role.ASB_LEAD, "community-safety"),
    "partner": (Role.PARTNER, "city-police"),
    "admin": (Role.ADMIN, "community-safety"),
}
READERS = {"manager", "asb lead", "admin"}
KEEPERS = {"asb lead", "admin"}


@pytest.fixture
def storage(app, monkeypatch, tmp_path):
    folder = tmp_path / "agreements"
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE_DIR", str(folder))
    return folder


@pytest.fixture
def agreement(lead) -> SharingAgreement:
    made = make_agreement(lead)
    db.session.commit()
    return made


def agreements() -> list[SharingAgreement]:
    return list(db.session.scalars(select(SharingAgreement).order_by(SharingAgreement.id)))


def odt_bytes(*, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        if macro:
            archive.writestr("Basic/Standard/Module1.xml", "<script/>")
    return buffer.getvalue()


def upload(client, agreement, filename: str, data: bytes):
    return client.post(
        f"/agreements/{agreement.id}/document",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


# Who may do what ---------------------------------------------------------------------------

PAGES = {
    "register": ("/agreements", READERS),
    "agreement": ("/agreements/{id}", READERS),
    "signed document": ("/agreements/{id}/document/download", READERS),
    "add": ("/agreements/new", KEEPERS),
    "edit": ("/agreements/{id}/edit", KEEPERS),
    "end": ("/agreements/{id}/end", KEEPERS),
    "upload": ("/agreements/{id}/document", KEEPERS),
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_who_may_open_each_page(client, login_as, lead, storage, who, page):
    agreement = make_agreement(lead)
    db.session.commit()
    login_as(Role.ASB_LEAD, "community-safety")
    assert upload(client, agreement, "signed.pdf", pdf_bytes()).status_code == 302
    login_as(*ROLES[who])
    path, allowed = PAGES[page]
    response = client.get(path.format(id=agreement.id))
    assert response.status_code == (200 if who in allowed else 403)


@pytest.mark.parametrize("who", ROLES)
def test_only_the_keepers_may_post(client, login_as, lead, who):
    login_as(*ROLES[who])
    response = client.post("/agreements/new", data=agreement_form(lead))
    assert response.status_code == (302 if who in KEEPERS else 403)
    assert len(agreements()) == (1 if who in KEEPERS else 0)


def test_a_page_about_no_agreement_is_not_found(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    assert client.get("/agreements/2000000000").status_code == 404
    assert client.get("/agreements/99999999999999").status_code == 404


# Adding and editing ------------------------------------------------------------------------


def test_adding_an_agreement_gives_it_a_reference_and_shows_every_field(client, login_as):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    form = agreement_form(lead)
    response = client.post("/agreements/new", data=form)
    (agreement,) = agreements()
    assert response.location == f"/agreements/{agreement.id}"
    assert re.fullmatch(rf"ISA-{today_in_london().year}-\d{{5}}", agreement.reference)
    text = visible_text(client.get(response.location))
    for words in (
        f"Agreement {agreement.reference} added to the register",
        "City of London Police",
        "Preventing and reducing anti-social behaviour in the City",
        "UK GDPR Article 6(1)(e) public task",
        "Schedule 1 paragraph 10 (preventing or detecting unlawful acts)",
        "Section 115, Crime and Disorder Act 1998 Applies",
        "Incident facts (what happened, when, category)",
        "People's names and contact details",
        "Start date 1 April 2026",
        "Review date 1 April 2027",
        "End date No end date",
        f"Owner {lead.name}",
        "Added to the register",
    ):
        assert words in text
    assert "Vulnerabilities" not in text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agreement.created"))
    assert event.object_id == agreement.id and event.actor_id == lead.id


def test_the_form_sent_twice_adds_one_agreement(client, login_as):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    form = agreement_form(lead, submission_key="k" * 43)
    first = client.post("/agreements/new", data=form)
    second = client.post("/agreements/new", data=form)
    assert len(agreements()) == 1
    assert second.location == first.location


def test_references_count_up(client, login_as):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    client.post("/agreements/new", data=agreement_form(lead))
    client.post("/agreements/new", data=agreement_form(lead))
    first, second = (a.reference for a in agreements())
    assert first[:-5] == second[:-5] and int(second[-5:]) == int(first[-5:]) + 1


def test_partner_choices_put_the_external_organisations_first(client, login_as):
    login_as(Role.ASB_LEAD, "community-safety")
    page = client.get("/agreements/new").get_data(as_text=True)
    options = page.split('name="partner_agency"')[1].split("</select>")[0]
    assert options.index("City of London Police") < options.index("Housing")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the agreement's title"),
        ({"partner_agency": ""}, "Select the partner organisation"),
        ({"partner_agency": "999999"}, "Select partner organisation from the list"),
        ({"purpose": " "}, "Enter the purpose of sharing"),
        ({"lawful_basis": ""}, "Select the lawful basis"),
        ({"lawful_basis": "because"}, "Select lawful basis (uk gdpr article 6) from the list"),
        ({"categories": []}, "Select at least one category of data the agreement covers"),
        ({"categories": ["incident-facts", "gossip"]}, None),
        ({"starts_on": ["", "", ""]}, "Enter the start date"),
        ({"starts_on": ["31", "2", "2026"]}, "Start date must be a real date"),
        ({"review_on": ["", "", ""]}, "Enter the review date"),
        (
            {"review_on": date_parts(date(2026, 3, 31))},
            "The review date must be the same as or after the start date",
        ),
        ({"ends_on": date_parts(date(2026, 4, 1))}, "The end date must be after the start date"),
        (
            {"ends_on": date_parts(date(2027, 3, 1))},
            "The review date must be on or before the end date",
        ),
        (
            {"special_category_condition": "none", "categories": ["vulnerabilities"]},
            "Select the DPA 2018 Schedule 1 condition: risk assessments and vulnerabilities "
            "are special category data",
        ),
        ({"crime_and_disorder_s115": ""}, None),
        ({"owner": "0"}, "Select owner from the list"),
    ],
)
def test_the_form_says_what_to_correct(client, login_as, changes, message):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    response = client.post("/agreements/new", data=agreement_form(lead, **changes))
    assert response.status_code == 200
    messages = [text for _, text in error_summary(response)]
    assert messages, "the form was accepted"
    if message:
        assert message in messages
    assert agreements() == []


def test_editing_records_what_changed_and_refuses_a_stale_version(client, login_as, agreement):
    login_as(Role.ADMIN, "community-safety")
    owner = agreement.owner
    opened = agreement.version
    form = agreement_form(
        owner,
        version=str(opened),
        review_on=date_parts(date(2026, 12, 1)),
        starts_on=date_parts(date(2026, 1, 1)),
        categories=["incident-facts", "locations"],
    )
    response = client.post(f"/agreements/{agreement.id}/edit", data=form)
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.review_on == date(2026, 12, 1)
    text = visible_text(client.get(f"/agreements/{agreement.id}"))
    assert "Changed: review date" in text
    stale = client.post(f"/agreements/{agreement.id}/edit", data={**form, "title": "Other"})
    assert stale.status_code == 200
    assert "changed since you opened it" in visible_text(stale)
    db.session.refresh(agreement)
    assert agreement.title != "Other"


# States over time --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "state"),
    [
        ("2025-12-31", "Not started"),
        ("2026-01-01", "In force"),
        ("2026-06-30", "In force"),
        ("2026-07-01", "Review overdue"),
        ("2026-12-31", "Review overdue"),
        ("2027-01-01", "Ended"),
    ],
)
def test_the_register_tags_each_agreement_with_its_state_on_the_day(
    client, login_as, lead, today, state
):
    agreement = make_agreement(lead, review_on=date(2026, 6, 30), ends_on=date(2026, 12, 31))
    db.session.commit()
    with freeze_time(f"{today} 12:00"):
        login_as(Role.ASB_LEAD, "community-safety")
        listed = visible_text(client.get("/agreements"))
        assert f"{agreement.reference} City of London Police" in listed
        row = listed.split(agreement.reference)[1].split("About this service")[0]
        assert row.strip().endswith(state)
        filtered = {
            name: agreement.reference in visible_text(client.get(f"/agreements?state={value}"))
            for name, value in [
                ("Not started", "not-started"),
                ("In force", "in-force"),
                ("Review overdue", "review-overdue"),
                ("Ended", "ended"),
            ]
        }
        assert filtered == {name: name == state for name in filtered}
        open_for_sharing = agreements_open_for_sharing(
            agency("city-police").id, date.fromisoformat(today)
        )
        assert (agreement in open_for_sharing) == (state in {"In force", "Review overdue"})


def test_the_register_filters_by_partner(client, login_as, lead):
    police = make_agreement(lead)
    housing = make_agreement(lead, partner="housing", title="Housing data")
    db.session.commit()
    login_as(Role.MANAGER, "barbican")
    text = visible_text(client.get(f"/agreements?partner={agency('housing').id}"))
    assert housing.reference in text and police.reference not in text
    assert client.get("/agreements?partner=nonsense&state=nonsense").status_code == 200


def test_sharing_needs_an_agreement_that_covers_every_category(lead):
    agreement = make_agreement(lead)
    police = agency("city-police").id
    day = date(2026, 3, 1)
    assert agreements_open_for_sharing(police, day, [DataCategory.INCIDENT_FACTS]) == [agreement]
    assert agreements_open_for_sharing(police, day, {"incident-facts", "locations"}) == [agreement]
    assert agreements_open_for_sharing(police, day, [DataCategory.PEOPLE]) == []
    assert agreements_open_for_sharing(agency("housing").id, day) == []


# The home page -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_the_home_page_flags_agreements_to_review_and_ended_ones_to_the_keepers(
    client, login_as, lead, who
):
    make_agreement(lead, review_on=date(2026, 2, 1))  # past review
    make_agreement(lead, review_on=date(2026, 2, 1), ends_on=date(2026, 2, 20))  # 10 days ago
    make_agreement(lead, review_on=date(2026, 1, 2), ends_on=date(2026, 1, 5))  # 46 days ago
    make_agreement(lead)  # in force, review in 2027
    db.session.commit()
    with freeze_time("2026-03-03 09:00"):
        login_as(*ROLES[who])
        response = client.get("/")
    assert response.status_code == 200
    text = visible_text(response)
    if who in KEEPERS:
        assert "1 sharing agreement past its review date" in text
        assert "1 agreement ended in the last 30 days" in text
        assert 'href="/agreements?state=review-overdue"' in response.get_data(as_text=True)
    else:
        assert "past its review date" not in text
        assert "ended in the last" not in text


# Ending ------------------------------------------------------------------------------------


def test_ending_an_agreement_ends_its_shares_and_says_so(client, login_as, lead, make_case):
    agreement = make_agreement(lead)
    case = make_case("housing")
    share = CaseShare(
        case=case,
        agency=agency("city-police"),
        agreement=agreement,
        categories=["incident-facts"],
        purpose="Joint patrols",
        shared_by=lead,
    )
    db.session.add(share)
    db.session.commit()
    with freeze_time("2026-05-10 10:00"):
        login_as(Role.ASB_LEAD, "community-safety")
        page = visible_text(client.get(f"/agreements/{agreement.id}"))
        assert f"{case.reference}" in page and "Shared" in page
        assert share.is_live_on(date(2026, 5, 10))
        refused = client.post(
            f"/agreements/{agreement.id}/end",
            data={"version": str(agreement.version), "ends_on": ["9", "5", "2026"], "reason": ""},
        )
        assert [text for _, text in error_summary(refused)] == [
            "The last day in force must be today or in the future",
            "Enter why the agreement is ending",
        ]
        response = client.post(
            f"/agreements/{agreement.id}/end",
            data={
                "version": str(agreement.version),
                "ends_on": ["10", "5", "2026"],
                "reason": "Replaced by the 2026 agreement",
            },
        )
        assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.ends_on == date(2026, 5, 10)
    assert share.is_live_on(date(2026, 5, 10)) and not share.is_live_on(date(2026, 5, 11))
    with freeze_time("2026-05-11 10:00"):
        login_as(Role.ASB_LEAD, "community-safety")
        page = visible_text(client.get(f"/agreements/{agreement.id}"))
        assert "This agreement ended on 10 May 2026" in page
        assert "Shares made under it ended on 10 May 2026" in page
        assert "Why it ended Replaced by the 2026 agreement" in page
        assert agreements_open_for_sharing(agency("city-police").id, date(2026, 5, 11)) == []
        assert client.get(f"/agreements/{agreement.id}/end").status_code == 302


# The signed document -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("signed.pdf", pdf_bytes, "application/pdf"),
        (
            "signed.docx",
            docx_bytes,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("signed.odt", odt_bytes, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_the_signed_document_is_stored_privately_and_downloaded_with_an_audit(
    client, login_as, agreement, storage, filename, content, content_type
):
    login_as(Role.ASB_LEAD, "community-safety")
    # Built once: a zip made a second later carries another timestamp.
    sent = content()
    response = upload(client, agreement, filename, sent)
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.document_filename == filename
    assert [path.name for path in storage.iterdir()] == [agreement.document_storage_name]
    manager = login_as(Role.MANAGER, "barbican")
    download = client.get(f"/agreements/{agreement.id}/document/download")
    assert download.status_code == 200
    assert download.data == sent
    assert download.headers["Content-Type"].startswith(content_type)
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "agreement.document-downloaded")
    )
    assert event.actor_id == manager.id and event.object_id == agreement.id


def test_a_replaced_document_leaves_no_file_behind(client, login_as, agreement, storage):
    login_as(Role.ASB_LEAD, "community-safety")
    upload(client, agreement, "first.pdf", pdf_bytes())
    upload(client, agreement, "second.docx", docx_bytes())
    db.session.refresh(agreement)
    assert [path.name for path in storage.iterdir()] == [agreement.document_storage_name]
    assert agreement.document_filename == "second.docx"


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        (
            "photo.png",
            png_bytes(),
            "The selected file must be a PDF, Word document or OpenDocument text file",
        ),
        (
            "signed.pdf",
            png_bytes(),
            "The selected file is not a real PDF: it is a PNG. "
            "Rename it to end in .png and try again",
        ),
        (
            "page.html",
            b"<html><script>alert(1)</script></html>",
            "The selected file is a web page, SVG image or XML file, which cannot be uploaded",
        ),
        (
            "signed.odt",
            odt_bytes(macro=True),
            "The selected document contains macros, which cannot be uploaded",
        ),
        (
            "signed.pdf",
            odt_bytes(),
            "The selected file is an OpenDocument text file: "
            "rename it to end in .odt and try again",
        ),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_other_files_are_refused_and_nothing_is_stored(
    client, login_as, agreement, storage, filename, content, message
):
    login_as(Role.ASB_LEAD, "community-safety")
    response = upload(client, agreement, filename, content)
    assert response.status_code == 200
    assert error_summary(response) == [("#file", message)]
    assert not storage.exists() or list(storage.iterdir()) == []


def test_an_oversize_document_is_refused(app, client, login_as, agreement, storage, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 100)
    login_as(Role.ASB_LEAD, "community-safety")
    response = upload(client, agreement, "signed.pdf", pdf_bytes())
    assert error_summary(response) == [
        ("#file", "The selected file must be smaller than 100 bytes")
    ]


def test_no_document_no_download(client, login_as, agreement):
    login_as(Role.ASB_LEAD, "community-safety")
    assert client.get(f"/agreements/{agreement.id}/document/download").status_code == 404
