"""trustworthy figures (placeholder: nothing to change yet)

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29
"""

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
