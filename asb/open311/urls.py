"""Where Open311 GeoReport v2 lives."""

OPEN311_PREFIX = "/open311/v2"
