"""The hotspot map as folium builds it, taken apart to run inside an asb page.

folium writes a whole HTML document with CDN links, <style> blocks and an inline script.
Here the map is built as usual, then only two parts are kept: the script and stylesheet
links, which must all point at asb's own static files (the vendored Leaflet plug-ins), and
the generated script, which the page runs with its CSP nonce. folium's <style> blocks are
dropped (the map's size and the legend come from app.css), as are jQuery, Bootstrap and
Font Awesome, which nothing here uses: popups and tooltips are built with DOM calls
rather than folium's jQuery-based Popup, and text goes in as textContent, never as HTML.
Each layer is built in asb.maps.map_layers and coloured as asb.maps.map_style says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import folium
from branca.element import CssLink, JavascriptLink, MacroElement
from folium.template import Template

from asb.maps import grid, map_layers
from asb.maps.hotspots import HotspotData
from asb.maps.map_style import LegendEntry
from asb.maps.queries import MapPoint, WardData

MAP_ID = "hotspots"
# The element under the map that says so when the base map cannot be shown.
STATUS_ID = "map-status"
NO_BASE_MAP = "Base map unavailable: the ward outlines and labels still show where things are."
MIN_ZOOM = 12
MAX_ZOOM = 19


@dataclass
class RenderedMap:
    element_id: str
    stylesheets: list[str]
    scripts: list[str]
    script: str
    legends: dict[str, list[LegendEntry]]
    # False when no tile server is configured: the page then says the base map is unavailable.
    base_map: bool

    @property
    def status(self) -> str:
        """What the status under the map says as the page loads (a failed tile says so later)."""
        return "" if self.base_map else NO_BASE_MAP


@dataclass(frozen=True)
class MapUrls:
    """Where the map's files and links point; the view fills these from url_for."""

    static: Callable[[str], str]
    incident: Callable[[int], str]
    cell_list: Callable[[int], str]
    place_list: Callable[[int, str], str]
    ward_list: Callable[[str], str]


def _static_assets(static: Callable[[str], str]) -> dict[str, list[tuple[str, str]]]:
    return {
        "map_js": [("leaflet", static("dist/leaflet/leaflet.js"))],
        "map_css": [("leaflet_css", static("dist/leaflet/leaflet.css"))],
        "cluster_js": [
            ("markerclusterjs", static("dist/leaflet.markercluster/leaflet.markercluster.js"))
        ],
        "cluster_css": [
            ("markerclustercss", static("dist/leaflet.markercluster/MarkerCluster.css")),
            (
                "markerclusterdefaultcss",
                static("dist/leaflet.markercluster/MarkerCluster.Default.css"),
            ),
        ],
        "heat_js": [("leaflet-heat.js", static("dist/leaflet.heat/leaflet-heat.js"))],
    }


def build_map(
    data: HotspotData,
    wards: WardData,
    points: list[MapPoint],
    *,
    urls: MapUrls,
    tile_url: str,
    tile_attribution: str,
) -> RenderedMap:
    """The layers in the order the control lists them: the shaded ones (one shown at a time,
    hot and cold spots first), then the overlays (heat, points, outlines)."""
    assets = _static_assets(urls.static)
    area, ward_outlines, bounds = grid.outlines()
    fmap = folium.Map(
        location=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        zoom_start=15,
        tiles=None,
        control_scale=True,
        # On the map itself, not only the tile layer: without tiles, the clustered layer
        # needs it.
        **{"maxZoom": MAX_ZOOM, "minZoom": MIN_ZOOM, "zoomSnap": 0.25},
    )
    fmap._id = MAP_ID
    fmap.default_js = assets["map_js"]
    fmap.default_css = assets["map_css"]
    if tile_url:
        folium.TileLayer(
            tiles=tile_url,
            attr=tile_attribution,
            name="Base map",
            overlay=True,
            control=False,
            max_zoom=MAX_ZOOM,
        ).add_child(_NoBaseMapMessage()).add_to(fmap)

    legends: dict[str, list[LegendEntry]] = {}
    layer, legends["gi"] = map_layers.hot_and_cold_spots(data, urls.cell_list)
    layer.add_to(fmap)
    squares = map_layers.square_counts(data)
    layer, legends["grid"] = map_layers.incidents_per_square(squares, urls.cell_list)
    layer.add_to(fmap)
    ward_layers, legends["wards"], legends["change"] = map_layers.wards_by_count_and_change(
        wards, ward_outlines, urls.ward_list
    )
    for layer in ward_layers:
        layer.add_to(fmap)
    folium.FeatureGroup(name="No shading", overlay=False, show=False).add_to(fmap)

    if squares:
        map_layers.heat(squares, assets["heat_js"]).add_to(fmap)
    incident_url = urls.incident(0).rsplit("0", 1)[0] + "{id}"
    map_layers.incident_points(
        points, incident_url, assets["cluster_js"], assets["cluster_css"]
    ).add_to(fmap)
    for layer in map_layers.outlines(area, ward_outlines):
        layer.add_to(fmap)
    fmap.fit_bounds(bounds)
    # Collapsed: open, the list would cover the north-east of the City.
    folium.LayerControl(collapsed=True).add_to(fmap)
    return _take_apart(fmap, urls.static, legends, base_map=bool(tile_url))


class _NoBaseMapMessage(MacroElement):
    """When a tile fails to load (an intranet with no internet, the tile server down), the
    status under the map says the base map is unavailable; the outlines and ward names still
    carry the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.on('tileerror', function () {
                var status = document.getElementById({{ this.status_id|tojson }});
                if (status && !status.textContent) {
                    status.textContent = {{ this.message|tojson }};
                }
            });
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "NoBaseMapMessage"
        self.status_id = STATUS_ID
        self.message = NO_BASE_MAP


def _take_apart(
    fmap: folium.Map, static: Callable[[str], str], legends, *, base_map: bool
) -> RenderedMap:
    figure = fmap.get_root()
    figure.render()
    static_root = static("dist/")
    scripts, stylesheets = [], []
    for child in figure.header._children.values():
        if isinstance(child, JavascriptLink):
            scripts.append(child.url)
        elif isinstance(child, CssLink):
            stylesheets.append(child.url)
    foreign = [url for url in scripts + stylesheets if not url.startswith(static_root)]
    if foreign:
        # A folium upgrade added a library: vendor it (package.json, build-assets.mjs).
        raise RuntimeError(f"the map would load files from outside asb: {foreign}")
    return RenderedMap(
        element_id=fmap.get_name(),
        stylesheets=stylesheets,
        scripts=scripts,
        script=figure.script.render(),
        legends=legends,
        base_map=base_map,
    )
