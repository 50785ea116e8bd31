"""Paging shared by the long lists (the incident log, the disclosure log, the audit trail)."""

from __future__ import annotations


class CappedPage:
    """One page of a list whose count stops at a cap, so its end may be unknown.

    Subclasses are dataclasses holding the page's rows and these four numbers.
    """

    page: int
    per_page: int
    total: int
    total_is_capped: bool

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def last_page(self) -> int | None:
        """The last page number, unless the count was capped and so the end is unknown."""
        if self.total_is_capped:
            return None
        return max(1, -(-self.total // self.per_page))


def like_pattern(text: str) -> str:
    """A case-insensitive LIKE pattern that finds `text` anywhere, with its wildcards escaped
    (use with `escape="\\\\"`)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
