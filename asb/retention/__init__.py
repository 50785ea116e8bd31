"""The retention schedule: how long asb keeps personal data, and anonymising what is due."""
