"""emergency access (placeholder: nothing to change yet)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
