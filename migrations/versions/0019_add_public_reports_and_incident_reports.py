"""public reports and further reports of incidents

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 12:08:36.316998

"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "public_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "web",
                "open311",
                "api",
                name="public_report_channel",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "awaiting-triage",
                "accepted",
                "merged",
                "closed",
                name="public_report_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "category",
            sa.Enum(
                "vehicle-abandoned",
                "vehicle-nuisance",
                "rowdy-behaviour",
                "rowdy-neighbours",
                "littering-drugs",
                "animal-problems",
                "trespass",
                "nuisance-communications",
                "street-drinking",
                "prostitution",
                "noise",
                "begging",
                "fireworks",
                name="public_report_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location_description", sa.String(length=300), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("still_happening", sa.Boolean(), nullable=True),
        sa.Column("reporter_anonymous", sa.Boolean(), nullable=False),
        sa.Column("reporter_name", sa.String(length=120), nullable=True),
        sa.Column("reporter_email", sa.String(length=254), nullable=True),
        sa.Column("reporter_phone", sa.String(length=40), nullable=True),
        sa.Column("may_contact", sa.Boolean(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("queue_agency_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("triaged_by_id", sa.Integer(), nullable=True),
        sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_public_reports_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["queue_agency_id"],
            ["agencies.id"],
            name=op.f("fk_public_reports_queue_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["triaged_by_id"], ["users.id"], name=op.f("fk_public_reports_triaged_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_reports")),
        sa.UniqueConstraint("reference", name=op.f("uq_public_reports_reference")),
    )
    with op.batch_alter_table("public_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_reports_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            "ix_public_reports_queue_status",
            ["queue_agency_id", "status", "submitted_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_public_reports_submitted_at"), ["submitted_at"], unique=False
        )

    op.create_table(
        "incident_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "phone",
                "email",
                "in-person",
                "online",
                "patrol",
                "cctv",
                "police-referral",
                name="incident_report_channel",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("public_report_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("reporter_anonymous", sa.Boolean(), nullable=False),
        sa.Column("reporter_name", sa.String(length=120), nullable=True),
        sa.Column("reporter_phone", sa.String(length=40), nullable=True),
        sa.Column("reporter_email", sa.String(length=254), nullable=True),
        sa.Column("reporter_address", sa.String(length=300), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_reports_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["public_report_id"],
            ["public_reports.id"],
            name=op.f("fk_incident_reports_public_report_id_public_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_incident_reports_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_reports")),
    )
    with op.batch_alter_table("incident_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_reports_incident_id"), ["incident_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("incident_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_reports_incident_id"))

    op.drop_table("incident_reports")
    with op.batch_alter_table("public_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_reports_submitted_at"))
        batch_op.drop_index("ix_public_reports_queue_status")
        batch_op.drop_index(batch_op.f("ix_public_reports_incident_id"))

    op.drop_table("public_reports")
