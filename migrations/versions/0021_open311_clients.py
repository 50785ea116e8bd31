"""open311 clients (placeholder: nothing to change yet)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29
"""

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
