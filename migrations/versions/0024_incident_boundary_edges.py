"""incidents just outside the City boundary are flagged

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29

A point accepted by the boundary tolerance (ASB_AREA_TOLERANCE_METRES) but lying outside the
area itself is counted apart as "just outside the City boundary", never in its nearest ward.
Existing incidents are flagged as asb.geo.services.just_outside does at recording: a
police.uk record by its LSOA's name (ASB_AREA_LSOA_NAME), any other by a strict
point-in-polygon test against ASB_AREA_BOUNDARY. Rows are read in batches of ids and only
the flagged ones are written, so a million incidents take seconds.
"""

import geopandas as gpd
import numpy as np
import shapely
import sqlalchemy as sa
from alembic import op
from flask import current_app
from pyproj import Transformer

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

BATCH = 50_000

incidents = sa.table(
    "incidents",
    sa.column("id", sa.Integer),
    sa.column("latitude", sa.Float),
    sa.column("longitude", sa.Float),
    sa.column("lsoa_name", sa.String),
    sa.column("outside_city_edge", sa.Boolean),
)


def upgrade():
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outside_city_edge", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    config = current_app.config
    area = gpd.read_file(config["ASB_AREA_BOUNDARY"]).to_crs("EPSG:27700").geometry.union_all()
    flag_edges(op.get_bind(), area, config.get("ASB_AREA_LSOA_NAME", "City of London"))


def flag_edges(connection: sa.Connection, area, area_lsoa_name: str) -> int:
    """Flag the incidents outside the area (British National Grid geometry); how many."""
    shapely.prepare(area)
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    prefix = f"{area_lsoa_name} "
    flagged = 0
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(
                incidents.c.id, incidents.c.latitude, incidents.c.longitude, incidents.c.lsoa_name
            )
            .where(incidents.c.id > last_id)
            .order_by(incidents.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return flagged
        last_id = rows[-1].id
        ids = np.array([row.id for row in rows])
        x, y = to_grid.transform(
            np.array([row.longitude for row in rows], dtype=float),
            np.array([row.latitude for row in rows], dtype=float),
        )
        beyond = ~shapely.contains_xy(area, np.asarray(x), np.asarray(y))
        by_lsoa = np.array([bool(row.lsoa_name and area_lsoa_name) for row in rows])
        lsoa_outside = np.array(
            [bool(row.lsoa_name) and not row.lsoa_name.startswith(prefix) for row in rows]
        )
        outside = np.where(by_lsoa, lsoa_outside, beyond)
        chosen = ids[outside].tolist()
        for start in range(0, len(chosen), 1_000):
            connection.execute(
                incidents.update()
                .where(incidents.c.id.in_(chosen[start : start + 1_000]))
                .values(outside_city_edge=True)
            )
        flagged += len(chosen)


def downgrade():
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("outside_city_edge")
