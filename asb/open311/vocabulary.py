"""The Open311 services: one per kind of ASB the public may report, and their questions.

A service's code is the national category's code (`noise`), or `other` for something the
categories do not name. Services whose reports are aimed at a person (NSIR's "personal"
ASB: a neighbour's campaign, abusive calls or letters) are `blackbox`: the sender gets no
service_request_id, and no such report is ever listed on the public side.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asb.incidents.vocabulary import Category
from asb.public_reports.vocabulary import PUBLIC_CATEGORY_LABELS

SPECIFICATION_URL = "http://wiki.open311.org/GeoReport_v2"
OTHER_SERVICE_CODE = "other"

# Reports of these are about a person: their descriptions name or point at someone, and the
# public side neither lists them nor gives the sender an id to look them up by.
PERSONAL_CATEGORIES: frozenset[Category] = frozenset(
    {Category.ROWDY_NEIGHBOURS, Category.NUISANCE_COMMUNICATIONS}
)

YES, NO = "yes", "no"


@dataclass(frozen=True)
class AttributeValue:
    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    """One question a service asks (GeoReport v2's attribute of a service definition)."""

    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist or multivaluelist
    description: str
    order: int
    required: bool = False
    datatype_description: str | None = None
    values: tuple[AttributeValue, ...] = ()
    variable: bool = True


_YES_NO = (AttributeValue(YES, "Yes"), AttributeValue(NO, "No"))

# Every service asks the same questions of the public form, so that a report sent by
# Open311 reaches triage with the same answers as one made on /report.
ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        code="occurred_at",
        datatype="datetime",
        description="When did it happen?",
        order=1,
        datatype_description="A date and time with its offset from UTC, for example "
        "2026-11-28T22:30:00Z",
    ),
    Attribute(
        code="still_happening",
        datatype="singlevaluelist",
        description="Is it still happening?",
        order=2,
        values=_YES_NO,
    ),
    Attribute(
        code="may_contact",
        datatype="singlevaluelist",
        description="May the City of London contact the reporter about this report? "
        "Without 'yes' the reporter is never contacted.",
        order=3,
        values=_YES_NO,
    ),
)
ATTRIBUTES_BY_CODE = {attribute.code: attribute for attribute in ATTRIBUTES}


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    group: str
    keywords: tuple[str, ...] = ()
    category: Category | None = None
    attributes: tuple[Attribute, ...] = field(default=ATTRIBUTES)

    @property
    def is_blackbox(self) -> bool:
        return self.category in PERSONAL_CATEGORIES

    @property
    def type(self) -> str:
        return "blackbox" if self.is_blackbox else "realtime"

    @property
    def metadata(self) -> bool:
        return bool(self.attributes)


_GROUPS: dict[Category, str] = {
    Category.NOISE: "Noise and neighbours",
    Category.ROWDY_NEIGHBOURS: "Noise and neighbours",
    Category.NUISANCE_COMMUNICATIONS: "Noise and neighbours",
    Category.ROWDY_BEHAVIOUR: "Behaviour in public places",
    Category.STREET_DRINKING: "Behaviour in public places",
    Category.BEGGING: "Behaviour in public places",
    Category.PROSTITUTION: "Behaviour in public places",
    Category.FIREWORKS: "Behaviour in public places",
    Category.TRESPASS: "Behaviour in public places",
    Category.LITTERING_DRUGS: "Streets and spaces",
    Category.ANIMAL_PROBLEMS: "Streets and spaces",
    Category.VEHICLE_NUISANCE: "Vehicles",
    Category.VEHICLE_ABANDONED: "Vehicles",
}
_KEYWORDS: dict[Category, tuple[str, ...]] = {
    Category.NOISE: ("music", "party", "shouting"),
    Category.ROWDY_NEIGHBOURS: ("neighbour", "nuisance neighbour"),
    Category.NUISANCE_COMMUNICATIONS: ("calls", "messages", "letters"),
    Category.ROWDY_BEHAVIOUR: ("intimidation", "gangs", "rowdy"),
    Category.STREET_DRINKING: ("alcohol", "drinking"),
    Category.BEGGING: ("begging", "vagrancy"),
    Category.PROSTITUTION: ("soliciting", "kerb-crawling"),
    Category.FIREWORKS: ("fireworks",),
    Category.TRESPASS: ("trespass",),
    Category.LITTERING_DRUGS: ("litter", "needles", "drug litter"),
    Category.ANIMAL_PROBLEMS: ("dog", "animal"),
    Category.VEHICLE_NUISANCE: ("car", "motorbike", "racing"),
    Category.VEHICLE_ABANDONED: ("abandoned car", "abandoned vehicle"),
}

SERVICES: tuple[Service, ...] = (
    *(
        Service(
            code=category.value,
            name=category.label,
            description=public_label,
            group=_GROUPS[category],
            keywords=_KEYWORDS[category],
            category=category,
        )
        for category, public_label in PUBLIC_CATEGORY_LABELS.items()
    ),
    Service(
        code=OTHER_SERVICE_CODE,
        name="Other anti-social behaviour",
        description="Anti-social behaviour that none of the other services describes",
        group="Other",
        keywords=("other",),
    ),
)
SERVICES_BY_CODE = {service.code: service for service in SERVICES}
BLACKBOX_CATEGORIES = frozenset(
    service.category for service in SERVICES if service.is_blackbox and service.category
)


def service_for(category: Category | None) -> Service:
    return SERVICES_BY_CODE[category.value if category else OTHER_SERVICE_CODE]
