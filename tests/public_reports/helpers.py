"""The public report form's answers, as a member of the public gives them."""

from __future__ import annotations

from datetime import timedelta

from asb.calendar import today_in_london
from tests.helpers import date_parts

# A point in the City (Cheap ward) and one in Hackney, outside it.
CITY = ("51.5155", "-0.0922")
HACKNEY = ("51.5450", "-0.0553")


def answers(**changes) -> dict[str, dict]:
    """Every page's answers, for a named reporter who may be contacted by email."""
    yesterday = today_in_london() - timedelta(days=1)
    pages = {
        "what": {"category": "noise", "description": "Very loud music from the flat above"},
        "where": {
            "location_description": "Crescent House, Golden Lane Estate",
            "latitude": CITY[0],
            "longitude": CITY[1],
        },
        "when": {
            "occurred_date": date_parts(yesterday),
            "occurred_time": "23:30",
            "still_happening": "yes",
        },
        "about-you": {
            "reporter_anonymous": "named",
            "reporter_name": "Robin Resident",
            "reporter_email": "robin@example.com",
            "reporter_phone": "",
            "may_contact": "yes",
        },
    }
    for page, values in changes.items():
        pages[page.replace("_", "-")] = {**pages[page.replace("_", "-")], **values}
    return pages
