"""Also known to: telling an officer that other agencies hold records about a person, and
asking those agencies for their details."""
