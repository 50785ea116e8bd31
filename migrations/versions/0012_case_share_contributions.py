"""case share contributions (placeholder: nothing to change yet)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
