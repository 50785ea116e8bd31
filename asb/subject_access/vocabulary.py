"""The words of a subject access request: how it arrived and where it stands."""

from __future__ import annotations

from asb.enums import LabelledEnum


class RequestStatus(LabelledEnum):
    OPEN = "open", "Open"
    EXTENDED = "extended", "Extended"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"

    @property
    def is_open(self) -> bool:
        """Still on the clock: the controller owes an answer."""
        return self in {RequestStatus.OPEN, RequestStatus.EXTENDED}

    @property
    def tag_colour(self) -> str:
        return {
            RequestStatus.OPEN: "blue",
            RequestStatus.EXTENDED: "yellow",
            RequestStatus.COMPLETED: "green",
            RequestStatus.REFUSED: "grey",
            RequestStatus.WITHDRAWN: "grey",
        }[self]

    @classmethod
    def closing(cls) -> list[RequestStatus]:
        """The ways a request ends."""
        return [cls.COMPLETED, cls.REFUSED, cls.WITHDRAWN]


class ReceivedBy(LabelledEnum):
    """A request need not use any form or words: it counts however it arrives."""

    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    PHONE = "phone", "Phone call"
    IN_PERSON = "in-person", "In person"
    ONLINE = "online", "Online form"
    SOCIAL_MEDIA = "social-media", "Social media"
    REPRESENTATIVE = "representative", "Through a representative (a solicitor, an advocate)"
