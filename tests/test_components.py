"""GOV.UK components come from the macros in templates/components/, never hand-written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
COMPONENTS = TEMPLATES / "components"

HAND_WRITTEN = {
    "button": re.compile(r'class="govuk-button[ "]'),
    "tag": re.compile(r'class="govuk-tag[ "]'),
    "table": re.compile(r"<table\b"),
    "back_link": re.compile(r'class="govuk-back-link"'),
    "warning_text": re.compile(r'class="govuk-warning-text[ "]'),
    "details": re.compile(r"<details\b"),
    "summary_list": re.compile(r'class="govuk-summary-list[ "]'),
}
# govuk-frontend-jinja's macros for these are slow: the local ones draw the same markup.
SLOW_MACROS = re.compile(
    r"govuk_frontend_jinja/components/"
    r"(button|tag|table|back-link|warning-text|details|summary-list)/"
)


def pages() -> list[Path]:
    return [path for path in TEMPLATES.rglob("*.html") if COMPONENTS not in path.parents]


@pytest.mark.parametrize("component", sorted(HAND_WRITTEN))
def test_no_page_writes_a_component_by_hand(component):
    written = [
        str(path.relative_to(TEMPLATES))
        for path in pages()
        if HAND_WRITTEN[component].search(path.read_text())
    ]
    assert written == [], f"use components/{component}.html instead"


def test_no_page_imports_a_slow_macro_that_a_component_replaces():
    slow = [
        str(path.relative_to(TEMPLATES)) for path in pages() if SLOW_MACROS.search(path.read_text())
    ]
    assert slow == []


def test_every_component_is_used():
    sources = "\n".join(path.read_text() for path in pages())
    unused = [
        path.name
        for path in COMPONENTS.glob("*.html")
        if f'"components/{path.name}"' not in sources
    ]
    assert unused == []
