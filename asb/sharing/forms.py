"""Sharing a case, withdrawing a share, and what a partner adds to a case shared with them."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from asb.agreements.models import SharingAgreement
from asb.agreements.vocabulary import DataCategory
from asb.auth.models import Agency
from asb.forms import YES_NO, BaseForm, CheckboxesField, ChoiceField, RadiosField
from asb.incidents.forms import IncidentForm
from asb.incidents.vocabulary import Category, Qualifier, ReportingChannel, ReportKind
from asb.submissions import SubmitOnce


class ShareCaseForm(SubmitOnce, BaseForm):
    agency = ChoiceField(
        "Partner organisation",
        widget=GovSelect(),
        missing_message="Select the partner organisation to share with",
    )
    agreement = RadiosField(
        "Sharing agreement",
        description="Only agreements in force today are offered",
        widget=GovRadioInput(),
        missing_message="Select the sharing agreement to share under",
    )
    categories = CheckboxesField(
        "What to share",
        description="Share only what the partner needs, and only what the agreement covers. "
        "Everything else shows to them as not shared.",
        choices=DataCategory.choices(),
        widget=GovCheckboxesInput(),
        missing_message="Select what to share",
    )
    may_add_notes = RadiosField(
        "May they add notes to the case?",
        choices=YES_NO,
        widget=GovRadioInput(),
        missing_message="Select yes if the partner may add notes",
    )
    may_add_incidents = RadiosField(
        "May they record incidents on the case?",
        choices=YES_NO,
        widget=GovRadioInput(),
        missing_message="Select yes if the partner may record incidents",
    )
    purpose = StringField(
        "Why are you sharing it?",
        description="The purpose goes into the disclosure log",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter why the case is being shared"),
            Length(max=2000, message="The purpose must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Share case", widget=GovSubmitInput())

    def __init__(self, *args, agencies: list[Agency], agreements: list[SharingAgreement], **kwargs):
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.id): agency for agency in agencies}
        self._agreements = {str(agreement.id): agreement for agreement in agreements}
        self.agency.choices = [("", "Select an organisation")] + [
            (key, agency.name) for key, agency in self._agencies.items()
        ]
        self.agreement.choices = [
            (key, f"{agreement.reference}: {agreement.title} ({agreement.partner_agency.name})")
            for key, agreement in self._agreements.items()
        ]

    def chosen_agency(self) -> Agency:
        return self._agencies[self.agency.data]

    def chosen_agreement(self) -> SharingAgreement:
        return self._agreements[self.agreement.data]

    def chosen_categories(self) -> list[DataCategory]:
        return [DataCategory(value) for value in self.categories.data or []]


class WithdrawShareForm(BaseForm):
    reason = StringField(
        "Why are you withdrawing it?",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter why the share is being withdrawn"),
            Length(max=2000, message="The reason must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Withdraw share", widget=GovSubmitInput())


class PartnerNoteForm(SubmitOnce, BaseForm):
    text = StringField(
        "Note",
        description="The council's team working the case sees it on the case, marked as "
        "from your organisation",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter the note"),
            Length(max=5000, message="Note must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add note", widget=GovSubmitInput())


class PartnerIncidentForm(SubmitOnce, IncidentForm):
    """A partner's own incident: what happened, when and where. The people involved stay in
    the partner's own records; the incident is theirs, and never restricted here."""

    households_affected = None
    reporter_anonymous = None
    reporter_name = None
    reporter_phone = None
    reporter_email = None
    reporter_address = None
    reporter_is_victim = None
    victim_name = None
    victim_phone = None
    victim_email = None
    victim_address = None
    vulnerabilities = None
    restricted = None
    restriction_reason = None
    version = None
    submit = SubmitField("Record incident", widget=GovSubmitInput())

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, agencies=[agency], local_types=[], **kwargs)
        # Recorded for the partner's own agency with no local type, whatever was sent.
        self.recording_agency.data = str(agency.id)
        self.local_type.data = ""

    def validate(self, extra_validators=None) -> bool:
        # Only the checks of the questions asked here: IncidentForm's own check the people.
        valid = BaseForm.validate(self, extra_validators)
        self._check_when()
        self._check_where()
        return valid and not any(field.errors for field in self)

    def incident_fields(self) -> dict[str, Any]:
        latitude, longitude = self.point
        return {
            "occurred_from": self.occurred_at,
            "occurred_to": self.ended_at,
            "location_description": self.location_description.data,
            "latitude": latitude,
            "longitude": longitude,
            "qualifier": Qualifier(self.qualifier.data),
            "category": Category(self.category.data),
            "hate_motivated": self.hate_motivated.data == "yes",
            "possible_crime": self.possible_crime.data == "yes",
            "description": self.description.data,
            "reporting_channel": ReportingChannel(self.reporting_channel.data),
            "report_kind": ReportKind(self.report_kind.data),
            # Whoever reported it is in the partner's own records, not here.
            "reporter_anonymous": self.report_kind.data == ReportKind.COMPLAINT.value,
            "reporter_is_victim": False,
            "vulnerabilities": [],
            "restricted": False,
        }
