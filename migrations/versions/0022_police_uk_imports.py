"""police.uk imports: each run's counts, and incidents' LSOA and import identity

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29

Incidents gain police.uk's LSOA code and name, `source_key` (an imported row's identity:
unique, so importing a file again adds nothing) and the import run they came in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "police_uk_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("asb_rows", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("already_present", sa.Integer(), nullable=False),
        sa.Column("outside_area", sa.Integer(), nullable=False),
        sa.Column("without_location", sa.Integer(), nullable=False),
        sa.Column("bad_rows", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["users.id"],
            name=op.f("fk_police_uk_imports_imported_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_police_uk_imports")),
    )
    with op.batch_alter_table("police_uk_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_police_uk_imports_file_sha256"), ["file_sha256"], unique=False
        )

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lsoa_code", sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column("lsoa_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("source_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("police_uk_import_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_incidents_police_uk_import_id"), ["police_uk_import_id"], unique=False
        )
        batch_op.create_unique_constraint(batch_op.f("uq_incidents_source_key"), ["source_key"])
        batch_op.create_foreign_key(
            batch_op.f("fk_incidents_police_uk_import_id_police_uk_imports"),
            "police_uk_imports",
            ["police_uk_import_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_incidents_police_uk_import_id_police_uk_imports"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_incidents_source_key"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_incidents_police_uk_import_id"))
        batch_op.drop_column("police_uk_import_id")
        batch_op.drop_column("source_key")
        batch_op.drop_column("lsoa_name")
        batch_op.drop_column("lsoa_code")

    with op.batch_alter_table("police_uk_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_police_uk_imports_file_sha256"))

    op.drop_table("police_uk_imports")
