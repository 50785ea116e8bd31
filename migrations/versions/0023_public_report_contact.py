"""text messages to reporters, and the note a report is passed on with

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29

A reporter who gave a phone number and no email address is kept informed by text message:
the texts wait in their own outbox table. A manager passing a public report to another
agency's queue says why, for the managers who receive it. The public report form's one-time
submission key belongs to no user.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_texts")),
    )
    with op.batch_alter_table("outbox_texts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_texts_created_at"), ["created_at"], unique=False
        )
    with op.batch_alter_table("public_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pass_note", sa.Text(), nullable=True))
    with op.batch_alter_table("submission_keys", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM submission_keys WHERE user_id IS NULL")
    with op.batch_alter_table("submission_keys", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("public_reports", schema=None) as batch_op:
        batch_op.drop_column("pass_note")
    with op.batch_alter_table("outbox_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_texts_created_at"))
    op.drop_table("outbox_texts")
