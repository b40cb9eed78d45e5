"""Filter state: what the browser sends, validated against the values the store allows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def parse_outlets(selected: Any, allowed: Iterable[str]) -> list[str]:
    """The chosen outlet slugs, keeping only ones the store knows (inputs are untrusted)."""
    if not isinstance(selected, Sequence) or isinstance(selected, str):
        return []
    known = set(allowed)
    return [value for value in selected if isinstance(value, str) and value in known]
