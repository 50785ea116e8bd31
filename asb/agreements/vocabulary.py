"""The words of an information sharing agreement: what data it covers and on what basis."""

from __future__ import annotations

from asb.enums import LabelledEnum


class DataCategory(LabelledEnum):
    """The parts of a record an agreement may cover and a share may carry."""

    INCIDENT_FACTS = "incident-facts", "Incident facts (what happened, when, category)"
    LOCATIONS = "locations", "Locations"
    PEOPLE = "people", "People's names and contact details"
    VULNERABILITIES = "vulnerabilities", "Vulnerabilities"
    RISK_ASSESSMENTS = "risk-assessments", "Risk assessments"
    CASE_WORK = "case-work", "Case work (notes, actions and timeline)"
    DOCUMENTS = "documents", "Documents"


class LawfulBasis(LabelledEnum):
    """UK GDPR Article 6(1): the lawful basis for processing personal data."""

    CONSENT = "consent", "Article 6(1)(a) consent"
    CONTRACT = "contract", "Article 6(1)(b) contract"
    LEGAL_OBLIGATION = "legal-obligation", "Article 6(1)(c) legal obligation"
    VITAL_INTERESTS = "vital-interests", "Article 6(1)(d) vital interests"
    PUBLIC_TASK = "public-task", "Article 6(1)(e) public task"
    LEGITIMATE_INTERESTS = "legitimate-interests", "Article 6(1)(f) legitimate interests"


class SpecialCategoryCondition(LabelledEnum):
    """Article 9 (special category) or Article 10 (criminal offence) data, with the DPA 2018
    Schedule 1 condition relied on."""

    NONE = "none", "No special category or criminal offence data"
    STATUTORY_PURPOSES = (
        "sch1-6",
        "Article 9/10 with DPA 2018 Schedule 1 paragraph 6 (statutory and government purposes)",
    )
    PREVENTING_CRIME = (
        "sch1-10",
        "Article 9/10 with DPA 2018 Schedule 1 paragraph 10 (preventing or detecting "
        "unlawful acts)",
    )
    SAFEGUARDING = (
        "sch1-18",
        "Article 9/10 with DPA 2018 Schedule 1 paragraph 18 (safeguarding of children and of "
        "individuals at risk)",
    )
    SUBSTANTIAL_PUBLIC_INTEREST = (
        "sch1-other",
        "Article 9/10 with another DPA 2018 Schedule 1 substantial public interest condition",
    )
