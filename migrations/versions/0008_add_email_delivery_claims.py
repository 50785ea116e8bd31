"""claim, retry and record each outbox email's delivery

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        # A plain column and a named CHECK, as the models' enum type makes: an Enum column
        # added in a SQLite batch would get its CHECK twice, under two names.
        batch_op.add_column(
            sa.Column("status", sa.String(length=7), nullable=False, server_default="queued")
        )
        batch_op.create_check_constraint(
            op.f("ck_outbox_emails_email_status"),
            "status IN ('queued', 'sending', 'sent', 'failed')",
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbox_emails_next_attempt_at"), ["next_attempt_at"], unique=False
        )

    # Sent emails stay sent. Emails that failed before retries existed are given their
    # retries now: until this revision one refused connection failed an email for good.
    op.execute("UPDATE outbox_emails SET status = 'sent' WHERE sent_at IS NOT NULL")
    op.execute(
        "UPDATE outbox_emails SET attempts = 1, next_attempt_at = CURRENT_TIMESTAMP "
        "WHERE sent_at IS NULL AND error IS NOT NULL"
    )
    op.execute(
        "UPDATE outbox_emails SET next_attempt_at = created_at "
        "WHERE sent_at IS NULL AND error IS NULL"
    )


def downgrade():
    # Emails still waiting for a retry go back to what the old sender would pick up.
    op.execute("UPDATE outbox_emails SET error = NULL WHERE status IN ('queued', 'sending')")
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_emails_next_attempt_at"))
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_constraint(op.f("ck_outbox_emails_email_status"), type_="check")
        batch_op.drop_column("status")
