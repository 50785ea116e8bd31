"""The repeat-victim flag and the Case Review prompt on the incident and case pages.

They run once the incident and case pages include the people partials (see the wiring in
the people feature's hand-over); until then they are skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from asb.auth.models import Role
from asb.cases.services import link_incident
from asb.extensions import db
from asb.people.services import link_person_to_incident
from asb.people.vocabulary import PersonRole
from config import BASE_DIR
from tests.factories import PersonFactory, make_case, reported


def _includes(template: str, partial: str) -> bool:
    return partial in Path(BASE_DIR, "templates", template).read_text(encoding="utf-8")


pytestmark = pytest.mark.skipif(
    not (
        _includes("incidents/show.html", "people/_incident_prompt.html")
        and _includes("cases/show.html", "people/_repeat_flag.html")
    ),
    reason="the incident and case pages do not include the people partials yet",
)


def test_flag_and_prompt_show_to_those_who_see_the_victims_details(client, login_as):
    officer = login_as(Role.OFFICER, "housing")
    person = PersonFactory()
    incidents = [reported(c, d) for c, d in (("housing", 50), ("barbican", 30), ("housing", 3))]
    for incident in incidents:
        link_person_to_incident(incident, person, PersonRole.VICTIM, actor=officer)
    case = make_case(actor=officer)
    link_incident(case, incidents[2], actor=officer)
    db.session.commit()

    page = client.get(f"/incidents/{incidents[2].id}").get_data(as_text=True)
    assert "Repeat victim: 3 reports in 6 months across Housing, DCCS; Barbican Estates" in page
    assert "This is the victim&#39;s 3rd report in 6 months" in page
    page = client.get(f"/incidents/{incidents[1].id}").get_data(as_text=True)
    assert "Repeat victim" not in page  # Barbican's incident: Housing sees no victim details
    assert "Repeat victim: 3 reports in 6 months" in client.get(f"/cases/{case.id}").get_data(
        as_text=True
    )

    login_as(Role.OFFICER, "barbican")
    page = client.get(f"/incidents/{incidents[1].id}").get_data(as_text=True)
    assert "Repeat victim: 3 reports in 6 months" in page
    assert "This is the victim&#39;s 2nd report in 6 months" in page
