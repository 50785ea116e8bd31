"""add the signed document and the early end's reason to sharing agreements

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sharing_agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("document_filename", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("document_storage_name", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("document_content_type", sa.String(length=100), nullable=True)
        )
        batch_op.add_column(sa.Column("document_size_bytes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("document_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("document_uploaded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("document_uploaded_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_sharing_agreements_document_storage_name"), ["document_storage_name"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_sharing_agreements_document_uploaded_by_id_users"),
            "users",
            ["document_uploaded_by_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("sharing_agreements", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_sharing_agreements_document_uploaded_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_sharing_agreements_document_storage_name"), type_="unique"
        )
        batch_op.drop_column("document_uploaded_at")
        batch_op.drop_column("document_uploaded_by_id")
        batch_op.drop_column("document_sha256")
        batch_op.drop_column("document_size_bytes")
        batch_op.drop_column("document_content_type")
        batch_op.drop_column("document_storage_name")
        batch_op.drop_column("document_filename")
        batch_op.drop_column("end_reason")
