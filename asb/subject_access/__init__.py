"""Subject access requests: their legal clock and the pack of what asb holds about a person."""
