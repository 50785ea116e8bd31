"""The national and local vocabularies for recording ASB.

The qualifiers and categories follow the National Standard for Incident Recording (NSIR)
as police forces and community safety partnerships use it.
"""

from __future__ import annotations

from asb.enums import LabelledEnum


class Qualifier(LabelledEnum):
    PERSONAL = "personal", "Personal: aimed at an individual or group"
    NUISANCE = "nuisance", "Nuisance: causes trouble to the community"
    ENVIRONMENTAL = "environmental", "Environmental: affects public spaces and the surroundings"


class Category(LabelledEnum):
    VEHICLE_ABANDONED = "vehicle-abandoned", "Vehicle abandoned"
    VEHICLE_NUISANCE = "vehicle-nuisance", "Vehicle nuisance or inappropriate use"
    ROWDY_BEHAVIOUR = "rowdy-behaviour", "Rowdy or inconsiderate behaviour"
    ROWDY_NEIGHBOURS = "rowdy-neighbours", "Rowdy or nuisance neighbours"
    LITTERING_DRUGS = "littering-drugs", "Littering or drug paraphernalia"
    ANIMAL_PROBLEMS = "animal-problems", "Animal problems"
    TRESPASS = "trespass", "Trespass"
    NUISANCE_COMMUNICATIONS = "nuisance-communications", "Malicious or nuisance communications"
    STREET_DRINKING = "street-drinking", "Street drinking"
    PROSTITUTION = "prostitution", "Prostitution-related activity"
    NOISE = "noise", "Noise"
    BEGGING = "begging", "Begging or vagrancy"
    FIREWORKS = "fireworks", "Fireworks"


class ReportingChannel(LabelledEnum):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    IN_PERSON = "in-person", "In person"
    ONLINE = "online", "Online"
    PATROL = "patrol", "Patrol"
    CCTV = "cctv", "CCTV"
    POLICE_REFERRAL = "police-referral", "Police referral"


class ReportKind(LabelledEnum):
    """Complaints and officers' own observations are counted apart."""

    COMPLAINT = "complaint", "A complaint from a member of the public or a business"
    OBSERVATION = "observation", "An officer's own observation"


class IncidentStatus(LabelledEnum):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    LINKED = "linked", "Linked to a case"
    NO_FURTHER_ACTION = "no-further-action", "No further action"

    @property
    def tag_colour(self) -> str:
        return {
            IncidentStatus.NEW: "blue",
            IncidentStatus.TRIAGED: "turquoise",
            IncidentStatus.LINKED: "purple",
            IncidentStatus.NO_FURTHER_ACTION: "grey",
        }[self]

    @classmethod
    def settable(cls) -> list[IncidentStatus]:
        """Statuses an officer may set by hand; linking happens when a case takes the incident."""
        return [cls.NEW, cls.TRIAGED, cls.NO_FURTHER_ACTION]


class IncidentSource(LabelledEnum):
    PARTNERSHIP = "partnership", "Partnership record"
    POLICE_UK = "police.uk", "police.uk record"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.PARTNERSHIP: "Partnership record", cls.POLICE_UK: "police.uk record"}


class Vulnerability(LabelledEnum):
    DISABILITY = "disability", "Physical disability or long-term illness"
    MENTAL_HEALTH = "mental-health", "Mental health condition"
    OLDER_PERSON = "older-person", "Older person"
    CHILD = "child", "Child or young person"
    LIVES_ALONE = "lives-alone", "Lives alone or isolated"
    LANGUAGE = "language", "Language or communication barrier"
    SUBSTANCE_MISUSE = "substance-misuse", "Alcohol or substance misuse"
    DOMESTIC_ABUSE = "domestic-abuse", "Domestic abuse"
    REPEAT_VICTIM = "repeat-victim", "Previously targeted (repeat victim)"
