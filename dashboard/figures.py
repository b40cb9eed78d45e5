"""Plotly figures built from query results; pure functions, no I/O."""

from __future__ import annotations

import html
import json
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


def _safe(text: Any, limit: int = 300) -> str:
    """Article text for a hover label: escaped (Plotly renders some HTML tags) and shortened."""
    value = str(text or "")
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return html.escape(value)


def _claims(value: Any) -> str:
    items = json.loads(value) if isinstance(value, str) else (value or [])
    return ", ".join(str(i) for i in items) or "the outlet itself"


def count_label(result: Timeline) -> str:
    note = ""
    if result.truncated:
        note = f" (showing the first {len(result.rows)}: narrow the filters)"
    return f"{result.total} event{'s' if result.total != 1 else ''}{note}"


def timeline_figure(rows: list[dict[str, Any]], lanes: list[str]) -> go.Figure:
    """Events over time, one lane per outlet, coloured by event type."""
    figure = go.Figure()
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_type.setdefault(row.get("event_type") or "Other", []).append(row)
    for event_type, items in sorted(by_type.items()):
        figure.add_trace(go.Scatter(
            x=[r["date"] for r in items],
            y=[r["outlet_name"] or r["outlet"] for r in items],
            mode="markers",
            name=event_type,
            marker={"size": 11, "color": TYPE_COLOURS.get(event_type, OTHER_COLOUR),
                    "line": {"width": 1, "color": "white"}, "opacity": 0.85},
            customdata=[[r["event_id"]] for r in items],
            hovertext=[
                f"<b>{_safe(r['outlet_name'] or r['outlet'], 80)}</b> · {_safe(r['date'], 20)}"
                f" ({_safe(r['date_text'], 60)})<br>{_safe(r['sub_event_type'], 80)}"
                f"<br>claimed by: {_safe(_claims(r.get('claimed_by')), 120)}"
                f"<br><i>{_safe(r['sentence'], 200)}</i>"
                for r in items
            ],
            hoverinfo="text",
        ))
    figure.update_layout(
        template="plotly_white",
        height=max(320, 60 + 38 * len(lanes)),
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.08, "x": 0},
        xaxis={"title": "date of the event", "type": "date"},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(lanes)),
               "type": "category"},
        hoverlabel={"align": "left"},
    )
    if not rows:
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
