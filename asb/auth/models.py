"""Agencies, the people who use asb, and their roles."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from asb.database import UTCDateTime, enum_type, utcnow
from asb.enums import LabelledEnum
from asb.extensions import db


class Role(LabelledEnum):
    OFFICER = "officer", "Officer"
    MANAGER = "manager", "Manager"
    ASB_LEAD = "asb-lead", "ASB lead"
    PARTNER = "partner", "Partner organisation user"
    ADMIN = "admin", "Administrator"

    @property
    def works_cases(self) -> bool:
        """Whether the role handles incident and case content (admins and partners do not)."""
        return self in {Role.OFFICER, Role.MANAGER, Role.ASB_LEAD}


class Agency(db.Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_external: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Bumped to end every session of this user at once (see asb.auth.sessions).
    session_generation: Mapped[int] = mapped_column(default=0)
    failed_sign_in_count: Mapped[int] = mapped_column(default=0)
    last_failed_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_asb_lead(self) -> bool:
        return self.role is Role.ASB_LEAD

    @property
    def is_partner(self) -> bool:
        return self.role is Role.PARTNER or self.agency.is_external

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}@{self.agency.code}>"
