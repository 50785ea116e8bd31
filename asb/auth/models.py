"""Agencies, the people who use asb, and their roles."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
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
    # Two-factor sign-in (asb.auth.two_factor). The authenticator app's shared secret (base32)
    # is set when enrolment starts and counts only once a code has confirmed it (enabled_at);
    # it is never shown again after enrolment, nor logged. The last time step a code was
    # accepted for: no step is accepted twice.
    two_factor_secret: Mapped[str | None] = mapped_column(String(64))
    two_factor_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    two_factor_last_step: Mapped[int | None]

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

    @property
    def has_two_factor(self) -> bool:
        return self.two_factor_enabled_at is not None

    @property
    def requires_two_factor(self) -> bool:
        """Those who see most must sign in with two factors: the ASB lead, admins, partners."""
        return self.role in {Role.ASB_LEAD, Role.ADMIN} or self.is_partner

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}@{self.agency.code}>"


class RecoveryCode(db.Model):
    """A single-use code to sign in without the authenticator app, kept as its hash only."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
