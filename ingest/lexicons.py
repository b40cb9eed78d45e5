"""Loading the package's data files (lexicons, registries); users may add their own beside them."""

from __future__ import annotations

import csv
import os
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

ENV_EXTRA = "COUNTERPOINT_DATA"  # a folder whose files extend the shipped ones of the same name


def _paths(name: str) -> list[Path]:
    shipped = Path(str(resources.files("ingest") / "data" / name))
    paths = [shipped]
    extra = os.environ.get(ENV_EXTRA)
    if extra and (Path(extra) / name).is_file():
        paths.append(Path(extra) / name)
    return paths


@cache
def load_toml(name: str) -> dict[str, Any]:
    """A TOML data file; a user's file of the same name adds to (and overrides) its keys."""
    merged: dict[str, Any] = {}
    for path in _paths(name):
        with open(path, "rb") as handle:
            for key, value in tomllib.load(handle).items():
                if isinstance(value, dict) and isinstance(merged.get(key), dict):
                    for inner, items in value.items():
                        old = merged[key].get(inner)
                        merged[key][inner] = old + items if isinstance(old, list) \
                            and isinstance(items, list) else items
                else:
                    merged[key] = value
    return merged


@cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a CSV data file; a user's file of the same name adds rows (later rows win)."""
    rows: list[dict[str, str]] = []
    for path in _paths(name):
        with open(path, encoding="utf-8", newline="") as handle:
            rows.extend({k: (v or "").strip() for k, v in row.items() if k}
                        for row in csv.DictReader(handle))
    return tuple(rows)
