"""add the standard agencies and local ASB types

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Agencies and local types are data that admins maintain; these are the ones the City starts
with, so a new installation can create its first users straight away.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AGENCIES = [
    ("housing", "Housing, DCCS", False),
    ("barbican", "Barbican Estates", False),
    ("street-enforcement", "Street Enforcement, Built Environment", False),
    ("mcp", "Markets & Consumer Protection", False),
    ("community-safety", "Community Safety", False),
    ("city-police", "City of London Police", True),
]

LOCAL_TYPES = [
    "Graffiti",
    "Fly-tipping",
    "Cycling on walkways",
    "Skateboarding",
    "Drug dealing",
    "Street urination",
    "Aggressive begging",
    "Rough sleeping-related nuisance",
    "Noise from licensed premises",
    "Construction noise",
]

agencies = sa.table(
    "agencies",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("is_external", sa.Boolean),
    sa.column("is_active", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
local_asb_types = sa.table(
    "local_asb_types", sa.column("name", sa.String), sa.column("is_active", sa.Boolean)
)


def upgrade():
    now = datetime.now(UTC)
    op.bulk_insert(
        agencies,
        [
            {
                "code": code,
                "name": name,
                "is_external": external,
                "is_active": True,
                "created_at": now,
            }
            for code, name, external in AGENCIES
        ],
    )
    op.bulk_insert(local_asb_types, [{"name": name, "is_active": True} for name in LOCAL_TYPES])


def downgrade():
    op.execute(local_asb_types.delete().where(local_asb_types.c.name.in_(LOCAL_TYPES)))
    op.execute(agencies.delete().where(agencies.c.code.in_([code for code, _, _ in AGENCIES])))
