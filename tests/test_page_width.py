"""Data pages use the window's full width; other pages keep GOV.UK's 960 px. Every table
sits in its own labelled, focusable scroll box, so a phone scrolls the table, not the page."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

WIDE = "asb-width-container--wide"


def _container_classes(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return soup.select_one("main").find_parent("div", class_="govuk-width-container")["class"]


@pytest.mark.parametrize(
    "path",
    ["/incidents", "/cases", "/cases/team", "/cases/all", "/overview", "/audit"],
)
def test_a_data_page_uses_the_full_width(client, login_as, path):
    login_as("asb-lead", "community-safety")
    response = client.get(path)

    assert response.status_code == 200
    assert WIDE in _container_classes(response.text)


def test_a_form_page_keeps_the_standard_width(client, login_as):
    login_as("asb-lead", "community-safety")
    response = client.get("/account/password")

    assert response.status_code == 200
    assert WIDE not in _container_classes(response.text)


def test_every_table_scrolls_in_its_own_labelled_box(client, login_as):
    login_as("asb-lead", "community-safety")
    soup = BeautifulSoup(client.get("/overview").text, "html.parser")

    tables = soup.select("table.govuk-table")
    assert tables
    for table in tables:
        box = table.parent
        assert "asb-table-scroll" in box["class"]
        assert box["role"] == "region"
        assert box["tabindex"] == "0"
        assert box["aria-label"]
