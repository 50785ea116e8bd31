"""How an ASB Case Review application arrives, and the stages a review goes through."""

from __future__ import annotations

from asb.case_reviews.models import CaseReviewApplication
from asb.enums import LabelledEnum


class ApplicationRoute(LabelledEnum):
    PHONE = "phone", "Phone"
    PAPER = "paper", "Paper form or letter"
    IN_PERSON = "in-person", "In person"
    ONLINE = "online", "Online form"
    EMAIL = "email", "Email"


class ReviewStage(LabelledEnum):
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    THRESHOLD_MET = "threshold-met", "Threshold met"
    THRESHOLD_NOT_MET = "threshold-not-met", "Threshold not met"
    REVIEW_HELD = "review-held", "Review held"
    RESPONSE_SENT = "response-sent", "Response sent"
    APPEAL_RECEIVED = "appeal-received", "Appeal received"
    APPEAL_DECIDED = "appeal-decided", "Appeal decided"

    @property
    def tag_colour(self) -> str:
        return {
            ReviewStage.RECEIVED: "blue",
            ReviewStage.ACKNOWLEDGED: "light-blue",
            ReviewStage.THRESHOLD_MET: "orange",
            ReviewStage.THRESHOLD_NOT_MET: "grey",
            ReviewStage.REVIEW_HELD: "turquoise",
            ReviewStage.RESPONSE_SENT: "green",
            ReviewStage.APPEAL_RECEIVED: "pink",
            ReviewStage.APPEAL_DECIDED: "green",
        }[self]

    @classmethod
    def of(cls, application: CaseReviewApplication) -> ReviewStage:
        """The furthest step the application has reached."""
        if application.appeal_outcome:
            return cls.APPEAL_DECIDED
        if application.appeal_received_on:
            return cls.APPEAL_RECEIVED
        if application.response_sent_on:
            return cls.RESPONSE_SENT
        if application.meeting_on:
            return cls.REVIEW_HELD
        if application.threshold_met is True:
            return cls.THRESHOLD_MET
        if application.threshold_met is False:
            return cls.THRESHOLD_NOT_MET
        if application.acknowledged_on:
            return cls.ACKNOWLEDGED
        return cls.RECEIVED
