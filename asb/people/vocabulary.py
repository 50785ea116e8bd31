"""People's parts in incidents and cases, and how the ASB Case Review was explained to them."""

from __future__ import annotations

from asb.enums import LabelledEnum


class PersonRole(LabelledEnum):
    VICTIM = "victim", "Victim"
    WITNESS = "witness", "Witness"
    REPORTER = "reporter", "Reporter"
    PERPETRATOR = "perpetrator", "Alleged perpetrator"
    OTHER = "other", "Other"


class ExplanationMethod(LabelledEnum):
    IN_PERSON = "in-person", "In person"
    PHONE = "phone", "By phone"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"

    @classmethod
    def label_for(cls, value: str) -> str:
        """The words for a stored value; older free-text values are shown as written."""
        member = cls._value2member_map_.get(value)
        return member.label if member is not None else value
