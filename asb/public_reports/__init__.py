"""Reports from the public (the /report page, Open311, the API) and the triage queue they
land in."""
