"""The outlet registry (ingest/data/outlets.csv) and finding an article's outlet."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from .lexicons import load_csv


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    country: str = ""
    kind: str = ""
    languages: tuple[str, ...] = ()
    date_order: str = "DMY"


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


@cache
def registry() -> dict[str, Outlet]:
    outlets: dict[str, Outlet] = {}
    for row in load_csv("outlets.csv"):
        outlet = Outlet(
            slug=row["slug"], name=row["name"], domains=_split(row.get("domains", "")),
            aliases=_split(row.get("aliases", "")), country=row.get("country", ""),
            kind=row.get("kind", ""), languages=_split(row.get("languages", "")),
            date_order=row.get("date_order") or "DMY",
        )
        outlets[outlet.slug] = outlet
    return outlets


def slugify(name: str) -> str:
    """Lowercase ascii with hyphens; empty when nothing ascii is left, or only digits (a
    date: "РИА Новости, 14.03.2024" is no outlet "14-03-2024")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return "" if re.fullmatch(r"[\d-]*", slug) else slug


@cache
def _by_name() -> dict[str, Outlet]:
    index: dict[str, Outlet] = {}
    for outlet in registry().values():
        for key in (outlet.slug, outlet.name, *outlet.aliases):
            index.setdefault(key.casefold(), outlet)
            index.setdefault(slugify(key) or key.casefold(), outlet)
    return index


@cache
def _by_domain() -> dict[str, Outlet]:
    return {d.lower().removeprefix("www."): o for o in registry().values() for d in o.domains}


def by_domain(url_or_host: str) -> Outlet | None:
    host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    host = (host or "").lower().removeprefix("www.")
    parts = host.split(".")
    for i in range(len(parts) - 1):  # sub.example.com -> example.com
        found = _by_domain().get(".".join(parts[i:]))
        if found:
            return found
    return None


def by_name(name: str) -> Outlet | None:
    key = name.strip().casefold()
    found = _by_name().get(key) or _by_name().get(slugify(name) or key)
    if found is None and _DATED.search(name):
        # "РИА Новости, 14.03.2024": a page title's suffix that runs on into a date
        return by_name(_DATED.sub("", name))
    return found


_DATED = re.compile(r"[\s,|–—-]+\d{1,4}[./-]\d{1,2}[./-]\d{1,4}.*$")


def domain_slug(url: str) -> str | None:
    """Slug of an unknown outlet from its domain: www.example-news.com -> example-news."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    parts = host.split(".")
    # "inovacaotecnologica.com.br", "bbc.co.uk": a second-level label under a country code
    # is part of the suffix.
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        parts = parts[:-1]
    core = parts[-2] if len(parts) >= 2 else parts[0]
    return slugify(core) or None


_SECOND_LEVEL = frozenset({"com", "co", "org", "net", "gov", "ac", "edu", "gen", "in", "or",
                           "ne", "go", "mil", "info", "biz", "news"})


@cache
def _cue_pattern() -> re.Pattern[str]:
    # Short all-capital aliases (AP, RT, AFP) only count in capitals; the rest in any case.
    names: set[str] = set()
    for outlet in registry().values():
        names.update(n for n in (outlet.name, *outlet.aliases) if len(n) >= 2)
    caps = sorted((n for n in names if n.isupper() and len(n) <= 5), key=len, reverse=True)
    rest = sorted((n for n in names if not (n.isupper() and len(n) <= 5)), key=len, reverse=True)
    alternatives = [rf"(?-i:{re.escape(n)})" for n in caps] + [re.escape(n) for n in rest]
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


_DATELINE_MARK = re.compile(r"^\s*[/)]|^\s+[-–—]\s|^\s*[-–—]\s|^:")


def from_cues(furniture: Iterable[str], text: str) -> Outlet | None:
    """The outlet a page names as itself: in its furniture (logo, "Support SouthFront", footer),
    in a dateline opening the text ("MOSCOW, April 7. /TASS/", "(Reuters) -", "Damascus, SANA -")
    or in a closing copyright ("(c) RT"). Outlets merely cited in the story do not count."""
    found: Counter[str] = Counter()

    def count(chunk: str, weight: int) -> None:
        for match in _cue_pattern().finditer(chunk):
            outlet = by_name(match.group(0))
            if outlet:
                found[outlet.slug] += weight

    for line in furniture:
        count(line, 2)
    head = text[:200]
    for match in _cue_pattern().finditer(head):
        before, after = head[max(0, match.start() - 2):match.start()], head[match.end():]
        if before.strip()[-1:] in ("/", "(", ",", "—", "-", "–") or _DATELINE_MARK.match(after):
            outlet = by_name(match.group(0))
            if outlet:
                found[outlet.slug] += 3
    for match in re.finditer(r"(?:©|\(c\)|copyright)[^\n]{0,60}", text[-400:], re.IGNORECASE):
        count(match.group(0), 3)
    if not found:
        return None
    return registry()[found.most_common(1)[0][0]]
