"""chain the audit trail (sequence and SHA-256 hashes) and make the database refuse changes to it

Existing entries are chained in the order they were written (by id). Triggers then refuse
UPDATE and DELETE on audit_events (and TRUNCATE on PostgreSQL), for every database role.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
REFUSAL = "audit_events is append-only: entries are never changed or removed"

POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""
POSTGRESQL_TRIGGERS = (
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()",
)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
)

audit_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("outcome", sa.String()),
    sa.column("object_type", sa.String()),
    sa.column("object_id", sa.Integer()),
    sa.column("ip_address", sa.String()),
    sa.column("detail", sa.JSON()),
    sa.column("sequence", sa.Integer()),
    sa.column("previous_hash", sa.String()),
    sa.column("entry_hash", sa.String()),
)


def entry_hash(row, sequence: int, previous_hash: str) -> str:
    """asb.audit.chain.compute_hash as it was written for this migration."""
    occurred_at = row.occurred_at
    if occurred_at.tzinfo is None:  # SQLite keeps no zone; asb stores UTC
        occurred_at = occurred_at.replace(tzinfo=UTC)
    payload = json.dumps(
        [
            sequence,
            occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            row.actor_id,
            row.action,
            row.outcome,
            row.object_type,
            row.object_id,
            row.ip_address,
            row.detail or {},
            previous_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def chain_existing_entries() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(audit_events).order_by(audit_events.c.id)).fetchall()
    previous_hash = GENESIS_HASH
    for sequence, row in enumerate(rows, start=1):
        this_hash = entry_hash(row, sequence, previous_hash)
        connection.execute(
            audit_events.update()
            .where(audit_events.c.id == row.id)
            .values(
                sequence=sequence,
                previous_hash=previous_hash,
                entry_hash=this_hash,
                detail=row.detail or {},
            )
        )
        previous_hash = this_hash


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))

    chain_existing_entries()

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("sequence", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("previous_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_sequence"), ["sequence"])
        batch_op.create_index("ix_audit_events_object", ["object_type", "object_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for statement in POSTGRESQL_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_refuse_change()")
    else:
        op.execute("DROP TRIGGER audit_events_no_delete")
        op.execute("DROP TRIGGER audit_events_no_update")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_object")
        batch_op.drop_constraint(batch_op.f("uq_audit_events_sequence"), type_="unique")
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("previous_hash")
        batch_op.drop_column("sequence")
