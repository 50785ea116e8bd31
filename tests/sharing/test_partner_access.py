"""A partner user reaches their home page, their account, and the cases shared with them:
every other page of asb answers 403 or 404, even about the very case shared with them.

The routes are read from app.url_map, so a page added later is in the table the day it is.
"""

from __future__ import annotations

import pytest
from flask import url_for

from asb import create_app
from asb.agreements.vocabulary import DataCategory
from asb.auth.models import Role
from asb.extensions import db
from tests.conftest import sign_in_session
from tests.factories import DocumentFactory, make_user
from tests.sharing.conftest import make_agreement, share

# What a partner may open: the home page, their own account and notifications, the map
# boundaries (public), the record of processing, and the pages of cases shared with them.
PARTNER_MAY_OPEN = {
    "main.index",
    "main.healthz",
    "static",
    "geo.area_boundary",
    "geo.ward_boundaries",
    "notifications.list_notifications",
    "notifications.mark_read",
    "processing.record",
    "sharing.show_shared_case",
    "sharing.export_shared_case",
    "sharing.download_shared_document",
    "sharing.add_partner_note",
    "sharing.record_partner_incident",
    # Their own API tokens and the API's documentation: the API asks the policy of each
    # request, so a partner's token opens no more than these pages do.
    "api_pages.list_tokens",
    "api_pages.create_token",
    "api_pages.documentation",
    "api_pages.explorer",
    "api.openapi_document",
}
# Signing in and out, the password and two-factor settings; the public's report form; Open311,
# the open standard other systems post street reports to, which takes no session at all.
OPEN_BLUEPRINTS = {"auth", "public_reports", "open311"}


def _closed_routes() -> list[tuple[str, str]]:
    return sorted(
        (rule.endpoint, method)
        for rule in create_app("testing").url_map.iter_rules()
        for method in sorted(rule.methods & {"GET", "POST"})
        if rule.endpoint not in PARTNER_MAY_OPEN
        and rule.endpoint.partition(".")[0] not in OPEN_BLUEPRINTS
    )


@pytest.fixture
def shared_case(app, lead, make_case):
    """A case shared with City Police with everything, and the partner signed in."""
    case = make_case()
    document = DocumentFactory(case_id=case.id)
    share(case, make_agreement(lead), DataCategory, actor=lead)
    return case, document


@pytest.mark.parametrize(("endpoint", "method"), _closed_routes())
def test_every_other_page_refuses_a_partner(app, client, shared_case, endpoint, method):
    case, document = shared_case
    sign_in_session(client, make_user(Role.PARTNER, "city-police"))
    db.session.commit()
    rule = next(iter(app.url_map.iter_rules(endpoint=endpoint)))
    # Every id names the shared case or its records: the share opens none of these pages.
    values = {
        name: document.id if name == "document_id" else case.id
        for name in rule.arguments - set(rule.defaults or {})
    }
    if "subject" in values:
        values["subject"] = "victim"
    with app.test_request_context():
        path = url_for(endpoint, **values)
    response = client.get(path) if method == "GET" else client.post(path, data={})
    # 401: the API, which takes a token and no session, refuses before anything else.
    assert response.status_code in {401, 403, 404}, f"{method} {path}: {response.status_code}"
