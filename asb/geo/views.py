from __future__ import annotations

from flask import Blueprint, send_file
from flask_login import login_required

from asb.geo.services import geography

blueprint = Blueprint("geo", __name__, url_prefix="/geo")


@blueprint.get("/boundary.geojson")
@login_required
def area_boundary():
    return send_file(geography().area_path, mimetype="application/geo+json")


@blueprint.get("/wards.geojson")
@login_required
def ward_boundaries():
    return send_file(geography().wards_path, mimetype="application/geo+json")
