"""The ASB Case Review threshold, counted the way section 104 of the 2014 Act counts it.

A complaint qualifies when it was made within one month of the behaviour it is about and the
application comes within six months of the complaint. Complaints about the same behaviour
(one report copied to several agencies) share a behaviour key and count once. When at least
the required number qualify (three, or a lower local number) the threshold is met.

Months are calendar months: one month after 31 January is the last day of February.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from asb.calendar import add_months

COUNTED = "counted"
MADE_BEFORE_BEHAVIOUR = "dated before the behaviour it is about"
MADE_AFTER_APPLICATION = "made after the application"

# Words people type in place of a name when the applicant would rather not be known.
_ANONYMOUS_NAMES = {"anonymous", "anon", "unknown", "not given", "withheld", "n/a", "none"}


def same_behaviour_reason(first: int | None) -> str:
    """Why a complaint does not count again; None when the first is not to be named."""
    complaint = "another complaint" if first is None else f"complaint {first}"
    return f"same behaviour as {complaint}: counted once"


def months_words(months: int) -> str:
    words = {1: "one", 2: "two", 3: "three", 6: "six", 12: "twelve"}
    return f"{words.get(months, months)} month" + ("" if months == 1 else "s")


@dataclass(frozen=True)
class ComplaintInput:
    behaviour_on: date
    complained_on: date
    behaviour_key: str


@dataclass(frozen=True)
class ComplaintVerdict:
    number: int  # 1-based, in the order the complaints were given
    complaint: ComplaintInput
    counted: bool
    reason: str
    same_as: int | None = None  # the number of the complaint that counted for its behaviour


@dataclass(frozen=True)
class ThresholdResult:
    met: bool
    qualifying: int
    required: int
    verdicts: list[ComplaintVerdict]

    @property
    def reasons(self) -> list[str]:
        return [verdict.reason for verdict in self.verdicts]

    def summary(self) -> str:
        outcome = "met" if self.met else "not met"
        complaints = "complaint" if self.qualifying == 1 else "complaints"
        return (
            f"{self.qualifying} qualifying {complaints} about separate behaviour "
            f"({self.required} needed): threshold {outcome}."
        )


def check_threshold(
    complaints: list[ComplaintInput],
    received_on: date,
    *,
    required: int = 3,
    complaint_within_months_of_behaviour: int = 1,
    application_within_months: int = 6,
) -> ThresholdResult:
    """Count the qualifying complaints an application cites, giving each one's reason."""
    if required < 1:
        raise ValueError(f"The threshold must be at least one complaint, not {required}")
    late = (
        f"made more than {months_words(complaint_within_months_of_behaviour)} after the behaviour"
    )
    stale = f"made more than {months_words(application_within_months)} before the application"
    verdicts: list[ComplaintVerdict] = []
    first_counted: dict[str, int] = {}
    for number, complaint in enumerate(complaints, start=1):
        same_as = None
        if complaint.complained_on < complaint.behaviour_on:
            reason = MADE_BEFORE_BEHAVIOUR
        elif complaint.complained_on > received_on:
            reason = MADE_AFTER_APPLICATION
        elif complaint.complained_on > add_months(
            complaint.behaviour_on, complaint_within_months_of_behaviour
        ):
            reason = late
        elif received_on > add_months(complaint.complained_on, application_within_months):
            reason = stale
        elif complaint.behaviour_key in first_counted:
            # Only a complaint that itself qualifies stands for its behaviour, so a late
            # complaint to one agency does not hide a timely one to another.
            same_as = first_counted[complaint.behaviour_key]
            reason = same_behaviour_reason(same_as)
        else:
            first_counted[complaint.behaviour_key] = number
            reason = COUNTED
        verdicts.append(ComplaintVerdict(number, complaint, reason == COUNTED, reason, same_as))
    qualifying = len(first_counted)
    return ThresholdResult(qualifying >= required, qualifying, required, verdicts)


def applicant_problems(
    applicant_name: str | None, on_behalf_of: str | None, consent_confirmed: bool
) -> dict[str, str]:
    """What stops an application being accepted, by field: never anonymous, consent if for another.

    An applicant must be someone the relevant bodies can reply to; someone applying for a
    victim needs the victim's consent.
    """
    problems: dict[str, str] = {}
    name = " ".join((applicant_name or "").split()).lower()
    if not name:
        problems["applicant_name"] = "Enter the applicant's name"
    elif name in _ANONYMOUS_NAMES:
        problems["applicant_name"] = (
            "Enter the applicant's name: an ASB Case Review application cannot be anonymous"
        )
    if (on_behalf_of or "").strip() and not consent_confirmed:
        problems["consent_confirmed"] = (
            "Confirm that the victim has consented to the application made on their behalf"
        )
    return problems
