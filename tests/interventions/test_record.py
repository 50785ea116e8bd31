"""Recording interventions through the page: the register's rules, and the clocks stored."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from asb.audit.models import AuditEvent
from asb.auth.models import Role
from asb.cases.models import TimelineEntry
from asb.cases.vocabulary import CaseStatus, TimelineKind
from asb.extensions import db
from asb.interventions.models import Intervention
from asb.interventions.rules import InterventionKind

CPW = InterventionKind.COMMUNITY_PROTECTION_WARNING.value
CPN = InterventionKind.COMMUNITY_PROTECTION_NOTICE.value


def parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def record(client, case, kind: str, issued_on: date, **fields):
    data = {"kind": kind, "issued_on": parts(issued_on), **fields}
    return client.post(f"/cases/{case.id}/interventions/new", data=data)


def interventions_of(case) -> list[Intervention]:
    return list(
        db.session.scalars(
            select(Intervention).where(Intervention.case_id == case.id).order_by(Intervention.id)
        )
    )


@pytest.fixture
def case(open_case):
    return open_case()


@pytest.fixture
def perpetrator(case, add_person):
    return add_person(case, "Sam Perpetrator")


def test_form_offers_the_people_on_the_case_perpetrators_first(
    client, officer, case, add_person, perpetrator
):
    from asb.people.vocabulary import PersonRole

    add_person(case, "Alex Victim", role=PersonRole.VICTIM)
    page = client.get(f"/cases/{case.id}/interventions/new").get_data(as_text=True)
    assert page.index("Sam Perpetrator (Alleged perpetrator)") < page.index("Alex Victim (Victim)")


def test_cpn_without_a_prior_warning_is_refused_with_the_message(
    client, officer, case, perpetrator
):
    response = record(client, case, CPN, date(2025, 3, 3), served_on_person=str(perpetrator.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert (
        "A Community Protection Notice can only follow a written warning: record the "
        "Community Protection Warning first"
    ) in page
    assert '<a href="#kind">' in page
    assert interventions_of(case) == []


def test_cpw_then_cpn_is_accepted_with_appeal_deadline_21_days_counting_day_of_issue(
    client, officer, case, perpetrator
):
    person = str(perpetrator.id)
    first = record(client, case, CPW, date(2025, 3, 1), served_on_person=person)
    assert first.status_code == 302
    second = record(client, case, CPN, date(2025, 3, 3), served_on_person=person)
    assert second.status_code == 302

    warning, notice = interventions_of(case)
    assert second.headers["Location"].endswith(f"/cases/{case.id}/interventions/{notice.id}")
    assert warning.kind is InterventionKind.COMMUNITY_PROTECTION_WARNING
    assert notice.kind is InterventionKind.COMMUNITY_PROTECTION_NOTICE
    # 21 days beginning with the day of issue: 3 March is day 1, 23 March day 21.
    assert notice.appeal_deadline == date(2025, 3, 23)
    assert notice.fixed_penalty_max_gbp == 100
    assert notice.served_on_person_id == perpetrator.id
    assert notice.issued_by_id == officer.id

    timeline = db.session.scalars(
        select(TimelineEntry).where(
            TimelineEntry.case_id == case.id, TimelineEntry.kind == TimelineKind.INTERVENTION
        )
    ).all()
    assert [entry.summary for entry in timeline] == [
        "Community Protection Warning issued on 1 March 2025",
        "Community Protection Notice issued on 3 March 2025",
    ]
    audit = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "intervention.recorded", AuditEvent.object_id == notice.id
        )
    ).one()
    assert audit.actor_id == officer.id

    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "23 March 2025" in page
    assert "Sam Perpetrator" in page


@pytest.mark.parametrize(
    ("kind", "fields", "message", "field_id"),
    [
        (
            InterventionKind.CIVIL_INJUNCTION.value,
            {"subject_age": "15", "duration_months": "13"},
            "A civil injunction for someone under 18 can last at most 12 months",
            "duration_months",
        ),
        (
            InterventionKind.CRIMINAL_BEHAVIOUR_ORDER.value,
            {"subject_age": "30", "on_conviction": "no"},
            "A Criminal Behaviour Order can only be made on conviction",
            "on_conviction",
        ),
        (
            InterventionKind.CRIMINAL_BEHAVIOUR_ORDER.value,
            {"subject_age": "30"},
            "Select yes if the Criminal Behaviour Order was made on conviction",
            "on_conviction",
        ),
        (
            CPN,
            {"subject_age": "15"},
            "A Community Protection Notice can only be used against someone aged 16 or over",
            "subject_age",
        ),
        (
            InterventionKind.CIVIL_INJUNCTION.value,
            {"subject_age": "fifteen"},
            "Age must be a whole number, like 15",
            "subject_age",
        ),
        (
            InterventionKind.CLOSURE_NOTICE.value,
            {"served_on_premises": "Flat 3, 10 Example Street"},
            "Enter the date the closure notice was served",
            "served_date",
        ),
        (
            InterventionKind.CLOSURE_ORDER.value,
            {},
            "Enter the address of the premises the closure order is for",
            "served_on_premises",
        ),
    ],
)
def test_intervention_refused_with_a_message_on_the_field(
    client, officer, case, perpetrator, kind, fields, message, field_id
):
    fields.setdefault("served_on_person", str(perpetrator.id))
    if kind == InterventionKind.CLOSURE_ORDER.value:
        fields["served_on_person"] = ""
    response = record(client, case, kind, date(2025, 3, 3), **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert f'href="#{field_id}' in page
    assert interventions_of(case) == []


def test_age_is_worked_out_from_the_date_of_birth_when_not_given(client, officer, case, add_person):
    young = add_person(case, "Jo Young", date_of_birth=date(2010, 3, 4))  # 14 on 3 March 2025
    response = record(
        client,
        case,
        InterventionKind.CIVIL_INJUNCTION.value,
        date(2025, 3, 3),
        served_on_person=str(young.id),
        duration_months="18",
    )
    assert "can last at most 12 months" in response.get_data(as_text=True)

    accepted = record(
        client,
        case,
        InterventionKind.CIVIL_INJUNCTION.value,
        date(2025, 3, 3),
        served_on_person=str(young.id),
        duration_months="12",
    )
    assert accepted.status_code == 302
    (injunction,) = interventions_of(case)
    assert injunction.subject_age_on_issue == 14
    assert injunction.expires_on == date(2026, 3, 3)


def test_cbo_on_conviction_is_accepted(client, officer, case, perpetrator):
    response = record(
        client,
        case,
        InterventionKind.CRIMINAL_BEHAVIOUR_ORDER.value,
        date(2025, 3, 3),
        served_on_person=str(perpetrator.id),
        subject_age="16",
        duration_months="24",
        on_conviction="yes",
        conditions="Not to enter the station forecourt",
    )
    assert response.status_code == 302
    (order,) = interventions_of(case)
    assert order.on_conviction is True
    assert order.expires_on == date(2027, 3, 3)
    assert order.review_on == date(2026, 3, 2)  # within 12 months beginning with issue
    assert order.conditions == "Not to enter the station forecourt"


def test_abc_clocks_are_stored_in_calendar_months(client, officer, case, perpetrator):
    response = record(
        client,
        case,
        InterventionKind.ACCEPTABLE_BEHAVIOUR_CONTRACT.value,
        date(2025, 8, 31),
        served_on_person=str(perpetrator.id),
    )
    assert response.status_code == 302
    (contract,) = interventions_of(case)
    assert contract.expires_on == date(2026, 2, 28)
    assert contract.review_on == date(2025, 11, 30)
    assert contract.appeal_deadline is None
    assert contract.fixed_penalty_max_gbp is None


def test_closure_notice_clocks_run_in_hours_from_service(client, officer, case):
    response = record(
        client,
        case,
        InterventionKind.CLOSURE_NOTICE.value,
        date(2025, 3, 3),
        served_on_premises="Flat 3, 10 Example Street",
        served_date=parts(date(2025, 3, 3)),
        served_time="14:30",
    )
    assert response.status_code == 302
    (notice,) = interventions_of(case)
    assert notice.served_on_premises == "Flat 3, 10 Example Street"
    assert notice.served_at == datetime(2025, 3, 3, 14, 30, tzinfo=UTC)  # GMT in March
    assert notice.expires_at == datetime(2025, 3, 4, 14, 30, tzinfo=UTC)
    assert notice.expires_on == date(2025, 3, 4)
    assert notice.hearing_by == datetime(2025, 3, 5, 14, 30, tzinfo=UTC)
    assert notice.latest_expiry == date(2025, 3, 5)

    page = client.get(f"/cases/{case.id}/interventions/{notice.id}").get_data(as_text=True)
    assert "4 March 2025 at 14:30" in page
    assert "5 March 2025 at 14:30" in page


def test_served_time_needs_a_date_and_the_moment_cannot_be_before_issue(
    client, officer, case, perpetrator
):
    person = str(perpetrator.id)
    dispersal = InterventionKind.DISPERSAL_DIRECTION.value
    no_time = record(
        client,
        case,
        dispersal,
        date(2025, 3, 3),
        served_on_person=person,
        served_date=parts(date(2025, 3, 3)),
    )
    assert "Enter the time it was served, like 14:30" in no_time.get_data(as_text=True)
    early = record(
        client,
        case,
        dispersal,
        date(2025, 3, 3),
        served_on_person=person,
        served_date=parts(date(2025, 3, 2)),
        served_time="10:00",
    )
    assert "Date served must be on or after the date of issue" in early.get_data(as_text=True)
    assert interventions_of(case) == []


def test_intervention_needs_someone_or_somewhere_it_was_served_on(client, officer, case):
    response = record(client, case, CPW, date(2025, 3, 3))
    assert (
        "Select who the Community Protection Warning was served on, or enter the address"
        in response.get_data(as_text=True)
    )


def test_issue_date_cannot_be_in_the_future(client, officer, case, perpetrator):
    response = record(client, case, CPW, date(2099, 1, 1), served_on_person=str(perpetrator.id))
    assert "Date of issue must be today or in the past" in response.get_data(as_text=True)


def test_closed_case_takes_no_new_interventions(client, officer, open_case, app):
    case = open_case()
    case.status = CaseStatus.CLOSED
    db.session.commit()
    response = client.get(f"/cases/{case.id}/interventions/new")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}")


@pytest.mark.parametrize(
    ("role", "agency_code", "status"),
    [
        (Role.OFFICER, "street-enforcement", 200),
        (Role.MANAGER, "street-enforcement", 200),
        (Role.ASB_LEAD, "community-safety", 200),
        (Role.OFFICER, "housing", 403),  # a partner agency on the case contributes, no more
        (Role.OFFICER, "barbican", 403),  # not involved
        (Role.PARTNER, "city-police", 403),
        (Role.ADMIN, "community-safety", 403),
    ],
)
def test_who_may_record_an_intervention(login_as, client, open_case, role, agency_code, status):
    case = open_case(partners=("housing",))
    login_as(role, agency_code)
    assert client.get(f"/cases/{case.id}/interventions/new").status_code == status


def test_restricted_case_interventions_are_not_admitted_to_exist(login_as, client, open_case):
    case = open_case(restricted=True)
    login_as(Role.OFFICER, "barbican")
    assert client.get(f"/cases/{case.id}/interventions/new").status_code == 404
