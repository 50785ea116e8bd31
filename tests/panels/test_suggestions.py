"""The agenda's suggestions: open high-risk cases, cases with overdue work, repeat victims'
cases; never a closed case or one already on the agenda."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import CaseStatus
from asb.extensions import db
from asb.panels.models import AgendaItem
from asb.panels.vocabulary import AgendaReason
from asb.people.vocabulary import PersonRole
from tests.factories import (
    CasePersonFactory,
    IncidentFactory,
    IncidentPersonFactory,
    PersonFactory,
    make_action,
)
from tests.helpers import visible_text


def _suggested(client, meeting) -> dict[str, str]:
    """Each suggested case's reference and the reasons given for it."""
    html = client.get(f"/panels/{meeting.id}").get_data(as_text=True)
    section = html.partition('id="suggestions"')[2].partition('id="packs"')[0]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', section, re.S)
    found = {}
    for row in rows:
        cells = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, re.S)
        if not cells:
            continue  # the head
        reference = re.search(r"(ASB-C-[\w-]+)</a>", cells[0]).group(1)
        found[reference] = " ".join(re.sub(r"<[^>]+>", " ", cells[1]).split())
    return found


def test_high_risk_overdue_and_repeat_victim_cases_are_suggested(
    client, login_as, make_case, make_meeting, make_user
):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    today = today_in_london()
    high_risk = make_case(risk_level=RiskLevel.HIGH)
    overdue_review = make_case(review_due=today - timedelta(days=1))
    overdue_action = make_case()
    officer = make_user(Role.OFFICER, "housing")
    make_action(overdue_action, officer, today - timedelta(days=2))
    repeat = make_case()
    victim = PersonFactory(name="Robin Repeat")
    for days in (5, 20, 40):
        incident = IncidentFactory(occurred_from=datetime.now(UTC) - timedelta(days=days))
        IncidentPersonFactory(incident=incident, person=victim, role=PersonRole.VICTIM)
    CasePersonFactory(case_id=repeat.id, person_id=victim.id, role=PersonRole.VICTIM)
    plain = make_case()
    closed = make_case(risk_level=RiskLevel.HIGH, status=CaseStatus.CLOSED)
    both = make_case(risk_level=RiskLevel.HIGH, review_due=today - timedelta(days=3))
    on_agenda = make_case(risk_level=RiskLevel.HIGH)
    db.session.commit()
    meeting = make_meeting(lead, cases=[on_agenda])

    suggested = _suggested(client, meeting)

    assert suggested == {
        high_risk.reference: AgendaReason.HIGH_RISK.label,
        overdue_review.reference: AgendaReason.OVERDUE_WORK.label,
        overdue_action.reference: AgendaReason.OVERDUE_WORK.label,
        repeat.reference: AgendaReason.REPEAT_VICTIM.label,
        both.reference: f"{AgendaReason.HIGH_RISK.label}; {AgendaReason.OVERDUE_WORK.label}",
    }
    assert plain.reference not in suggested and closed.reference not in suggested


def test_a_suggestion_is_added_with_its_reason(client, login_as, make_case, make_meeting):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    case = make_case(risk_level=RiskLevel.HIGH)
    meeting = make_meeting(lead)
    assert case.reference in _suggested(client, meeting)
    response = client.post(
        f"/panels/{meeting.id}/agenda", data={"reference": case.reference, "reason": "high-risk"}
    )
    assert response.status_code == 302
    item = db.session.scalar(select(AgendaItem))
    assert (item.case_id, item.reason) == (case.id, AgendaReason.HIGH_RISK)
    assert _suggested(client, meeting) == {}
    page = visible_text(client.get(f"/panels/{meeting.id}"))
    assert "Open high-risk case" in page


def test_no_suggestions_once_the_meeting_is_held(client, login_as, make_case, make_meeting):
    lead = login_as(Role.ASB_LEAD, "community-safety")
    make_case(risk_level=RiskLevel.HIGH)
    meeting = make_meeting(lead)
    client.post(f"/panels/{meeting.id}/held")
    assert "Suggested for the agenda" not in visible_text(client.get(f"/panels/{meeting.id}"))
