"""Charts drawn on the server as SVG: no script, no library, nothing fetched from elsewhere.

Each chart is one <svg role="img"> named by its <title> and described by its <desc>, which
says in words what the chart shows; the page puts the same figures in a table beside it.
Colours keep at least 3:1 contrast against white, and no series is told apart by colour
alone: bars carry a texture, lines a dash pattern and a marker shape. Only presentation
attributes are used, never style attributes, so the Content Security Policy needs no
'unsafe-inline'. Every element is built by `_element`, which escapes what goes in it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 760
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
WHITE = "#ffffff"
FONT = "GDS Transport, arial, sans-serif"

BLUE = "#1d70b8"
ORANGE = "#b45309"
GREY = "#505a5f"
BLACK = "#0b0c0c"


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    texture: str | None = None  # for bars: None (solid), "hatch" or "dots"
    dash: str | None = None  # for lines: a stroke-dasharray
    marker: str = "circle"  # for lines: circle, square, triangle or none


def _value(value) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _element(tag: str, *children: str | Markup, **attributes) -> Markup:
    """<tag a="1">children</tag>, escaped; attribute names use _ for - (class_ for class)."""
    attrs = Markup("").join(
        Markup(' {}="{}"').format(name.rstrip("_").replace("_", "-"), _value(value))
        for name, value in attributes.items()
        if value is not None
    )
    if not children:
        return Markup("<{}{}/>").format(tag, attrs)
    return Markup("<{0}{1}>{2}</{0}>").format(tag, attrs, Markup("").join(children))


def _text(x: float, y: float, content: str, *, size: int = 14, anchor: str | None = None):
    return _element("text", content, x=x, y=y, font_size=size, text_anchor=anchor, fill=TEXT)


def _line(x1: float, y1: float, x2: float, y2: float, colour: str = GRID) -> Markup:
    return _element("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=colour, stroke_width=1)


def nice_ceiling(value: float) -> tuple[float, float]:
    """An axis maximum at or above `value` and a round tick step that divides it."""
    if value <= 0:
        return 1, 1
    rough = value / 5
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    return step * math.ceil(value / step), step


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _ticks(axis_max: float, step: float) -> list[float]:
    return [step * n for n in range(round(axis_max / step) + 1)]


def _defs(chart_id: str, series: list[Series]) -> Markup:
    patterns = []
    for index, item in enumerate(series):
        if item.texture == "hatch":
            mark = _element(
                "path", d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2", stroke=WHITE, stroke_width=1.5
            )
        elif item.texture == "dots":
            mark = _element("circle", cx=3, cy=3, r=1.2, fill=WHITE)
        else:
            continue
        patterns.append(
            _element(
                "pattern",
                _element("rect", width=6, height=6, fill=item.colour),
                mark,
                id=f"{chart_id}-fill-{index}",
                patternUnits="userSpaceOnUse",
                width=6,
                height=6,
            )
        )
    return _element("defs", *patterns) if patterns else Markup("")


def _fill(chart_id: str, series: list[Series], index: int) -> str:
    if series[index].texture:
        return f"url(#{chart_id}-fill-{index})"
    return series[index].colour


def _marker(shape: str, x: float, y: float, colour: str, *, hollow: bool = False) -> Markup:
    paint = {"fill": WHITE, "stroke": colour, "stroke_width": 2} if hollow else {"fill": colour}
    if shape == "none":
        return Markup("")
    if shape == "square":
        return _element("rect", x=x - 4, y=y - 4, width=8, height=8, **paint)
    if shape == "triangle":
        points = f"M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z"
        return _element("path", d=points, **paint)
    return _element("circle", cx=x, cy=y, r=4, **paint)


def _legend(chart_id: str, series: list[Series], *, lines: bool) -> tuple[list[Markup], float]:
    """The key across the top of the chart, wrapping as needed; returns it and its height."""
    parts, x, row = [], 0.0, 0
    for index, item in enumerate(series):
        width = 34 + 7.2 * len(item.label) + 24
        if x and x + width > WIDTH:
            x, row = 0.0, row + 1
        top = row * 24.0
        if lines:
            parts.append(
                _element(
                    "line",
                    x1=x,
                    y1=top + 8,
                    x2=x + 26,
                    y2=top + 8,
                    stroke=item.colour,
                    stroke_width=3,
                    stroke_dasharray=item.dash,
                )
            )
            parts.append(_marker(item.marker, x + 13, top + 8, item.colour))
        else:
            parts.append(
                _element(
                    "rect", x=x, y=top, width=26, height=16, fill=_fill(chart_id, series, index)
                )
            )
        parts.append(_text(x + 34, top + 13, item.label))
        x += width
    return parts, (row + 1) * 24 + 8


def _svg(chart_id: str, title: str, description: str, height: float, parts) -> Markup:
    return _element(
        "svg",
        _element("title", title, id=f"{chart_id}-title"),
        _element("desc", description, id=f"{chart_id}-desc"),
        *parts,
        class_="asb-chart",
        id=chart_id,
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        viewBox=f"0 0 {WIDTH} {height:.0f}",
        width="100%",
        preserveAspectRatio="xMinYMin meet",
        font_family=FONT,
    )


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    values: list[list[int]],
) -> Markup:
    """Horizontal bars, one per label, each stacked from the series' values."""
    label_width, bar_height, gap = 290, 22, 10
    legend, legend_height = _legend(chart_id, series, lines=False)
    top = legend_height + 8
    axis_max, step = nice_ceiling(max((sum(row) for row in values), default=0))
    scale = (WIDTH - label_width - 70) / axis_max
    plot_height = len(labels) * (bar_height + gap)
    parts = [_defs(chart_id, series), *legend]
    for tick in _ticks(axis_max, step):
        x = label_width + tick * scale
        parts.append(_line(x, top, x, top + plot_height))
        parts.append(_text(x, top + plot_height + 18, _number(tick), size=13, anchor="middle"))
    for row_index, (label, row) in enumerate(zip(labels, values, strict=True)):
        y = top + row_index * (bar_height + gap) + gap / 2
        baseline = y + bar_height * 0.72
        parts.append(_text(label_width - 8, baseline, _shorten(label, 38), anchor="end"))
        x = float(label_width)
        for index, value in enumerate(row):
            if value <= 0:
                continue
            parts.append(
                _element(
                    "rect",
                    x=x,
                    y=y,
                    width=value * scale,
                    height=bar_height,
                    fill=_fill(chart_id, series, index),
                    stroke=WHITE,
                    stroke_width=1,
                )
            )
            x += value * scale
        parts.append(_text(x + 6, baseline, _number(sum(row))))
    parts.append(_line(label_width, top, label_width, top + plot_height, TEXT))
    return _svg(chart_id, title, description, top + plot_height + 28, parts)


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: list[tuple[str, str]],
    series: list[Series],
    values: list[list[float | None]],
    *,
    last_is_partial: bool = False,
) -> Markup:
    """Lines over time; `labels` are each point's (first line, second line) on the x axis,
    `values[s][i]` is series s at point i (None leaves a gap). A partial last period (this
    month so far) is a hollow point, not joined to the line, so it does not read as a fall."""
    left, right, plot_height = 56, 20, 260
    legend, legend_height = _legend(chart_id, series, lines=True)
    top = legend_height + 12
    bottom = top + plot_height
    present = [value for line in values for value in line if value is not None]
    axis_max, step = nice_ceiling(max(present, default=0))
    plot_width = WIDTH - left - right
    count = max(len(labels), 1)
    spacing = plot_width / max(count - 1, 1)

    def x_at(index: int) -> float:
        return left + (index * spacing if count > 1 else plot_width / 2)

    def y_at(value: float) -> float:
        return bottom - value / axis_max * plot_height

    parts = list(legend)
    for tick in _ticks(axis_max, step):
        parts.append(_line(left, y_at(tick), WIDTH - right, y_at(tick)))
        parts.append(_text(left - 8, y_at(tick) + 5, _number(tick), size=13, anchor="end"))
    every = max(1, math.ceil(count / 13))
    for index, (first, second) in enumerate(labels):
        last = index == count - 1
        if not last and (index % every or count - 1 - index < every):
            continue  # thinned out, or too close to the last label (always shown)
        x = x_at(index)
        parts.append(_line(x, bottom, x, bottom + 5, TEXT))
        parts.append(_text(x, bottom + 20, first, size=13, anchor="middle"))
        if second:
            parts.append(_text(x, bottom + 36, second, size=13, anchor="middle"))
    parts.append(_line(left, bottom, WIDTH - right, bottom, TEXT))
    for item, line in zip(series, values, strict=True):
        segments, current = [], []
        for index, value in enumerate(line):
            if value is None or (last_is_partial and index == count - 1):
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{x_at(index):.1f},{y_at(value):.1f}")
        if current:
            segments.append(current)
        parts.extend(
            _element(
                "polyline",
                points=" ".join(segment),
                fill="none",
                stroke=item.colour,
                stroke_width=2.5,
                stroke_linejoin="round",
                stroke_dasharray=item.dash,
            )
            for segment in segments
        )
        parts.extend(
            _marker(
                item.marker,
                x_at(index),
                y_at(value),
                item.colour,
                hollow=last_is_partial and index == count - 1,
            )
            for index, value in enumerate(line)
            if value is not None
        )
    return _svg(chart_id, title, description, bottom + 44, parts)


def _shorten(text: str, limit: int) -> str:
    """Long labels are cut on the chart; the table beside it gives them in full."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
