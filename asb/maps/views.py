from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import login_required

from asb.audit.services import record_view, request_filters
from asb.auth.current import signed_in_user
from asb.calendar import today_in_london
from asb.geo.services import geography
from asb.incidents import queries as incident_queries
from asb.maps import hotspots, queries
from asb.maps.filters import MapFilters, ending_with_the_data
from asb.maps.folium_map import MapUrls, build_map
from asb.maps.forms import QUALIFIER_NAMES, MapFilterForm
from asb.policy import Permission, authorize
from asb.static_files import asset_url

blueprint = Blueprint("maps", __name__)
# The incident log's search box takes at most this many characters.
PLACE_SEARCH_MAX = 100


def _urls(filters: MapFilters) -> MapUrls:
    def incidents(**place) -> str:
        return url_for("incidents.list_incidents", **filters.incident_list_args(**place))

    return MapUrls(
        static=asset_url,
        incident=lambda incident_id: url_for("incidents.show_incident", incident_id=incident_id),
        cell_list=lambda cell: incidents(cell=cell),
        place_list=lambda cell, place: incidents(cell=cell, text=place[:PLACE_SEARCH_MAX]),
        ward_list=lambda code: incidents(ward=code),
    )


@blueprint.get("/map")
@login_required
def hotspot_map():
    authorize(Permission.VIEW_INCIDENT_LOG)
    form = MapFilterForm(
        request.args,
        agencies=incident_queries.active_agencies(),
        local_types=incident_queries.local_types(include_inactive=True),
        wards=geography().ward_list,
        today=today_in_london(),
    )
    if not form.validate():
        return render_template("maps/map.html", form=form, filters=None)
    user = signed_in_user()
    record_view("incidents.mapped", actor=user, filters=request_filters())
    filters = form.as_filters()
    data_ends = None
    if not form.is_custom:
        latest = queries.latest_day_with_data(user, filters, form.today)
        filters, data_ends = ending_with_the_data(filters, form.period.data, latest, form.today)
    urls = _urls(filters)
    data = hotspots.hotspot_data(user, filters)
    wards = queries.ward_data(user, filters)
    config = current_app.config
    points = queries.recent_points(user, filters)
    rendered = build_map(
        data,
        wards,
        points,
        urls=urls,
        tile_url=config["MAP_TILE_URL"],
        tile_attribution=config["MAP_TILE_ATTRIBUTION"],
    )
    return render_template(
        "maps/map.html",
        form=form,
        filters=filters,
        data=data,
        wards=wards,
        repeats=queries.repeat_locations(user, filters),
        anonymous_repeats=queries.repeat_locations(user, filters, anonymous=True),
        rendered=rendered,
        urls=urls,
        point_count=len(points),
        qualifier_name=QUALIFIER_NAMES.get(filters.qualifier) if filters.qualifier else None,
        period=form.period.data,
        data_ends=data_ends,
        smallest_rate_base=queries.SMALLEST_RATE_BASE,
    )
