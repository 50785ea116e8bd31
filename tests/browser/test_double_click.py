"""A create button clicked twice sends its form once (GOV.UK Frontend's prevent-double-click)."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.conftest import expect

pytestmark = pytest.mark.browser


def test_a_double_click_on_a_create_button_sends_the_form_once(
    open_page, signed_in_state, live_server
):
    page = open_page("admin", storage_state=signed_in_state("admin"))
    name = f"Double-clicked type {uuid.uuid4().hex[:8]}"
    posts = []
    page.on(
        "request",
        lambda request: posts.append(request.url) if request.method == "POST" else None,
    )
    page.goto("/admin/local-types")
    page.get_by_label("Local type name").fill(name)

    # Two clicks 0.1 s apart, as people double-click: the second lands before the page goes.
    page.get_by_role("button", name="Add local type").evaluate(
        "button => { button.click(); setTimeout(() => button.click(), 100) }"
    )

    expect(page.get_by_text(f"Local type '{name}' added.")).to_be_visible()
    assert posts == [f"{live_server.url}/admin/local-types"]
    expect(page.get_by_role("cell", name=name, exact=True)).to_have_count(1)
