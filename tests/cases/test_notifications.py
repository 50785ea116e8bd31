"""Notifications: the in-app list and header count, daily reminders of overdue work from
`flask asb notify-overdue`, and the development outbox."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from asb.auth.models import Role
from asb.calendar import today_in_london
from asb.extensions import db
from asb.notifications.models import Notification, OutboxEmail
from asb.notifications.services import notify
from tests.factories import make_action
from tests.helpers import page_text, visible_text


def told(user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.message)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def emails_to(user) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == user.email)))


def notify_overdue(app):
    result = app.test_cli_runner().invoke(args=["asb", "notify-overdue"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


# The in-app list


def test_notifications_page_lists_newest_first_and_marks_them_read(client, login_as, app):
    officer = login_as(Role.OFFICER, "housing")
    with app.test_request_context():
        notify(officer, "Case ASB-C-2026-00001 has been assigned to you", "/cases/1")
        notify(officer, "Your action on case ASB-C-2026-00001 is overdue", "/cases/1")
    db.session.commit()

    response = client.get("/notifications")
    text = visible_text(response)
    assert text.index("New Your action on case") < text.index("New Case ASB-C-2026-00001")
    assert 'href="/cases/1"' in page_text(response)

    marked = client.post("/notifications/read")

    assert marked.status_code == 302
    assert marked.location == "/notifications"
    assert all(
        n.read_at is not None
        for n in db.session.scalars(select(Notification).where(Notification.user_id == officer.id))
    )
    text = visible_text(client.get("/notifications"))
    assert "New " not in text
    assert "Your action on case ASB-C-2026-00001 is overdue" in text


def test_notifications_page_shows_only_your_own(client, login_as, make_user, app):
    login_as(Role.OFFICER, "housing")
    someone_else = make_user(Role.OFFICER, "housing")
    with app.test_request_context():
        notify(someone_else, "Case ASB-C-2026-00009 has been assigned to you", "/cases/9")
    db.session.commit()

    text = visible_text(client.get("/notifications"))

    assert "ASB-C-2026-00009" not in text
    assert "You have no notifications." in text


def test_marking_read_leaves_other_peoples_notifications_unread(client, login_as, make_user, app):
    officer = login_as(Role.OFFICER, "housing")
    someone_else = make_user(Role.OFFICER, "housing")
    with app.test_request_context():
        notify(officer, "Mine", None)
        notify(someone_else, "Theirs", None)
    db.session.commit()

    client.post("/notifications/read")

    theirs = db.session.scalar(select(Notification).where(Notification.user_id == someone_else.id))
    assert theirs.read_at is None


def test_header_shows_the_unread_count(client, login_as, app):
    officer = login_as(Role.OFFICER, "housing")
    assert "unread" not in visible_text(client.get("/cases"))
    with app.test_request_context():
        for number in range(3):
            notify(officer, f"Message {number}", None, email=False)
    db.session.commit()

    assert "Notifications 3 unread" in visible_text(client.get("/cases"))

    client.post("/notifications/read")
    assert "unread" not in visible_text(client.get("/cases"))


def test_notifications_page_needs_signing_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


# Reminders of overdue work


@pytest.fixture
def yesterday() -> date:
    return today_in_london() - timedelta(days=1)


def test_case_officer_is_reminded_of_an_overdue_review(app, make_user, make_case, yesterday):
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=officer, review_due=yesterday)
    on_time = make_case("housing", officer=officer, review_due=yesterday + timedelta(days=2))
    before = told(officer)

    output = notify_overdue(app)

    assert output == "Sent 1 reminder."
    assert told(officer) == [*before, f"The review of case {case.reference} is overdue"]
    assert f"The review of case {on_time.reference} is overdue" not in told(officer)
    [email] = [e for e in emails_to(officer) if "review" in e.subject]
    assert f"/cases/{case.id}" in email.body


def test_action_owner_is_reminded_of_an_overdue_action(app, make_user, make_case, yesterday):
    officer, partner = (
        make_user(Role.OFFICER, "housing"),
        make_user(Role.OFFICER, "street-enforcement"),
    )
    case = make_case("housing", officer=officer, partners=["street-enforcement"])
    make_action(case, partner, yesterday, actor=officer)
    make_action(case, officer, yesterday + timedelta(days=1), actor=officer)
    db.session.commit()
    before = told(partner)

    assert notify_overdue(app) == "Sent 1 reminder."

    assert told(partner) == [*before, f"Your action on case {case.reference} is overdue"]
    assert not any("overdue" in message for message in told(officer))


def test_reminders_go_once_a_day(app, make_user, make_case, yesterday):
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=officer, review_due=yesterday)
    make_action(case, officer, yesterday)
    db.session.commit()

    assert notify_overdue(app) == "Sent 2 reminders."
    count = len(told(officer))
    emails = len(emails_to(officer))

    assert notify_overdue(app) == "Sent 0 reminders."
    assert len(told(officer)) == count
    assert len(emails_to(officer)) == emails


def test_reminders_go_again_the_next_day(app, make_user, make_case):
    with freeze_time("2026-11-24 08:00:00"):
        officer = make_user(Role.OFFICER, "housing")
        make_case("housing", officer=officer, review_due=date(2026, 11, 20))
        assert notify_overdue(app) == "Sent 1 reminder."
    with freeze_time("2026-11-25 08:00:00"):
        assert notify_overdue(app) == "Sent 1 reminder."


def test_reminders_go_once_a_london_day_in_summer_time(app, make_user, make_case):
    with freeze_time("2026-06-09 23:30:00"):  # 00:30 on 10 June in London
        officer = make_user(Role.OFFICER, "housing")
        make_case("housing", officer=officer, review_due=date(2026, 6, 5))
        assert notify_overdue(app) == "Sent 1 reminder."
    with freeze_time("2026-06-10 08:00:00"):  # 09:00 on 10 June in London
        assert notify_overdue(app) == "Sent 0 reminders."


def test_unassigned_overdue_case_goes_to_the_teams_managers(app, make_user, make_case, yesterday):
    managers = [make_user(Role.MANAGER, "barbican"), make_user(Role.MANAGER, "barbican")]
    away = make_user(Role.MANAGER, "barbican", is_active_account=False)
    team_officer = make_user(Role.OFFICER, "barbican")
    lead_manager = make_user(Role.MANAGER, "housing")
    case = make_case("housing", actor=lead_manager, team="barbican", review_due=yesterday)

    assert notify_overdue(app) == "Sent 2 reminders."

    message = f"The review of case {case.reference} is overdue"
    for manager in managers:
        assert told(manager) == [message]
    assert told(away) == []
    assert told(team_officer) == []
    assert told(lead_manager) == []


@pytest.mark.parametrize("state", ["closed", "done"])
def test_closed_cases_and_finished_actions_are_not_chased(
    app, make_user, make_case, yesterday, state
):
    from asb.cases import services
    from asb.cases.vocabulary import CaseStatus

    officer = make_user(Role.OFFICER, "housing")
    if state == "closed":
        make_case("housing", officer=officer, status=CaseStatus.CLOSED, review_due=yesterday)
    else:
        case = make_case("housing", officer=officer)
        action = make_action(case, officer, yesterday)
        with app.test_request_context():
            services.complete_action(action, actor=officer)
        db.session.commit()

    assert notify_overdue(app) == "Sent 0 reminders."


def test_reminder_links_use_the_public_address(app, make_user, make_case, yesterday, monkeypatch):
    monkeypatch.setitem(app.config, "ASB_BASE_URL", "https://asb.example.test")
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=officer, review_due=yesterday)

    notify_overdue(app)

    [email] = [e for e in emails_to(officer) if "review" in e.subject]
    assert email.body.split("\n\n")[1].endswith(f"/cases/{case.id}")


# The outbox


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.ASB_LEAD, 200),
        (Role.MANAGER, 403),
        (Role.OFFICER, 403),
        (Role.PARTNER, 403),
    ],
)
def test_outbox_is_for_admins_and_the_asb_lead(client, login_as, role, status):
    agency_code = "community-safety" if role in {Role.ADMIN, Role.ASB_LEAD} else "housing"
    login_as(role, agency_code)
    assert client.get("/outbox").status_code == status


def test_outbox_lists_the_emails_asb_would_have_sent(client, login_as, make_user, make_case):
    login_as(Role.ASB_LEAD, "community-safety")
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=officer)

    text = visible_text(client.get("/outbox"))

    assert f"asb: Case {case.reference} has been assigned to you" in text
    assert f"To {officer.email}" in text


def test_outbox_shows_what_is_queued_when_a_mail_server_is_set(
    client, login_as, make_user, make_case, app, monkeypatch
):
    """With a mail server the outbox is where failed emails are seen and tried again."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.test")
    login_as(Role.ADMIN, "community-safety")
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", officer=officer)

    text = visible_text(client.get("/outbox"))

    assert "Emails are sent through smtp.example.test" in text
    assert "No mail server is configured" not in text
    assert f"Queued To {officer.email}" in text
    assert f"asb: Case {case.reference} has been assigned to you" in text


def test_without_a_mail_server_emails_are_marked_sent_and_logged(app, make_user, make_case):
    officer = make_user(Role.OFFICER, "housing")
    make_case("housing", officer=officer)
    [email] = emails_to(officer)
    assert email.sent_at is not None
    assert email.error is None


def test_overdue_case_of_a_deactivated_officer_goes_to_the_teams_managers(
    app, make_user, make_case, yesterday
):
    manager = make_user(Role.MANAGER, "housing")
    officer = make_user(Role.OFFICER, "housing")
    case = make_case("housing", actor=manager, officer=officer, review_due=yesterday)
    officer.is_active_account = False
    db.session.commit()

    notify_overdue(app)

    assert told(manager) == [f"The review of case {case.reference} is overdue"]
