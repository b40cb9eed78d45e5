"""Plotly figures built from query results; pure functions, no I/O."""

from __future__ import annotations

import functools
import html
import json
import math
from datetime import date, timedelta
from typing import Any, NamedTuple

import plotly.graph_objects as go
import plotly.io as pio

from .queries import Timeline

# One colour per ACLED event type, so a type keeps its colour whatever the filter.
TYPE_COLOURS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4",
}
QUALITATIVE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
               "#7f7f7f", "#bcbd22", "#17becf"]
WEBGL_ABOVE = 1_000  # markers drawn with WebGL above this many; SVG below (crisper, testable)


def _safe(text: Any, limit: int = 300) -> str:
    """Article text for a hover label: escaped (Plotly renders some HTML tags) and shortened."""
    value = str(text or "")
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return html.escape(value)


def _json(value: Any) -> list[Any]:
    items = json.loads(value) if isinstance(value, str) else value
    return items if isinstance(items, list) else []


def _claims(value: Any) -> str:
    return ", ".join(str(i) for i in _json(value)) or "the outlet itself"


def count_label(result: Timeline) -> str:
    note = ""
    if result.bucket:
        note = f", counted per {result.bucket} (zoom in to see single events)"
    elif result.truncated:
        note = f" (showing the first {len(result.rows)}: narrow the filters)"
    return f"{result.total} event{'s' if result.total != 1 else ''}{note}"


def _colour(key: str, palette: dict[str, str]) -> str:
    if key in TYPE_COLOURS:
        return TYPE_COLOURS[key]
    if key not in palette:
        palette[key] = QUALITATIVE[len(palette) % len(QUALITATIVE)]
    return palette[key]


def _size(value: Any, scale: float) -> float:
    return 8.0 + scale * math.log1p(float(value or 0))


Figure = dict[str, Any]  # a figure as Plotly's JSON: built as plain data, never validated


@functools.cache
def _template() -> dict[str, Any]:
    return dict(pio.templates["plotly_white"].to_plotly_json())


def _timeline_layout(lanes: list[str], span: tuple[Any, Any] | None) -> dict[str, Any]:
    xaxis: dict[str, Any] = {"title": {"text": "date of the event"}, "type": "date"}
    if span is not None and all(span):
        xaxis["range"] = [str(span[0]), str(span[1])]
    return {
        "template": _template(),
        "height": max(320, 60 + 30 * len(lanes)),
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "legend": {"orientation": "h", "y": 1.08, "x": 0},
        "xaxis": xaxis,
        "yaxis": {"categoryorder": "array", "categoryarray": list(reversed(lanes)),
                  "type": "category"},
        "hoverlabel": {"align": "left"},
        "uirevision": "timeline",  # keep the user's zoom when the data under it changes
    }


def _day(value: Any) -> str | None:
    return None if value is None else str(value)


def _points(rows: list[dict[str, Any]], colour_by: str, size_by: str) -> list[dict[str, Any]]:
    """One marker per event; an event known only to a week, month or year is a bar across
    its period, so a month never looks like a day."""
    palette: dict[str, str] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = row.get("event_type") if colour_by == "type" else row.get("outlet_name")
        groups.setdefault(str(key or "Other"), []).append(row)
    kind = "scattergl" if len(rows) > WEBGL_ABOVE else "scatter"
    traces: list[dict[str, Any]] = []
    for key, items in sorted(groups.items()):
        colour = _colour(key, palette)
        spans = [r for r in items if r["date_end"] and r["date_end"] != r["date"]]
        if spans:
            xs: list[Any] = []
            ys: list[Any] = []
            for r in spans:
                xs.extend([_day(r["date"]), _day(r["date_end"]), None])
                ys.extend([r["lane"], r["lane"], None])
            traces.append({"type": kind, "x": xs, "y": ys, "mode": "lines", "name": key,
                           "legendgroup": key, "showlegend": False, "hoverinfo": "skip",
                           "line": {"color": colour, "width": 6}, "opacity": 0.35})
        traces.append({
            "type": kind, "x": [_day(r["date"]) for r in items],
            "y": [r["lane"] for r in items], "mode": "markers", "name": key,
            "legendgroup": key,
            "marker": {"size": [_size(r.get("killed"), 2.5) if size_by == "killed" else 11
                                for r in items],
                       "color": colour, "line": {"width": 1, "color": "white"},
                       "opacity": 0.85},
            "customdata": [[r["event_id"]] for r in items],
            "hovertext": [_hover(r) for r in items], "hoverinfo": "text",
        })
    return traces


def _hover(r: dict[str, Any]) -> str:
    period = _safe(r["date"], 20)
    if r.get("date_end") and r["date_end"] != r["date"]:
        period += f" – {_safe(r['date_end'], 20)}"
    figures = "; ".join(f"{f['kind']} {_range(f)}" for f in _json(r.get("figures")))
    return (f"<b>{_safe(r['outlet_name'] or r['outlet'], 80)}</b> · {period}"
            f" ({_safe(r['date_text'], 60)}, {_safe(r.get('date_precision'), 10)})"
            f"<br>{_safe(r['sub_event_type'], 80)}"
            + (f"<br>{_safe(figures, 120)}" if figures else "")
            + f"<br>claimed by: {_safe(_claims(r.get('claimed_by')), 120)}"
            f"<br><i>{_safe(r['sentence'], 200)}</i>")


def _range(figure: dict[str, Any]) -> str:
    low, high = figure.get("low"), figure.get("high")
    if low == high:
        return str(low)
    if high is None:
        return f"{low}+"
    return f"{low if low is not None else '≤'}–{high}"


BREAKDOWN = 6  # colours a bucket's hover lists by name; the rest are summed


def _bucket_hover(r: dict[str, Any], bucket: str, safe: dict[str, str]) -> str:
    """The hover of a bucket's marker; `safe` holds names already escaped (a few dozen
    names recur across thousands of markers)."""
    def escaped(name: str, limit: int) -> str:
        if name not in safe:
            safe[name] = _safe(name, limit)
        return safe[name]

    parts = [f"{escaped(name, 60)}: {n}" for name, n in r["breakdown"][:BREAKDOWN]]
    rest = sum(n for _, n in r["breakdown"][BREAKDOWN:])
    if rest:
        parts.append(f"others: {rest}")
    return (f"<b>{escaped(r['lane'], 80)}</b> · {bucket} of {r['date']}"
            f"<br>{r['events']} events, {r['killed']} killed<br>" + "<br>".join(parts))


def _buckets(rows: list[dict[str, Any]], bucket: str, size_by: str) -> list[dict[str, Any]]:
    """One marker per lane and bucket, sized by its count (or killed), coloured by its
    largest colour (event type or outlet); the hover gives the count of each."""
    palette: dict[str, str] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row["colour"]), []).append(row)
    peak = max((r[size_by if size_by == "killed" else "events"] or 0 for r in rows), default=1)
    scale = 22.0 / math.log1p(max(peak, 1))
    safe: dict[str, str] = {}
    return [{
        "type": "scattergl", "x": [_day(r["date"]) for r in items],
        "y": [r["lane"] for r in items], "mode": "markers", "name": key,
        "marker": {"size": [_size(r["killed"] if size_by == "killed" else r["events"], scale)
                            for r in items],
                   "color": _colour(key, palette), "opacity": 0.75},
        "hovertext": [_bucket_hover(r, bucket, safe) for r in items], "hoverinfo": "text",
    } for key, items in sorted(groups.items())]


def timeline_figure(result: Timeline, lanes: list[str], colour_by: str = "type",
                    size_by: str = "count") -> Figure:
    """Events over time, one lane per outlet (or outlet group): single events when few, else
    counts per bucket; the bucket follows the visible range."""
    data = (_buckets(result.rows, result.bucket, size_by) if result.bucket
            else _points(result.rows, colour_by, size_by))
    layout = _timeline_layout(lanes, (result.start, result.end) if result.start else None)
    if not result.rows:
        layout["annotations"] = [_empty_note("No dated events for this selection")]
    return {"data": data, "layout": layout}


def _empty_note(text: str) -> dict[str, Any]:
    return {"text": text, "showarrow": False, "xref": "paper", "yref": "paper",
            "x": 0.5, "y": 0.5}


def stacked_figure(result: Timeline) -> Figure:
    """Counts per bucket, stacked by event type (or outlet)."""
    palette: dict[str, str] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in result.rows:
        groups.setdefault(str(row["colour"]), []).append(row)
    data = [{"type": "bar", "x": [_day(r["date"]) for r in items],
             "y": [r["events"] for r in items], "name": key,
             "marker": {"color": _colour(key, palette)},
             "hovertext": [f"{_safe(key, 80)}: {r['events']} events, {r['killed']} killed"
                           for r in items], "hoverinfo": "text+x"}
            for key, items in sorted(groups.items())]
    xaxis: dict[str, Any] = {"title": {"text": f"date of the event (per {result.bucket})"},
                             "type": "date"}
    if result.start and result.end:
        xaxis["range"] = [str(result.start), str(result.end)]
    layout: dict[str, Any] = {
        "template": _template(), "barmode": "stack", "height": 420,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "legend": {"orientation": "h", "y": 1.08, "x": 0}, "xaxis": xaxis,
        "yaxis": {"title": {"text": "events"}}, "uirevision": "timeline"}
    if not result.rows:
        layout["annotations"] = [_empty_note("No dated events for this selection")]
    return {"data": data, "layout": layout}


def figure_ranges(history: dict[str, dict[str, list[dict[str, Any]]]], kind: str) -> go.Figure:
    """Each outlet's figures of one kind as ranges on one axis, over publication time: what
    the toll was, according to whom, and how it changed."""
    figure = go.Figure()
    for outlet, values in sorted(history.get(kind, {}).items()):
        xs = [v["published"] for v in values]
        lows = [v["low"] if v["low"] is not None else 0 for v in values]
        highs = [v["high"] if v["high"] is not None else v["low"] for v in values]
        figure.add_trace(go.Scatter(
            x=xs, y=lows, mode="markers+lines", name=_safe(outlet, 60),
            error_y={"type": "data", "symmetric": False,
                     "array": [max(0, (h or 0) - lo) for h, lo in zip(highs, lows, strict=True)],
                     "arrayminus": [0] * len(lows)},
            hovertext=[f"{_safe(outlet, 60)}: {lo}" + ("" if h == lo else f"–{h}")
                       + (" or more" if v["high"] is None else "")
                       for v, lo, h in zip(values, lows, highs, strict=True)],
            hoverinfo="text",
        ))
    figure.update_layout(template="plotly_white", height=320,
                         margin={"l": 10, "r": 10, "t": 30, "b": 40},
                         xaxis={"title": "published", "type": "category"},
                         yaxis={"title": kind, "rangemode": "tozero"},
                         legend={"orientation": "h", "y": 1.12})
    if not figure.data:
        figure.add_annotation(text=f"No {kind} figures in these accounts", showarrow=False,
                              xref="paper", yref="paper", x=0.5, y=0.5)
    return figure


# -- the map ---------------------------------------------------------------------------------
MAP_RADIUS = 25.0  # degrees: the view frames the places this near the events' median place
MAP_TRIM = 0.05  # less the farthest of them, while they hold at most this share of its events
MAP_MIN_SPAN = 6.0  # degrees: one place alone still shows its country and neighbours
MAP_HEIGHT = 620  # pixels; the width follows the page
MAP_ASPECT = 1.5  # the map's width over its height on a laptop screen, beside the sidebar
MAP_WORLD_SPAN = 120.0  # degrees of longitude (half that of latitude): wider, show the world
MARKER_SMALLEST, MARKER_LARGEST = 6.0, 44.0  # marker diameters in pixels


class MapView(NamedTuple):
    """The longitudes and latitudes the map opens on (it can be zoomed out from there)."""

    lons: tuple[float, float]
    lats: tuple[float, float]


WORLD = MapView((-180.0, 180.0), (-90.0, 90.0))


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(max(min(lat, 80.0), -80.0)) / 2))


def _unmercator(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def map_view(rows: list[dict[str, Any]]) -> MapView:
    """The view the map opens on: the places within MAP_RADIUS of the events' weighted median
    place, padded, widened to the map's shape; the world unless they hold most of the events.
    A few far-off places (a capital quoted in passing, a country's centroid) would otherwise
    shrink the conflict to a dot on a world map; they stay on the map, a zoom-out away."""
    # A country's centroid is not where anything happened: frame the finer places if any.
    rows = [r for r in rows if r.get("precision") != "country"] or rows
    if not rows:
        return WORLD
    weights = [max(int(r.get("events") or 0), 1) for r in rows]
    centre_lon = _weighted_median([float(r["lon"]) for r in rows], weights)
    centre_lat = _weighted_median([float(r["lat"]) for r in rows], weights)
    near = sorted((r for r in rows if _degrees_apart(r, centre_lon, centre_lat) <= MAP_RADIUS),
                  key=lambda r: _degrees_apart(r, centre_lon, centre_lat))
    held = sum(max(int(r.get("events") or 0), 1) for r in near)
    if 2 * held <= sum(weights):
        return WORLD  # no one region holds most events
    # Leave out the farthest few places, while they hold only a sliver of the events.
    dropped = 0
    while len(near) > 1:
        dropped += max(int(near[-1].get("events") or 0), 1)
        if dropped > MAP_TRIM * held:
            break
        near.pop()
    lons = [float(r["lon"]) for r in near]
    lats = [float(r["lat"]) for r in near]
    west, east = _padded(min(lons), max(lons))
    south, north = _padded(min(lats), max(lats))
    if east - west > MAP_WORLD_SPAN or north - south > MAP_WORLD_SPAN / 2:
        return WORLD
    # Plotly sizes the map to the ranges' shape: match the space it has (Mercator), so the
    # map fills it rather than standing in a narrow strip.
    low, high = _mercator(south), _mercator(north)
    width, height = math.radians(east - west), high - low
    if width < MAP_ASPECT * height:
        middle, half = (west + east) / 2, math.degrees(MAP_ASPECT * height) / 2
        west, east = middle - half, middle + half
    else:
        middle, half = (low + high) / 2, width / MAP_ASPECT / 2
        south, north = _unmercator(middle - half), _unmercator(middle + half)
    return MapView((west, east), (south, north))


def _degrees_apart(row: dict[str, Any], lon: float, lat: float) -> float:
    # Degrees of longitude shrink towards the poles; near enough for framing a view.
    east = (float(row["lon"]) - lon) * math.cos(math.radians((float(row["lat"]) + lat) / 2))
    return math.hypot(east, float(row["lat"]) - lat)


def _weighted_median(values: list[float], weights: list[int]) -> float:
    pairs = sorted(zip(values, weights, strict=True))
    half, running = sum(weights) / 2, 0
    for value, weight in pairs:
        running += weight
        if running >= half:
            return value
    return pairs[-1][0]


def _padded(low: float, high: float) -> tuple[float, float]:
    pad = max((high - low) * 0.1, (MAP_MIN_SPAN - (high - low)) / 2, 1.0)
    return low - pad, high + pad


def map_outside(rows: list[dict[str, Any]], view: MapView) -> int:
    """How many places lie outside the view the map opens on."""
    return sum(1 for r in rows if not (view.lons[0] <= float(r["lon"]) <= view.lons[1]
                                       and view.lats[0] <= float(r["lat"]) <= view.lats[1]))


def map_sizes(values: list[Any]) -> list[float]:
    """Marker diameters with area in proportion to the value (count or killed); zero still
    shows, at the smallest size."""
    peak = max((float(v or 0) for v in values), default=0.0)
    if peak <= 0:
        return [MARKER_SMALLEST for _ in values]
    return [MARKER_SMALLEST + (MARKER_LARGEST - MARKER_SMALLEST) * math.sqrt(float(v or 0) / peak)
            for v in values]


def _map_hover(r: dict[str, Any]) -> str:
    where = ", ".join(_safe(part, 80) for part in (r.get("admin1"), r.get("country")) if part)
    outlets = int(r.get("outlets") or 0)
    precision = f" ({_safe(r['precision'], 20)})" if r.get("precision") else ""
    return (f"<b>{_safe(r.get('place'), 80)}</b>" + (f", {where}" if where else "") + precision
            + f"<br>{int(r.get('events') or 0)} events, {int(r.get('killed') or 0)} killed"
            f"<br>mostly {_safe(r.get('event_type'), 80)}"
            f"<br>most from {_safe(r.get('outlet_name'), 80)}"
            f" ({outlets} outlet{'s' if outlets != 1 else ''})")


def map_figure(rows: list[dict[str, Any]], size_by: str = "count",
               colour_by: str = "type") -> Figure:
    """Events by place on a map drawn from the locally served topojson: one marker per place,
    its area by the count of events (or the killed), its colour by the leading event type (or
    outlet). Each marker carries its place name, for a click to filter by it."""
    palette: dict[str, str] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = row.get("event_type") if colour_by == "type" else row.get("outlet_name")
        groups.setdefault(str(key or "Other"), []).append(row)
    sizes = dict(zip((id(r) for r in rows), map_sizes(
        [r.get("killed") if size_by == "killed" else r.get("events") for r in rows]),
        strict=True))
    data = []
    for key, items in sorted(groups.items()):
        # Largest first, so a small place is drawn above a large neighbour and stays clickable.
        items = sorted(items, key=lambda r: -sizes[id(r)])
        data.append({
            "type": "scattergeo", "lon": [r["lon"] for r in items],
            "lat": [r["lat"] for r in items], "mode": "markers", "name": _safe(key, 60),
            "marker": {"size": [sizes[id(r)] for r in items], "color": _colour(key, palette),
                       "opacity": 0.75, "line": {"width": 1, "color": "white"}},
            "customdata": [str(r.get("place") or "") for r in items],
            "hovertext": [_map_hover(r) for r in items], "hoverinfo": "text",
        })
    view = map_view(rows)
    world = view == WORLD
    layout: dict[str, Any] = {
        "template": _template(),
        "height": MAP_HEIGHT,
        "margin": {"l": 0, "r": 0, "t": 30, "b": 0},
        "showlegend": True,  # even for one colour, so the colour always says what it means
        "legend": {"orientation": "h", "y": 1, "yanchor": "bottom", "x": 0},
        "hoverlabel": {"align": "left"},
        "geo": {
            # The world files only (world_50m, world_110m), both shipped in assets/topojson.
            "scope": "world",
            "resolution": 110 if world else 50,
            "projection": {"type": "natural earth" if world else "mercator"},
            "lonaxis": {"range": list(view.lons)}, "lataxis": {"range": list(view.lats)},
            "showland": True, "landcolor": "#eef0ea",
            "showocean": True, "oceancolor": "#dde9f3",
            "showcountries": True, "countrycolor": "#9aa3b2", "countrywidth": 0.7,
            "showcoastlines": True, "coastlinecolor": "#9aa3b2",
            "showlakes": False, "showrivers": False, "showframe": False,
            "bgcolor": "rgba(0,0,0,0)",
        },
    }
    if not rows:
        layout["annotations"] = [_empty_note("No events with a known place for this selection")]
    return {"data": data, "layout": layout}


# -- the outlets page ------------------------------------------------------------------------
def periods(start: date, end: date, bucket: str) -> list[date]:
    """The first day of every week (Monday, as DuckDB truncates), month or year from start's
    to end's: the heatmap's columns, gaps included, so each cell is one period wide."""
    if bucket == "week":
        first = start - timedelta(days=start.weekday())
        return [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]
    if bucket == "year":
        return [date(year, 1, 1) for year in range(start.year, end.year + 1)]
    months = (end.year - start.year) * 12 + end.month - start.month
    return [date(start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1, 1)
            for n in range(months + 1)]


def outlet_labels(outlets: list[dict[str, Any]]) -> list[str]:
    """Display names, escaped for Plotly; the slug is added where two outlets share a name."""
    names = [str(o.get("outlet_name") or o.get("outlet") or "unknown") for o in outlets]
    counts = {n: names.count(n) for n in names}
    return [_safe(n if counts[n] == 1 else f"{n} ({o.get('outlet')})", 60)
            for n, o in zip(names, outlets, strict=True)]


def outlet_heatmap(result: Timeline, outlets: list[dict[str, Any]]) -> go.Figure:
    """Events per outlet and period: when each outlet reported, and when it fell silent, one
    row per outlet in the order given (most events first), one column per period."""
    labels = outlet_labels(outlets)
    row = {str(o["outlet"]): i for i, o in enumerate(outlets)}
    columns = periods(result.start, result.end, result.bucket or "month") \
        if result.start and result.end else []
    column = {p: j for j, p in enumerate(columns)}
    z: list[list[int | None]] = [[None] * len(columns) for _ in outlets]  # None: no event
    killed: list[list[int | None]] = [[None] * len(columns) for _ in outlets]
    for r in result.rows:
        i, j = row.get(str(r["outlet"])), column.get(r["date"])
        if i is not None and j is not None:
            z[i][j], killed[i][j] = r["events"], r["killed"]
    # A template, not a label per cell: the figure stays small with hundreds of outlets.
    when = {"week": "week of %{x|%Y-%m-%d}", "year": "%{x|%Y}"}.get(result.bucket or "",
                                                                      "%{x|%B %Y}")
    figure = go.Figure(go.Heatmap(
        x=columns, y=labels, z=z, customdata=killed, hoverongaps=False, zmin=0,
        hovertemplate=f"<b>%{{y}}</b> · {when}<br>%{{z}} events, %{{customdata}} killed"
                      "<extra></extra>",
        colorscale=[[0.0, "#9ecae1"], [1.0, "#08306b"]], xgap=1, ygap=1,
        colorbar={"title": {"text": "events"}, "thickness": 12}))
    figure.update_layout(
        template="plotly_white", height=max(240, 90 + 22 * len(outlets)),
        margin={"l": 10, "r": 10, "t": 20, "b": 40},
        xaxis={"title": f"date of the event (per {result.bucket or 'month'})", "type": "date"},
        yaxis={"type": "category", "autorange": "reversed", "automargin": True})
    if not result.rows:
        figure.add_annotation(text="No dated events for this selection", showarrow=False,
                              xref="paper", yref="paper", x=0.5, y=0.5)
    return figure
