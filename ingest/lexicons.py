"""Loading the package's data files (lexicons, registries); users may add their own beside them."""

from __future__ import annotations

import csv
import os
import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

V = TypeVar("V")

ENV_EXTRA = "COUNTERPOINT_DATA"  # a folder whose files extend the shipped ones of the same name


# Arabic vowel marks (tashkeel) and the tatweel only dress a word: "قُتل" is "قتل", "حلـب" is
# "حلب". The lexicons and the gazetteer are written without them.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")


def without_marks(text: str) -> tuple[str, list[int]]:
    """The text without Arabic vowel marks, and for each of its offsets (its end included)
    the offset in ``text``: the list is empty when there were none to drop."""
    if not _ARABIC_MARKS.search(text):
        return text, []
    kept = [i for i, ch in enumerate(text) if not _ARABIC_MARKS.match(ch)]
    return "".join(text[i] for i in kept), [*kept, len(text)]


def with_marks(offsets: list[int], position: int) -> int:
    """A position in a text ``without_marks`` gave, in the text it was given."""
    return offsets[position] if offsets else position


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


@cache
def common_words(language: str) -> frozenset[str]:
    """Frequent words of a language (common_words.toml), case-folded: words that are never a
    place or a source however they are capitalised ("Ein", "Sur", "If")."""
    words = load_toml("common_words.toml").get(language, [])
    return frozenset(w.casefold().replace("\u0307", "") for w in words if isinstance(w, str))


_WORD = re.compile(r"\w+")


class PhraseIndex(Generic[V]):
    """Finds any of many phrases in a text by dictionary look-ups over word n-grams, which stays
    fast with tens of thousands of phrases where one regular expression does not. Phrases match
    on whole words, case-insensitively, except short all-capital ones ("IS", "UN", "WHO"),
    which match only in capitals so that "is", "un" and "who" never do."""

    def __init__(self, phrases: Iterable[tuple[str, V]], exact_max: int = 5) -> None:
        self._loose: dict[tuple[str, ...], V] = {}
        self._exact: dict[tuple[str, ...], V] = {}
        self._longest: dict[str, int] = {}  # first word (case-folded) -> most words after it
        for phrase, value in phrases:
            words = tuple(_WORD.findall(phrase))
            if not words:
                continue
            if phrase.strip().isupper() and len(phrase.strip()) <= exact_max:
                self._exact.setdefault(words, value)
            else:
                self._loose.setdefault(tuple(w.casefold() for w in words), value)
            first = words[0].casefold()
            self._longest[first] = max(self._longest.get(first, 0), len(words))

    def find(self, text: str) -> list[tuple[int, int, V]]:
        """(start, end, value) of each phrase found, longest first, left to right."""
        tokens = list(_WORD.finditer(text))
        folded = [t.group(0).casefold() for t in tokens]
        found: list[tuple[int, int, V]] = []
        i = 0
        while i < len(tokens):
            longest = self._longest.get(folded[i], 0)
            for length in range(min(longest, len(tokens) - i), 0, -1):
                value = self._loose.get(tuple(folded[i:i + length]))
                if value is None and self._exact:
                    value = self._exact.get(tuple(t.group(0) for t in tokens[i:i + length]))
                if value is not None:
                    found.append((tokens[i].start(), tokens[i + length - 1].end(), value))
                    i += length
                    break
            else:
                i += 1
        return found
