"""person details requests (placeholder: nothing to change yet)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
