"""The API's documentation: a page listing every operation, drawn from the OpenAPI document,
and the interactive explorer served from static/ under the app's CSP."""

from __future__ import annotations

import re

from tests.helpers import visible_text


def test_the_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json()["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_documentation_page_lists_every_operation(client):
    document = client.get("/api/v1/openapi.json").get_json()

    page = client.get("/api/v1/docs")

    assert page.status_code == 200
    text = visible_text(page)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert f"{method.upper()} /api/v1{path} {operation['summary']}" in text
    assert 'href="/api/v1/docs/explorer"' in page.get_data(as_text=True)


def test_the_explorer_runs_swagger_ui_from_static_under_the_csp(client):
    page = client.get("/api/v1/docs/explorer")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert all(f'nonce="{nonce}"' in attributes for attributes, _ in scripts)
    # The explorer's own scripts are files: only the layout's one-line class switch is inline.
    sources = [
        re.search(r'src="([^"]+)"', attributes).group(1)
        for attributes, body in scripts
        if not body.strip()
    ]
    assert any("swagger-ui/swagger-ui-bundle" in source for source in sources)
    assert any("api-explorer" in source for source in sources)
    assert all(source.startswith("/static/") for source in sources)
    assert "swagger-ui/swagger-ui" in html and 'data-spec-url="/api/v1/openapi.json"' in html
    for source in sources:
        assert client.get(source).status_code == 200, source
