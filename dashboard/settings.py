"""Server-side limits, read from the environment (documented in docs/settings.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass


class SettingError(ValueError):
    pass


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}: expected a whole number, got {raw!r}") from None
    if value < 1:
        raise SettingError(f"{name}: must be at least 1, got {value}")
    return value


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    if raw.strip() not in allowed:
        raise SettingError(f"{name}: expected one of {', '.join(allowed)}, got {raw!r}")
    return raw.strip()


@dataclass(frozen=True)
class Settings:
    point_limit: int = 3_000  # events drawn one by one; above it the timeline draws counts
    max_rows: int = 20_000  # rows or aggregates sent to the browser for one figure at most
    export_cap: int = 100_000  # rows in one download at most; the response says when cut
    lane_limit: int = 40  # timeline lanes at most; the smaller outlets share one more lane
    facts: str = "auto"  # where the facts table lives: memory, disk, or auto (by size)
    memory_events: int = 2_000_000  # under auto, stores with more events keep facts on disk

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(point_limit=_positive("COUNTERPOINT_POINT_LIMIT", cls.point_limit),
                   max_rows=_positive("COUNTERPOINT_MAX_ROWS", cls.max_rows),
                   export_cap=_positive("COUNTERPOINT_EXPORT_CAP", cls.export_cap),
                   lane_limit=_positive("COUNTERPOINT_LANE_LIMIT", cls.lane_limit),
                   facts=_choice("COUNTERPOINT_FACTS", cls.facts, ("auto", "memory", "disk")),
                   memory_events=_positive("COUNTERPOINT_MEMORY_EVENTS", cls.memory_events))
