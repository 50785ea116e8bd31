"""add emergency access to restricted records

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "emergency_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "lawful_basis",
            sa.Enum(
                "consent",
                "contract",
                "legal-obligation",
                "vital-interests",
                "public-task",
                "legitimate-interests",
                name="emergency_access_lawful_basis",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("disclosure_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(incident_id IS NULL) <> (case_id IS NULL)",
            name=op.f("ck_emergency_access_one_record"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_emergency_access_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosures.id"],
            name=op.f("fk_emergency_access_disclosure_id_disclosures"),
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["users.id"], name=op.f("fk_emergency_access_ended_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_emergency_access_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_emergency_access_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_access")),
    )
    with op.batch_alter_table("emergency_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emergency_access_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_emergency_access_granted_at"), ["granted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_emergency_access_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            "ix_emergency_access_user_expires", ["user_id", "expires_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("emergency_access", schema=None) as batch_op:
        batch_op.drop_index("ix_emergency_access_user_expires")
        batch_op.drop_index(batch_op.f("ix_emergency_access_incident_id"))
        batch_op.drop_index(batch_op.f("ix_emergency_access_granted_at"))
        batch_op.drop_index(batch_op.f("ix_emergency_access_case_id"))

    op.drop_table("emergency_access")
