"""A form that does not say which version of a case or incident it was opened on is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from asb.auth.models import Role
from asb.cases.models import TimelineEntry
from asb.cases.vocabulary import CaseStatus
from asb.extensions import db
from asb.versioning import VERSION_UNREADABLE
from tests.factories import IncidentFactory, agency, make_case, make_user
from tests.helpers import edit_form, page_text

# Missing, empty, not a number, negative, and more digits than any version has.
UNREADABLE = [None, "", "abc", "-1", "9" * 20, "1.0", "²"]


def _with_version(data: dict, version: str | None) -> dict:
    data = {name: value for name, value in data.items() if name != "version"}
    if version is not None:
        data["version"] = version
    return data


def _case_forms(officer):
    return {
        "status": {"status": "investigating"},
        "close": {"outcome": "resolved", "closing_summary": "All quiet"},
        "assign": {"agency": str(agency("housing").id), "officer": str(officer.id), "reason": ""},
    }


@pytest.mark.parametrize("version", UNREADABLE)
@pytest.mark.parametrize("form", ["status", "close", "assign"])
def test_case_change_without_a_readable_version_is_refused(client, login_as, form, version):
    manager = login_as(Role.MANAGER, "housing")
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", manager)
    db.session.commit()
    entries = db.session.scalar(select(func.count()).select_from(TimelineEntry))

    response = client.post(
        f"/cases/{case.id}/{form}", data=_with_version(_case_forms(officer)[form], version)
    )

    assert response.status_code == 200
    assert VERSION_UNREADABLE in page_text(response)
    db.session.refresh(case)
    assert case.status is CaseStatus.OPEN
    assert case.case_officer_id is None
    assert db.session.scalar(select(func.count()).select_from(TimelineEntry)) == entries
    # The form drawn again carries the case's version, so the change can be sent again.
    assert f'name="version" value="{case.version}"' in page_text(response)


@pytest.mark.parametrize("version", UNREADABLE)
def test_reopening_without_a_readable_version_is_refused(client, login_as, version):
    manager = login_as(Role.MANAGER, "housing")
    case = make_case("housing", manager, status=CaseStatus.CLOSED)
    db.session.commit()

    response = client.post(
        f"/cases/{case.id}/reopen", data=_with_version({"reason": "It started again"}, version)
    )

    assert response.status_code == 200
    assert VERSION_UNREADABLE in page_text(response)
    db.session.refresh(case)
    assert case.status is CaseStatus.CLOSED


@pytest.mark.parametrize("version", UNREADABLE)
def test_incident_edit_without_a_readable_version_is_refused(client, login_as, version):
    login_as(Role.OFFICER, "housing")
    incident = IncidentFactory(
        description="Loud music", occurred_from=datetime(2025, 3, 14, 21, 30, tzinfo=UTC)
    )
    db.session.commit()
    saved_version = incident.version

    response = client.post(
        f"/incidents/{incident.id}/edit",
        data=_with_version(edit_form(incident, description="My change"), version),
    )

    assert response.status_code == 200
    assert VERSION_UNREADABLE in page_text(response)
    db.session.refresh(incident)
    assert (incident.description, incident.version) == ("Loud music", saved_version)
