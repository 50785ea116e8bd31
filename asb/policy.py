"""The access policy: may this user do this to this record?

Every view and API endpoint asks here; nothing else in asb decides who sees what.
Denial is the default: a permission with no rule below is refused to everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import NoReturn

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, false, or_, true

from asb.audit.services import record_denial
from asb.auth.models import Role, User
from asb.incidents.models import Incident
from asb.incidents.vocabulary import IncidentSource


class Permission(StrEnum):
    VIEW_INCIDENT_LOG = "view-incident-log"
    RECORD_INCIDENT = "record-incident"
    EXPORT_INCIDENTS = "export-incidents"
    VIEW_INCIDENT = "view-incident"
    VIEW_PERSONAL_DETAILS = "view-personal-details"
    EDIT_INCIDENT = "edit-incident"
    CHANGE_INCIDENT_STATUS = "change-incident-status"
    MANAGE_USERS = "manage-users"
    MANAGE_REFERENCE_DATA = "manage-reference-data"


def _is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _works_incidents(user: User) -> bool:
    """Internal officers, managers and the ASB lead; never partners or admins."""
    return user.role.works_cases and not user.is_partner


def _is_recording_agency_or_lead(user: User, incident: Incident) -> bool:
    return user.is_asb_lead or incident.recording_agency_id == user.agency_id


def _view_incident(user: User, incident: Incident) -> bool:
    if not _works_incidents(user):
        return False
    return not incident.restricted or _is_recording_agency_or_lead(user, incident)


def _edit_incident(user: User, incident: Incident) -> bool:
    # police.uk records are imported as published; only their status is worked here.
    return (
        incident.source is IncidentSource.PARTNERSHIP
        and _view_incident(user, incident)
        and _is_recording_agency_or_lead(user, incident)
    )


def _change_incident_status(user: User, incident: Incident) -> bool:
    return _view_incident(user, incident) and _is_recording_agency_or_lead(user, incident)


def _view_personal_details(user: User, incident: Incident) -> bool:
    return _view_incident(user, incident) and _is_recording_agency_or_lead(user, incident)


_GENERAL_RULES: dict[Permission, Callable[[User], bool]] = {
    Permission.VIEW_INCIDENT_LOG: _works_incidents,
    Permission.RECORD_INCIDENT: _works_incidents,
    Permission.EXPORT_INCIDENTS: _works_incidents,
    Permission.MANAGE_USERS: lambda user: user.role is Role.ADMIN,
    Permission.MANAGE_REFERENCE_DATA: lambda user: user.role is Role.ADMIN,
}

_RECORD_RULES: dict[Permission, Callable[[User, object], bool]] = {
    Permission.VIEW_INCIDENT: _view_incident,
    Permission.VIEW_PERSONAL_DETAILS: _view_personal_details,
    Permission.EDIT_INCIDENT: _edit_incident,
    Permission.CHANGE_INCIDENT_STATUS: _change_incident_status,
}


def can(user, permission: Permission, record: object | None = None) -> bool:
    """Answer without side effects; unknown permissions and missing records are refused."""
    if not _is_signed_in(user):
        return False
    if permission in _GENERAL_RULES:
        return _GENERAL_RULES[permission](user)
    if permission in _RECORD_RULES and record is not None:
        return _RECORD_RULES[permission](user, record)
    return False


def authorize(
    permission: Permission, record: object | None = None, *, hide_existence: bool = False
) -> None:
    """Abort with 403 (or 404 where the record's existence must not leak) unless allowed."""
    if can(current_user, permission, record):
        return
    deny(permission, record, hide_existence=hide_existence)


def deny(
    permission: Permission, record: object | None = None, *, hide_existence: bool = False
) -> NoReturn:
    record_denial(current_user if _is_signed_in(current_user) else None, permission, record)
    abort(404 if hide_existence else 403)


def authorize_incident_view(incident: Incident) -> None:
    """A restricted incident is not even admitted to exist for those who may not see it."""
    authorize(Permission.VIEW_INCIDENT, incident, hide_existence=incident.restricted)


def visible_incidents(user) -> ColumnElement[bool]:
    """The SQL form of VIEW_INCIDENT, for lists and exports."""
    if not _is_signed_in(user) or not _works_incidents(user):
        return false()
    if user.is_asb_lead:
        return true()
    return or_(Incident.restricted.is_(False), Incident.recording_agency_id == user.agency_id)


def personal_details_visible(user) -> ColumnElement[bool]:
    """The SQL form of VIEW_PERSONAL_DETAILS, for exports."""
    if not _is_signed_in(user) or not _works_incidents(user):
        return false()
    if user.is_asb_lead:
        return true()
    return Incident.recording_agency_id == user.agency_id
