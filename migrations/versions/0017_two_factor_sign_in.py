"""two factor sign in (placeholder: nothing to change yet)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
