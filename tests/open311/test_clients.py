"""Admins give each sending organisation its api_key, shown once, and revoke it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.extensions import db
from asb.open311.models import Open311Client
from asb.open311.services import hash_key
from tests.helpers import visible_text

PAGE = "/admin/open311-senders"
NEW_CLIENT = {"organisation": "FixMyStreet (mySociety)", "contact": "Sam, open311@example.org"}


@pytest.mark.parametrize(
    ("role", "agency_code", "allowed"),
    [
        (Role.ADMIN, "community-safety", True),
        (Role.ASB_LEAD, "community-safety", False),
        (Role.MANAGER, "housing", False),
        (Role.OFFICER, "housing", False),
        (Role.PARTNER, "city-police", False),
    ],
)
def test_only_admins_manage_open311_senders(client, login_as, role, agency_code, allowed):
    login_as(role, agency_code)
    page = client.get(PAGE)
    created = client.post(PAGE, data=NEW_CLIENT)
    assert page.status_code == (200 if allowed else 403)
    assert created.status_code == (200 if allowed else 403)
    assert (db.session.scalar(select(Open311Client)) is not None) is allowed
    home = visible_text(client.get("/"))
    assert ("Open311 senders" in home) is allowed


def test_anyone_signed_out_is_sent_to_sign_in(client):
    assert client.get(PAGE).status_code == 302
    assert client.post(PAGE, data=NEW_CLIENT).status_code == 302


def test_the_key_is_shown_once_and_only_its_hash_kept(client, login_as):
    login_as(Role.ADMIN, "community-safety")
    shown = visible_text(client.post(PAGE, data=NEW_CLIENT))
    api_key = re.search(r"o311_[A-Za-z0-9_-]{40,}", shown).group()
    stored = db.session.scalars(select(Open311Client)).one()
    assert stored.organisation == "FixMyStreet (mySociety)"
    assert stored.key_hash == hash_key(api_key)
    assert api_key.startswith(stored.key_prefix)
    listing = visible_text(client.get(PAGE))
    assert stored.key_prefix in listing
    assert api_key not in listing
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "open311-client.created")
    ).one()
    assert event.object_id == stored.id
    assert api_key not in str(event.detail)


def test_a_form_sent_twice_creates_one_key(client, login_as):
    login_as(Role.ADMIN, "community-safety")
    client.send_submission_keys = False
    data = {**NEW_CLIENT, "submission_key": "k" * 43}
    assert client.post(PAGE, data=data).status_code == 200
    repeat = client.post(PAGE, data=data)
    assert repeat.status_code == 302
    assert len(db.session.scalars(select(Open311Client)).all()) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"organisation": ""}, "Enter the name of the organisation"),
        ({"contact": " "}, "Enter who to contact at the organisation"),
        ({"organisation": "x" * 121}, "120 characters or fewer"),
    ],
)
def test_what_to_do_when_the_form_is_wrong(client, login_as, changes, message):
    login_as(Role.ADMIN, "community-safety")
    response = client.post(PAGE, data={**NEW_CLIENT, **changes})
    assert response.status_code == 200
    assert message in visible_text(response)
    assert db.session.scalar(select(Open311Client)) is None


def test_a_revoked_key_stops_working(client, login_as, open311, make_client, send):
    created = make_client("Old system")
    login_as(Role.ADMIN, "community-safety")
    response = client.post(f"{PAGE}/{created.client.id}/revoke", follow_redirects=True)
    assert "The key of Old system is revoked" in visible_text(response)
    assert created.client.revoked_at is not None
    assert send(api_key=created.api_key).status_code == 403
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "open311-client.revoked")
    ).one()


def test_revoking_an_unknown_sender_is_not_found(client, login_as):
    login_as(Role.ADMIN, "community-safety")
    assert client.post(f"{PAGE}/999999/revoke").status_code == 404
