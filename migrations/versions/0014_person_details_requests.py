"""add requests for another agency's details about a person

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29

An officer told that a person is also known to another agency asks that agency for its
details; the agency approves (chosen categories, for a while) or refuses.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "person_details_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("holding_agency_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requesting_agency_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "refused",
                "withdrawn",
                name="person_details_request_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_note", sa.Text(), nullable=True),
        sa.Column("approved_categories", sa.JSON(), nullable=False),
        sa.Column("approved_until", sa.Date(), nullable=True),
        sa.Column("request_disclosure_id", sa.Integer(), nullable=True),
        sa.Column("answer_disclosure_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answer_disclosure_id"],
            ["disclosures.id"],
            name=op.f("fk_person_details_requests_answer_disclosure_id_disclosures"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_person_details_requests_answered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["holding_agency_id"],
            ["agencies.id"],
            name=op.f("fk_person_details_requests_holding_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_details_requests_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["request_disclosure_id"],
            ["disclosures.id"],
            name=op.f("fk_person_details_requests_request_disclosure_id_disclosures"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_person_details_requests_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["requesting_agency_id"],
            ["agencies.id"],
            name=op.f("fk_person_details_requests_requesting_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_details_requests")),
    )
    with op.batch_alter_table("person_details_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_person_details_requests_holding_status",
            ["holding_agency_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_person_details_requests_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_person_details_requests_requested_by_id"),
            ["requested_by_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("person_details_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_details_requests_requested_by_id"))
        batch_op.drop_index(batch_op.f("ix_person_details_requests_person_id"))
        batch_op.drop_index("ix_person_details_requests_holding_status")
    op.drop_table("person_details_requests")
