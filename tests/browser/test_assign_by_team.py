"""With JavaScript, the Assign page offers only the officers of the team chosen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import expect

pytestmark = pytest.mark.browser


def test_the_officer_list_follows_the_team_chosen(open_page, signed_in_state, live_server):
    page = open_page("asb-lead", storage_state=signed_in_state("asb-lead"))
    page.goto(f"/cases/{live_server.sharing_ids['shared_case']}/assign")
    expect(page.get_by_role("heading", level=1)).to_have_text("Assign the case")
    team = page.get_by_label("Team")
    officer = page.get_by_label("Officer")

    teams = team.locator("option").all_inner_texts()
    assert len(teams) > 1
    for name in teams:
        team.select_option(label=name)
        offered = officer.locator("option").all_inner_texts()
        assert offered[0] == "Nobody yet: put it in the team's queue"
        assert all(label.endswith(f"({name})") for label in offered[1:]), (name, offered)

    team.select_option(label="Housing, DCCS")
    expect(officer.locator("option", has_text="Hana Housing")).to_have_count(1)
    expect(officer.locator("option", has_text="Bo Barbican")).to_have_count(0)
