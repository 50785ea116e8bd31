"""What the API reads and writes, as marshmallow schemas: they check requests, shape answers,
and are the OpenAPI document's schemas (asb/api/openapi.py), so the document cannot drift."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from asb.cases.risk import RiskLevel
from asb.cases.vocabulary import CaseOutcome, CaseStatus
from asb.enums import LabelledEnum
from asb.incidents.filters import SORT_CHOICES
from asb.incidents.forms import DESCRIPTION_MAX
from asb.incidents.vocabulary import (
    Category,
    IncidentSource,
    IncidentStatus,
    Qualifier,
    ReportingChannel,
    ReportKind,
    Vulnerability,
)
from asb.maps.filters import PRESETS
from asb.people.vocabulary import PersonRole

# The largest id or count a query may carry: an Integer column's largest value.
ID_MAX = 2**31 - 1


class JsonBoolean(fields.Boolean):
    """true or false as JSON writes them: not 1, "yes" or "on"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def _one_of(vocabulary: type[LabelledEnum]) -> validate.OneOf:
    return validate.OneOf([member.value for member in vocabulary])


def _vocabulary(vocabulary: type[LabelledEnum], **kwargs) -> fields.String:
    return fields.String(validate=_one_of(vocabulary), **kwargs)


def _id(*, strict: bool = True, **kwargs) -> fields.Integer:
    """An id: in a JSON body a number, in a query string digits."""
    return fields.Integer(strict=strict, validate=validate.Range(1, ID_MAX), **kwargs)


def _whole_number(low: int, high: int, **kwargs) -> fields.Integer:
    """A whole number in a query string."""
    return fields.Integer(validate=validate.Range(low, high), **kwargs)


def _text(maximum: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=maximum), **kwargs)


# Errors ------------------------------------------------------------------------------------


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True)
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "For each field in error, what to do about it"},
    )


class IncidentSummarySchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    occurred_from = fields.DateTime(required=True)
    category = fields.String(required=True)
    location_description = fields.String(required=True)
    status = fields.String(required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)
    likely_duplicates = fields.List(
        fields.Nested(IncidentSummarySchema),
        metadata={"description": "On a 409 from creating an incident: the incidents it may repeat"},
    )


# Incidents ---------------------------------------------------------------------------------


class IncidentListQuerySchema(Schema):
    """The incident log's filters, sorting and paging."""

    class Meta:
        unknown = EXCLUDE

    text = _text(100, metadata={"description": "Words in the description or place, or a reference"})
    agency = _id(strict=False, metadata={"description": "Recording agency id"})
    category = _vocabulary(Category)
    local_type = _id(strict=False)
    status = _vocabulary(IncidentStatus)
    ward = _text(9, metadata={"description": "Ward code"})
    source = _vocabulary(IncidentSource)
    date_from = fields.Date(metadata={"description": "Happened on or after (London day)"})
    date_to = fields.Date(metadata={"description": "Happened on or before (London day)"})
    cell = _whole_number(0, ID_MAX, metadata={"description": "Grid cell"})
    sort = fields.String(validate=validate.OneOf([key for key, _ in SORT_CHOICES]))
    order = fields.String(validate=validate.OneOf(["asc", "desc"]))
    page = _whole_number(1, 999_999)
    per_page = _whole_number(1, 100)


class AgencyRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class IncidentSchema(Schema):
    """An incident. The reporter's and victims' details are present only where the policy
    lets the token's user see them (personal_details_shown)."""

    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    version = fields.Integer(required=True)
    source = _vocabulary(IncidentSource, required=True)
    status = _vocabulary(IncidentStatus, required=True)
    no_further_action_reason = fields.String(allow_none=True, required=True)
    occurred_at = fields.DateTime(required=True)
    ended_at = fields.DateTime(allow_none=True, required=True)
    location_description = fields.String(required=True)
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    ward_code = fields.String(allow_none=True, required=True)
    ward_name = fields.String(allow_none=True, required=True)
    qualifier = _vocabulary(Qualifier, required=True)
    category = _vocabulary(Category, required=True)
    local_type_id = fields.Integer(allow_none=True, required=True)
    hate_motivated = fields.Boolean(required=True)
    possible_crime = fields.Boolean(required=True)
    description = fields.String(required=True)
    reporting_channel = _vocabulary(ReportingChannel, required=True)
    report_kind = _vocabulary(ReportKind, required=True)
    households_affected = fields.Integer(allow_none=True, required=True)
    restricted = fields.Boolean(required=True)
    recording_agency = fields.Nested(AgencyRefSchema, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    personal_details_shown = fields.Boolean(required=True)
    reporter_anonymous = fields.Boolean()
    reporter_name = fields.String(allow_none=True)
    reporter_phone = fields.String(allow_none=True)
    reporter_email = fields.String(allow_none=True)
    reporter_address = fields.String(allow_none=True)
    reporter_is_victim = fields.Boolean()
    victim_name = fields.String(allow_none=True)
    victim_phone = fields.String(allow_none=True)
    victim_email = fields.String(allow_none=True)
    victim_address = fields.String(allow_none=True)
    vulnerabilities = fields.List(_vocabulary(Vulnerability))
    restriction_reason = fields.String(allow_none=True)


class PageSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(
        required=True, metadata={"description": "Matches, counted up to a cap (total_is_capped)"}
    )
    total_is_capped = fields.Boolean(required=True)
    has_next = fields.Boolean(required=True)


class IncidentListSchema(Schema):
    incidents = fields.List(fields.Nested(IncidentSchema), required=True)
    paging = fields.Nested(PageSchema, required=True)


class IncidentWriteSchema(Schema):
    """The incident form's questions; the same rules check them as on the form."""

    occurred_at = fields.AwareDateTime(metadata={"description": "When it happened (or started)"})
    ended_at = fields.AwareDateTime(allow_none=True)
    location_description = _text(200)
    latitude = fields.Float(allow_nan=False, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_nan=False, validate=validate.Range(-180, 180))
    qualifier = _vocabulary(Qualifier)
    category = _vocabulary(Category)
    local_type_id = _id(allow_none=True)
    hate_motivated = JsonBoolean()
    possible_crime = JsonBoolean()
    description = _text(DESCRIPTION_MAX)
    reporting_channel = _vocabulary(ReportingChannel)
    report_kind = _vocabulary(ReportKind)
    households_affected = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(0, 10_000)
    )
    reporter_anonymous = JsonBoolean()
    reporter_name = _text(120, allow_none=True)
    reporter_phone = _text(25, allow_none=True)
    reporter_email = _text(254, allow_none=True)
    reporter_address = _text(300, allow_none=True)
    reporter_is_victim = JsonBoolean()
    victim_name = _text(120, allow_none=True)
    victim_phone = _text(25, allow_none=True)
    victim_email = _text(254, allow_none=True)
    victim_address = _text(300, allow_none=True)
    vulnerabilities = fields.List(_vocabulary(Vulnerability))
    restricted = JsonBoolean()
    restriction_reason = _text(200, allow_none=True)
    recording_agency_id = _id(metadata={"description": "Defaults to your own agency"})


INCIDENT_REQUIRED = (
    "occurred_at",
    "location_description",
    "latitude",
    "longitude",
    "qualifier",
    "category",
    "description",
    "reporting_channel",
    "report_kind",
)


class IncidentCreateSchema(IncidentWriteSchema):
    occurred_at = fields.AwareDateTime(required=True)
    location_description = _text(200, required=True)
    latitude = fields.Float(allow_nan=False, validate=validate.Range(-90, 90), required=True)
    longitude = fields.Float(allow_nan=False, validate=validate.Range(-180, 180), required=True)
    qualifier = _vocabulary(Qualifier, required=True)
    category = _vocabulary(Category, required=True)
    description = _text(DESCRIPTION_MAX, required=True)
    reporting_channel = _vocabulary(ReportingChannel, required=True)
    report_kind = _vocabulary(ReportKind, required=True)
    on_duplicate = fields.String(
        validate=validate.OneOf(["link", "create"]),
        metadata={
            "description": "When likely duplicates are found: 'link' this report to the "
            "incident duplicate_of, or 'create' a new incident anyway. Without it, a 409 "
            "lists the likely duplicates."
        },
    )
    duplicate_of = _id(metadata={"description": "With on_duplicate 'link': the incident's id"})


class IncidentUpdateSchema(IncidentWriteSchema):
    version = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(1, ID_MAX),
        metadata={"description": "The version you read: a stale one answers 409"},
    )


class IncidentReportSchema(Schema):
    """A report linked to an existing incident instead of a new one."""

    id = fields.Integer(required=True)
    incident = fields.Nested(IncidentSummarySchema, required=True)
    reported_at = fields.DateTime(required=True)


# Cases and people --------------------------------------------------------------------------


class CaseListQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = _vocabulary(CaseStatus)
    page = _whole_number(1, 999_999)
    per_page = _whole_number(1, 100)


class CasePersonSchema(Schema):
    person_id = fields.Integer(required=True)
    role = _vocabulary(PersonRole, required=True)
    name = fields.String(required=True)


class CaseSchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    version = fields.Integer(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    status = _vocabulary(CaseStatus, required=True)
    outcome = fields.String(allow_none=True, required=True, validate=_one_of(CaseOutcome))
    risk_level = fields.String(allow_none=True, required=True, validate=_one_of(RiskLevel))
    restricted = fields.Boolean(required=True)
    lead_agency = fields.Nested(AgencyRefSchema, required=True)
    assigned_agency = fields.Nested(AgencyRefSchema, required=True)
    case_officer = fields.String(allow_none=True, required=True)
    opened_at = fields.DateTime(required=True)
    review_due = fields.Date(allow_none=True, required=True)
    closed_at = fields.DateTime(allow_none=True, required=True)
    personal_details_shown = fields.Boolean(required=True)
    people = fields.List(fields.Nested(CasePersonSchema))


class CaseListSchema(Schema):
    cases = fields.List(fields.Nested(CaseSchema), required=True)
    paging = fields.Nested(PageSchema, required=True)


class PersonSchema(Schema):
    id = fields.Integer(required=True)
    merged_into_id = fields.Integer(allow_none=True, required=True)
    personal_details_shown = fields.Boolean(required=True)
    name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)


# Reference data ----------------------------------------------------------------------------


class AgencySchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    is_external = fields.Boolean(required=True)


class AgencyListSchema(Schema):
    agencies = fields.List(fields.Nested(AgencySchema), required=True)


class TermSchema(Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)


class CategoryListSchema(Schema):
    categories = fields.List(fields.Nested(TermSchema), required=True)
    qualifiers = fields.List(fields.Nested(TermSchema), required=True)


class LocalTypeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    is_active = fields.Boolean(required=True)


class LocalTypeListSchema(Schema):
    local_types = fields.List(fields.Nested(LocalTypeSchema), required=True)


class WardSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class WardListSchema(Schema):
    wards = fields.List(fields.Nested(WardSchema), required=True)


# Hotspots ----------------------------------------------------------------------------------


class HotspotQuerySchema(Schema):
    """The map's filters: a preset period, or date_from and date_to with period 'custom'."""

    class Meta:
        unknown = EXCLUDE

    period = fields.String(validate=validate.OneOf([*PRESETS, "custom"]))
    date_from = fields.Date()
    date_to = fields.Date()
    qualifier = _vocabulary(Qualifier)
    category = _vocabulary(Category)
    local_type = _id(strict=False)
    agency = _id(strict=False)
    status = _vocabulary(IncidentStatus)
    source = _vocabulary(IncidentSource)
    ward = _text(9)


class HotspotSchema(Schema):
    number = fields.Integer(required=True)
    cells = fields.List(fields.Integer(), required=True)
    incidents = fields.Integer(required=True)
    confidence = fields.Integer(required=True, metadata={"description": "99, 95 or 90 (%)"})
    persistence = fields.String(required=True)
    active_periods = fields.List(fields.Boolean(), required=True)
    busiest_cell = fields.Integer(required=True)
    ward_names = fields.List(fields.String(), required=True)


class HotspotListSchema(Schema):
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    total = fields.Integer(required=True)
    outside_area = fields.Integer(required=True)
    without_location = fields.Integer(required=True)
    hotspots = fields.List(fields.Nested(HotspotSchema), required=True)
