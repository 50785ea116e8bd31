"""add sharing agreements, the disclosure log and case shares

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 11:27:42.836908

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sharing_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("partner_agency_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column(
            "lawful_basis",
            sa.Enum(
                "consent",
                "contract",
                "legal-obligation",
                "vital-interests",
                "public-task",
                "legitimate-interests",
                name="lawful_basis",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "special_category_condition",
            sa.Enum(
                "none",
                "sch1-6",
                "sch1-10",
                "sch1-18",
                "sch1-other",
                name="special_category_condition",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("crime_and_disorder_s115", sa.Boolean(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_sharing_agreements_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_sharing_agreements_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["partner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_sharing_agreements_partner_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreements")),
        sa.UniqueConstraint("reference", name=op.f("uq_sharing_agreements_reference")),
    )
    with op.batch_alter_table("sharing_agreements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_agreements_partner_agency_id"),
            ["partner_agency_id"],
            unique=False,
        )

    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "case-share",
                "details-request",
                "panel-meeting",
                "emergency-access",
                "subject-access",
                "phone",
                "email",
                "letter",
                "meeting",
                "referral",
                "other",
                name="disclosure_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("disclosing_agency_id", sa.Integer(), nullable=False),
        sa.Column("recipient_agency_id", sa.Integer(), nullable=True),
        sa.Column("recipient_name", sa.String(length=200), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column(
            "lawful_basis",
            sa.Enum(
                "consent",
                "contract",
                "legal-obligation",
                "vital-interests",
                "public-task",
                "legitimate-interests",
                name="disclosure_lawful_basis",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("legal_basis_note", sa.String(length=300), nullable=True),
        sa.Column("authorised_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "agreement_id IS NOT NULL OR lawful_basis IS NOT NULL",
            name=op.f("ck_disclosures_agreement_or_lawful_basis"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["sharing_agreements.id"],
            name=op.f("fk_disclosures_agreement_id_sharing_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["authorised_by_id"], ["users.id"], name=op.f("fk_disclosures_authorised_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_disclosures_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["disclosing_agency_id"],
            ["agencies.id"],
            name=op.f("fk_disclosures_disclosing_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_disclosures_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_agency_id"],
            ["agencies.id"],
            name=op.f("fk_disclosures_recipient_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_disclosures_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disclosures_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_disclosures_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_disclosures_disclosed_at"), ["disclosed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disclosures_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            "ix_disclosures_recipient_disclosed_at",
            ["recipient_agency_id", "disclosed_at"],
            unique=False,
        )

    op.create_table(
        "case_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("may_add_notes", sa.Boolean(), nullable=False),
        sa.Column("may_add_incidents", sa.Boolean(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("shared_by_id", sa.Integer(), nullable=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.Column("disclosure_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_case_shares_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["sharing_agreements.id"],
            name=op.f("fk_case_shares_agreement_id_sharing_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_shares_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosures.id"],
            name=op.f("fk_case_shares_disclosure_id_disclosures"),
        ),
        sa.ForeignKeyConstraint(
            ["shared_by_id"], ["users.id"], name=op.f("fk_case_shares_shared_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"], ["users.id"], name=op.f("fk_case_shares_withdrawn_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_shares")),
    )
    with op.batch_alter_table("case_shares", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_shares_agency_withdrawn", ["agency_id", "withdrawn_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_shares_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_case_shares_case_id"), ["case_id"], unique=False)

    op.create_table(
        "disclosure_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosures.id"],
            name=op.f("fk_disclosure_subjects_disclosure_id_disclosures"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_disclosure_subjects_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_subjects")),
    )
    with op.batch_alter_table("disclosure_subjects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disclosure_subjects_disclosure_id"), ["disclosure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disclosure_subjects_person_id"), ["person_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("disclosure_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_subjects_person_id"))
        batch_op.drop_index(batch_op.f("ix_disclosure_subjects_disclosure_id"))

    op.drop_table("disclosure_subjects")
    with op.batch_alter_table("case_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_shares_case_id"))
        batch_op.drop_index(batch_op.f("ix_case_shares_agreement_id"))
        batch_op.drop_index("ix_case_shares_agency_withdrawn")

    op.drop_table("case_shares")
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.drop_index("ix_disclosures_recipient_disclosed_at")
        batch_op.drop_index(batch_op.f("ix_disclosures_incident_id"))
        batch_op.drop_index(batch_op.f("ix_disclosures_disclosed_at"))
        batch_op.drop_index(batch_op.f("ix_disclosures_case_id"))
        batch_op.drop_index(batch_op.f("ix_disclosures_agreement_id"))

    op.drop_table("disclosures")
    with op.batch_alter_table("sharing_agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_agreements_partner_agency_id"))

    op.drop_table("sharing_agreements")
