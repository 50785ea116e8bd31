"""add incidents' grid positions and hotspot grid cell

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Existing incidents are given their British National Grid position and 100 m grid cell
(the same numbering as asb.geo.services: row * 1000 + column from 520000 E, 170000 N).
"""

import sqlalchemy as sa
from alembic import op
from pyproj import Transformer

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CELL_METRES = 100
ORIGIN = (520_000, 170_000)
COLUMNS = 1_000
BATCH = 5_000


def upgrade():
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("easting", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("northing", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("grid_cell", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_incidents_occurred_grid_cell", ["occurred_from", "grid_cell"], unique=False
        )
    _backfill()


def _backfill():
    connection = op.get_bind()
    incidents = sa.table(
        "incidents",
        sa.column("id", sa.Integer),
        sa.column("latitude", sa.Float),
        sa.column("longitude", sa.Float),
        sa.column("easting", sa.Integer),
        sa.column("northing", sa.Integer),
        sa.column("grid_cell", sa.Integer),
    )
    transformer = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    rows = connection.execute(
        sa.select(incidents.c.id, incidents.c.latitude, incidents.c.longitude)
    ).all()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        eastings, northings = transformer.transform(
            [row.longitude for row in batch], [row.latitude for row in batch]
        )
        updates = []
        for row, easting, northing in zip(batch, eastings, northings, strict=True):
            column = int((easting - ORIGIN[0]) // CELL_METRES)
            line = int((northing - ORIGIN[1]) // CELL_METRES)
            updates.append(
                {
                    "row_id": row.id,
                    "easting": round(easting),
                    "northing": round(northing),
                    "grid_cell": line * COLUMNS + column,
                }
            )
        if updates:
            connection.execute(
                incidents.update()
                .where(incidents.c.id == sa.bindparam("row_id"))
                .values(
                    easting=sa.bindparam("easting"),
                    northing=sa.bindparam("northing"),
                    grid_cell=sa.bindparam("grid_cell"),
                ),
                updates,
            )


def downgrade():
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_occurred_grid_cell")
        batch_op.drop_column("grid_cell")
        batch_op.drop_column("northing")
        batch_op.drop_column("easting")
