"""Forms for opening and working cases."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
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
from asb.cases.risk import RiskMatrix
from asb.cases.vocabulary import CaseOutcome, CaseStatus, ContactMethod
from asb.forms import BaseForm, ChoiceField, GovDateField, RadiosField, whole_number
from asb.submissions import SubmitOnce
from asb.versioning import VersionField


class VersionedForm(BaseForm):
    """Carries the case version the officer saw, so a stale save is refused."""

    version = VersionField()

    def expected_version(self) -> int | None:
        return self.version.number


class OpenCaseForm(SubmitOnce, BaseForm):
    title = StringField(
        "Case title",
        description="A short name for the problem, for example 'Noise from 12 Crescent House'",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a title for the case"),
            Length(max=120, message="Case title must be 120 characters or fewer"),
        ],
    )
    summary = StringField(
        "Summary of the problem",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter a summary of the problem"),
            Length(max=5000, message="Summary must be 5,000 characters or fewer"),
        ],
    )
    lead_agency = ChoiceField(
        "Lead agency", widget=GovSelect(), missing_message="Select the lead agency"
    )
    restricted = RadiosField(
        "Restrict this case?",
        description="A restricted case is seen only by the assigned team and the ASB lead",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        missing_message="Select yes if the case must be restricted",
    )
    restriction_reason = StringField(
        "Reason for restricting",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Reason must be 200 characters or fewer")],
    )
    incident_ids = HiddenField()
    submit = SubmitField("Open case", widget=GovSubmitInput())

    def __init__(self, *args, agencies: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.id): agency for agency in agencies}
        self.lead_agency.choices = [(key, a.name) for key, a in self._agencies.items()]

    def chosen_agency(self) -> Agency:
        return self._agencies[self.lead_agency.data]

    def validate_restriction_reason(self, field):
        if self.restricted.data == "yes" and not field.data:
            raise ValidationError("Enter why the case is restricted")

    def incident_id_list(self) -> list[int]:
        numbers = (whole_number(part) for part in (self.incident_ids.data or "").split(","))
        return [number for number in numbers if number is not None]


class AssignForm(VersionedForm):
    agency = ChoiceField("Team", widget=GovSelect(), missing_message="Select a team")
    officer = ChoiceField("Officer", widget=GovSelect())
    reason = StringField(
        "Reason for the change",
        description="Needed when you move the case away from an officer",
        widget=GovTextArea(),
        validators=[Length(max=1000, message="Reason must be 1,000 characters or fewer")],
    )
    submit = SubmitField("Assign case", widget=GovSubmitInput())

    def __init__(self, *args, agencies: list[Agency], officers: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.id): agency for agency in agencies}
        self._officers = {str(officer.id): officer for officer in officers}
        self.agency.choices = [(key, a.name) for key, a in self._agencies.items()]
        self.officer.choices = [("", "Nobody yet: put it in the team's queue")] + [
            (key, f"{o.name} ({o.agency.name})") for key, o in self._officers.items()
        ]

    def chosen_agency(self) -> Agency:
        return self._agencies[self.agency.data]

    def chosen_officer(self) -> User | None:
        return self._officers.get(self.officer.data or "")

    def validate_officer(self, field):
        officer = self._officers.get(field.data or "")
        if officer is not None and officer.agency_id != whole_number(self.agency.data):
            raise ValidationError(f"{officer.name} is not in the team you selected")


class StatusForm(VersionedForm):
    status = RadiosField("New status", widget=GovRadioInput(), missing_message="Select a status")
    submit = SubmitField("Change status", widget=GovSubmitInput())

    def __init__(self, *args, current: CaseStatus, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [
            (status.value, status.label)
            for status in current.next_statuses()
            if status is not CaseStatus.CLOSED
        ]


class CloseForm(VersionedForm):
    outcome = RadiosField(
        "Outcome",
        choices=CaseOutcome.choices(),
        widget=GovRadioInput(),
        missing_message="Select the outcome of the case",
    )
    closing_summary = StringField(
        "Closing summary",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter a closing summary"),
            Length(max=5000, message="Closing summary must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Close case", widget=GovSubmitInput())


class ReopenForm(VersionedForm):
    reason = StringField(
        "Why are you reopening the case?",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter why the case is being reopened"),
            Length(max=2000, message="Reason must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Reopen case", widget=GovSubmitInput())


class NoteForm(SubmitOnce, BaseForm):
    contact_method = RadiosField(
        "Is this a record of contact?",
        choices=[("", "No, it is a note"), *ContactMethod.choices()],
        widget=GovRadioInput(),
    )
    text = StringField(
        "Note",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter the note"),
            Length(max=5000, message="Note must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add to timeline", widget=GovSubmitInput())


class ActionForm(SubmitOnce, BaseForm):
    description = StringField(
        "What needs doing",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter what needs doing"),
            Length(max=1000, message="Action must be 1,000 characters or fewer"),
        ],
    )
    owner = ChoiceField("Owner", widget=GovSelect(), missing_message="Select who owns the action")
    due_on = GovDateField("Due date", missing_message="Enter the date the action is due")
    submit = SubmitField("Add action", widget=GovSubmitInput())

    def __init__(self, *args, owners: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self._owners = {str(owner.id): owner for owner in owners}
        self.owner.choices = [("", "Select an owner")] + [
            (key, f"{o.name} ({o.agency.name})") for key, o in self._owners.items()
        ]

    def chosen_owner(self) -> User:
        return self._owners[self.owner.data]

    def validate_due_on(self, field):
        if field.data and field.data < today_in_london():
            raise ValidationError("Due date must be today or in the future")


class ReviewForm(SubmitOnce, BaseForm):
    note = StringField(
        "Review notes",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter what the review found"),
            Length(max=5000, message="Review notes must be 5,000 characters or fewer"),
        ],
    )
    next_review_due = GovDateField(
        "Next review due", missing_message="Enter the date of the next review"
    )
    submit = SubmitField("Record review", widget=GovSubmitInput())

    def validate_next_review_due(self, field):
        if field.data and field.data <= today_in_london():
            raise ValidationError("Next review must be after today")


class LinkIncidentForm(SubmitOnce, BaseForm):
    reference = StringField(
        "Incident reference",
        description="For example, ASB-2026-00042",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the reference of the incident to link")],
    )
    submit = SubmitField("Link incident", widget=GovSubmitInput())


def risk_assessment_form(matrix: RiskMatrix, *args, **kwargs) -> BaseForm:
    """A form with one question per row of the configured matrix."""

    class RiskAssessmentForm(SubmitOnce, BaseForm):
        submit = SubmitField("Save risk assessment", widget=GovSubmitInput())

        def question_fields(self):
            return [(question, self[question.id]) for question in matrix.questions]

    for question in matrix.questions:
        setattr(
            RiskAssessmentForm,
            question.id,
            RadiosField(
                question.text,
                choices=[(answer.value, answer.label) for answer in question.answers],
                widget=GovRadioInput(),
                missing_message=f"Answer the question: {question.text}",
            ),
        )
    return RiskAssessmentForm(*args, **kwargs)


class PartnerForm(SubmitOnce, BaseForm):
    agency = ChoiceField(
        "Partner agency", widget=GovSelect(), missing_message="Select the agency to add"
    )
    submit = SubmitField("Add partner agency", widget=GovSubmitInput())

    def __init__(self, *args, agencies: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.id): agency for agency in agencies}
        self.agency.choices = [("", "Select an agency")] + [
            (key, agency.name) for key, agency in self._agencies.items()
        ]

    def chosen_agency(self) -> Agency:
        return self._agencies[self.agency.data]
