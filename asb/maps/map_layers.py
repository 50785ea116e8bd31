"""The map's layers, each built from the hotspot, ward and point data with its legend.

Tooltips, popups and clicks are built with DOM calls: labels go in as text, never as HTML,
and a click follows the feature's own link.

Shapes are kept out of the Tab order and hidden from assistive technology: Leaflet would make
each shaded square and ward a Tab stop with no name, hundreds of them. A keyboard or screen
reader user reaches the same figures and links through the tables under the map. The ward
outlines carry the wards' names, drawn on the map, so it reads without a base map.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import folium
import numpy as np
from folium.plugins import FastMarkerCluster, HeatMap
from folium.template import Template
from folium.utilities import JsCode

from asb.maps import grid
from asb.maps.hotspots import HotspotData
from asb.maps.map_style import (
    BRAND,
    CHANGE_COLOURS,
    CHANGE_LABELS,
    COUNT_COLOURS,
    HOT_COLD_COLOURS,
    NO_INCIDENTS_COLOUR,
    WARD_COLOURS,
    LegendEntry,
    change_class,
    class_breaks,
    class_of,
    fill,
    shade,
    shaded_legend,
)
from asb.maps.queries import MapPoint, WardData
from asb.presentation import london_date

Legend = list[LegendEntry]
Assets = list[tuple[str, str]]


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


_HIDE_SHAPE = """layer.on('add', function () {
            var shape = layer.getElement();
            shape.setAttribute('aria-hidden', 'true');
            shape.setAttribute('tabindex', '-1');
        });"""

_LINKED_FEATURE = JsCode(
    """function (feature, layer) {
        var label = document.createElement('span');
        label.textContent = feature.properties.label;
        layer.bindTooltip(label, {sticky: true});
        layer.on('click', function () { window.location.assign(feature.properties.url); });
        HIDE_SHAPE
    }""".replace("HIDE_SHAPE", _HIDE_SHAPE)
)

_DECORATION = JsCode("function (feature, layer) { " + _HIDE_SHAPE + " }")

# The ward's name at its centre, as text; the label is drawn, not announced.
_NAMED_WARD = JsCode(
    """function (feature, layer) {
        var label = document.createElement('span');
        label.textContent = feature.properties.name;
        layer.bindTooltip(label, {
            permanent: true, direction: 'center', className: 'asb-map-ward-label',
            interactive: false
        });
        layer.on('tooltipopen', function (event) {
            event.tooltip.getElement().setAttribute('aria-hidden', 'true');
        });
        // At the centre of the ward's largest part (Leaflet would take its first).
        layer.on('add', function () {
            var latlngs = layer.getLatLngs();
            var parts = L.LineUtil.isFlat(latlngs[0]) ? [latlngs] : latlngs;
            var largest = parts[0][0], largestArea = -1;
            parts.forEach(function (part) {
                var b = L.latLngBounds(part[0]);
                var area = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
                if (area > largestArea) { largest = part[0]; largestArea = area; }
            });
            layer.getTooltip().setLatLng(L.PolyUtil.polygonCenter(largest, L.CRS.EPSG3857));
        });
        HIDE_SHAPE
    }""".replace("HIDE_SHAPE", _HIDE_SHAPE)
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


def hot_and_cold_spots(
    data: HotspotData, cell_url: Callable[[int], str]
) -> tuple[folium.GeoJson, Legend]:
    hotspot_of_cell = {cell: h.number for h in data.hotspots for cell in h.cells}
    significant = np.flatnonzero(data.gi.classes != 0)
    properties = []
    for index in significant:
        cell = int(data.cells[index])
        level = int(data.gi.classes[index])
        kind = "Hot spot" if level > 0 else "Cold spot"
        label = f"{kind}, {abs(level)} % confidence: {_plural(int(data.counts[index]), 'incident')}"
        if cell in hotspot_of_cell:
            label += f" (hotspot {hotspot_of_cell[cell]})"
        if cell in data.anonymous_squares:
            point = data.anonymous_squares[cell]
            label += f"; {point.records:,} of them at police.uk's anonymous point: {point.place}"
        properties.append(
            {"label": label, "url": cell_url(cell), "style": fill(HOT_COLD_COLOURS[level], 0.75)}
        )
    layer = _cells_layer(
        [int(c) for c in data.cells[significant]],
        properties,
        "Hot and cold spots (Gi*)",
        show=True,
    )
    legend = [
        LegendEntry(
            HOT_COLD_COLOURS[level], f"{'Hot' if level > 0 else 'Cold'} spot, {abs(level)} %"
        )
        for level in (99, 95, 90, -90, -95, -99)
    ]
    return layer, legend


def square_counts(data: HotspotData) -> dict[int, int]:
    """Incidents per 100 m square with any, those mostly outside the area included."""
    counted = np.flatnonzero(data.counts > 0)
    squares = {int(data.cells[index]): int(data.counts[index]) for index in counted}
    squares.update(data.outside_counts)
    return squares


def incidents_per_square(
    squares: dict[int, int], cell_url: Callable[[int], str]
) -> tuple[folium.GeoJson, Legend]:
    breaks = class_breaks(np.array(list(squares.values())))
    layer = _cells_layer(
        list(squares),
        [
            {
                "label": _plural(count, "incident") + " in this 100 m square",
                "url": cell_url(cell),
                "style": fill(shade(COUNT_COLOURS, class_of(count, breaks), len(breaks))),
            }
            for cell, count in squares.items()
        ],
        "Incidents per 100 m square",
        show=False,
    )
    return layer, shaded_legend(COUNT_COLOURS, breaks)


def wards_by_count_and_change(
    wards: WardData, ward_outlines: dict, ward_url: Callable[[str], str]
) -> tuple[list[folium.GeoJson], Legend, Legend]:
    """The wards shaded by incidents, and by change on the previous period."""
    by_code = {ward.code: ward for ward in wards.wards if ward.code}
    breaks = class_breaks(np.array([w.incidents for w in by_code.values()]))
    count_features, change_features = [], []
    for feature in ward_outlines["features"]:
        ward = by_code.get(feature["properties"]["code"])
        if ward is None:
            continue
        url = ward_url(ward.code)
        colour = (
            shade(WARD_COLOURS, class_of(ward.incidents, breaks), len(breaks))
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
    layers = [
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=name,
            overlay=False,
            show=False,
            on_each_feature=_LINKED_FEATURE,
        )
        for features, name in (
            (count_features, "Wards: incidents"),
            (change_features, "Wards: change on the previous period"),
        )
    ]
    change_legend = [
        LegendEntry(colour, label)
        for colour, label in zip(CHANGE_COLOURS, CHANGE_LABELS, strict=True)
    ]
    return layers, shaded_legend(WARD_COLOURS, breaks), change_legend


def heat(squares: dict[int, int], scripts: Assets) -> HeatMap:
    latitudes, longitudes = grid.cell_centres(np.array(list(squares)))
    counts = np.array(list(squares.values()), dtype=float)
    weights = counts / counts.max()
    layer = HeatMap(
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
    layer.default_js = scripts
    return layer


def incident_points(
    points: list[MapPoint], incident_url: str, scripts: Assets, stylesheets: Assets
) -> FastMarkerCluster:
    """The latest incidents, clustered; ``incident_url`` holds ``{id}`` for the incident's id."""
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
    cluster.default_js = scripts
    cluster.default_css = stylesheets
    return cluster


def outlines(area: dict, ward_outlines: dict) -> list[folium.GeoJson]:
    """The ward outlines with their names (a layer that can be hidden), then the City's
    (always shown)."""
    ward_style = {"color": "#505a5f", "weight": 1, "dashArray": "4 3", "fill": False}
    return [
        folium.GeoJson(
            _styled(ward_outlines, ward_style),
            name="Ward outlines and names",
            interactive=False,
            on_each_feature=_NAMED_WARD,
        ),
        folium.GeoJson(
            _styled(area, {"color": BRAND, "weight": 3, "fill": False}),
            name="City outline",
            control=False,
            interactive=False,
            on_each_feature=_DECORATION,
        ),
    ]


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


def _ward_feature(feature: dict, label: str, url: str, colour: str) -> dict:
    return {
        "type": "Feature",
        "geometry": feature["geometry"],
        "properties": {"label": label, "url": url, "style": fill(colour, 0.65)},
    }


def _styled(collection: dict, style: dict) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {**feature, "properties": {**feature["properties"], "style": style}}
            for feature in collection["features"]
        ],
    }


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _js_string(text: str) -> str:
    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
