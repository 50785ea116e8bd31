"""How a disclosure was made."""

from __future__ import annotations

from asb.enums import LabelledEnum


class DisclosureMethod(LabelledEnum):
    CASE_SHARE = "case-share", "Shared in asb"
    DETAILS_REQUEST = "details-request", "Approved request for a person's details"
    PANEL_MEETING = "panel-meeting", "ASB panel meeting"
    EMERGENCY_ACCESS = "emergency-access", "Emergency access to a restricted record"
    SUBJECT_ACCESS = "subject-access", "Subject access pack"
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    MEETING = "meeting", "Meeting"
    REFERRAL = "referral", "Referral to a panel or service"
    OTHER = "other", "Other"

    @classmethod
    def recorded_by_hand(cls) -> list[DisclosureMethod]:
        """The methods an officer records by hand; the others asb records itself."""
        return [cls.PHONE, cls.EMAIL, cls.LETTER, cls.MEETING, cls.REFERRAL, cls.OTHER]
