"""add case share contributions: the notes and incidents partners add to shared cases

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_share_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_share_id", sa.Integer(), nullable=False),
        sa.Column("timeline_entry_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(timeline_entry_id IS NULL) <> (incident_id IS NULL)",
            name=op.f("ck_case_share_contributions_note_or_incident"),
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_case_share_contributions_added_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["case_share_id"],
            ["case_shares.id"],
            name=op.f("fk_case_share_contributions_case_share_id_case_shares"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_case_share_contributions_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["timeline_entry_id"],
            ["case_timeline.id"],
            name=op.f("fk_case_share_contributions_timeline_entry_id_case_timeline"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_share_contributions")),
    )
    with op.batch_alter_table("case_share_contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_share_contributions_case_share_id"), ["case_share_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("case_share_contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_share_contributions_case_share_id"))
    op.drop_table("case_share_contributions")
