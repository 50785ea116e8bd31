"""ASB panel meetings: meetings, attending agencies, agenda items, packs and their disclosures

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "panel_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "held",
                "cancelled",
                name="panel_meeting_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["chair_id"], ["users.id"], name=op.f("fk_panel_meetings_chair_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_panel_meetings_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_meetings")),
        sa.UniqueConstraint("reference", name=op.f("uq_panel_meetings_reference")),
    )
    with op.batch_alter_table("panel_meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_meetings_starts_at"), ["starts_at"], unique=False
        )
    op.create_table(
        "panel_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "high-risk",
                "overdue-work",
                "repeat-victim",
                "lead-choice",
                name="panel_agenda_reason",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reason_note", sa.Text(), nullable=True),
        sa.Column("discussion", sa.Text(), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_panel_agenda_items_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_panel_agenda_items_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_panel_agenda_items_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["panel_meetings.id"],
            name=op.f("fk_panel_agenda_items_meeting_id_panel_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_agenda_items")),
        sa.UniqueConstraint("meeting_id", "case_id", name=op.f("uq_panel_agenda_items_meeting_id")),
    )
    with op.batch_alter_table("panel_agenda_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_agenda_items_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_panel_agenda_items_meeting_id"), ["meeting_id"], unique=False
        )
    op.create_table(
        "panel_meeting_agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_panel_meeting_agencies_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["panel_meetings.id"],
            name=op.f("fk_panel_meeting_agencies_meeting_id_panel_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_meeting_agencies")),
        sa.UniqueConstraint(
            "meeting_id", "agency_id", name=op.f("uq_panel_meeting_agencies_meeting_id")
        ),
    )
    with op.batch_alter_table("panel_meeting_agencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_meeting_agencies_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_panel_meeting_agencies_meeting_id"), ["meeting_id"], unique=False
        )
    op.create_table(
        "panel_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("case_ids", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("produced_by_id", sa.Integer(), nullable=True),
        sa.Column("produced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_panel_packs_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["panel_meetings.id"],
            name=op.f("fk_panel_packs_meeting_id_panel_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["produced_by_id"], ["users.id"], name=op.f("fk_panel_packs_produced_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_packs")),
    )
    with op.batch_alter_table("panel_packs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_packs_meeting_id"), ["meeting_id"], unique=False)
    op.create_table(
        "panel_disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosures.id"],
            name=op.f("fk_panel_disclosures_disclosure_id_disclosures"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["panel_meetings.id"],
            name=op.f("fk_panel_disclosures_meeting_id_panel_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["pack_id"], ["panel_packs.id"], name=op.f("fk_panel_disclosures_pack_id_panel_packs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_disclosures")),
        sa.UniqueConstraint("disclosure_id", name=op.f("uq_panel_disclosures_disclosure_id")),
    )
    with op.batch_alter_table("panel_disclosures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_disclosures_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("panel_disclosures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_disclosures_meeting_id"))
    op.drop_table("panel_disclosures")
    with op.batch_alter_table("panel_packs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_packs_meeting_id"))
    op.drop_table("panel_packs")
    with op.batch_alter_table("panel_meeting_agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_meeting_agencies_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_panel_meeting_agencies_agency_id"))
    op.drop_table("panel_meeting_agencies")
    with op.batch_alter_table("panel_agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_agenda_items_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_panel_agenda_items_case_id"))
    op.drop_table("panel_agenda_items")
    with op.batch_alter_table("panel_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_meetings_starts_at"))
    op.drop_table("panel_meetings")
