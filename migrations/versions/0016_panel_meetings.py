"""panel meetings (placeholder: nothing to change yet)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
