"""Filter state: what the browser sends, validated, and its round trip through the URL.

Every filter lives in the URL's query string, so a link reproduces the view and the browser's
back and forward buttons move between views. Inputs are untrusted: values are kept only when
they are of the right type and, where the store has a vocabulary (outlets, event types), known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode

MAX_TEXT = 100  # characters of a free-text filter value
MAX_KILLED = 10_000_000
LANES = ("outlet", "country", "kind")  # one timeline lane per outlet, or per outlet group
VIEWS = ("lanes", "stacked")
SIZES = ("count", "killed")
COLOURS = ("type", "outlet")


@dataclass(frozen=True)
class FilterState:
    """One view of the store: which events, and how the timeline and map draw them."""

    outlets: tuple[str, ...] | None = None  # None: every outlet
    start: date | None = None
    end: date | None = None
    event_types: tuple[str, ...] = ()  # empty: every type
    actor: str = ""
    place: str = ""
    text: str = ""
    min_killed: int | None = None
    shared_only: bool = False  # only incidents reported by two or more outlets
    lanes: str = "outlet"
    view: str = "lanes"
    size: str = "count"
    colour: str = "type"

    def with_range(self, start: date | None, end: date | None) -> FilterState:
        return replace(self, start=start, end=end)


def _text(value: Any) -> str:
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return min(max(number, 0), MAX_KILLED)


def _choice(value: Any, allowed: Sequence[str]) -> str:
    return value if isinstance(value, str) and value in allowed else allowed[0]


def _known(values: Any, allowed: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Sequence):
        return ()
    known = set(allowed)
    return tuple(dict.fromkeys(v for v in values if isinstance(v, str) and v in known))


def from_controls(outlets: Any, values: Sequence[Any], allowed_outlets: Sequence[str],
                  allowed_types: Sequence[str]) -> FilterState:
    """The state the filter controls show: the ticked outlets (all ticked means no outlet
    filter), then from, to, types, actor, place, text, minimum killed, shared, lanes, view,
    size and colour, in that order."""
    (start, end, event_types, actor, place, text, min_killed, shared, lanes, view, size,
     colour) = (list(values) + [None] * 12)[:12]
    chosen = _known(outlets, allowed_outlets)
    return FilterState(
        outlets=None if set(chosen) >= set(allowed_outlets) else chosen,
        start=_day(start), end=_day(end),
        event_types=_known(event_types, allowed_types),
        actor=_text(actor), place=_text(place), text=_text(text),
        min_killed=_count(min_killed) or None,
        shared_only=isinstance(shared, list) and "shared" in shared,
        lanes=_choice(lanes, LANES), view=_choice(view, VIEWS), size=_choice(size, SIZES),
        colour=_choice(colour, COLOURS),
    )


def from_query(search: Any, allowed_outlets: Sequence[str],
               allowed_types: Sequence[str]) -> FilterState:
    """The state a URL's query string names; unknown or malformed values are dropped."""
    query = parse_qs(search.lstrip("?"), keep_blank_values=False) \
        if isinstance(search, str) else {}

    def one(key: str) -> str:
        values = query.get(key, [])
        return values[0] if values else ""

    outlets: tuple[str, ...] | None = None
    if "outlet" in query:
        outlets = _known(query["outlet"], allowed_outlets)
    elif one("outlets") == "none":
        outlets = ()
    return FilterState(
        outlets=outlets, start=_day(one("from")), end=_day(one("to")),
        event_types=_known(query.get("type", []), allowed_types),
        actor=_text(one("actor")), place=_text(one("place")), text=_text(one("q")),
        min_killed=_count(one("min_killed")) or None,
        shared_only=one("shared") == "1",
        lanes=_choice(one("lanes"), LANES), view=_choice(one("view"), VIEWS),
        size=_choice(one("size"), SIZES), colour=_choice(one("colour"), COLOURS),
    )


def to_query(state: FilterState) -> str:
    """The query string for a state ("" for the default view); the inverse of from_query."""
    pairs: list[tuple[str, str]] = []
    if state.outlets is not None:
        pairs.extend(("outlet", o) for o in state.outlets)
        if not state.outlets:
            pairs.append(("outlets", "none"))
    if state.start:
        pairs.append(("from", state.start.isoformat()))
    if state.end:
        pairs.append(("to", state.end.isoformat()))
    pairs.extend(("type", t) for t in state.event_types)
    for key, value in (("actor", state.actor), ("place", state.place), ("q", state.text)):
        if value:
            pairs.append((key, value))
    if state.min_killed:
        pairs.append(("min_killed", str(state.min_killed)))
    if state.shared_only:
        pairs.append(("shared", "1"))
    defaults = FilterState()
    for key in ("lanes", "view", "size", "colour"):
        if getattr(state, key) != getattr(defaults, key):
            pairs.append((key, getattr(state, key)))
    return f"?{urlencode(pairs)}" if pairs else ""


def incident_param(search: Any) -> str | None:
    """The incident id a URL names, if it has an id's shape (the store is asked after)."""
    value = _first(search, "incident")
    return value if value and re.fullmatch(r"i[0-9a-f]{16}", value) else None


def parse_incident(search: Any, allowed: Iterable[str]) -> str | None:
    """The incident named in the URL's query (?incident=ID), if the store knows it."""
    return _one_known(search, "incident", allowed)


def parse_article(search: Any, allowed: Iterable[str]) -> str | None:
    """The article named in the URL's query (?article=ID), if the store knows it."""
    return _one_known(search, "article", allowed)


def _first(search: Any, key: str) -> str | None:
    if not isinstance(search, str):
        return None
    values = parse_qs(search.lstrip("?")).get(key, [])
    return values[0] if values else None


def _one_known(search: Any, key: str, allowed: Iterable[str]) -> str | None:
    value = _first(search, key)
    return value if value is not None and value in set(allowed) else None


def clicked_event(click: Any) -> str | None:
    """The event id of a clicked timeline point (its customdata), if well formed."""
    try:
        value = click["points"][0]["customdata"][0]
    except (KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, str) and value.startswith("e") and len(value) < 40 else None


def visible_range(relayout: Any) -> tuple[date, date] | bool | None:
    """The x range a zoom or pan left visible: (start, end); False when the user reset the
    axes (autorange); None when the relayout event is not about the x axis."""
    if not isinstance(relayout, dict):
        return None
    if relayout.get("xaxis.autorange"):
        return False
    low = relayout.get("xaxis.range[0]")
    high = relayout.get("xaxis.range[1]")
    if low is None and isinstance(relayout.get("xaxis.range"), list | tuple):
        pair = relayout["xaxis.range"]
        low, high = (pair[0], pair[1]) if len(pair) == 2 else (None, None)
    start, end = _day(low), _day(high)
    if start is None or end is None:
        return None
    return (start, end) if start <= end else (end, start)
