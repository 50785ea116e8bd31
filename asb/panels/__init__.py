"""ASB panel meetings: the partnership's case conference, its agenda, decisions and packs."""
