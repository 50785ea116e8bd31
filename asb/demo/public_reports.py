"""Reports from the public waiting for triage, so the demo's managers have a queue to work."""

from __future__ import annotations

from datetime import timedelta

from asb.database import utcnow
from asb.incidents.vocabulary import Category
from asb.public_reports.models import PublicReport
from asb.public_reports.services import submit_public_report
from asb.public_reports.vocabulary import PublicReportChannel


def load_demo_public_reports() -> list[PublicReport]:
    now = utcnow()
    return [
        # Housing's queue: near the demo's noise incidents at Great Arthur House, so triage
        # suggests them as likely duplicates.
        submit_public_report(
            channel=PublicReportChannel.WEB,
            description="Music and shouting from a flat on the floor above until 3am again.",
            category=Category.NOISE,
            latitude=51.5224,
            longitude=-0.0958,
            location_description="Great Arthur House, Golden Lane Estate",
            occurred_at=now - timedelta(hours=20),
            still_happening=False,
            reporter_anonymous=False,
            reporter_name="Jordan Avery",
            reporter_email="jordan.avery@example.com",
            reporter_phone=None,
            may_contact=True,
        ),
        # Street Enforcement's queue, from someone who stays anonymous.
        submit_public_report(
            channel=PublicReportChannel.WEB,
            description="A group drinking on the steps every afternoon, leaving cans behind.",
            category=Category.STREET_DRINKING,
            latitude=51.5178,
            longitude=-0.0813,
            location_description="Bishopsgate, by the churchyard",
            occurred_at=now - timedelta(days=1, hours=4),
            still_happening=True,
            reporter_anonymous=True,
            reporter_name=None,
            reporter_email=None,
            reporter_phone=None,
            may_contact=False,
        ),
        # Community Safety's queue: something else, a postcode and no map point.
        submit_public_report(
            channel=PublicReportChannel.WEB,
            description="Someone keeps setting off a car alarm in the car park at night.",
            category=None,
            latitude=None,
            longitude=None,
            location_description="EC2Y 8DS",
            occurred_at=now - timedelta(days=2),
            still_happening=False,
            reporter_anonymous=False,
            reporter_name="Sam Okafor",
            reporter_email=None,
            reporter_phone="07700 900461",
            may_contact=True,
        ),
    ]
