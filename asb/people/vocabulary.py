"""How an officer explained the ASB Case Review to a victim."""

from __future__ import annotations

from asb.enums import LabelledEnum


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
