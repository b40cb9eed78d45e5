"""Filter state: what the browser sends, validated against the values the store allows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import parse_qs


def parse_outlets(selected: Any, allowed: Iterable[str]) -> list[str]:
    """The chosen outlet slugs, keeping only ones the store knows (inputs are untrusted)."""
    if not isinstance(selected, Sequence) or isinstance(selected, str):
        return []
    known = set(allowed)
    return [value for value in selected if isinstance(value, str) and value in known]


def parse_incident(search: Any, allowed: Iterable[str]) -> str | None:
    """The incident named in the URL's query (?incident=ID), if the store knows it."""
    if not isinstance(search, str):
        return None
    values = parse_qs(search.lstrip("?")).get("incident", [])
    return values[0] if values and values[0] in set(allowed) else None


def clicked_event(click: Any) -> str | None:
    """The event id of a clicked timeline point (its customdata), if well formed."""
    try:
        value = click["points"][0]["customdata"][0]
    except (KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, str) and len(value) < 40 else None
