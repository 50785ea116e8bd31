"""The hotspot map as folium builds it, taken apart to run inside an asb page.

folium writes a whole HTML document with CDN links, <style> blocks and an inline script.
Here the map is built as usual, then only two parts are kept: the script and stylesheet
links, which must all point at asb's own static files (the vendored Leaflet plug-ins), and
the generated script, which the page runs with its CSP nonce. folium's <style> blocks are
dropped (the map's size and the legend come from app.css), as are jQuery, Bootstrap and
Font Awesome, which nothing here uses: popups and tooltips are built with DOM calls
rather than folium's jQuery-based Popup, and text goes in as textContent, never as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import folium
import numpy as np
from branca.element import CssLink, JavascriptLink
from folium.plugins import FastMarkerCluster, HeatMap
from folium.template import Template
from folium.utilities import JsCode

from asb.maps import grid
from asb.maps.queries import HotspotData, MapPoint, WardData, WardSummary
from asb.presentation import london_date

MAP_ID = "hotspots"
MIN_ZOOM = 12
MAX_ZOOM = 19
HOT_COLD_COLOURS = {
    99: "#b2182b",
    95: "#ef8a62",
    90: "#fddbc7",
    -90: "#d1e5f0",
    -95: "#67a9cf",
    -99: "#2166ac",
}
COUNT_COLOURS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
WARD_COLOURS = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"]
# Fell by a quarter or more, fell, about the same (within 5 %), rose, rose by a quarter or more.
CHANGE_COLOURS = ["#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b"]
NO_INCIDENTS_COLOUR = "#ffffff"
OUTLINE_COLOUR = "#0b0c0c"
BRAND = "#8a1538"


class _PointCluster(FastMarkerCluster):
    """FastMarkerCluster that, like other layers, starts hidden when ``show`` is False.

    folium's own template adds the cluster to the map whatever ``show`` says; here the
    layer's render adds it (folium.map.Layer), only when it is to be shown.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function(){
                {{ this.callback }}
                var data = {{ this.data|tojson }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                for (var i = 0; i < data.length; i++) {
                    callback(data[i]).addTo(cluster);
                }
                return cluster;
            })();
        {% endmacro %}"""
    )


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str


@dataclass
class RenderedMap:
    element_id: str
    stylesheets: list[str]
    scripts: list[str]
    script: str
    legends: dict[str, list[LegendEntry]]


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


def class_breaks(values: np.ndarray, classes: int = 5) -> list[int]:
    """Upper bounds of up to ``classes`` classes: whole-number quantiles of the non-zero values."""
    values = np.asarray(values)
    values = values[values > 0]
    if len(values) == 0:
        return []
    quantiles = np.quantile(values, np.linspace(0, 1, classes + 1)[1:])
    breaks = sorted({int(np.ceil(q)) for q in quantiles})
    breaks[-1] = int(values.max())
    return breaks


def _class_of(value: float, breaks: list[int]) -> int:
    for index, upper in enumerate(breaks):
        if value <= upper:
            return index
    return len(breaks) - 1


def _shade(colours: list[str], index: int, classes: int) -> str:
    """The colour of class ``index`` of ``classes``: the lightest first, the darkest last."""
    if classes <= 1:
        return colours[-1]
    return colours[round(index * (len(colours) - 1) / (classes - 1))]


def _range_labels(breaks: list[int]) -> list[str]:
    labels, lower = [], 1
    for upper in breaks:
        labels.append(f"{lower:,}" if lower == upper else f"{lower:,} to {upper:,}")
        lower = upper + 1
    return labels


def change_class(ward: WardSummary) -> int:
    """0: fell by 25 % or more, 1: fell, 2: about the same, 3: rose, 4: rose by 25 % or more."""
    if ward.previous == 0:
        return 2 if ward.incidents == 0 else 4
    share = ward.change_share or 0.0
    if share <= -0.25:
        return 0
    if share < -0.05:
        return 1
    if share <= 0.05:
        return 2
    if share < 0.25:
        return 3
    return 4


CHANGE_LABELS = [
    "Fell by a quarter or more",
    "Fell by 5 % to 25 %",
    "About the same (within 5 %)",
    "Rose by 5 % to 25 %",
    "Rose by a quarter or more (or from none)",
]


def _fill(colour: str, opacity: float = 0.7) -> dict:
    return {
        "color": OUTLINE_COLOUR,
        "weight": 0.5,
        "opacity": 0.6,
        "fillColor": colour,
        "fillOpacity": opacity,
    }


# Tooltips and clicks: labels go in as text, the click follows the feature's own link.
_LINKED_FEATURE = JsCode(
    """function (feature, layer) {
        var label = document.createElement('span');
        label.textContent = feature.properties.label;
        layer.bindTooltip(label, {sticky: true});
        layer.on('click', function () { window.location.assign(feature.properties.url); });
    }"""
)

_POINT_CALLBACK = """function (row) {
    var marker = L.marker([row[0], row[1]], {
        icon: L.divIcon({className: 'asb-map-point', iconSize: [14, 14]}),
        title: row[3] + ', ' + row[4] + ', ' + row[5]
    });
    marker.bindPopup(function () {
        var box = document.createElement('div');
        var link = document.createElement('a');
        link.className = 'govuk-link';
        link.href = %s.replace('{id}', String(row[2]));
        link.textContent = row[3];
        box.appendChild(link);
        var what = document.createElement('p');
        what.className = 'govuk-body-s govuk-!-margin-0';
        what.textContent = row[4] + ', ' + row[5];
        box.appendChild(what);
        return box;
    });
    return marker;
}"""


def _cells_layer(
    cells: list[int], properties: list[dict], name: str, *, show: bool
) -> folium.GeoJson:
    polygons = grid.cell_polygons(np.asarray(cells, dtype=np.int64))
    features = [
        {
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        for props, ring in zip(properties, polygons, strict=True)
    ]
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        overlay=False,
        show=show,
        on_each_feature=_LINKED_FEATURE,
    )


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def build_map(
    data: HotspotData,
    wards: WardData,
    points: list[MapPoint],
    *,
    urls: MapUrls,
    tile_url: str,
    tile_attribution: str,
) -> RenderedMap:
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
        ).add_to(fmap)

    legends: dict[str, list[LegendEntry]] = {}
    hotspot_of_cell = {cell: h.number for h in data.hotspots for cell in h.cells}

    # Hot and cold spots (the layer shown first).
    significant = np.flatnonzero(data.gi.classes != 0)
    gi_properties = []
    for index in significant:
        cell = int(data.cells[index])
        level = int(data.gi.classes[index])
        kind = "Hot spot" if level > 0 else "Cold spot"
        label = f"{kind}, {abs(level)} % confidence: {_plural(int(data.counts[index]), 'incident')}"
        if cell in hotspot_of_cell:
            label += f" (hotspot {hotspot_of_cell[cell]})"
        gi_properties.append(
            {
                "label": label,
                "url": urls.cell_list(cell),
                "style": _fill(HOT_COLD_COLOURS[level], 0.75),
            }
        )
    _cells_layer(
        [int(c) for c in data.cells[significant]],
        gi_properties,
        "Hot and cold spots (Gi*)",
        show=True,
    ).add_to(fmap)
    legends["gi"] = [
        LegendEntry(
            HOT_COLD_COLOURS[level], f"{'Hot' if level > 0 else 'Cold'} spot, {abs(level)} %"
        )
        for level in (99, 95, 90, -90, -95, -99)
    ]

    # Incidents per 100 m square, those mostly outside the area included.
    counted = np.flatnonzero(data.counts > 0)
    square_counts = {int(data.cells[index]): int(data.counts[index]) for index in counted}
    square_counts.update(data.outside_counts)
    breaks = class_breaks(np.array(list(square_counts.values())))
    _cells_layer(
        list(square_counts),
        [
            {
                "label": _plural(count, "incident") + " in this 100 m square",
                "url": urls.cell_list(cell),
                "style": _fill(_shade(COUNT_COLOURS, _class_of(count, breaks), len(breaks))),
            }
            for cell, count in square_counts.items()
        ],
        "Incidents per 100 m square",
        show=False,
    ).add_to(fmap)
    legends["grid"] = [
        LegendEntry(_shade(COUNT_COLOURS, index, len(breaks)), label)
        for index, label in enumerate(_range_labels(breaks))
    ]

    # Wards by count and by change.
    by_code = {ward.code: ward for ward in wards.wards if ward.code}
    ward_breaks = class_breaks(np.array([w.incidents for w in by_code.values()]))
    count_features, change_features = [], []
    for feature in ward_outlines["features"]:
        ward = by_code.get(feature["properties"]["code"])
        if ward is None:
            continue
        url = urls.ward_list(ward.code)
        colour = (
            _shade(WARD_COLOURS, _class_of(ward.incidents, ward_breaks), len(ward_breaks))
            if ward.incidents
            else NO_INCIDENTS_COLOUR
        )
        count_features.append(
            _ward_feature(
                feature, f"{ward.name}: {_plural(ward.incidents, 'incident')}", url, colour
            )
        )
        if ward.previous:
            change = f"{ward.change:+,} ({ward.change_share:+.0%})"
        else:
            change = f"{ward.change:+,}"
        change_features.append(
            _ward_feature(
                feature,
                f"{ward.name}: {ward.incidents:,}, previous period {ward.previous:,}, "
                f"change {change}",
                url,
                CHANGE_COLOURS[change_class(ward)],
            )
        )
    for features, name in (
        (count_features, "Wards: incidents"),
        (change_features, "Wards: change on the previous period"),
    ):
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=name,
            overlay=False,
            show=False,
            on_each_feature=_LINKED_FEATURE,
        ).add_to(fmap)
    legends["wards"] = [
        LegendEntry(_shade(WARD_COLOURS, index, len(ward_breaks)), label)
        for index, label in enumerate(_range_labels(ward_breaks))
    ]
    legends["change"] = [
        LegendEntry(colour, label)
        for colour, label in zip(CHANGE_COLOURS, CHANGE_LABELS, strict=True)
    ]
    folium.FeatureGroup(name="No shading", overlay=False, show=False).add_to(fmap)

    # Overlays: heat, points, outlines.
    if square_counts:
        latitudes, longitudes = grid.cell_centres(np.array(list(square_counts)))
        counts = np.array(list(square_counts.values()), dtype=float)
        weights = counts / counts.max()
        heat = HeatMap(
            [
                [round(float(lat), 6), round(float(lon), 6), round(float(weight), 4)]
                for lat, lon, weight in zip(latitudes, longitudes, weights, strict=True)
            ],
            name="Heat map",
            show=False,
            radius=30,
            blur=25,
            min_opacity=0.3,
        )
        heat.default_js = assets["heat_js"]
        heat.add_to(fmap)

    incident_url = urls.incident(0).rsplit("0", 1)[0] + "{id}"
    cluster = _PointCluster(
        [
            [
                round(point.latitude, 6),
                round(point.longitude, 6),
                point.id,
                point.reference,
                point.category,
                london_date(point.occurred_from),
            ]
            for point in points
        ],
        callback=_POINT_CALLBACK % _js_string(incident_url),
        name=f"Incidents (latest {len(points):,})",
        show=False,
    )
    cluster.default_js = assets["cluster_js"]
    cluster.default_css = assets["cluster_css"]
    cluster.add_to(fmap)

    outline_style = {"color": "#505a5f", "weight": 1, "dashArray": "4 3", "fill": False}
    folium.GeoJson(
        _styled(ward_outlines, outline_style), name="Ward outlines", interactive=False
    ).add_to(fmap)
    folium.GeoJson(
        _styled(area, {"color": BRAND, "weight": 3, "fill": False}),
        name="City outline",
        control=False,
        interactive=False,
    ).add_to(fmap)
    fmap.fit_bounds(bounds)
    # Collapsed: open, the list would cover the north-east of the City.
    folium.LayerControl(collapsed=True).add_to(fmap)
    return _take_apart(fmap, urls.static, legends)


def _ward_feature(feature: dict, label: str, url: str, colour: str) -> dict:
    return {
        "type": "Feature",
        "geometry": feature["geometry"],
        "properties": {"label": label, "url": url, "style": _fill(colour, 0.65)},
    }


def _styled(collection: dict, style: dict) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {**feature, "properties": {**feature["properties"], "style": style}}
            for feature in collection["features"]
        ],
    }


def _js_string(text: str) -> str:
    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _take_apart(fmap: folium.Map, static: Callable[[str], str], legends) -> RenderedMap:
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
    )
