"""add one-time submission keys, so a repeated POST creates nothing twice

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "submission_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=100), nullable=False),
        sa.Column("result_url", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_submission_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_submission_keys")),
    )
    with op.batch_alter_table("submission_keys", schema=None) as batch_op:
        batch_op.create_index(
            "ix_submission_keys_user_created", ["user_id", "created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("submission_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_keys_user_created")
    op.drop_table("submission_keys")
