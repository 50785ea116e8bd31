"""The incident form and the status form."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from asb.auth.models import Agency
from asb.calendar import LONDON, now_in_london
from asb.forms import (
    PHONE_PATTERN,
    YES_NO,
    BaseForm,
    CheckboxesField,
    ChoiceField,
    GovDateField,
    RadiosField,
    TimeField,
    combine_local,
    whole_number,
)
from asb.geo.services import geography
from asb.incidents.models import Incident, LocalAsbType
from asb.incidents.vocabulary import (
    Category,
    IncidentStatus,
    Qualifier,
    ReportingChannel,
    ReportKind,
    Vulnerability,
)
from asb.submissions import SubmitOnce, SubmitOnceInput
from asb.versioning import VersionField

EARLIEST_YEAR = 1990
DESCRIPTION_MAX = 5000


def _yes_no(label: str, missing: str, **kwargs) -> RadiosField:
    return RadiosField(
        label, choices=YES_NO, widget=GovRadioInput(), missing_message=missing, **kwargs
    )


def _parse_coordinate(field, name: str, example: str, low: float, high: float) -> float | None:
    if not field.data:
        return None
    try:
        value = float(field.data)
    except ValueError:
        raise ValidationError(f"{name} must be a number, like {example}") from None
    if not low <= value <= high:
        raise ValidationError(f"{name} must be between {low:g} and {high:g}")
    return value


class IncidentForm(BaseForm):
    occurred_date = GovDateField(
        "Date it happened",
        description="For example, 27 3 2026. If it went on over a period, the date it started.",
        missing_message="Enter the date the incident happened",
    )
    occurred_time = TimeField(
        "Time it happened",
        description="Use the 24-hour clock, for example 21:30",
        validators=[DataRequired("Enter the time the incident happened, like 21:30")],
    )
    ended_date = GovDateField(
        "Date it ended (if it went on over a period)",
        description="Leave blank if it happened at one time",
    )
    ended_time = TimeField("Time it ended", validators=[Optional()])

    location_description = StringField(
        "Place or address",
        description="For example, the stairwell of Crescent House, Golden Lane Estate",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the place or address where the incident happened"),
            Length(max=200, message="Place or address must be 200 characters or fewer"),
        ],
    )
    latitude = StringField(
        "Latitude",
        description="Choose a point on the map, or type it, for example 51.5155",
        widget=GovTextInput(),
    )
    longitude = StringField(
        "Longitude",
        description="For example, -0.0922",
        widget=GovTextInput(),
    )

    qualifier = RadiosField(
        "Kind of anti-social behaviour",
        choices=Qualifier.choices(),
        widget=GovRadioInput(),
        missing_message="Select whether the ASB was personal, nuisance or environmental",
    )
    category = ChoiceField(
        "Category",
        choices=[("", "Select a category"), *Category.choices()],
        widget=GovSelect(),
        missing_message="Select the category of anti-social behaviour",
    )
    local_type = ChoiceField("Local type (optional)", widget=GovSelect())
    hate_motivated = _yes_no(
        "Was it motivated by hate?",
        "Select yes if the incident was motivated by hate",
        description="Hostility because of disability, race, religion, sexual orientation or "
        "transgender identity",
    )
    possible_crime = _yes_no(
        "Could it also be a crime?", "Select yes if the incident could also be a crime"
    )
    description = StringField(
        "What happened",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter what happened"),
            Length(
                max=DESCRIPTION_MAX,
                message=f"What happened must be {DESCRIPTION_MAX:,} characters or fewer",
            ),
        ],
    )
    reporting_channel = RadiosField(
        "How was it reported?",
        choices=ReportingChannel.choices(),
        widget=GovRadioInput(),
        missing_message="Select how the incident was reported",
    )
    report_kind = RadiosField(
        "Is this a complaint or your own observation?",
        choices=ReportKind.choices(),
        widget=GovRadioInput(),
        missing_message="Select whether this is a complaint or an officer's observation",
    )
    households_affected = StringField(
        "Households affected (optional)",
        description="How many households the behaviour affects",
        widget=GovTextInput(),
    )

    reporter_anonymous = RadiosField(
        "Is the reporter named or anonymous?",
        choices=[("named", "Named"), ("anonymous", "Anonymous")],
        widget=GovRadioInput(),
    )
    reporter_name = StringField(
        "Reporter's name",
        widget=GovTextInput(),
        validators=[Length(max=120, message="Reporter's name must be 120 characters or fewer")],
    )
    reporter_phone = StringField("Reporter's phone number", widget=GovTextInput())
    reporter_email = StringField(
        "Reporter's email address",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Email("Enter the reporter's email address in the right format, like name@example.com"),
            Length(max=254),
        ],
    )
    reporter_address = StringField(
        "Reporter's address",
        widget=GovTextArea(),
        validators=[Length(max=300, message="Reporter's address must be 300 characters or fewer")],
    )
    reporter_is_victim = RadiosField(
        "Is the reporter also the victim?", choices=YES_NO, widget=GovRadioInput()
    )
    victim_name = StringField(
        "Victim's name (if not the reporter)",
        widget=GovTextInput(),
        validators=[Length(max=120, message="Victim's name must be 120 characters or fewer")],
    )
    victim_phone = StringField("Victim's phone number", widget=GovTextInput())
    victim_email = StringField(
        "Victim's email address",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Email("Enter the victim's email address in the right format, like name@example.com"),
            Length(max=254),
        ],
    )
    victim_address = StringField(
        "Victim's address",
        widget=GovTextArea(),
        validators=[Length(max=300, message="Victim's address must be 300 characters or fewer")],
    )
    vulnerabilities = CheckboxesField(
        "Vulnerability (select all that apply)",
        choices=Vulnerability.choices(),
        widget=GovCheckboxesInput(),
    )
    restricted = _yes_no(
        "Restrict this incident?",
        "Select yes if the incident must be restricted",
        description="Restricted incidents (for example safeguarding or domestic abuse) are seen "
        "only by the recording agency and the ASB lead",
    )
    restriction_reason = StringField(
        "Reason for restricting",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Reason must be 200 characters or fewer")],
    )
    recording_agency = ChoiceField(
        "Recording agency",
        widget=GovSelect(),
        missing_message="Select the recording agency",
    )
    version = HiddenField()
    submit = SubmitField("Save incident", widget=GovSubmitInput())

    def __init__(
        self,
        *args,
        agencies: list[Agency],
        local_types: list[LocalAsbType],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.id): agency for agency in agencies}
        self._local_types = {str(local_type.id): local_type for local_type in local_types}
        self.recording_agency.choices = [(key, a.name) for key, a in self._agencies.items()]
        self.local_type.choices = [("", "None")] + [
            (key, t.name) for key, t in self._local_types.items()
        ]
        self.occurred_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.point: tuple[float, float] | None = None

    # Cross-field checks run after every field's own validators (see validate()).
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self._check_when()
        self._check_where()
        self._check_people()
        self._check_households()
        if self.restricted.data == "yes" and not self.restriction_reason.data:
            self.restriction_reason.errors.append("Enter why the incident is restricted")
        return valid and not any(field.errors for field in self)

    def _check_when(self) -> None:
        if self.occurred_date.data and self.occurred_time.time and not self.occurred_time.errors:
            self.occurred_at = combine_local(
                self.occurred_date.data, self.occurred_time.time, LONDON
            )
            _check_plausible(self.occurred_date, self.occurred_at, "The date it happened")
        if self.ended_date.data and not self.ended_date.errors:
            if not self.ended_time.data:
                self.ended_time.errors.append("Enter the time it ended, like 23:00")
                return
            if self.ended_time.time is None:
                return
            self.ended_at = combine_local(self.ended_date.data, self.ended_time.time, LONDON)
            _check_plausible(self.ended_date, self.ended_at, "The date it ended")
            if self.occurred_at and self.ended_at <= self.occurred_at:
                self.ended_date.errors.append("The date it ended must be after it started")
        elif self.ended_time.data and not self.ended_date.errors:
            self.ended_date.errors.append("Enter the date it ended, or clear the time it ended")

    def _check_where(self) -> None:
        try:
            latitude = _parse_coordinate(self.latitude, "Latitude", "51.5155", -90, 90)
        except ValidationError as error:
            self.latitude.errors.append(str(error))
            latitude = None
        try:
            longitude = _parse_coordinate(self.longitude, "Longitude", "-0.0922", -180, 180)
        except ValidationError as error:
            self.longitude.errors.append(str(error))
            longitude = None
        if not self.latitude.data and not self.longitude.data:
            self.latitude.errors.append(
                "Choose the location on the map, or enter its latitude and longitude"
            )
            return
        if not self.latitude.data:
            self.latitude.errors.append("Enter the latitude, like 51.5155")
        if not self.longitude.data:
            self.longitude.errors.append("Enter the longitude, like -0.0922")
        if latitude is None or longitude is None:
            return
        geo = geography()
        if not geo.contains(latitude, longitude):
            from flask import current_app

            self.latitude.errors.append(
                f"The location must be inside {current_app.config['ASB_AREA_NAME']}: "
                "choose a point within the boundary on the map"
            )
            return
        self.point = (latitude, longitude)

    def _check_people(self) -> None:
        complaint = self.report_kind.data == ReportKind.COMPLAINT.value
        if complaint and not self.reporter_anonymous.data:
            self.reporter_anonymous.errors.append(
                "Select whether the reporter is named or anonymous"
            )
        if self.reporter_anonymous.data == "named" and not self.reporter_name.data:
            self.reporter_name.errors.append("Enter the reporter's name, or select anonymous")
        if complaint and not self.reporter_is_victim.data:
            self.reporter_is_victim.errors.append("Select yes if the reporter is also the victim")
        for field in (self.reporter_phone, self.victim_phone):
            if field.data and not PHONE_PATTERN.match(field.data):
                field.errors.append(
                    f"Enter {field.label.text[0].lower() + field.label.text[1:]} using only "
                    "numbers, spaces, brackets, + and -, like 020 7606 3030"
                )

    def _check_households(self) -> None:
        value = self.households_affected.data
        if not value:
            return
        if whole_number(value) is None:
            self.households_affected.errors.append(
                "Households affected must be a whole number, like 2"
            )
        elif not 0 <= int(value) <= 10_000:
            self.households_affected.errors.append(
                "Households affected must be between 0 and 10,000"
            )

    def incident_fields(self) -> dict[str, Any]:
        """The validated answers as incident attributes, ready for the service."""
        latitude, longitude = self.point
        named = self.reporter_anonymous.data == "named"
        return {
            "occurred_from": self.occurred_at,
            "occurred_to": self.ended_at,
            "location_description": self.location_description.data,
            "latitude": latitude,
            "longitude": longitude,
            "qualifier": Qualifier(self.qualifier.data),
            "category": Category(self.category.data),
            "local_type": self._local_types.get(self.local_type.data or ""),
            "hate_motivated": self.hate_motivated.data == "yes",
            "possible_crime": self.possible_crime.data == "yes",
            "description": self.description.data,
            "reporting_channel": ReportingChannel(self.reporting_channel.data),
            "report_kind": ReportKind(self.report_kind.data),
            "households_affected": whole_number(self.households_affected.data),
            "reporter_anonymous": self.reporter_anonymous.data == "anonymous",
            "reporter_name": (self.reporter_name.data or None) if named else None,
            "reporter_phone": (self.reporter_phone.data or None) if named else None,
            "reporter_email": (self.reporter_email.data or None) if named else None,
            "reporter_address": (self.reporter_address.data or None) if named else None,
            "reporter_is_victim": self.reporter_is_victim.data == "yes",
            "victim_name": self.victim_name.data or None,
            "victim_phone": self.victim_phone.data or None,
            "victim_email": self.victim_email.data or None,
            "victim_address": self.victim_address.data or None,
            "vulnerabilities": sorted(self.vulnerabilities.data or []),
            "restricted": self.restricted.data == "yes",
            "restriction_reason": self.restriction_reason.data or None
            if self.restricted.data == "yes"
            else None,
            "recording_agency": self._agencies[self.recording_agency.data],
        }

    def fill_from(self, incident: Incident) -> None:
        """Show an incident's current values (on GET of the edit page)."""
        start = incident.occurred_from.astimezone(LONDON)
        self.occurred_date.data = start.date()
        self.occurred_time.data = start.strftime("%H:%M")
        if incident.occurred_to:
            end = incident.occurred_to.astimezone(LONDON)
            self.ended_date.data = end.date()
            self.ended_time.data = end.strftime("%H:%M")
        self.location_description.data = incident.location_description
        self.latitude.data = f"{incident.latitude:.6f}"
        self.longitude.data = f"{incident.longitude:.6f}"
        self.qualifier.data = incident.qualifier.value
        self.category.data = incident.category.value
        self.local_type.data = str(incident.local_type_id) if incident.local_type_id else ""
        self.hate_motivated.data = "yes" if incident.hate_motivated else "no"
        self.possible_crime.data = "yes" if incident.possible_crime else "no"
        self.description.data = incident.description
        self.reporting_channel.data = incident.reporting_channel.value
        self.report_kind.data = incident.report_kind.value
        self.households_affected.data = (
            str(incident.households_affected) if incident.households_affected is not None else ""
        )
        # An officer's observation may have no reporter at all: neither named nor anonymous.
        if incident.reporter_anonymous:
            self.reporter_anonymous.data = "anonymous"
        elif incident.reporter_name:
            self.reporter_anonymous.data = "named"
        else:
            self.reporter_anonymous.data = ""
        for name in (
            "reporter_name",
            "reporter_phone",
            "reporter_email",
            "reporter_address",
            "victim_name",
            "victim_phone",
            "victim_email",
            "victim_address",
            "restriction_reason",
        ):
            getattr(self, name).data = getattr(incident, name) or ""
        self.reporter_is_victim.data = "yes" if incident.reporter_is_victim else "no"
        self.vulnerabilities.data = list(incident.vulnerabilities or [])
        self.restricted.data = "yes" if incident.restricted else "no"
        self.recording_agency.data = str(incident.recording_agency_id)
        self.version.data = str(incident.version)


class EditIncidentForm(IncidentForm):
    """Editing an incident: the same questions, and the version of it they were answered on."""

    version = VersionField()


class NewIncidentForm(SubmitOnce, IncidentForm):
    """Recording an incident: the same questions as editing one, sent once."""


def _check_plausible(field, moment: datetime, name: str) -> None:
    now = now_in_london()
    if moment > now + timedelta(minutes=5):
        field.errors.append(f"{name} must be today or in the past")
    elif moment.year < EARLIEST_YEAR:
        field.errors.append(f"{name} must be in {EARLIEST_YEAR} or later")


class StatusForm(BaseForm):
    status = RadiosField(
        "Status",
        choices=[(status.value, status.label) for status in IncidentStatus.settable()],
        widget=GovRadioInput(),
        missing_message="Select a status",
    )
    reason = StringField(
        "Reason for no further action",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Reason must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Update status", widget=GovSubmitInput())

    def validate_reason(self, field):
        if self.status.data == IncidentStatus.NO_FURTHER_ACTION.value and not field.data:
            raise ValidationError("Enter why no further action is needed")


NEW_INCIDENT = "new"


class _DuplicateRadios(RadiosField):
    def pre_validate(self, form):
        if self.data and self.data not in {value for value, _ in self.choices}:
            raise ValidationError(
                "The incident you chose is no longer offered: choose one of these, "
                "or save it as a new incident"
            )
        super().pre_validate(form)


class DuplicateChoiceForm(BaseForm):
    """Before a new incident is saved: is it another report of one already on the log?

    The incident form's answers travel with it as they were sent, so choosing saves them.
    """

    duplicate_of = _DuplicateRadios(
        "Is this another report of one of these incidents?",
        widget=GovRadioInput(),
        missing_message="Select the incident this is another report of, "
        "or save it as a new incident",
    )
    # Sent with the question, so that choosing nothing is told apart from not being asked.
    duplicates_offered = HiddenField(default="yes")
    submit = SubmitField("Continue", widget=SubmitOnceInput())
    change_answers = SubmitField("Change the answers", widget=GovSubmitInput())

    def __init__(self, candidates: list[Incident], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(incident.id): incident for incident in candidates}
        self.duplicate_of.choices = [
            (key, f"Yes, add it to {incident.reference} as another report")
            for key, incident in self.candidates.items()
        ] + [(NEW_INCIDENT, "No, save it as a new incident")]

    @property
    def answered(self) -> bool:
        """Whether this is the answer to the question (the incident form alone is not)."""
        return bool(self.duplicates_offered.raw_data)

    def chosen_incident(self) -> Incident | None:
        return self.candidates.get(self.duplicate_of.data or "")
