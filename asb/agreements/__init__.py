"""Information sharing agreements: the register under which asb shares with partners."""
