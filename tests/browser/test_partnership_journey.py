"""The partnership journey of issue 9, in a real browser.

The ASB lead shares a case with City of London Police under the agreement in force: its facts
and case work, not the people on it. A police user signs in with a password and the code from
their authenticator app, finds the case on their home page and sees only the shared parts: the
victim is "Redacted", the rest "Not shared". The disclosure is on the victim's page for the
lead. The lead withdraws the share and the police user's next request is refused. Every page
on the way is checked with axe-core.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import TOTP_SECRETS, assert_accessible, expect, sign_in

pytestmark = pytest.mark.browser

PURPOSE = "Joint visit with the neighbourhood policing team on Thursday evening"


def test_the_lead_shares_a_case_and_the_police_see_only_what_was_shared(
    open_page, signed_in_state, live_server
):
    case_id = live_server.sharing_ids["unshared_case"]
    victim_id = live_server.sharing_ids["victim"]
    lead = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))
    lead.goto(f"/cases/{case_id}")
    reference = lead.get_by_role("heading", level=1).inner_text().removeprefix("Case ").strip()
    expect(lead.locator("#shared + p")).to_have_text("Not shared outside the partnership.")
    lead.get_by_role("link", name="Share this case").click()

    expect(lead.get_by_role("heading", level=1)).to_have_text(
        "Share this case with a partner organisation"
    )
    assert_accessible(lead)
    lead.get_by_label("Partner organisation").select_option(label="City of London Police")
    lead.get_by_role("radio", name=re.compile(r"^ISA-2026-00001: ")).check()
    lead.get_by_label("Incident facts (what happened, when, category)").check()
    lead.get_by_label("Case work (notes, actions and timeline)").check()
    lead.get_by_role("group", name="May they add notes to the case?").get_by_label(
        "Yes", exact=True
    ).check()
    lead.get_by_role("group", name="May they record incidents on the case?").get_by_label(
        "No", exact=True
    ).check()
    lead.get_by_label("Why are you sharing it?").fill(PURPOSE)
    lead.get_by_role("button", name="Share case").click()

    expect(lead.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Case {reference} shared with City of London Police"
    )
    shares = lead.get_by_role("table", name="Shares of this case")
    expect(shares).to_contain_text("City of London Police")
    expect(shares).to_contain_text("Live")
    assert_accessible(lead)

    police = open_page("police-partner")
    email = live_server.email("police-partner")
    assert email in TOTP_SECRETS, "the police user signs in with two factors"
    sign_in(police, email)
    expect(police.get_by_role("heading", level=1)).to_have_text("ASB case management")
    shared = police.get_by_role("table", name="Cases shared with your organisation")
    expect(shared).to_contain_text("Threats on Golden Lane")
    expect(shared).to_contain_text("ISA-2026-00001")
    expect(shared).to_contain_text("Lee Lead (Community Safety)")
    assert_accessible(police)
    shared.get_by_role("link", name=reference).click()

    expect(police.get_by_role("heading", level=1)).to_have_text(f"Shared case {reference}")
    main = police.locator("main")
    expect(main).to_contain_text("A neighbour is threatened on the stairs most evenings")
    people = police.get_by_role("table", name="People")
    expect(people).to_contain_text("Redacted")
    expect(people).to_contain_text("Victim")
    expect(main).not_to_contain_text("Vic Golden")
    expect(main).not_to_contain_text("Hatfield House")
    for part in ("vulnerabilities", "risk", "documents"):
        expect(police.locator(f"#{part} + p")).to_have_text("Not shared")
    expect(police.get_by_role("link", name="Add a note")).to_be_visible()
    expect(police.get_by_role("link", name="Record an incident")).to_have_count(0)
    assert_accessible(police)

    lead.goto(f"/people/{victim_id}")
    disclosures = lead.get_by_role("table", name="Disclosures about Vic Golden")
    expect(disclosures).to_contain_text("City of London Police")
    expect(disclosures).to_contain_text(f"Case {reference} shared in asb")
    expect(disclosures).to_contain_text(PURPOSE)
    expect(disclosures).to_contain_text("ISA-2026-00001")
    assert_accessible(lead)

    lead.goto(f"/cases/{case_id}")
    lead.get_by_role("link", name=re.compile("^Withdraw")).click()
    lead.get_by_label("Why are you withdrawing it?").fill("The joint visit is done")
    lead.get_by_role("button", name="Withdraw share").click()
    expect(lead.get_by_role("table", name="Shares of this case")).to_contain_text("Withdrawn")
    assert_accessible(lead)

    assert police.reload().status == 404
    police.goto("/")
    expect(police.locator("main")).not_to_contain_text(reference)
