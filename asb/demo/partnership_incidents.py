from dataclasses import dataclass
PARTNERSHIP_INCIDENTS = ()
class PartnershipIncident: pass
