"""The HTTP stage's yardstick: the least a Flask + SQLAlchemy + Jinja page can do for 50 rows.

It reads the same database as asb (DATABASE_URL) and renders the 50 latest incidents as a
table, with no sign-in, forms or layout. Served by gunicorn exactly like asb in the same
run, its throughput is what asb's pages are compared with:

    DATABASE_URL=sqlite:///instance/bench/asb-bench.sqlite3 gunicorn bench.minimal:app
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template
from jinja2 import DictLoader

from config import database_url

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Incidents</title></head>
<body>
<h1>Incidents</h1>
<table>
<thead><tr><th>Reference</th><th>When</th><th>Category</th><th>Where</th><th>Status</th></tr></thead>
<tbody>
{%- for row in rows %}
<tr><td><a href="/incidents/{{ row.id }}">{{ row.reference }}</a></td>
<td>{{ row.occurred_from.strftime("%d %b %Y %H:%M") }}</td><td>{{ row.category }}</td>
<td>{{ row.location_description }}</td><td>{{ row.status }}</td></tr>
{%- endfor %}
</tbody>
</table>
</body>
</html>
"""

incidents = sa.table(
    "incidents",
    sa.column("id"),
    sa.column("reference"),
    sa.column("occurred_from", sa.DateTime),
    sa.column("category"),
    sa.column("location_description"),
    sa.column("status"),
)
LATEST = (
    sa.select(incidents).order_by(incidents.c.occurred_from.desc(), incidents.c.id.desc()).limit(50)
)

app = Flask(__name__)
app.jinja_loader = DictLoader({"incidents.html": PAGE})  # compiled once, as asb's templates
engine = sa.create_engine(database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True)


@app.get("/")
def latest_incidents() -> str:
    with engine.connect() as connection:
        rows = connection.execute(LATEST).all()
    return render_template("incidents.html", rows=rows)


@app.get("/healthz")
def healthz() -> str:
    return "ok"
