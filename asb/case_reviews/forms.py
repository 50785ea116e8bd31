"""Forms for logging an ASB Case Review application and recording each step of the review."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from asb.auth.models import Agency, User
from asb.calendar import today_in_london
from asb.case_reviews.complaints import not_a_complaint
from asb.case_reviews.models import CaseReviewComplaint
from asb.case_reviews.threshold import applicant_problems
from asb.case_reviews.vocabulary import ApplicationRoute
from asb.cases.forms import ActionForm
from asb.forms import YES_NO, BaseForm, ChoiceField, GovDateField, RadiosField
from asb.incidents.models import Incident
from asb.submissions import SubmitOnce

_REFERENCE = re.compile(r"[A-Za-z0-9-]+")

# Looks up an incident the signed-in user may see by its reference, or None.
FindIncident = Callable[[str], Incident | None]


def _not_in_future(field) -> None:
    if field.data and field.data > today_in_london():
        raise ValidationError(f"{field.label.text} must be today or in the past")


def _citable(reference: str, find_incident: FindIncident) -> Incident:
    incident = find_incident(reference)
    if incident is None:
        raise ValidationError(f"No incident you can see has the reference {reference}")
    reason = not_a_complaint(incident)
    if reason is not None:
        raise ValidationError(f"{incident.reference} is {reason}, so it cannot be cited")
    return incident


class ApplicationForm(SubmitOnce, BaseForm):
    applicant_name = StringField(
        "Applicant's name",
        description="An application cannot be anonymous",
        widget=GovTextInput(),
        validators=[Length(max=120, message="Applicant's name must be 120 characters or fewer")],
    )
    applicant_contact = StringField(
        "How to contact the applicant",
        description="A phone number, email address or postal address",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter how to contact the applicant"),
            Length(max=300, message="Contact details must be 300 characters or fewer"),
        ],
    )
    on_behalf_of = StringField(
        "If the applicant is applying for someone else, the victim's name (optional)",
        description="For example a relative, carer, councillor or MP applying for the victim",
        widget=GovTextInput(),
        validators=[Length(max=120, message="Victim's name must be 120 characters or fewer")],
    )
    consent_confirmed = RadiosField(
        "Has the victim consented to the application made for them?",
        description="Answer if the applicant is applying for someone else",
        choices=YES_NO,
        widget=GovRadioInput(),
    )
    route = RadiosField(
        "How was the application made?",
        choices=ApplicationRoute.choices(),
        widget=GovRadioInput(),
        missing_message="Select how the application was made",
    )
    received_on = GovDateField(
        "Date the application was received",
        description="For example, 23 12 2026",
        missing_message="Enter the date the application was received",
    )
    incident_references = StringField(
        "Complaints it cites that are recorded in asb (optional)",
        description="Incident references, one behaviour a line. Put references on the same "
        "line, separated by commas, when they are complaints about the same behaviour (for "
        "example one report made to several agencies). You can add complaints made elsewhere "
        "after logging the application.",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="References must be 2,000 characters or fewer")],
    )
    case_id = HiddenField()
    submit = SubmitField("Log application", widget=GovSubmitInput())

    def __init__(self, *args, find_incident: FindIncident, **kwargs):
        super().__init__(*args, **kwargs)
        self._find_incident = find_incident
        self.cited: list[list[Incident]] = []

    def validate_applicant_name(self, field):
        problem = applicant_problems(field.data, None, False).get("applicant_name")
        if problem:
            raise ValidationError(problem)

    def validate_consent_confirmed(self, field):
        problem = applicant_problems("someone", self.on_behalf_of.data, field.data == "yes").get(
            "consent_confirmed"
        )
        if problem:
            raise ValidationError(problem)

    def validate_received_on(self, field):
        _not_in_future(field)

    def validate_incident_references(self, field):
        """Read each line as one behaviour and find the incidents it names."""
        self.cited = []
        seen: set[int] = set()
        for line in (field.data or "").splitlines():
            group = []
            for reference in _REFERENCE.findall(line):
                incident = _citable(reference.upper(), self._find_incident)
                if incident.id in seen:
                    raise ValidationError(f"{incident.reference} is cited more than once")
                seen.add(incident.id)
                group.append(incident)
            if group:
                self.cited.append(group)


class ComplaintForm(SubmitOnce, BaseForm):
    reference = StringField(
        "Incident reference, if the complaint is recorded in asb",
        description="For example, ASB-2026-00042. Leave blank for a complaint made elsewhere.",
        widget=GovTextInput(),
        validators=[Length(max=20, message="Reference must be 20 characters or fewer")],
    )
    agency = ChoiceField("Who the complaint was made to", widget=GovSelect())
    behaviour_on = GovDateField(
        "Date of the behaviour",
        description="For an incident in asb, leave blank to use the date it happened",
    )
    complained_on = GovDateField(
        "Date the complaint was made",
        description="For an incident in asb, leave blank to use the date it was reported "
        "(the date it happened, when asb has no date of reporting)",
    )
    description = StringField(
        "What the complaint was about (optional)",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Description must be 2,000 characters or fewer")],
    )
    same_as = ChoiceField("Is it about behaviour another complaint is about?", widget=GovSelect())
    submit = SubmitField("Add complaint", widget=GovSubmitInput())

    def __init__(
        self,
        *args,
        agencies: list[Agency],
        complaints: list[CaseReviewComplaint],
        find_incident: FindIncident,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.id): agency for agency in agencies}
        self._complaints = {str(c.id): c for c in complaints}
        self._find_incident = find_incident
        self.incident: Incident | None = None
        self.agency.choices = [("", "Not known, or a body not listed")] + [
            (key, agency.name) for key, agency in self._agencies.items()
        ]
        self.same_as.choices = [("", "No, a separate behaviour")] + [
            (str(c.id), f"Yes, the same as complaint {number}")
            for number, c in enumerate(complaints, start=1)
        ]

    def chosen_agency(self) -> Agency | None:
        return self._agencies.get(self.agency.data or "")

    def same_behaviour_key(self) -> str | None:
        complaint = self._complaints.get(self.same_as.data or "")
        return complaint.behaviour_key if complaint else None

    def validate_reference(self, field):
        self.incident = _citable(field.data.upper(), self._find_incident) if field.data else None

    def validate_behaviour_on(self, field):
        if field.data is None and not self.reference.data:
            raise ValidationError("Enter the date of the behaviour")
        _not_in_future(field)

    def validate_complained_on(self, field):
        if field.data is None and not self.reference.data:
            raise ValidationError("Enter the date the complaint was made")
        _not_in_future(field)
        if field.data and self.behaviour_on.data and field.data < self.behaviour_on.data:
            raise ValidationError(
                "Date the complaint was made must be the same as or after the date of the behaviour"
            )


class StepDateForm(BaseForm):
    """A step recorded by its date, which cannot be in the future."""

    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_on(self, field):
        _not_in_future(field)


class AcknowledgeForm(StepDateForm):
    on = GovDateField(
        "Date the acknowledgement was sent",
        missing_message="Enter the date the acknowledgement was sent",
    )
    submit = SubmitField("Record acknowledgement", widget=GovSubmitInput())


class SpocForm(BaseForm):
    spoc = ChoiceField(
        "Single point of contact",
        description="The officer the applicant deals with throughout the review",
        widget=GovSelect(),
        missing_message="Select the single point of contact",
    )
    submit = SubmitField("Appoint", widget=GovSubmitInput())

    def __init__(self, *args, officers: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self._officers = {str(officer.id): officer for officer in officers}
        self.spoc.choices = [("", "Select an officer")] + [
            (key, f"{o.name} ({o.agency.name})") for key, o in self._officers.items()
        ]

    def chosen_spoc(self) -> User:
        return self._officers[self.spoc.data]


class ThresholdForm(StepDateForm):
    met = RadiosField(
        "Is the threshold for a review met?",
        choices=YES_NO,
        widget=GovRadioInput(),
        missing_message="Select yes if the threshold for a review is met",
    )
    on = GovDateField(
        "Date of the decision", missing_message="Enter the date the threshold was decided"
    )
    notes = StringField(
        "Reasons for the decision",
        description="Needed when the decision differs from the count of qualifying complaints, "
        "for example the persistence of the behaviour, the harm it causes or the adequacy of "
        "the response so far",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Reasons must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Record decision", widget=GovSubmitInput())

    def __init__(self, *args, counted_met: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self._counted_met = counted_met

    def validate_notes(self, field):
        if self.met.data and (self.met.data == "yes") != self._counted_met and not field.data:
            raise ValidationError(
                "Explain why the decision differs from the count of qualifying complaints"
            )


class LinkCaseForm(BaseForm):
    reference = StringField(
        "Case reference",
        description="For example, ASB-C-2026-00007",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the reference of the case the application is about")],
    )
    submit = SubmitField("Link case", widget=GovSubmitInput())


class MeetingForm(StepDateForm):
    on = GovDateField(
        "Date of the review meeting", missing_message="Enter the date of the review meeting"
    )
    victim_view = StringField(
        "The victim's view on the action plan (optional)",
        description="What the victim thinks of the actions proposed, in their words where "
        "possible. You can add it later, until the response is sent.",
        widget=GovTextArea(),
        validators=[
            Length(max=5000, message="The victim's view must be 5,000 characters or fewer")
        ],
    )
    submit = SubmitField("Record meeting", widget=GovSubmitInput())


class RecommendationForm(ActionForm):
    description = StringField(
        "Recommendation",
        description="It becomes an action on the case, with its owner and due date",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the recommendation"),
            Length(max=1000, message="Recommendation must be 1,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add recommendation", widget=GovSubmitInput())


class ResponseForm(StepDateForm):
    on = GovDateField(
        "Date the response was sent", missing_message="Enter the date the response was sent"
    )
    submit = SubmitField("Record response", widget=GovSubmitInput())


class AppealForm(StepDateForm):
    on = GovDateField(
        "Date the appeal was received", missing_message="Enter the date the appeal was received"
    )
    submit = SubmitField("Record appeal", widget=GovSubmitInput())


class AppealOutcomeForm(BaseForm):
    outcome = StringField(
        "Outcome of the appeal",
        description="What was decided, by whom, and what happens next",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the outcome of the appeal"),
            Length(max=5000, message="Outcome must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Record outcome", widget=GovSubmitInput())


def default_date(form: BaseForm, day: date | None = None) -> None:
    """Fill an empty step date with today, as most steps are recorded the day they happen."""
    if form.on.data is None and not form.on.raw_data:
        form.on.data = day or today_in_london()
