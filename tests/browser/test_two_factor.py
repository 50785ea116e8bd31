"""Two-factor sign-in in Chromium: a new police partner sets it up at their first sign-in, the
ASB lead signs in with a code; every page of it passes axe."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.browser.conftest import (
    PASSWORD,
    TOTP_SECRETS,
    assert_accessible,
    authenticator_code,
    expect,
)

pytestmark = pytest.mark.browser

TEMPORARY_PASSWORD = "a temporary passphrase for Pat"
PARTNER_EMAIL = "pat.partner@example.com"


def heading(page):
    return page.get_by_role("heading", level=1)


def test_a_new_partner_user_sets_up_two_factors_at_their_first_sign_in(open_page, signed_in_state):
    admin = open_page("admin", storage_state=signed_in_state("admin"))
    admin.goto("/admin/users/new")
    admin.get_by_label("Full name").fill("Pat Partner")
    admin.get_by_label("Email address").fill(PARTNER_EMAIL)
    admin.get_by_label("Agency").select_option(label="City of London Police")
    admin.get_by_role("group", name="Role").get_by_label(
        "Partner organisation user", exact=True
    ).check()
    admin.get_by_label("Temporary password", exact=True).fill(TEMPORARY_PASSWORD)
    admin.get_by_role("button", name="Create user").click()
    expect(admin.locator(".govuk-notification-banner--success")).to_contain_text("Pat Partner")

    page = open_page("the new partner")
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(PARTNER_EMAIL)
    page.get_by_label("Password", exact=True).fill(TEMPORARY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/two-factor/set-up$"))
    expect(heading(page)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page, "the set-up page")
    page.goto("/incidents")  # nothing else is reachable
    expect(page).to_have_url(re.compile(r"/two-factor/set-up$"))

    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator(".asb-setup-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page, "the set-up page with an error")

    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(heading(page)).to_have_text("Save your recovery codes")
    expect(page.locator(".asb-recovery-codes li")).to_have_count(10)
    assert_accessible(page, "the recovery codes")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    # Signed in, and now the temporary password is changed.
    expect(heading(page)).to_have_text("Change your password")
    page.get_by_label("Current password", exact=True).fill(TEMPORARY_PASSWORD)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm new password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(heading(page)).to_have_text("ASB case management")
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Manage two-factor sign-in").click()
    expect(heading(page)).to_have_text("Two-factor sign-in")
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()
    assert_accessible(page, "the account's two-factor page")


def test_the_lead_signs_in_with_a_code(open_page, live_server):
    email = live_server.email("asb-lead")
    page = open_page("asb lead")
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/code$"))
    expect(heading(page)).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page, "the second step")

    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    assert_accessible(page, "the second step with an error")

    page.get_by_label("Code", exact=True).fill(authenticator_code(TOTP_SECRETS[email]))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("Lee Lead, Community Safety")).to_be_visible()
