from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from asb.audit.services import record_event, record_view
from asb.auth.current import signed_in_user
from asb.cases.models import Case, CaseIncident
from asb.cases.queries import load_case
from asb.cases.services import ensure_case_open
from asb.extensions import db
from asb.forms import whole_number
from asb.incidents.models import Incident
from asb.incidents.queries import get_incident_or_404
from asb.people import prompts, queries, services, victimisation
from asb.people.forms import CHOOSE_MATCH, NEW_PERSON, ExplanationForm, MergeForm, PersonForm
from asb.people.models import Person
from asb.people.vocabulary import ExplanationMethod, PersonRole
from asb.policy import Permission, authorize, authorize_incident_view, can, deny
from asb.submissions import record_result

blueprint = Blueprint("people", __name__)


@blueprint.app_template_global()
def people_section(case: Case) -> queries.CasePeopleSection:
    """The case page's people section, as the signed-in user may see it."""
    return queries.case_people_section(case, signed_in_user())


def _load_person(person_id: int) -> Person:
    """Load a person the user may see in full: 404 if they see none of the person's records."""
    person = db.get_or_404(Person, person_id)
    user = signed_in_user()
    if not can(user, Permission.VIEW_PERSON_DETAILS, person):
        deny(
            Permission.VIEW_PERSON_DETAILS,
            person,
            hide_existence=not can(user, Permission.VIEW_PERSON, person),
        )
    return person


@blueprint.route("/cases/<int:case_id>/people/new", methods=["GET", "POST"])
@login_required
def add_person(case_id: int):
    case = load_case(case_id, Permission.WORK_CASE, Permission.VIEW_CASE_PERSONAL_DETAILS)
    user = signed_in_user()
    ensure_case_open(case, "adding people to it")
    form = PersonForm()
    draft = _draft(case, form)
    if request.method == "GET":
        form.role.data = request.args.get("role") or (draft.role.value if draft else None)
        if draft is not None:
            form.name.data = draft.name
            form.address.data = draft.address or ""
            form.phone.data = draft.phone or ""
            form.email.data = draft.email or ""
    matches = []
    if request.method == "POST":
        matches = [
            person
            for person in queries.find_matching_people(
                name=form.name.data or "",
                date_of_birth=form.date_of_birth.data,
                address=form.address.data,
            )
            if can(user, Permission.VIEW_PERSON_DETAILS, person)
        ]
        form.offer_matches(matches)
        if not matches:
            form.existing_person.data = None
    if form.validate_on_submit():
        if matches and not form.existing_person.data:
            if form.matches_shown.data == "yes":
                form.existing_person.errors.append(CHOOSE_MATCH)
            return _render_person_form(form, case, draft, matches)
        try:
            link = services.add_person_to_case(
                case,
                role=PersonRole(form.role.data),
                actor=user,
                person=form.chosen_person() if form.existing_person.data != NEW_PERSON else None,
                incident=draft.incident if draft else None,
                incident_roles=draft.incident_roles if draft else (),
                **form.details(),
            )
        except services.PeopleError as error:
            db.session.rollback()
            form.existing_person.errors.append(str(error))
        else:
            _record_search(case, matches)
            url = record_result(url_for("cases.show_case", case_id=case.id, _anchor="people"))
            db.session.commit()
            flash(f"{link.person.name} added to the case as {link.role.label.lower()}.", "success")
            return redirect(url)
    return _render_person_form(form, case, draft, matches)


def _draft(case: Case, form: PersonForm) -> queries.PersonDraft | None:
    """The person named on one of the case's incidents that the form starts from, if any."""
    incident_id = request.args.get("incident") or form.incident_id.data or ""
    named_as = request.args.get("named") or form.named_as.data or ""
    number = whole_number(incident_id)
    if number is None:
        return None
    incident = db.session.get(Incident, number)
    linked = incident is not None and db.session.get(CaseIncident, (case.id, incident.id))
    if not linked or not can(signed_in_user(), Permission.VIEW_PERSONAL_DETAILS, incident):
        return None
    draft = queries.draft_from_incident(incident, named_as)
    if draft is not None:
        form.incident_id.data = str(incident.id)
        form.named_as.data = draft.named_as
    return draft


def _record_search(case: Case, matches: list[Person]) -> None:
    """The search for existing people stays on record whether or not the person is then
    added; a repeated submission answered with the first one's result searched nothing new."""
    record_event(
        "people.searched",
        actor=signed_in_user(),
        obj=case,
        matches=[person.id for person in matches],
    )


def _render_person_form(form: PersonForm, case: Case, draft, matches: list[Person]):
    if request.method == "POST":
        _record_search(case, matches)
        db.session.commit()
    return render_template("people/add.html", form=form, case=case, draft=draft)


@blueprint.get("/people/<int:person_id>")
@login_required
def show_person(person_id: int):
    person = db.get_or_404(Person, person_id)
    if person.merged_into_id is not None:
        return redirect(url_for("people.show_person", person_id=services.current_record(person).id))
    person = _load_person(person_id)
    user = signed_in_user()
    record_event("person.viewed", actor=user, obj=person)
    db.session.commit()
    duplicates = [
        candidate
        for candidate in queries.find_duplicates(person)
        if can(user, Permission.VIEW_PERSON_DETAILS, candidate)
    ]
    return render_template(
        "people/show.html",
        person=person,
        # A person's part in a case or incident is personal data: listed only where the user
        # may see that record's personal details.
        case_links=[
            link
            for link in queries.case_links(person)
            if can(user, Permission.VIEW_CASE_PERSONAL_DETAILS, link.case)
        ],
        incident_links=[
            link
            for link in queries.incident_links(person)
            if can(user, Permission.VIEW_PERSONAL_DETAILS, link.incident)
        ],
        duplicates=[
            (candidate, can(user, Permission.MERGE_PEOPLE, (person, candidate)))
            for candidate in duplicates
        ],
        flag=victimisation.repeat_flags_for_people([person]).get(person.id),
    )


@blueprint.route("/people/<int:person_id>/merge", methods=["GET", "POST"])
@login_required
def merge_person(person_id: int):
    keep = _load_person(person_id)
    if keep.merged_into_id is not None:
        abort(404)
    form = MergeForm()
    raw = form.duplicate_id.data if request.method == "POST" else request.args.get("duplicate_id")
    duplicate_id = whole_number(raw)
    if duplicate_id is None:
        abort(404)
    duplicate = _load_person(duplicate_id)
    if duplicate.merged_into_id is not None or duplicate.id == keep.id:
        abort(404)
    if not can(signed_in_user(), Permission.MERGE_PEOPLE, (keep, duplicate)):
        deny(Permission.MERGE_PEOPLE, duplicate)
    if request.method == "GET":
        form.duplicate_id.data = str(duplicate.id)
    if form.validate_on_submit():
        services.merge_people(keep, duplicate, actor=signed_in_user())
        db.session.commit()
        flash(f"The two records of {keep.name} are now one.", "success")
        return redirect(url_for("people.show_person", person_id=keep.id))
    return render_template(
        "people/merge.html",
        form=form,
        keep=keep,
        duplicate=duplicate,
        keep_links=(queries.case_links(keep), queries.incident_links(keep)),
        duplicate_links=(queries.case_links(duplicate), queries.incident_links(duplicate)),
    )


@blueprint.get("/repeat-victims")
@login_required
def repeat_victims():
    authorize(Permission.VIEW_REPEAT_VICTIMS)
    record_view("repeat-victims.viewed", actor=signed_in_user())
    threshold, days = victimisation.repeat_settings()
    victims = victimisation.repeat_victims()
    return render_template(
        "people/repeat_victims.html",
        people=[victim for victim in victims if victim.person is not None],
        addresses=[victim for victim in victims if victim.person is None],
        threshold=threshold,
        window=victimisation.window_words(days),
    )


@blueprint.route("/incidents/<int:incident_id>/case-review-explained", methods=["GET", "POST"])
@login_required
def record_case_review_explained(incident_id: int):
    incident = get_incident_or_404(incident_id)
    authorize_incident_view(incident)
    authorize(Permission.VIEW_PERSONAL_DETAILS, incident)
    form = ExplanationForm()
    if form.validate_on_submit():
        services.record_case_review_explained(
            incident,
            how=ExplanationMethod(form.how.data),
            actor=signed_in_user(),
            person=prompts.victim_person(incident),
        )
        url = record_result(url_for("incidents.show_incident", incident_id=incident.id))
        db.session.commit()
        flash("Recorded that the ASB Case Review was explained to the victim.", "success")
        return redirect(url)
    return render_template(
        "people/case_review_explained.html",
        form=form,
        incident=incident,
        prompt=prompts.case_review_prompt(incident),
    )
