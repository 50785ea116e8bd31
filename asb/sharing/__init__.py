"""Sharing cases, or chosen parts of them, with partner organisations under an agreement."""
