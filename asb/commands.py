"""Command-line tasks: flask --app wsgi asb <command>."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from wtforms.validators import ValidationError

from asb.auth import services as auth_services
from asb.auth.forms import validate_new_password
from asb.auth.models import Role
from asb.extensions import db

cli = AppGroup("asb", help="asb administration tasks.")


@cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--agency", "agency_code", required=True, help="Agency code, e.g. housing")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, name: str, agency_code: str, role: str, password_stdin: bool) -> None:
    """Create a user account (the password is never taken as an argument)."""
    agency = auth_services.find_agency(agency_code)
    if agency is None:
        raise click.ClickException(f"No agency has the code '{agency_code}'.")
    if auth_services.find_user_by_email(email):
        raise click.ClickException(f"A user with the email address {email} already exists.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        validate_new_password(password, email=email)
    except ValidationError as error:
        raise click.ClickException(str(error)) from None
    user = auth_services.create_user(
        email=email, name=name, agency=agency, role=Role(role), password=password
    )
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.label}, {agency.name}).")


@cli.command("seed-demo")
def seed_demo_command() -> None:
    """Load demo users and incidents (safe to run again: it loads them only once)."""
    from flask import current_app

    from asb.demo.seed import seed_demo
    from asb.demo.two_factor import DEMO_SECRETS, demo_secrets_allowed

    result = seed_demo(current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    if result.created:
        click.echo(
            f"Loaded {result.police_uk_incidents} police.uk incidents and "
            f"{result.partnership_incidents} partnership incidents and {result.cases} cases."
        )
    else:
        click.echo("Demo data was already loaded.")
    click.echo("\nDemo sign-ins (all share one password):")
    for login in result.logins:
        click.echo(f"  {login.email:<44} {login.role:<26} {login.agency}")
    click.echo(f"  Password: {current_app.config['DEMO_PASSWORD']}")
    if not demo_secrets_allowed():
        return
    click.echo(
        "\nThese sign in with two factors: after the password, enter the code that\n"
        "`flask --app wsgi asb demo-code EMAIL` prints, or add the secret to an authenticator app."
    )
    for email, secret in DEMO_SECRETS.items():
        click.echo(f"  {email:<44} {secret}")


@cli.command("import-policeuk")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--agency",
    "agency_code",
    default="city-police",
    show_default=True,
    help="Code of the agency the incidents are recorded by.",
)
@click.option("--user", "email", help="Email address of the asb user running the import.")
def import_policeuk_command(paths: tuple[Path, ...], agency_code: str, email: str | None) -> None:
    """Import the anti-social behaviour rows of data.police.uk street-level CSVs.

    Give files, or folders to search (with their subfolders) for *-street.csv. Rows inside
    the area become police.uk incidents; rows outside it, without a location or that cannot
    be read are counted and reported. Safe to run again: a row already imported is never
    imported twice.
    """
    from asb.policeuk.cli import import_paths

    import_paths(list(paths), agency_code=agency_code, email=email)


@cli.command("demo-code")
@click.argument("email")
def demo_code_command(email: str) -> None:
    """Print the current two-factor code of a demo account (never in production)."""
    from asb.auth.two_factor import current_code
    from asb.demo.two_factor import DemoRefused, check_demo_allowed, is_demo_account

    try:
        check_demo_allowed()
    except DemoRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    user = auth_services.find_user_by_email(email)
    if not is_demo_account(user):
        raise click.ClickException(
            f"{email} is not a demo account with the demo's authenticator secret: "
            "codes are printed for demo accounts only."
        )
    click.echo(current_code(user.two_factor_secret))


@cli.command("notify-overdue")
def notify_overdue_command() -> None:
    """Remind people of overdue reviews and actions (run daily; repeats are skipped)."""

    from flask import current_app

    from asb.calendar import today_in_london
    from asb.cases.reminders import notify_overdue_work

    # Links in reminders point at the service's public address.
    with current_app.test_request_context(base_url=current_app.config["ASB_BASE_URL"]):
        sent = notify_overdue_work(today_in_london())
        db.session.commit()
    click.echo(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")


@cli.command("send-emails")
@click.option("--loop", is_flag=True, help="Keep sending until stopped by SIGTERM or Ctrl+C.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds to wait between batches with --loop.",
)
def send_emails_command(loop: bool, interval: float) -> None:
    """Send queued emails through MAIL_SERVER, once or (--loop) until stopped.

    Any number may run at once: each email is claimed before it is sent. Without --loop,
    run it every minute, for example from cron:

    \b
    * * * * * cd /srv/asb && .venv/bin/flask --app wsgi asb send-emails
    """
    import signal
    import threading

    from flask import current_app
    from sqlalchemy.exc import OperationalError

    from asb.notifications.sending import send_due_emails

    if not current_app.config["MAIL_SERVER"]:
        raise click.ClickException(
            "MAIL_SERVER is not set, so there is nothing to send through: emails are only "
            "logged and listed on the outbox page."
        )
    if not loop:
        result = send_due_emails()
        click.echo(f"Sent {result.sent} emails; {result.failed} failed.")
        return

    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    click.echo(f"Sending queued emails every {interval:g} s until stopped.")
    while not stop.is_set():
        try:
            result = send_due_emails(stop=stop)
        except OperationalError as error:
            # A database restart must not stop the sender; an email it held is due again
            # when its lease runs out.
            db.session.rollback()
            click.echo(f"The database could not be reached, trying again: {error.orig}", err=True)
        else:
            if result.sent or result.failed:
                click.echo(f"Sent {result.sent} emails; {result.failed} failed.")
        stop.wait(interval)
    click.echo("Stopped.")


@cli.command("retention")
@click.option("--dry-run", "mode", flag_value="dry-run", help="List what is due; change nothing.")
@click.option("--apply", "mode", flag_value="apply", help="Anonymise what is due.")
def retention_command(mode: str | None) -> None:
    """List (--dry-run) or anonymise (--apply) the records the retention schedule says are due.

    The output names records by reference or id only. Run --apply daily, for example from
    cron; a run that stops part-way is finished by the next.
    """
    from asb.calendar import today_in_london
    from asb.retention import services
    from asb.retention.schedule import retention_schedule

    if mode is None:
        raise click.UsageError("Choose --dry-run to list what is due or --apply to anonymise it.")
    plan = services.find_due(today_in_london(), retention_schedule())
    for line in services.describe(plan):
        click.echo(line)
    if mode == "dry-run":
        click.echo("Dry run: nothing was changed.")
        return
    done = services.apply(plan)
    click.echo(
        f"Anonymised {done['case']} cases, {done['incident']} incidents and "
        f"{done['person']} people."
    )


audit_cli = AppGroup("audit", help="The audit trail.")
cli.add_command(audit_cli)


@audit_cli.command("verify")
def verify_audit_command() -> None:
    """Prove the audit trail whole: recompute every entry's hash and link, in order.

    Exits non-zero naming the first broken entry: altered (its hash no longer matches),
    inserted (its link or place in the sequence is wrong) or removed (a gap before it).
    The last entry's hash is printed too: kept elsewhere, it shows later that no entries
    were cut from the end.
    """
    from asb.audit.chain import verify_chain

    result = verify_chain(db.session)
    if result.broken is not None:
        raise click.ClickException(
            f"Audit trail broken at entry #{result.broken.sequence} "
            f"({result.broken.kind.value}): {result.broken.explanation}. "
            f"{result.entries} entries before it verified."
        )
    if not result.entries:
        click.echo("Audit trail verified: 0 entries.")
        return
    click.echo(f"Audit trail verified: {result.entries} entries, last #{result.last_sequence}")
    click.echo(f"Last entry's hash: {result.last_hash}")
