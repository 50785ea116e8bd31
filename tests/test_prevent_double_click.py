"""Every form that creates something (it carries a one-time submission key) has a button
that GOV.UK Frontend ignores a second click on: data-prevent-double-click="true".

The templates are walked: each <form> that renders a submission key must submit through
the form's own button (SubmitOnce gives it prevent-double-click, checked below by rendering
it) or through the button macro with prevent_double_click=true."""

from __future__ import annotations

import re
from pathlib import Path

from wtforms import SubmitField

from asb.forms import BaseForm
from asb.submissions import SubmitOnce

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
FORM_BLOCK = re.compile(r"<form\b.*?</form>", re.DOTALL)
BUTTON_CALL = re.compile(r"\bbutton\((?P<arguments>[^)]*)\)")
HAND_WRITTEN_SUBMIT = re.compile(r"<button\b|<input[^>]*type=\"submit\"")


def _create_form_blocks() -> list[tuple[str, str]]:
    blocks = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for block in FORM_BLOCK.findall(text):
            if "submission_key" in block:
                blocks.append((str(template.relative_to(TEMPLATES)), block))
    return blocks


def test_the_walk_finds_the_create_forms():
    templates = {name for name, _ in _create_form_blocks()}

    assert {"incidents/form.html", "cases/open.html", "panels/show.html"} <= templates
    assert len(templates) >= 20


def test_every_create_forms_button_prevents_a_double_click():
    missing = []
    for name, block in _create_form_blocks():
        buttons = [call["arguments"] for call in BUTTON_CALL.finditer(block)]
        if not buttons and "form.submit" not in block:
            missing.append(f"{name}: no submit button found")
        missing += [
            f"{name}: button({arguments[:40]}...)"
            for arguments in buttons
            if "href=" not in arguments and "prevent_double_click=true" not in arguments
        ]
        if HAND_WRITTEN_SUBMIT.search(block):
            missing.append(f"{name}: a hand-written submit button")
    assert not missing, missing


class _CreateSomething(SubmitOnce, BaseForm):
    submit = SubmitField("Create it")


def test_a_submit_once_forms_own_button_prevents_a_double_click(app):
    with app.test_request_context(method="GET"):
        html = str(_CreateSomething().submit())

    assert 'data-prevent-double-click="true"' in html
