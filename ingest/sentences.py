"""Splitting text into sentences with their character offsets, in the seven languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .lexicons import load_toml


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


_BOUNDARY = re.compile(r"(?<=[.!?؟…])[\"”»’)]*\s+(?=[\"“«(]?[^\W\d_]|[\"“«(]?\d)|\n\s*\n|\n")


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(w.casefold() for w in load_toml("abbreviations.toml")["words"])


def _ends_with_abbreviation(chunk: str) -> bool:
    match = re.search(r"(?:^|[\s(])([^\s(]+)\.$", chunk)
    if not match:
        return False
    word = match.group(1).casefold()
    # "J." (an initial) or a listed abbreviation; "U.S." keeps its inner stops.
    return len(word) == 1 or word in _abbreviations() or word.rstrip(".") in _abbreviations()


@cache
def _month_after_ordinal() -> re.Pattern[str]:
    """A month name right after a day written as an ordinal ("am 17. Juli", "17. marts")."""
    tables = load_toml("dates.toml")
    names = {name for table in tables.values() if isinstance(table, dict)
             for forms in table.get("months", []) for name in forms}
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?:{alternation})(?!\w)", re.IGNORECASE)


def _ordinal_date(chunk: str, text: str, after: int) -> bool:
    return bool(re.search(r"(?:^|\s)[0-3]?\d\.$", chunk)) \
        and bool(_month_after_ordinal().match(text, after))


def split(text: str) -> Iterator[Sentence]:
    paragraph = 0
    start = 0
    for match in _BOUNDARY.finditer(text):
        chunk = text[start:match.start()]
        newline = "\n" in match.group(0)
        if not newline and (_ends_with_abbreviation(chunk.rstrip("\"”»’)"))
                            or _ordinal_date(chunk, text, match.end())):
            continue
        yield from _emit(text, start, match.start(), paragraph)
        if newline:
            paragraph += 1
        start = match.end()
    yield from _emit(text, start, len(text), paragraph)


def _emit(text: str, start: int, end: int, paragraph: int) -> Iterator[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield Sentence(start, end, text[start:end], paragraph)
