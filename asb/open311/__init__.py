"""Open311 GeoReport v2: street reports from other systems into the triage queue."""
