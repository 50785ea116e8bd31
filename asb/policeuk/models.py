"""What each run of the police.uk importer read and did, file by file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.auth.models import User
from asb.database import UTCDateTime, utcnow
from asb.extensions import db


class PoliceUkImport(db.Model):
    """One file imported once. Importing the same file again makes another run, which finds
    every row already present; the file's SHA-256 says when that is so."""

    __tablename__ = "police_uk_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    rows_read: Mapped[int] = mapped_column(default=0)
    asb_rows: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    already_present: Mapped[int] = mapped_column(default=0)
    outside_area: Mapped[int] = mapped_column(default=0)
    without_location: Mapped[int] = mapped_column(default=0)
    bad_rows: Mapped[int] = mapped_column(default=0)

    imported_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<PoliceUkImport {self.id} {self.file_name}>"
