"""Hand-written demo incidents from the City's own teams. Every person here is fictional.

Phone numbers are in the 020 7946 0xxx range Ofcom keeps for drama, and email addresses are
at example.com. Dates are days before the day the demo is loaded, so it always looks
current. Coordinates are fixed points inside the City, taken from OS Code-Point Open
postcode centroids and police.uk map points near each place.

Two groups are deliberate: repeated complaints from one resident about the same flat on the
Golden Lane Estate (repeat victims), and street drinking around Aldgate (a hotspot).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from asb.incidents.vocabulary import (
    Category,
    Qualifier,
    ReportingChannel,
    ReportKind,
    Vulnerability,
)


@dataclass(frozen=True)
class Person:
    name: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class PartnershipIncident:
    """One incident; a complaint with no reporter is an anonymous one."""

    agency: str  # the recording agency's code; its demo officer records it
    days_ago: int
    at: str  # London time, HH:MM
    place: str
    latitude: float
    longitude: float
    qualifier: Qualifier
    category: Category
    description: str
    channel: ReportingChannel
    local_type: str | None = None
    kind: ReportKind = ReportKind.COMPLAINT
    lasted: timedelta | None = None
    reporter: Person | None = None
    reporter_is_victim: bool = False
    victim: Person | None = None
    vulnerabilities: tuple[Vulnerability, ...] = ()
    hate_motivated: bool = False
    possible_crime: bool = False
    households_affected: int | None = None
    restriction_reason: str | None = None
    no_further_action: str | None = None  # the reason, for incidents closed that way

    @property
    def is_recent(self) -> bool:
        """Incidents from the last fortnight are still new; older ones have been triaged."""
        return self.days_ago <= 14


GREAT_ARTHUR_HOUSE = "Flat 62 and 7th-floor landing, Great Arthur House, Golden Lane Estate"
GREAT_ARTHUR_HOUSE_POINT = (51.522121, -0.095999)
MARGARET_ELLISON = Person(
    "Margaret Ellison",
    "020 7946 0412",
    "margaret.ellison@example.com",
    "Flat 58, Great Arthur House, Golden Lane Estate, London EC1Y",
)
ELLISON_VULNERABILITIES = (Vulnerability.OLDER_PERSON, Vulnerability.LIVES_ALONE)

PARTNERSHIP_INCIDENTS: tuple[PartnershipIncident, ...] = (
    # Housing: the Golden Lane Estate repeat complaints.
    PartnershipIncident(
        agency="housing",
        days_ago=163,
        at="23:40",
        lasted=timedelta(hours=2, minutes=35),
        place=GREAT_ARTHUR_HOUSE,
        latitude=GREAT_ARTHUR_HOUSE_POINT[0],
        longitude=GREAT_ARTHUR_HOUSE_POINT[1],
        qualifier=Qualifier.NUISANCE,
        category=Category.NOISE,
        description="Loud music with heavy bass from flat 62 until after 2am on a weeknight. "
        "Mrs Ellison, in the flat below, knocked on the door at midnight but nobody answered. "
        "Two other households on the floor also heard it.",
        channel=ReportingChannel.PHONE,
        reporter=MARGARET_ELLISON,
        reporter_is_victim=True,
        vulnerabilities=ELLISON_VULNERABILITIES,
        households_affected=3,
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=121,
        at="00:30",
        lasted=timedelta(hours=3),
        place=GREAT_ARTHUR_HOUSE,
        latitude=GREAT_ARTHUR_HOUSE_POINT[0],
        longitude=GREAT_ARTHUR_HOUSE_POINT[1],
        qualifier=Qualifier.NUISANCE,
        category=Category.NOISE,
        description="Music, shouting and furniture being dragged in flat 62 from 00:30 to about "
        "03:30. Mrs Ellison kept a diary sheet for the night and emailed it to the estate "
        "office the next morning.",
        channel=ReportingChannel.EMAIL,
        reporter=MARGARET_ELLISON,
        reporter_is_victim=True,
        vulnerabilities=ELLISON_VULNERABILITIES,
        households_affected=3,
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=84,
        at="22:15",
        place=GREAT_ARTHUR_HOUSE,
        latitude=GREAT_ARTHUR_HOUSE_POINT[0],
        longitude=GREAT_ARTHUR_HOUSE_POINT[1],
        qualifier=Qualifier.PERSONAL,
        category=Category.ROWDY_NEIGHBOURS,
        description="Mrs Ellison asked two visitors to flat 62 on the landing to keep the noise "
        "down. One swore at her, called her a 'nosy old woman' and kicked her door as they "
        "left. She says she is now nervous of using the lift in the evening.",
        channel=ReportingChannel.PHONE,
        reporter=MARGARET_ELLISON,
        reporter_is_victim=True,
        vulnerabilities=(*ELLISON_VULNERABILITIES, Vulnerability.REPEAT_VICTIM),
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=47,
        at="01:10",
        lasted=timedelta(hours=2),
        place=GREAT_ARTHUR_HOUSE,
        latitude=GREAT_ARTHUR_HOUSE_POINT[0],
        longitude=GREAT_ARTHUR_HOUSE_POINT[1],
        qualifier=Qualifier.NUISANCE,
        category=Category.NOISE,
        description="Party in flat 62 with about a dozen guests, several of them smoking "
        "cannabis on the landing. Music until after 3am. Reported through the online form.",
        channel=ReportingChannel.ONLINE,
        reporter=MARGARET_ELLISON,
        reporter_is_victim=True,
        vulnerabilities=(*ELLISON_VULNERABILITIES, Vulnerability.REPEAT_VICTIM),
        households_affected=4,
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=47,
        at="01:30",
        lasted=timedelta(hours=1, minutes=30),
        place=GREAT_ARTHUR_HOUSE,
        latitude=GREAT_ARTHUR_HOUSE_POINT[0],
        longitude=GREAT_ARTHUR_HOUSE_POINT[1],
        qualifier=Qualifier.NUISANCE,
        category=Category.NOISE,
        description="A second resident of the 7th floor, who did not want to be named, rang the "
        "out-of-hours line about the same party in flat 62: music and people shouting on the "
        "landing.",
        channel=ReportingChannel.PHONE,
        households_affected=4,
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=8,
        at="23:50",
        lasted=timedelta(hours=2, minutes=30),
        place=GREAT_ARTHUR_HOUSE,
        latitude=GREAT_ARTHUR_HOUSE_POINT[0],
        longitude=GREAT_ARTHUR_HOUSE_POINT[1],
        qualifier=Qualifier.PERSONAL,
        category=Category.NOISE,
        description="Loud music again from flat 62 until about 2:20am. Mrs Ellison says this is "
        "the fifth time she has reported it in six months, she is not sleeping and feels the "
        "noise is now aimed at her since she complained.",
        channel=ReportingChannel.PHONE,
        reporter=MARGARET_ELLISON,
        reporter_is_victim=True,
        vulnerabilities=(*ELLISON_VULNERABILITIES, Vulnerability.REPEAT_VICTIM),
        households_affected=3,
    ),
    # Housing: other estates.
    PartnershipIncident(
        agency="housing",
        days_ago=96,
        at="07:45",
        place="Front door of a flat, Petticoat Tower, Middlesex Street Estate",
        latitude=51.516085,
        longitude=-0.076620,
        qualifier=Qualifier.PERSONAL,
        category=Category.ROWDY_BEHAVIOUR,
        local_type="Graffiti",
        description="Racist words sprayed in red paint on Mr Hossain's front door overnight. "
        "He photographed it and came to the estate office. Door cleaned the same morning; "
        "photographs kept.",
        channel=ReportingChannel.IN_PERSON,
        reporter=Person(
            "Tariq Hossain",
            "020 7946 0237",
            "t.hossain@example.com",
            "Petticoat Tower, Middlesex Street Estate, London E1",
        ),
        reporter_is_victim=True,
        hate_motivated=True,
        possible_crime=True,
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=33,
        at="19:30",
        place="Car park entrance, Artizan Street, Middlesex Street Estate",
        latitude=51.515812,
        longitude=-0.077511,
        qualifier=Qualifier.NUISANCE,
        category=Category.ROWDY_BEHAVIOUR,
        local_type="Drug dealing",
        description="Two men on mopeds meeting people at the car park entrance most evenings "
        "this week; small packages handed over. Reported anonymously through the online form.",
        channel=ReportingChannel.ONLINE,
        possible_crime=True,
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=31,
        at="08:15",
        place="Stairwell B, Petticoat Square, Middlesex Street Estate",
        latitude=51.515796,
        longitude=-0.077108,
        qualifier=Qualifier.ENVIRONMENTAL,
        category=Category.LITTERING_DRUGS,
        local_type="Drug dealing",
        description="Estate inspection: three used needles, burnt foil and a snapped spoon on the "
        "half-landing of stairwell B. Sharps removed safely and the door entry system checked: "
        "the lock on the ground-floor door is broken.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=19,
        at="22:50",
        place="Middlesex Street Estate",
        latitude=51.516057,
        longitude=-0.076564,
        qualifier=Qualifier.PERSONAL,
        category=Category.ROWDY_NEIGHBOURS,
        description="Neighbour heard a man shouting and a woman screaming in the flat next door, "
        "then a crash. Police attended. The neighbour asked not to be named. Children live in "
        "the flat.",
        channel=ReportingChannel.PHONE,
        victim=Person("Joanne Pike", "020 7946 0561"),
        vulnerabilities=(Vulnerability.DOMESTIC_ABUSE, Vulnerability.CHILD),
        possible_crime=True,
        restriction_reason="Domestic abuse: the victim's safety; shared with the domestic abuse "
        "coordinator only",
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=70,
        at="17:20",
        place="Children's play area, Mansell Street Estate",
        latitude=51.512980,
        longitude=-0.073724,
        qualifier=Qualifier.NUISANCE,
        category=Category.ANIMAL_PROBLEMS,
        description="A large dog off its lead in the play area lunged at two children. The "
        "owner laughed it off when parents complained.",
        channel=ReportingChannel.PHONE,
        reporter=Person(
            "Nadia Karim",
            "020 7946 0318",
            "nadia.karim@example.com",
            "Mansell Street Estate, London E1",
        ),
        vulnerabilities=(Vulnerability.CHILD,),
        no_further_action="Dog owner identified and spoken to; the dog is now kept on a lead and "
        "there have been no further reports.",
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=12,
        at="14:00",
        place="Mansell Street Estate",
        latitude=51.512309,
        longitude=-0.073926,
        qualifier=Qualifier.PERSONAL,
        category=Category.ROWDY_NEIGHBOURS,
        local_type="Drug dealing",
        description="Tenancy visit: several young men in the flat who would not give their "
        "names; the tenant seemed frightened and said they were 'friends staying for a bit'. "
        "Neighbours report visitors at all hours. Possible cuckooing.",
        channel=ReportingChannel.IN_PERSON,
        kind=ReportKind.OBSERVATION,
        victim=Person("Kevin Doyle", address="Mansell Street Estate, London E1"),
        vulnerabilities=(
            Vulnerability.LIVES_ALONE,
            Vulnerability.MENTAL_HEALTH,
            Vulnerability.SUBSTANCE_MISUSE,
        ),
        possible_crime=True,
        restriction_reason="Safeguarding: suspected cuckooing of a vulnerable tenant; referred "
        "to adult social care",
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=55,
        at="16:45",
        place="Basterfield House lawn, Golden Lane Estate",
        latitude=51.522489,
        longitude=-0.095450,
        qualifier=Qualifier.NUISANCE,
        category=Category.ROWDY_BEHAVIOUR,
        local_type="Skateboarding",
        description="Teenagers skateboarding on the paths by the lawn after school, loud and "
        "clattering; a resident says one nearly knocked her over.",
        channel=ReportingChannel.ONLINE,
        reporter=Person("Helen Carver", email="helen.carver@example.com"),
        no_further_action="Low-level and seasonal: advice given to the reporter and patrols "
        "asked to look in after school.",
    ),
    PartnershipIncident(
        agency="housing",
        days_ago=3,
        at="07:30",
        place="Bin store by Crescent House, Golden Lane Estate",
        latitude=51.522485,
        longitude=-0.097382,
        qualifier=Qualifier.ENVIRONMENTAL,
        category=Category.LITTERING_DRUGS,
        local_type="Fly-tipping",
        description="Caretaker found a mattress, a broken sofa and six rubbish bags dumped "
        "beside the bin store overnight. Bulky waste collection booked.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    # Barbican Estates.
    PartnershipIncident(
        agency="barbican",
        days_ago=140,
        at="23:00",
        lasted=timedelta(hours=4),
        place="Cromwell Tower, Barbican Estate",
        latitude=51.520576,
        longitude=-0.092820,
        qualifier=Qualifier.NUISANCE,
        category=Category.NOISE,
        description="A flat on the 30th floor, believed to be let for short stays, had a party "
        "with music on the balcony until 3am. The same flat had parties on the two previous "
        "weekends.",
        channel=ReportingChannel.EMAIL,
        reporter=Person(
            "Dr Alistair Grant",
            "020 7946 0794",
            "alistair.grant@example.com",
            "Cromwell Tower, Barbican, London EC2Y",
        ),
        reporter_is_victim=True,
        households_affected=4,
    ),
    PartnershipIncident(
        agency="barbican",
        days_ago=64,
        at="21:00",
        place="Lift lobby and stairwell, Shakespeare Tower, Barbican Estate",
        latitude=51.520251,
        longitude=-0.094953,
        qualifier=Qualifier.NUISANCE,
        category=Category.LITTERING_DRUGS,
        description="Strong smell of cannabis in the lift lobby most evenings; small plastic "
        "bags and roaches left in the stairwell.",
        channel=ReportingChannel.ONLINE,
    ),
    PartnershipIncident(
        agency="barbican",
        days_ago=58,
        at="09:00",
        lasted=timedelta(days=21),
        place="Lauderdale Tower, Barbican Estate",
        latitude=51.519885,
        longitude=-0.096770,
        qualifier=Qualifier.PERSONAL,
        category=Category.NUISANCE_COMMUNICATIONS,
        description="Over three weeks, four unsigned letters pushed under Ms Hastings's door, "
        "abusing her because she is gay and telling her to move out. She brought the letters "
        "to the estate office; they have been kept in evidence bags.",
        channel=ReportingChannel.IN_PERSON,
        reporter=Person(
            "Claire Hastings",
            "020 7946 0145",
            "claire.hastings@example.com",
            "Lauderdale Tower, Barbican, London EC2Y",
        ),
        reporter_is_victim=True,
        vulnerabilities=(Vulnerability.LIVES_ALONE, Vulnerability.REPEAT_VICTIM),
        hate_motivated=True,
        possible_crime=True,
    ),
    PartnershipIncident(
        agency="barbican",
        days_ago=27,
        at="08:40",
        place="Gilbert Bridge highwalk, Barbican Estate",
        latitude=51.519959,
        longitude=-0.094129,
        qualifier=Qualifier.NUISANCE,
        category=Category.ROWDY_BEHAVIOUR,
        local_type="Cycling on walkways",
        description="Commuters cycling fast across the highwalk despite the signs. A cyclist "
        "clipped Mr Abbott's walking stick and rode off.",
        channel=ReportingChannel.ONLINE,
        reporter=Person("Geoffrey Abbott", "020 7946 0683", "g.abbott@example.com"),
        reporter_is_victim=True,
        vulnerabilities=(Vulnerability.OLDER_PERSON, Vulnerability.DISABILITY),
    ),
    PartnershipIncident(
        agency="barbican",
        days_ago=22,
        at="22:30",
        place="Highwalk by Ben Jonson Place, Barbican Estate",
        latitude=51.519812,
        longitude=-0.093919,
        qualifier=Qualifier.NUISANCE,
        category=Category.ROWDY_BEHAVIOUR,
        local_type="Skateboarding",
        description="Concierge patrol: a group of about eight skateboarding on the highwalk "
        "late in the evening; wax on the benches and chipped edges on the planters. Asked to "
        "leave and did so.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    PartnershipIncident(
        agency="barbican",
        days_ago=100,
        at="23:45",
        place="Lakeside terrace, Barbican Estate",
        latitude=51.520085,
        longitude=-0.093057,
        qualifier=Qualifier.NUISANCE,
        category=Category.FIREWORKS,
        description="Rockets set off from the lakeside terrace just before midnight, echoing "
        "round the towers; spent fireworks left on the terrace.",
        channel=ReportingChannel.PHONE,
        no_further_action="A single incident; nobody identified and the CCTV images are not "
        "clear enough to use.",
    ),
    PartnershipIncident(
        agency="barbican",
        days_ago=15,
        at="03:20",
        place="Residents' car park beneath Thomas More House, Barbican Estate",
        latitude=51.518586,
        longitude=-0.095426,
        qualifier=Qualifier.NUISANCE,
        category=Category.TRESPASS,
        description="CCTV: two people got into the residents' car park behind a car, slept "
        "by the lift doors and left cans and a fire-door wedged open.",
        channel=ReportingChannel.CCTV,
        kind=ReportKind.OBSERVATION,
        possible_crime=True,
    ),
    # Street Enforcement: the Aldgate street-drinking hotspot.
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=150,
        at="14:30",
        place="Aldgate Square",
        latitude=51.513627,
        longitude=-0.076435,
        qualifier=Qualifier.NUISANCE,
        category=Category.STREET_DRINKING,
        description="Patrol: six to eight people drinking strong cider on the benches, shouting "
        "at passers-by. Cans and a broken bottle left. Alcohol surrendered when asked.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=112,
        at="11:00",
        place="Churchyard of St Botolph without Aldgate",
        latitude=51.513760,
        longitude=-0.076950,
        qualifier=Qualifier.NUISANCE,
        category=Category.STREET_DRINKING,
        local_type="Street urination",
        description="The verger reports a group drinking in the churchyard every morning this "
        "week and urinating against the church wall by the side door.",
        channel=ReportingChannel.PHONE,
        reporter=Person("Peter Aldous", "020 7946 0876", "verger@example.com"),
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=77,
        at="18:10",
        place="Aldgate bus station, Aldgate High Street",
        latitude=51.513435,
        longitude=-0.075146,
        qualifier=Qualifier.PERSONAL,
        category=Category.BEGGING,
        local_type="Aggressive begging",
        description="A man who had been drinking followed a woman along the bus stands asking "
        "for money and grabbed her sleeve when she said no.",
        channel=ReportingChannel.ONLINE,
        possible_crime=True,
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=38,
        at="16:00",
        place="Aldgate Square, by the fountains",
        latitude=51.513700,
        longitude=-0.076700,
        qualifier=Qualifier.NUISANCE,
        category=Category.STREET_DRINKING,
        description="Café manager reports drinkers on the square most afternoons; broken glass "
        "by the fountains where children play, and customers are being asked for money.",
        channel=ReportingChannel.EMAIL,
        reporter=Person("Sanjay Patel", "020 7946 0930", "manager@aldgate-cafe.example.com"),
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=18,
        at="20:40",
        place="Aldgate Square",
        latitude=51.513627,
        longitude=-0.076435,
        qualifier=Qualifier.NUISANCE,
        category=Category.STREET_DRINKING,
        description="CCTV operator saw a fight between two men from the drinking group; one "
        "fell against a bench. Police informed and attended; both had left.",
        channel=ReportingChannel.CCTV,
        kind=ReportKind.OBSERVATION,
        possible_crime=True,
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=5,
        at="13:00",
        lasted=timedelta(hours=3),
        place="Little Somerset Street, Aldgate",
        latitude=51.513647,
        longitude=-0.074330,
        qualifier=Qualifier.NUISANCE,
        category=Category.STREET_DRINKING,
        description="Patrol watched the street over the afternoon: a group of five drinking in "
        "the doorway of an empty shop, cans and food waste left, one urinating in the street. "
        "Community protection warnings being considered.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    # Street Enforcement: elsewhere.
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=44,
        at="22:10",
        place="Sun Street Passage, Liverpool Street station",
        latitude=51.518189,
        longitude=-0.082628,
        qualifier=Qualifier.ENVIRONMENTAL,
        category=Category.ROWDY_BEHAVIOUR,
        local_type="Street urination",
        description="Patrol: men leaving nearby bars urinating in the passage; the passage "
        "smells strongly and the station staff have asked for more cleansing.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=29,
        at="19:15",
        place="Cash machines, Bishopsgate",
        latitude=51.516869,
        longitude=-0.081113,
        qualifier=Qualifier.PERSONAL,
        category=Category.BEGGING,
        local_type="Aggressive begging",
        description="A man stood close behind Ms Nwosu at the cash machine, demanded £10 and "
        "followed her for some distance when she refused.",
        channel=ReportingChannel.ONLINE,
        reporter=Person("Chiamaka Nwosu", "020 7946 0452", "c.nwosu@example.com"),
        reporter_is_victim=True,
        possible_crime=True,
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=61,
        at="23:30",
        place="Liverpool Street station, Bishopsgate entrance",
        latitude=51.517296,
        longitude=-0.081902,
        qualifier=Qualifier.PERSONAL,
        category=Category.ROWDY_BEHAVIOUR,
        description="A group shouted homophobic abuse at two men holding hands outside the "
        "station and threw a drink at them. Referred by City of London Police.",
        channel=ReportingChannel.POLICE_REFERRAL,
        reporter=Person("Daniel Fraser", "020 7946 0319", "daniel.fraser@example.com"),
        reporter_is_victim=True,
        hate_motivated=True,
        possible_crime=True,
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=90,
        at="07:30",
        place="St Paul's Churchyard, north side",
        latitude=51.514250,
        longitude=-0.099166,
        qualifier=Qualifier.NUISANCE,
        category=Category.BEGGING,
        local_type="Rough sleeping-related nuisance",
        description="Patrol: two tents and belongings blocking the footway; human waste in the "
        "planting nearby.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
        no_further_action="Referred to the rough sleeping outreach team rather than enforcement; "
        "both people accepted accommodation.",
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=11,
        at="18:45",
        place="Guildhall Yard",
        latitude=51.515274,
        longitude=-0.091932,
        qualifier=Qualifier.NUISANCE,
        category=Category.ROWDY_BEHAVIOUR,
        local_type="Skateboarding",
        description="Patrol: skateboarders jumping the steps of the Guildhall Art Gallery; "
        "chips out of the stone edges. Asked to leave.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=6,
        at="06:20",
        place="Fenchurch Street, by the station approach",
        latitude=51.511196,
        longitude=-0.079521,
        qualifier=Qualifier.ENVIRONMENTAL,
        category=Category.LITTERING_DRUGS,
        local_type="Fly-tipping",
        description="Patrol: twelve commercial waste bags left on the pavement overnight outside "
        "the collection times. Bags searched: addressed post points to a nearby restaurant.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=49,
        at="10:00",
        place="London Wall, by the Roman wall near Noble Street",
        latitude=51.517284,
        longitude=-0.096056,
        qualifier=Qualifier.ENVIRONMENTAL,
        category=Category.ROWDY_BEHAVIOUR,
        local_type="Graffiti",
        description="Tags sprayed on the surviving section of the Roman wall, a scheduled "
        "monument. Specialist cleaning needed.",
        channel=ReportingChannel.ONLINE,
        reporter=Person("Ruth Mallory", email="ruth.mallory@example.com"),
        possible_crime=True,
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=68,
        at="01:30",
        place="Finsbury Circus",
        latitude=51.517326,
        longitude=-0.085936,
        qualifier=Qualifier.NUISANCE,
        category=Category.VEHICLE_NUISANCE,
        description="Cars revving and racing laps of the circus in the early hours, waking "
        "hotel guests.",
        channel=ReportingChannel.ONLINE,
    ),
    PartnershipIncident(
        agency="street-enforcement",
        days_ago=35,
        at="09:00",
        lasted=timedelta(days=20),
        place="Carter Lane",
        latitude=51.513258,
        longitude=-0.099597,
        qualifier=Qualifier.ENVIRONMENTAL,
        category=Category.VEHICLE_ABANDONED,
        description="Untaxed van with two flat tyres parked in the same place for nearly three "
        "weeks. Notice fixed to the windscreen.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
        no_further_action="The owner removed the van after the notice was fixed.",
    ),
    # Markets & Consumer Protection.
    PartnershipIncident(
        agency="mcp",
        days_ago=130,
        at="03:00",
        lasted=timedelta(hours=2),
        place="Grand Avenue, Smithfield Market",
        latitude=51.519133,
        longitude=-0.101990,
        qualifier=Qualifier.NUISANCE,
        category=Category.VEHICLE_NUISANCE,
        description="Lorries queueing for the market with refrigeration units running and "
        "horns sounding from 3am; a resident of Long Lane says it happens most nights.",
        channel=ReportingChannel.EMAIL,
        reporter=Person(
            "Imogen Hart",
            "020 7946 0267",
            "imogen.hart@example.com",
            "Long Lane, London EC1A",
        ),
        reporter_is_victim=True,
        households_affected=12,
    ),
    PartnershipIncident(
        agency="mcp",
        days_ago=52,
        at="04:40",
        place="East Market building, Smithfield Market",
        latitude=51.519552,
        longitude=-0.100661,
        qualifier=Qualifier.NUISANCE,
        category=Category.TRESPASS,
        description="Market CCTV: three people climbed the gates onto the loading bays while "
        "the night market was closing and filmed themselves on the canopy roof.",
        channel=ReportingChannel.CCTV,
        kind=ReportKind.OBSERVATION,
        possible_crime=True,
    ),
    PartnershipIncident(
        agency="mcp",
        days_ago=16,
        at="23:20",
        lasted=timedelta(hours=1, minutes=40),
        place="Leadenhall Market",
        latitude=51.512756,
        longitude=-0.083649,
        qualifier=Qualifier.NUISANCE,
        category=Category.NOISE,
        local_type="Noise from licensed premises",
        description="Crowds drinking outside two bars after their terminal hour, shouting and "
        "singing; glasses left on the cobbles. Hotel guests complained to the night manager.",
        channel=ReportingChannel.PHONE,
        reporter=Person("Marcus Bell", "020 7946 0908", "nightmanager@example.com"),
    ),
    PartnershipIncident(
        agency="mcp",
        days_ago=73,
        at="21:00",
        place="Whittington Avenue, Leadenhall Market",
        latitude=51.513148,
        longitude=-0.083417,
        qualifier=Qualifier.NUISANCE,
        category=Category.ROWDY_BEHAVIOUR,
        local_type="Noise from licensed premises",
        description="Licensing visit: drinkers spilling across the avenue and blocking the "
        "route for a delivery van; vomit by the market entrance. Premises reminded of their "
        "dispersal conditions.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    PartnershipIncident(
        agency="mcp",
        days_ago=24,
        at="01:00",
        lasted=timedelta(hours=3, minutes=30),
        place="Construction site, Houndsditch",
        latitude=51.515175,
        longitude=-0.077610,
        qualifier=Qualifier.NUISANCE,
        category=Category.NOISE,
        local_type="Construction noise",
        description="Concrete pour and reversing alarms through the night without a permit for "
        "night working. Middlesex Street Estate residents kept awake.",
        channel=ReportingChannel.EMAIL,
        reporter=Person(
            "Sunita Verma",
            "020 7946 0724",
            "sunita.verma@example.com",
            "Petticoat Tower, Middlesex Street Estate, London E1",
        ),
        reporter_is_victim=True,
        households_affected=40,
    ),
    PartnershipIncident(
        agency="mcp",
        days_ago=4,
        at="15:30",
        place="Middlesex Street (Petticoat Lane market)",
        latitude=51.517923,
        longitude=-0.078488,
        qualifier=Qualifier.ENVIRONMENTAL,
        category=Category.LITTERING_DRUGS,
        local_type="Fly-tipping",
        description="After the Sunday market, traders' cardboard, pallets and clothes rails "
        "dumped on the City side of the street instead of taken away.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    # Community Safety.
    PartnershipIncident(
        agency="community-safety",
        days_ago=26,
        at="13:10",
        place="Paternoster Square",
        latitude=51.514800,
        longitude=-0.099300,
        qualifier=Qualifier.PERSONAL,
        category=Category.ROWDY_BEHAVIOUR,
        description="A man shouted antisemitic abuse at a group of schoolchildren on a visit "
        "to St Paul's and spat towards them. Reported by their teacher.",
        channel=ReportingChannel.ONLINE,
        reporter=Person("Rebecca Stein", "020 7946 0583", "r.stein@example.com"),
        vulnerabilities=(Vulnerability.CHILD,),
        hate_motivated=True,
        possible_crime=True,
    ),
    PartnershipIncident(
        agency="community-safety",
        days_ago=40,
        at="11:00",
        place="Telephone kiosks, Cheapside",
        latitude=51.514100,
        longitude=-0.093500,
        qualifier=Qualifier.ENVIRONMENTAL,
        category=Category.PROSTITUTION,
        description="Sex workers' cards stuck inside the three kiosks again. Removed; "
        "BT asked to check the kiosks more often.",
        channel=ReportingChannel.PATROL,
        kind=ReportKind.OBSERVATION,
    ),
    PartnershipIncident(
        agency="community-safety",
        days_ago=2,
        at="12:30",
        place="Postman's Park",
        latitude=51.516800,
        longitude=-0.097800,
        qualifier=Qualifier.PERSONAL,
        category=Category.ROWDY_BEHAVIOUR,
        description="Two men mocked Mr Osei, who uses a wheelchair, blocked his way out of the "
        "park and filmed him on a phone.",
        channel=ReportingChannel.PHONE,
        reporter=Person("Samuel Osei", "020 7946 0651", "samuel.osei@example.com"),
        reporter_is_victim=True,
        vulnerabilities=(Vulnerability.DISABILITY,),
        hate_motivated=True,
        possible_crime=True,
    ),
)
