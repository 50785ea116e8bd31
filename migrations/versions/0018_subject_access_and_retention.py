"""subject access requests and the people they concern; the records retention anonymised

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "anonymised_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymised_records")),
        sa.UniqueConstraint("kind", "record_id", name=op.f("uq_anonymised_records_kind")),
    )
    op.create_table(
        "subject_access_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("requester_name", sa.String(length=120), nullable=False),
        sa.Column(
            "received_by",
            sa.Enum(
                "email",
                "letter",
                "phone",
                "in-person",
                "online",
                "social-media",
                "representative",
                name="sar_received_by",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended_to", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "extended",
                "completed",
                "refused",
                "withdrawn",
                name="sar_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("identity_checked", sa.Boolean(), nullable=False),
        sa.Column("identity_checked_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_subject_access_requests_created_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_access_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_subject_access_requests_reference")),
    )
    with op.batch_alter_table("subject_access_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_access_requests_due_on"), ["due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_subject_access_requests_status"), ["status"], unique=False
        )
    op.create_table(
        "subject_access_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["linked_by_id"], ["users.id"], name=op.f("fk_subject_access_people_linked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_subject_access_people_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["subject_access_requests.id"],
            name=op.f("fk_subject_access_people_request_id_subject_access_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_access_people")),
        sa.UniqueConstraint(
            "request_id", "person_id", name=op.f("uq_subject_access_people_request_id")
        ),
    )
    with op.batch_alter_table("subject_access_people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_access_people_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_subject_access_people_request_id"), ["request_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("subject_access_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_access_people_request_id"))
        batch_op.drop_index(batch_op.f("ix_subject_access_people_person_id"))
    op.drop_table("subject_access_people")
    with op.batch_alter_table("subject_access_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_access_requests_status"))
        batch_op.drop_index(batch_op.f("ix_subject_access_requests_due_on"))
    op.drop_table("subject_access_requests")
    op.drop_table("anonymised_records")
