"""Demo data: a sign-in for each role, real police.uk ASB records and partnership incidents.

Everything is only flushed here; the caller commits once, so a failed load leaves nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from asb.auth.models import Agency, Role, User
from asb.auth.services import create_user, find_agency, find_user_by_email
from asb.calendar import LONDON, today_in_london
from asb.demo.case_reviews import load_demo_case_review
from asb.demo.cases import load_demo_cases
from asb.demo.panels import load_demo_panel_meetings
from asb.demo.partnership import load_demo_partnership
from asb.demo.partnership_incidents import PARTNERSHIP_INCIDENTS, PartnershipIncident
from asb.demo.public_reports import load_demo_public_reports
from asb.demo.two_factor import DEMO_SECRETS, demo_secrets_allowed, enrol_demo_user
from asb.extensions import db
from asb.incidents.models import Incident, LocalAsbType
from asb.incidents.services import change_status, record_incident
from asb.incidents.vocabulary import IncidentStatus, ReportKind
from asb.policeuk.services import import_street_file

# The ASB rows of police.uk's monthly street-level files, as one street-level file.
POLICE_UK_CSV = (
    Path(__file__).parent / "data" / "police_uk_city_of_london_asb_2017-01_to_2025-04-street.csv"
)
# police.uk records in the last few months of its data are still shown as new.
POLICE_UK_NEW_MONTHS = 3


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    agency_code: str
    role: Role


DEMO_USERS = (
    DemoUser("asb.lead@demo.asb.local", "Eleanor Whitcombe", "community-safety", Role.ASB_LEAD),
    DemoUser("safety.officer@demo.asb.local", "Aisha Rahman", "community-safety", Role.OFFICER),
    DemoUser("housing.officer@demo.asb.local", "Priya Sharma", "housing", Role.OFFICER),
    DemoUser("housing.manager@demo.asb.local", "David Okonkwo", "housing", Role.MANAGER),
    DemoUser("barbican.officer@demo.asb.local", "Tom Brennan", "barbican", Role.OFFICER),
    DemoUser("barbican.manager@demo.asb.local", "Siobhan Murphy", "barbican", Role.MANAGER),
    DemoUser("street.officer@demo.asb.local", "Kwame Mensah", "street-enforcement", Role.OFFICER),
    DemoUser(
        "street.manager@demo.asb.local", "Gareth Llewellyn", "street-enforcement", Role.MANAGER
    ),
    DemoUser("markets.officer@demo.asb.local", "Fiona MacLeod", "mcp", Role.OFFICER),
    DemoUser("markets.manager@demo.asb.local", "James Adeyemi", "mcp", Role.MANAGER),
    DemoUser("police.partner@demo.asb.local", "Rachel Dawson", "city-police", Role.PARTNER),
    DemoUser("admin@demo.asb.local", "Alan Pritchard", "community-safety", Role.ADMIN),
)


@dataclass
class DemoLogin:
    email: str
    role: str
    agency: str


@dataclass
class SeedResult:
    created: bool
    logins: list[DemoLogin]
    police_uk_incidents: int = 0
    partnership_incidents: int = 0
    cases: int = 0


def seed_demo(password: str) -> SeedResult:
    """Load the demo data once; if the demo users already exist, load nothing."""
    if find_user_by_email(DEMO_USERS[0].email) is not None:
        return SeedResult(created=False, logins=_logins())
    agencies = {spec.agency_code: _agency(spec.agency_code) for spec in DEMO_USERS}
    officers: dict[str, User] = {}
    users: dict[str, User] = {}
    with _quiet_audit_log():
        for spec in DEMO_USERS:
            user = create_user(
                email=spec.email,
                name=spec.name,
                agency=agencies[spec.agency_code],
                role=spec.role,
                password=password,
            )
            users[spec.email] = user
            if spec.email in DEMO_SECRETS and demo_secrets_allowed():
                enrol_demo_user(user)
            if spec.role is Role.OFFICER:
                officers[spec.agency_code] = user
        police_uk = load_police_uk(agencies["city-police"])
        partnership = load_partnership_incidents(officers)
        # Links in notifications point at the service's own address.
        with current_app.test_request_context(base_url=current_app.config["ASB_BASE_URL"]):
            cases = load_demo_cases(users)
            load_demo_case_review(users)
            load_demo_partnership(users)
            load_demo_panel_meetings(users)
            load_demo_public_reports()
    return SeedResult(
        created=True,
        logins=_logins(),
        police_uk_incidents=police_uk,
        partnership_incidents=partnership,
        cases=cases,
    )


@contextmanager
def _quiet_audit_log() -> Iterator[None]:
    """Keep the demo's audit events out of the log; they are still stored."""
    audit_log = logging.getLogger("asb.audit")
    level = audit_log.level
    audit_log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        audit_log.setLevel(level)


def _agency(code: str) -> Agency:
    agency = find_agency(code)
    if agency is None:
        raise RuntimeError(f"Agency '{code}' is missing: run the database migrations first.")
    return agency


def _logins() -> list[DemoLogin]:
    logins = []
    for spec in DEMO_USERS:
        user = find_user_by_email(spec.email)
        if user is not None:
            logins.append(DemoLogin(user.email, user.role.label, user.agency.name))
    return logins


def load_police_uk(police: Agency) -> int:
    """Import the police.uk ASB inside the area with the importer `asb import-policeuk` uses.

    Records from the last few months of the data are still new; older ones are marked
    triaged, as the police left them: no status change of ours to record.
    """
    run = import_street_file(POLICE_UK_CSV, police=police)
    imported = Incident.police_uk_import_id == run.id
    latest = db.session.scalar(select(func.max(Incident.occurred_from)).where(imported))
    if latest is None:
        return run.imported
    latest_month = latest.astimezone(LONDON).date().replace(day=1)
    first_new_month = _months_before(latest_month, POLICE_UK_NEW_MONTHS - 1)
    db.session.execute(
        update(Incident)
        .where(imported, Incident.occurred_from < datetime.combine(first_new_month, time(), LONDON))
        .values(status=IncidentStatus.TRIAGED)
        .execution_options(synchronize_session=False)
    )
    return run.imported


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def load_partnership_incidents(officers: dict[str, User]) -> int:
    local_types = {
        local_type.name: local_type for local_type in db.session.scalars(select(LocalAsbType))
    }
    today = today_in_london()
    # Oldest first, so that references run in the order the incidents happened.
    for item in sorted(PARTNERSHIP_INCIDENTS, key=lambda item: (-item.days_ago, item.at)):
        officer = officers[item.agency]
        incident = record_incident(
            _partnership_fields(item, today, officer.agency, local_types), actor=officer
        )
        if item.no_further_action:
            change_status(
                incident,
                IncidentStatus.NO_FURTHER_ACTION,
                actor=officer,
                reason=item.no_further_action,
            )
        elif not item.is_recent:
            change_status(incident, IncidentStatus.TRIAGED, actor=officer)
    return len(PARTNERSHIP_INCIDENTS)


def _partnership_fields(
    item: PartnershipIncident,
    today: date,
    agency: Agency,
    local_types: dict[str, LocalAsbType],
) -> dict[str, Any]:
    hour, minute = map(int, item.at.split(":"))
    occurred_from = datetime.combine(
        today - timedelta(days=item.days_ago), time(hour, minute), tzinfo=LONDON
    )
    reporter = item.reporter
    victim = item.victim
    return {
        "occurred_from": occurred_from,
        "occurred_to": occurred_from + item.lasted if item.lasted else None,
        "location_description": item.place,
        "latitude": item.latitude,
        "longitude": item.longitude,
        "qualifier": item.qualifier,
        "category": item.category,
        "local_type": local_types.get(item.local_type) if item.local_type else None,
        "hate_motivated": item.hate_motivated,
        "possible_crime": item.possible_crime,
        "description": item.description,
        "reporting_channel": item.channel,
        "report_kind": item.kind,
        "households_affected": item.households_affected,
        "reporter_anonymous": item.kind is ReportKind.COMPLAINT and reporter is None,
        "reporter_name": reporter.name if reporter else None,
        "reporter_phone": reporter.phone if reporter else None,
        "reporter_email": reporter.email if reporter else None,
        "reporter_address": reporter.address if reporter else None,
        "reporter_is_victim": item.reporter_is_victim,
        "victim_name": victim.name if victim else None,
        "victim_phone": victim.phone if victim else None,
        "victim_email": victim.email if victim else None,
        "victim_address": victim.address if victim else None,
        "vulnerabilities": sorted(vulnerability.value for vulnerability in item.vulnerabilities),
        "restricted": item.restriction_reason is not None,
        "restriction_reason": item.restriction_reason,
        "recording_agency": agency,
    }
