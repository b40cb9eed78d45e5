"""Plotly figures built from query results; pure functions, no I/O."""

from __future__ import annotations

import html
import json
import math
from typing import Any

import plotly.graph_objects as go

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
OTHER_COLOUR = "#7f7f7f"
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


def _layout(figure: go.Figure, lanes: list[str], span: tuple[Any, Any] | None) -> None:
    figure.update_layout(
        template="plotly_white",
        height=max(320, 60 + 30 * len(lanes)),
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.08, "x": 0},
        xaxis={"title": "date of the event", "type": "date"},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(lanes)),
               "type": "category"},
        hoverlabel={"align": "left"},
        uirevision="timeline",  # keep the user's zoom when the data under it changes
    )
    if span is not None and all(span):
        figure.update_xaxes(range=[str(span[0]), str(span[1])])


def _points(figure: go.Figure, rows: list[dict[str, Any]], colour_by: str,
            size_by: str) -> None:
    """One marker per event; an event known only to a week, month or year is a bar across
    its period, so a month never looks like a day."""
    palette: dict[str, str] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = row.get("event_type") if colour_by == "type" else row.get("outlet_name")
        groups.setdefault(str(key or "Other"), []).append(row)
    scatter = go.Scattergl if len(rows) > WEBGL_ABOVE else go.Scatter
    for key, items in sorted(groups.items()):
        colour = _colour(key, palette)
        spans = [r for r in items if r["date_end"] and r["date_end"] != r["date"]]
        if spans:
            xs: list[Any] = []
            ys: list[Any] = []
            for r in spans:
                xs.extend([r["date"], r["date_end"], None])
                ys.extend([r["lane"], r["lane"], None])
            figure.add_trace(scatter(x=xs, y=ys, mode="lines", name=key, legendgroup=key,
                                     showlegend=False, hoverinfo="skip",
                                     line={"color": colour, "width": 6}, opacity=0.35))
        figure.add_trace(scatter(
            x=[r["date"] for r in items],
            y=[r["lane"] for r in items],
            mode="markers",
            name=key,
            legendgroup=key,
            marker={"size": [_size(r.get("killed"), 2.5) if size_by == "killed" else 11
                             for r in items],
                    "color": colour, "line": {"width": 1, "color": "white"}, "opacity": 0.85},
            customdata=[[r["event_id"]] for r in items],
            hovertext=[_hover(r) for r in items],
            hoverinfo="text",
        ))


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


def _buckets(figure: go.Figure, rows: list[dict[str, Any]], bucket: str,
             size_by: str) -> None:
    """One marker per lane, bucket and colour, sized by its count (or killed)."""
    palette: dict[str, str] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row["colour"]), []).append(row)
    peak = max((r[size_by if size_by == "killed" else "events"] or 0 for r in rows), default=1)
    scale = 22.0 / math.log1p(max(peak, 1))
    for key, items in sorted(groups.items()):
        figure.add_trace(go.Scattergl(
            x=[r["date"] for r in items],
            y=[r["lane"] for r in items],
            mode="markers",
            name=key,
            marker={"size": [_size(r["killed"] if size_by == "killed" else r["events"], scale)
                             for r in items],
                    "color": _colour(key, palette), "opacity": 0.75},
            hovertext=[f"<b>{_safe(r['lane'], 80)}</b> · {bucket} of {_safe(r['date'], 20)}"
                       f"<br>{_safe(key, 80)}: {r['events']} events, {r['killed']} killed"
                       for r in items],
            hoverinfo="text",
        ))


def timeline_figure(result: Timeline, lanes: list[str], colour_by: str = "type",
                    size_by: str = "count") -> go.Figure:
    """Events over time, one lane per outlet (or outlet group): single events when few, else
    counts per bucket; the bucket follows the visible range."""
    figure = go.Figure()
    if result.bucket:
        _buckets(figure, result.rows, result.bucket, size_by)
    else:
        _points(figure, result.rows, colour_by, size_by)
    _layout(figure, lanes, (result.start, result.end) if result.start else None)
    if not result.rows:
        figure.add_annotation(text="No dated events for this selection", showarrow=False,
                              xref="paper", yref="paper", x=0.5, y=0.5)
    return figure


def stacked_figure(result: Timeline) -> go.Figure:
    """Counts per bucket, stacked by event type (or outlet)."""
    figure = go.Figure()
    palette: dict[str, str] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in result.rows:
        groups.setdefault(str(row["colour"]), []).append(row)
    for key, items in sorted(groups.items()):
        figure.add_trace(go.Bar(x=[r["date"] for r in items], y=[r["events"] for r in items],
                                name=key, marker={"color": _colour(key, palette)},
                                hovertext=[f"{_safe(key, 80)}: {r['events']} events, "
                                           f"{r['killed']} killed" for r in items],
                                hoverinfo="text+x"))
    figure.update_layout(template="plotly_white", barmode="stack", height=420,
                         margin={"l": 10, "r": 10, "t": 30, "b": 40},
                         legend={"orientation": "h", "y": 1.08, "x": 0},
                         xaxis={"title": f"date of the event (per {result.bucket})",
                                "type": "date"},
                         yaxis={"title": "events"}, uirevision="timeline")
    if result.start and result.end:
        figure.update_xaxes(range=[str(result.start), str(result.end)])
    if not result.rows:
        figure.add_annotation(text="No dated events for this selection", showarrow=False,
                              xref="paper", yref="paper", x=0.5, y=0.5)
    return figure


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
