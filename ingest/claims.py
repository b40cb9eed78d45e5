"""Claims: who a sentence attributes its account to ("according to X", "X said", "заявил X").

Sources are named canonically where a registry knows them: office-holders ("Minister Shoigu"
-> "Sergei Shoigu"), actors ("Минобороны" -> "Russian Ministry of Defence") and outlets;
generic sources by their head noun and up to two modifiers ("local opposition officials say" ->
"Local opposition officials"; in other languages in English: "yerel kaynaklara göre" -> "Local
sources"), a country's officials by its government ("US officials" -> "Government of the United
States"); otherwise as written (a capitalised name). Empty when the outlet speaks in its own
voice. With the article's preceding text as ``context``, "the ministry says" and "according to
Akdag" resolve to the organisation or person named before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any, Generic, TypeVar

from . import actors, dates, offices, outlets, places, sentences
from .lexicons import PhraseIndex, common_words, load_csv, load_toml

REACH = 70  # characters between a source and the "after" cue that follows it
AHEAD = 40  # characters between a "before" (or inverted) cue and the source that follows it
CONTEXT = 3000  # characters of preceding text searched for what "the ministry" refers to
DETERMINER_REACH = 30  # characters before an anaphor searched for "the" (and one adjective)

V = TypeVar("V")

# Actor kinds that can be "the group(s)" an article refers back to.
_GROUP_KINDS = frozenset({"ngo", "international", "rebel-group", "militia", "jihadist-group",
                          "political", "coalition"})
# ACLED-style registry names carry an abbreviation prefix ("SOHR: Syrian Observatory for Human
# Rights"); as a source the name alone reads better and matches how sources are cited.
_ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9]*: ")
_ARABIC_PREFIX = r"(?:[وفبلك]?(?:ال)?)?"


def display(name: str) -> str:
    """A registry actor's name as a source: without an all-capital "ABBR: " prefix."""
    return _ABBREVIATION.sub("", name)


def registry_names(names: Iterable[str]) -> frozenset[str]:
    """Claimed sources as the actor registry names them (with any "ABBR: " prefix) besides as
    claimed, so that an event can leave its sources out of its actors."""
    by_display = _by_display()
    return frozenset(n for name in names for n in (name, by_display.get(name, name)))


@cache
def _by_display() -> dict[str, str]:
    return {display(name): name for name in actors.registry()}


class _Words(Generic[V]):
    """A word list from claims.toml: exact forms, or stems written with a trailing "*"; each
    with a value (an English label, keywords). Matched as whole words, case-insensitively."""

    def __init__(self, entries: Iterable[tuple[str, V]], arabic: bool = False,
                 article: bool = False) -> None:
        self._exact: dict[str, V] = {}
        self._stems: list[tuple[str, V]] = []
        alternatives: list[str] = []
        for key, value in entries:
            key = key.strip().casefold()
            if arabic and not article:
                key = re.sub(r"^ال(?=..)", "", key)  # the article is optional
            if not key.rstrip("*"):
                continue
            if key.endswith("*"):
                self._stems.append((key[:-1], value))
                alternatives.append(_phrase(key[:-1]) + r"[\w'’]*")
            else:
                self._exact[key] = value
                alternatives.append(_phrase(key))
        self._stems.sort(key=lambda s: len(s[0]), reverse=True)
        alternatives.sort(key=len, reverse=True)
        prefix = _ARABIC_PREFIX if arabic else ""
        self._arabic = arabic
        body = "|".join(alternatives) or r"(?!x)x"
        self.pattern = re.compile(rf"(?<![\w-]){prefix}(?:{body})(?![\w-])", re.IGNORECASE)

    def value(self, text: str) -> V | None:
        key = re.sub(r"\s+", " ", text.strip().casefold())
        keys = [key]
        if self._arabic:
            bare = re.sub(r"^[وفبلك]", "", key)
            keys += [bare, re.sub(r"^ال", "", key), re.sub(r"^ال", "", bare)]
        for form in keys:
            if form in self._exact:
                return self._exact[form]
        for form in keys:
            for stem, value in self._stems:
                if form.startswith(stem):
                    return value
        return None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text)


def _phrase(key: str) -> str:
    return r"\s+".join(re.escape(w) for w in key.split())


@dataclass(frozen=True)
class _Lexicon:
    before: re.Pattern[str]
    after: re.Pattern[str]
    subject: re.Pattern[str]
    inverted: re.Pattern[str]
    denial: re.Pattern[str]
    pronoun_cues: re.Pattern[str]
    pronouns: re.Pattern[str]
    person_pronouns: frozenset[str]
    complementisers: re.Pattern[str]
    inverted_after_comma: bool
    modifiers_follow: bool
    heads: _Words[str]
    modifiers: _Words[str]
    anaphors: _Words[tuple[str, ...]]
    determiners: re.Pattern[str]
    needs_determiner: bool
    self_cued: frozenset[str]
    titles: _Words[bool]
    spokesperson: re.Pattern[str]
    prepositions: frozenset[str]
    noun_markers: frozenset[str]
    conjunctions: re.Pattern[str]
    stop: frozenset[str]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(_phrase(w) for w in sorted(set(words), key=len, reverse=True)) or r"(?!x)x"


@cache
def _lexicon(language: str) -> _Lexicon:
    data = load_toml("claims.toml")
    table: dict[str, Any] = data.get(language) or data["en"]
    arabic = language == "ar"
    prefix = r"(?:[وف])?" if arabic else ""

    def cues(key: str, stem: bool = False) -> re.Pattern[str]:
        tail = "" if stem else r"(?![\w-])"
        return re.compile(rf"(?<![\w-]){prefix}(?:{_alternation(table.get(key, []))}){tail}",
                          re.IGNORECASE)

    def words(key: str) -> dict[str, Any]:
        value = table.get(key, {})
        return value if isinstance(value, dict) else {w: w for w in value}

    cue_words = {w.casefold() for key in ("before", "after", "subject", "after_inverted")
                 for cue in table.get(key, []) for w in cue.split()}
    stop = common_words(language) | cue_words | {
        w.casefold() for w in table.get("not_modifiers", [])}
    return _Lexicon(
        before=cues("before"), after=cues("after"), subject=cues("subject"),
        inverted=cues("after_inverted"), denial=cues("denial", stem=True),
        pronoun_cues=cues("pronoun_before"), pronouns=cues("pronouns"),
        person_pronouns=frozenset(w.casefold() for w in table.get("person_pronouns", [])),
        complementisers=re.compile(rf"\s*(?:{_alternation(table.get('complementisers', []))})"
                                   r"(?![\w-])", re.IGNORECASE),
        inverted_after_comma=bool(table.get("inverted_after_comma", False)),
        modifiers_follow=bool(table.get("modifiers_follow", False)),
        heads=_Words(words("heads").items(), arabic),
        modifiers=_Words(words("modifiers").items(), arabic),
        # An Arabic anaphor keeps its article: "المصدر" refers back, "مصدر" does not.
        anaphors=_Words(((k, tuple(v)) for k, v in words("anaphors").items()), arabic, True),
        # "the governor", and "the regional governor": one lower-case word may come between.
        determiners=re.compile(rf"(?:^|(?<![\w-]))(?:{_alternation(table.get('determiners', []))})"
                               r"\s*(?:(?:(?-i:[a-zà-ÿ])[\w-]*|[\w'’]+-(?:run|led|controlled|"
                               r"backed|held))\s+)?$", re.IGNORECASE),
        needs_determiner=bool(table.get("determiners")),
        self_cued=frozenset(w.casefold() for w in table.get("self_cued", [])),
        titles=_Words(((t, True) for t in table.get("titles", [])), arabic),
        spokesperson=re.compile(rf"(?<![\w-])(?:{_alternation(table.get('spokesperson', []))})",
                                re.IGNORECASE),
        prepositions=frozenset(w.casefold() for w in table.get("prepositions", [])),
        noun_markers=frozenset(w.casefold() for w in table.get("noun_markers", [])),
        conjunctions=re.compile(rf"^\s*,?\s*(?:{_alternation(table.get('conjunctions', []))})"
                                r"\s+", re.IGNORECASE),
        stop=frozenset(stop))


@cache
def _shared() -> dict[str, Any]:
    shared: dict[str, Any] = load_toml("claims.toml").get("shared", {})
    return shared


@cache
def _demonyms() -> tuple[_Words[str], dict[str, str]]:
    """Demonyms and country adjectives in all languages -> ISO code; code -> English demonym."""
    table: dict[str, list[str]] = _shared().get("demonyms", {})
    english = {code: forms[0] for code, forms in table.items() if forms}
    entries = [(form, code) for code, forms in table.items() for form in forms]
    return _Words(entries, arabic=False), english


@cache
def _arabic_demonyms() -> _Words[str]:
    table: dict[str, list[str]] = _shared().get("demonyms", {})
    return _Words([(f, c) for c, forms in table.items() for f in forms
                   if re.search(r"[\u0600-\u06FF]", f)], arabic=True)


UNCASED = frozenset({"ar"})  # scripts with no capitals: names are found by look-up alone


@cache
def _outlet_index() -> PhraseIndex[str]:
    """Outlets by their names and aliases in scripts with no capitals ("سانا", "تاس")."""
    return PhraseIndex((alias, outlet.name) for outlet in outlets.registry().values()
                       for alias in (outlet.name, *outlet.aliases)
                       if any("\u0600" <= c <= "\u06ff" for c in alias))


@cache
def _countries() -> tuple[PhraseIndex[str], dict[str, str]]:
    """Country names (all languages, countries.csv) and capitals (claims.toml) -> ISO code."""
    phrases: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    for row in load_csv("countries.csv"):
        code = row.get("iso", "")
        names[code] = row.get("name", "")
        phrases += [(n, code) for n in [row.get("name", ""), *row.get("aliases", "").split("|")]
                    if len(n) >= 2 and not n.endswith(("'s", "’s", "s'"))]
    for code, forms in _shared().get("capitals", {}).items():
        phrases += [(f, code) for f in forms]
    return PhraseIndex(phrases), names


@lru_cache(maxsize=8192)
def country_of(word: str) -> str | None:
    """The country a modifier word names: a demonym ("Turkish", "украинской") or a country
    name ("Syria's", "ABD'li")."""
    word = re.sub(r"(?:['’]s|['’](?:\w+))$", "", word.strip())
    if not word:
        return None
    code = _demonyms()[0].value(word) or _arabic_demonyms().value(word)
    if code:
        return code
    found = _countries()[0].find(word)
    if len(found) == 1 and found[0][1] - found[0][0] >= len(word) - 1:
        return found[0][2]
    return None


@cache
def state_actor(code: str, kind: str) -> str | None:
    """The registry's government (or military) actor of a country, if it has one."""
    prefix = "Government of" if kind == "government" else "Military Forces of"
    chosen = [a for a in actors.registry().values() if a.country == code and a.kind == kind]
    chosen.sort(key=lambda a: not a.name.startswith(prefix))
    return chosen[0].name if chosen else None


@cache
def _speaks_for() -> dict[str, str]:
    """Spokespeople -> the institution they speak for (officeholders.csv offices such as
    "Kremlin spokesperson"): a spokesperson's account is the institution's."""
    institutions: dict[str, set[str | None]] = {}
    english = _demonyms()[1]
    for row in load_csv("officeholders.csv"):
        office = row.get("office", "")
        if not re.search(r"spokes|press secretary", office, re.IGNORECASE):
            continue
        base = re.sub(r"(?i)\b(?:deputy|chief|Arabic-language|English-language)\b|"
                      r"\s*(?:spokes\w+|press secretary)\s*", " ", office).strip()
        country = row.get("country", "")
        institution: str | None = None
        for form in (base, f"{english.get(country, '')} {base}".strip()):
            name = actors.canonical(form) if form else None
            actor = actors.registry().get(name or "")
            if actor and actor.country in (country, "INT", ""):
                institution = actor.name
                break
        institutions.setdefault(row.get("person", ""), set()).add(institution)
    speaks: dict[str, str] = {}
    for person, found in institutions.items():
        named = {f for f in found if f is not None}
        if len(named) == 1:
            speaks[person] = named.pop()
    return speaks


@dataclass(frozen=True)
class _Source:
    start: int
    end: int
    name: str  # what the claim reports; empty for an anaphor still to resolve
    rank: int  # 0 registry actor, 1 office-holder, 2 anaphor, 3 generic, 4 country, 5 outlet,
    #            6 capitalised name: on overlap the lower rank wins
    kind: str = ""  # the actor's kind; "person" for people; "generic"; "country"
    keys: tuple[str, ...] = ()  # an anaphor's keywords ("ministry", "@person")
    country: str = ""
    cued: bool = False  # an attribution by itself ("nach ukrainischen Angaben")


# A run of capitalised words (Latin or Cyrillic), such as "Talal al-Barazi"; abbreviated titles
# ("Maj. Gen.") may lead it.
_CAPITALISED = re.compile(
    r"(?<![\w'’.-])(?:(?:[A-Z][a-z]{0,4}\.\s+){1,3})?"
    r"(?:[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐİÇŞÖÜĞ][\w'’-]+)(?:\s+(?:(?:al|el|de|del|da|di|von|van|bin|ibn|ben|abu)"
    r"(?:[- ]|\s+(?:der|den|la)\s+))?"
    r"[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐİÇŞÖÜĞ][\w'’-]+){0,4}")
_NOT_A_SOURCE = re.compile(r"^(?:The|A|An|It|This|That|They|He|She|We|On|In|At|Also|But|And|"
                           r"However|Meanwhile|Earlier|Later|According|Nonetheless|"
                           r"January|February|March|April|May|June|July|August|September|"
                           r"October|November|December|Monday|Tuesday|Wednesday|Thursday|"
                           r"Friday|Saturday|Sunday)\b")
# Words that make a capitalised run an organisation, not a person ("General Staff").
_ORGANISATION = re.compile(
    r"(?i)\b(?:ministry|council|forces|army|agency|organi[sz]ation|observatory|society|"
    r"committee|department|command|staff|service|office|group|brigade|regiment|party|front|"
    r"union|coalition|cent(?:re|er)|court|government|authority|news|times|diocese|church|"
    r"directorate|administration|institute|foundation|crescent|cross|helmets|defen[cs]e|affairs|"
    r"министерств\w*|штаб\w*|командован\w*|міністерств\w*|ministère|ministerium|"
    r"bakanlığı\w*|örgüt\w*|ordu\w*)\b")
_CLAUSE_END = re.compile(r"(?<!\b[A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})(?<!\b[A-Z][a-z]{3})"
                         r"[.;:!?]")  # not the full stop of "Maj.", "Gen.", "Capt.", "U.S."


def _is_lower_word(word: str) -> bool:
    return bool(word) and word[0].isalpha() and word[0].islower()


def _modifies_next(text: str, end: int, lexicon: _Lexicon) -> bool:
    """Whether the words ending at ``end`` modify what follows ("Syrian air defences",
    "Hamas-run Gaza", "Tochka-U missiles", "Russia's Defence Ministry"): then they are no
    source. A verb, an adverb or a function word after them ("Russia said", "Russia later
    said") leaves them the subject."""
    rest = text[end:end + 40]
    if re.match(r"(?:['’]s\b|-\w)", rest):
        return True
    match = re.match(r"\s+([\w'’-]+)", rest)
    if not match:
        return False
    word = match.group(1)
    folded = word.casefold()
    if not _is_lower_word(word) or folded in lexicon.stop or folded.endswith("ly"):
        return False
    rest = rest.lstrip()
    verbs = (lexicon.after, lexicon.subject, lexicon.inverted, lexicon.denial)
    return not any(verb.match(rest) for verb in verbs)


def _strip_titles(run: str, lexicon: _Lexicon) -> tuple[int, str]:
    """A capitalised run without the titles and ranks that lead it ("Maj. Gen. Igor
    Konashenkov", "Justice Minister Bekir Bozdag", "Yarbay Oleg Peşkov"): (offset, name)."""
    words = list(re.finditer(r"[^\s]+", run))
    cut = 0
    for i, word in enumerate(words[:-1]):
        token = word.group(0)
        if re.fullmatch(r"[A-Z][a-z]{0,4}\.", token) or lexicon.titles.value(token.rstrip(".")):
            cut = i + 1
    rest = words[cut:]
    if cut and len(rest) == 1 and _ORGANISATION.search(rest[0].group(0)):
        return 0, run  # "General Staff": an organisation, not a title and a name
    if all(lexicon.titles.value(w.group(0).rstrip(".")) for w in rest):
        return len(run), ""  # "Special Envoy", "Under-Secretary-General": titles, no name
    return rest[0].start(), run[rest[0].start():]


def _coordinated(text: str, first: _Source, second: _Source, lexicon: _Lexicon) -> bool:
    """Whether two sources are joined as one subject or object: "X and Y", "X and the
    US-funded Y", "X et l'ONG médicale Y"."""
    gap = text[first.end:second.start]
    if first.end > second.start or len(gap) > 40 or _CLAUSE_END.search(gap):
        return False
    match = lexicon.conjunctions.match(gap)
    if not match:
        return False
    rest = re.sub(r"^(?:the|les?|la|l['’]|der|die|das|den)\s*", "", gap[match.end():],
                  flags=re.IGNORECASE)
    return len(rest.split()) <= 2 and "," not in rest


@lru_cache(maxsize=2048)
def _candidates(text: str, language: str) -> tuple[_Source, ...]:
    """Everything in a text that could be a source, overlaps resolved, in text order."""
    lexicon = _lexicon(language)
    found: list[_Source] = []
    for m in actors.find(text):
        if re.match(r"-\w", text[m.end:m.end + 2]) or m.actor.kind == "civilians":
            continue  # "Hamas-run Gaza": a modifier; "Civilians (Syria)": those harmed
        found.append(_Source(m.start, m.end, display(m.actor.name), 0, m.actor.kind,
                             country=m.actor.country))
    found += _people(text, lexicon)
    found += _anaphors(text, lexicon)
    found += _generics(text, language, lexicon)
    found += _country_subjects(text, language, lexicon)
    found += _names(text, language, lexicon)
    if language in UNCASED:
        found += [_Source(start, end, name, 5, "name")
                  for start, end, name in _outlet_index().find(text)]
    kept: list[_Source] = []
    for source in sorted(found, key=lambda s: (s.rank, s.start - s.end, s.start)):
        if not any(k.start < source.end and source.start < k.end for k in kept):
            kept.append(source)
    kept.sort(key=lambda s: s.start)
    tidy: list[_Source] = []
    for source in kept:
        if tidy and tidy[-1].rank == 0 and source.rank == 6 and re.fullmatch(
                r"\s+(?:for|of|of the|de|des|du|de la|für)\s+", text[tidy[-1].end:source.start],
                re.IGNORECASE):
            # "Britain-based Syrian Observatory for Human Rights": the rest of its name
            tidy[-1] = replace(tidy[-1], end=source.end)
            continue
        if source.rank >= 5 and re.match(r"\s*\)", text[source.end:]) \
                and re.search(r"\(\s*$", text[:source.start]):
            continue  # "BEIRUT (AP) —": the agency's credit, not a source
        if tidy and tidy[-1].name == source.name and source.rank == tidy[-1].rank \
                and re.fullmatch(r"\s*\(\s*", text[tidy[-1].end:source.start]):
            # "the Syrian American Medical Society (SAMS)": one mention
            tidy[-1] = replace(tidy[-1], end=source.end + (text[source.end:source.end + 1]
                                                           == ")"))
            continue
        if tidy and _spokesperson_of(text, tidy[-1], source):
            # "a spokesman for the ministry", "ein Sprecher des Ministeriums": who speaks
            tidy[-1] = replace(source, start=tidy[-1].start)
            continue
        if tidy and tidy[-1].kind == "anaphor" and source.country \
                and re.fullmatch(r"\s+", text[tidy[-1].end:source.start]):
            # "в Министерстве обороны России", "Генштаба ВСУ": whose ministry it is
            named = _registry_by_keys(list(tidy[-1].keys), {source.country})
            tidy[-1] = replace(tidy[-1], end=source.end, country=source.country)
            if named:
                tidy[-1] = replace(tidy[-1], name=display(named.name), rank=0,
                                   kind=named.kind, keys=())
            continue
        if tidy and tidy[-1].kind == "anaphor" and source.rank in (0, 1, 5, 6) \
                and _apposition(text[tidy[-1].end:source.start], lexicon):
            # "l'ONG médicale SAMS", "la ministre des armées, Florence Parly": the name
            # says who
            tidy[-1] = source
            continue
        tidy.append(source)
    return tuple(_spokespeople(text, tidy, lexicon))


def _apposition(gap: str, lexicon: _Lexicon) -> bool:
    """Whether a name follows a description of it: "l'ONG médicale SAMS", "la ministre des
    armées, Florence Parly" (a few words, at most a comma, no verb)."""
    if not re.fullmatch(r"(?:\s+[\w'’-]+){0,3}\s*,?\s+|\s+", gap):
        return False
    verbs = (lexicon.after, lexicon.inverted, lexicon.before, lexicon.subject)
    return not any(verb.search(gap) for verb in verbs)


_SPOKESPERSON = re.compile(r"(?i)(?:spokes\w+|representative|porte-parole|Sprecher\w*)$")


def _spokesperson_of(text: str, spokesperson: _Source, source: _Source) -> bool:
    """Whether a generic spokesperson speaks for the source that follows: "a spokesman for
    the ministry", "ein Sprecher des Ministeriums", "le porte-parole de l'armée"."""
    if spokesperson.kind != "generic" \
            or not _SPOKESPERSON.search(text[spokesperson.start:spokesperson.end]):
        return False
    gap = text[spokesperson.end:source.start]
    if re.fullmatch(r"(?i)\s+(?:for|of|de|du|de la|de l['’]|des|der)\s*(?:the\s+)?", gap):
        return True
    # The genitive article may open the source itself: "des Ministeriums".
    return bool(re.fullmatch(r"\s+", gap)
                and re.match(r"(?i)(?:des|der|du|de)\s", text[source.start:]))


def _people(text: str, lexicon: _Lexicon) -> list[_Source]:
    found = []
    for start, end, person in offices.people_named(text):
        before = text[max(0, start - 30):start]
        previous = re.search(r"([A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][\w'’-]+)\s+$", before)
        if previous and " " not in text[start:end].strip() \
                and not re.search(r"['’]s$", previous.group(1)) \
                and previous.group(1).casefold() not in lexicon.stop \
                and not lexicon.titles.value(previous.group(1)) \
                and previous.group(1).casefold() not in person.casefold():
            continue  # "Oleksiy Kuleba" is not the Kuleba the registry knows
        found.append(_Source(start, end, person, 1, "person"))
    return found


def _anaphors(text: str, lexicon: _Lexicon) -> list[_Source]:
    found = []
    for match in lexicon.anaphors.finditer(text):
        keys = lexicon.anaphors.value(match.group(0))
        if not keys:
            continue
        start, end, country = match.start(), match.end(), ""
        # A demonym next to it says whose it is: "dem ukrainischen Generalstab", "украинский
        # Генштаб", "l'état-major ukrainien", "وزارة الدفاع التركية".
        beside = (_words_after(text, end, 1) if lexicon.modifiers_follow
                  else _words_before(text, start, 1))
        if beside and country_of(beside[0][2]):
            country = country_of(beside[0][2]) or ""
            start, end = min(start, beside[0][0]), max(end, beside[0][1])
        determiner = lexicon.determiners.search(text[max(0, start - DETERMINER_REACH):start])
        if lexicon.needs_determiner and not determiner:
            continue  # "a ministry" is not "the ministry"
        if determiner:
            start = max(0, start - DETERMINER_REACH) + determiner.start()
            start += len(text[start:match.start()]) - len(text[start:match.start()].lstrip())
        possessive = bool(determiner and re.match(r"(?i)\s*(?:its|their|son|sa|ses|leur|sein|ihr)",
                                                  determiner.group(0)))
        named = _registry_by_keys(list(keys), {country}) if country else None
        if named:
            found.append(_Source(start, end, display(named.name), 0, named.kind,
                                 country=country))
            continue
        found.append(_Source(start, end, "", 2, "anaphor", country=country,
                             keys=keys + (("@possessive",) if possessive else ())))
    return found


def _words_before(text: str, start: int, count: int) -> list[tuple[int, int, str]]:
    """Up to ``count`` words just before ``start``, separated by spaces only, nearest last."""
    words: list[tuple[int, int, str]] = []
    position = start
    while len(words) < count:
        match = re.search(r"([\w][\w.'’-]*)(\s+)$", text[max(0, position - 60):position])
        if not match:
            break
        end = position - len(match.group(2))
        begin = end - len(match.group(1))
        words.insert(0, (begin, end, match.group(1)))
        position = begin
    return words


def _words_after(text: str, end: int, count: int) -> list[tuple[int, int, str]]:
    words: list[tuple[int, int, str]] = []
    position = end
    while len(words) < count:
        match = re.match(r"(\s+)([\w][\w'’-]*)", text[position:position + 60])
        if not match:
            break
        begin = position + len(match.group(1))
        words.append((begin, begin + len(match.group(2)), match.group(2)))
        position = begin + len(match.group(2))
    return words


def _generics(text: str, language: str, lexicon: _Lexicon) -> list[_Source]:
    """Generic sources: a head noun ("sources", "officials", "активисты", "kaynaklar") with up
    to two modifiers ("local opposition officials", "sources locales")."""
    shared = _shared()
    state = set(shared.get("state_heads", []))
    forces = set(shared.get("forces_heads", []))
    needs_modifier = set(shared.get("needs_modifier", []))
    heads = list(lexicon.heads.finditer(text))
    found = []
    for i, head in enumerate(heads):
        label = lexicon.heads.value(head.group(0))
        if label is None:
            continue
        if i + 1 < len(heads) and re.fullmatch(r"\s+", text[head.end():heads[i + 1].start()]):
            continue  # "government forces": the last noun is the head
        if language == "en" and _modifies_next(text, head.end(), lexicon):
            continue  # "a special military operation": a modifier of another noun
        if lexicon.modifiers_follow:
            candidates = _words_after(text, head.end(), 2)
        else:
            candidates = _words_before(text, head.start(), 2)[::-1]
        modifiers: list[tuple[int, int, str, str | None]] = []  # start, end, text, English
        for start, end, word in candidates:
            code = country_of(word)
            folded = word.casefold().rstrip(".")
            english: str | None
            if code:
                english = _demonyms()[1].get(code) or word
            elif language == "en":
                if folded in lexicon.stop or not re.search(r"[a-zA-Z]", word) \
                        or word[0].isdigit():
                    break
                english = word
            else:
                english = lexicon.modifiers.value(word)
                if english is None:
                    break
            modifiers.append((start, end, word, english))
        if not lexicon.modifiers_follow:
            modifiers.reverse()
        if label in needs_modifier and not any(country_of(m[2]) for m in modifiers):
            continue
        start = min([head.start()] + [m[0] for m in modifiers])
        end = max([head.end()] + [m[1] for m in modifiers])
        nearest = modifiers[-1] if modifiers and not lexicon.modifiers_follow else (
            modifiers[0] if modifiers else None)
        # "Hamas officials", "White Helmets rescuers": the organisation speaks.
        named = [m for m in actors.find(text[start:head.start()] if not lexicon.modifiers_follow
                                        else text[head.end():end])]
        if named:
            actor = named[-1].actor
            found.append(_Source(start, end, display(actor.name), 0, actor.kind,
                                 country=actor.country))
            continue
        cued = head.group(0).casefold() in lexicon.self_cued
        code = country_of(nearest[2]) if nearest else None
        if code and (label in state or label in forces):
            actor_name = state_actor(code, "government" if label in state else "state-forces")
            if actor_name:
                found.append(_Source(start, end, actor_name, 0, "government", country=code,
                                     cued=cued))
                continue
        if label in needs_modifier:
            english_code = _demonyms()[1].get(code or "", "")
            name = f"{english_code} officials".strip()
        elif language == "en":
            name = text[start:end]
        else:
            name = " ".join([m[3] or "" for m in modifiers] + [label])
            # "مديرية صحة إدلب", "жители Мариуполя": the place the head belongs to.
            place = _place_word(text, end, language)
            if place:
                name, end = f"{place[0]} {name}", place[1]
        name = re.sub(r"\s+", " ", name).strip()
        found.append(_Source(start, end, name[:1].upper() + name[1:], 3, "generic", cued=cued))
    return found


def _place_word(text: str, end: int, language: str) -> tuple[str, int] | None:
    """The English name of a place named by the one word after ``end``, and where it ends."""
    following = _words_after(text, end, 1)
    if not following:
        return None
    _, stop, word = following[0]
    found = places.locate(word, None, language)
    if len(found) == 1 and found[0].get("text") == word:
        return str(found[0]["name"]), stop
    return None


def _country_subjects(text: str, language: str, lexicon: _Lexicon) -> list[_Source]:
    """A country or its capital as the one who speaks ("Russia said", "Moscou affirme",
    "Damascus denied"): its government."""
    index, names = _countries()
    found = []
    for start, end, code in index.find(text):
        written = text[start:end]
        if written.isupper() and len(written) > 3 and re.match(r"\s*[,(—–-]", text[end:]):
            continue  # "BEIRUT (AP) —", "KYIV, Ukraine (AP) —": a dateline
        if re.match(r"['’]\w", text[end:end + 2]) and language == "tr":
            continue  # "Suriye'deki": a Turkish case ending, so not the subject
        if re.match(r"(?:['’]s\b|-\w|\s*\()", text[end:end + 3]):
            continue  # "Russia's Defence Ministry", "US-funded", "Syria (SANA)"
        before = re.search(r"([\w'’]+)\s+$", text[max(0, start - 20):start])
        if before and before.group(1).casefold() in lexicon.prepositions:
            continue  # "sources in Syria said": a place, not a speaker
        name = state_actor(code, "government") or names.get(code) or written
        found.append(_Source(start, end, name, 4, "country", country=code))
    return found


def _names(text: str, language: str, lexicon: _Lexicon) -> list[_Source]:
    found = []
    for match in _CAPITALISED.finditer(text):
        offset, run = _strip_titles(match.group(0), lexicon)
        # "Hamas-run Gaza", "Britain-based Syrian Observatory": the compound modifies.
        lead = re.match(r"(?:[^\s-]+-[a-z][\w'’-]*\s+)+", run)
        if lead:
            offset, run = offset + lead.end(), run[lead.end():]
        lead = re.match(r"(?:\w+\s+)?[A-ZА-ЯЁІЇЄҐ]{2,5}\s+(?=\S+\s+\S+$)", run)
        if lead and not outlets.by_name(lead.group(0).strip()):
            # "ОВА Олег Синєгубов", "Одеської ОВА Олег Кіпер": the office before the name
            offset, run = offset + lead.end(), run[lead.end():]
        first = re.match(r"(\S+)\s+(?=\S+\s+\S)", run)
        if first and country_of(first.group(1)) and not _ORGANISATION.search(run):
            # "UN Special Envoy for Syria Staffan de Mistura": the country is the title's
            offset, run = offset + first.end(), run[first.end():]
        start = match.start() + offset
        if _ORGANISATION.search(run.split()[-1] if run.split() else ""):
            # "Anglican Episcopal Diocese of Jerusalem", "Center for Reconciliation"
            tail = re.match(r"\s+(?:of|for)(?:\s+the)?\s+[A-ZÀ-ÖØ-Þ][\w'’-]+"
                            r"(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]+)*", text[match.start() + offset
                                                             + len(run):])
            if tail:
                run += tail.group(0)
        # Turkish case endings ("Peşkov'un"), the English possessive ("Akdag's")
        run = re.sub(r"['’][a-zçğıöşü]+$" if language == "tr" else r"['’]s$", "", run)
        end = start + len(run)
        words = run.split()
        if not words or _NOT_A_SOURCE.match(run) or places.is_place(run) \
                or places.is_place(words[0]):
            continue  # a place is not a source unless a registry knows it as one
        if len(words) == 1 and run.casefold() in common_words(language):
            continue  # "If confirmed, ...": a capitalised common word is no source
        if len(words) == 1 and any((m.start, m.end) == (0, len(run))
                                   for m in dates.find_dates(run, None, language)):
            continue  # "Позавчора", "Yesterday": a date opening the sentence
        if run.isupper() and len(run) > 4 and not outlets.by_name(run):
            continue  # "BEIRUT (AP)": a dateline
        outlet = outlets.by_name(run)
        if outlet is None and _modifies_next(text, end, lexicon):
            continue  # "Syrian air defences": an adjective, not a source
        if outlet is None and language == "de" and len(words) < 2:
            continue  # German capitalises every noun: one word is no name
        person = len(words) >= 2 and not _ORGANISATION.search(run) and outlet is None
        found.append(_Source(start, end, outlet.name if outlet else run, 5 if outlet else 6,
                             "person" if person else "name"))
    return found


def _spokespeople(text: str, sources: list[_Source], lexicon: _Lexicon) -> Iterator[_Source]:
    """A spokesperson's account is their institution's: "Russian Defense Ministry spokesman
    Igor Konashenkov", "официальный представитель Минобороны России генерал-майор Игорь
    Конашенков", "Pentagon spokesman Capt. Jeff Davis"."""
    speaks_for = _speaks_for()
    for i, source in enumerate(sources):
        if source.kind != "person":
            yield source
            continue
        institution: _Source | None = None
        for other in reversed(sources[:i]):
            if other.rank != 0 or source.start - other.end > 70:
                continue
            gap = text[other.start:source.start]
            between = text[other.end:source.start]
            if "," in between.rstrip(", ") or _CLAUSE_END.search(gap) \
                    or len(between.split()) > 6 or lexicon.after.search(between) \
                    or lexicon.inverted.search(between):
                continue
            if lexicon.spokesperson.search(text[max(0, other.start - 40):source.start]):
                institution = other
            break
        if institution is not None:
            yield replace(source, name=institution.name, rank=0)
        elif source.name in speaks_for:
            yield replace(source, name=speaks_for[source.name], rank=0, kind="person")
        else:
            yield source


@dataclass
class _Resolver:
    """Resolves anaphors ("the ministry", "генерал", "its defense ministry") and bare surnames
    ("Akdag") against what the sentence and the article named before."""

    sentence: str
    language: str
    context: str

    def earlier(self, position: int) -> Iterator[tuple[str, _Source, list[_Source]]]:
        """Sources named before ``position`` in the sentence, then in the context, nearest
        first, each with the text it is in and that text's other sources."""
        own = list(_candidates(self.sentence, self.language))
        for source in reversed([s for s in own if s.end <= position]):
            yield self.sentence, source, own
        for chunk in reversed(_chunks(self.context)):
            inside = list(_candidates(chunk, self.language))
            for source in reversed(inside):
                yield chunk, source, inside

    def resolve(self, source: _Source) -> tuple[str, ...]:
        if source.kind == "anaphor":
            return self.anaphor(source)
        if source.rank == 6 and " " not in source.name:
            for _, other, _ in self.earlier(source.start):
                if other.kind == "person" and other.name != source.name \
                        and other.name.split()[-1] == source.name:
                    return (other.name,)
        return (source.name,)

    def pronoun(self) -> tuple[str, ...]:
        """Whom "he", "er", "по его словам" stand for: in the last sentence that names people,
        the one it names, or the one that opens it (its subject); else it cannot be told."""
        for chunk in reversed(_chunks(self.context)):
            inside = _candidates(chunk, self.language)
            for sentence in reversed(list(sentences.split(chunk))):
                named = [s for s in inside if sentence.start <= s.start < sentence.end]
                people = {s.name for s in named if s.kind == "person"}
                if len(people) == 1:
                    return (people.pop(),)
                if people:
                    return (named[0].name,) if named[0].kind == "person" else ()
        return ()

    def anaphor(self, source: _Source) -> tuple[str, ...]:
        if source.keys == _PRONOUN:
            return self.pronoun()
        keys = [k for k in source.keys if k != "@possessive"]
        if source.country:
            # "Генштаб Турции": whose it is is said, so it is no anaphor; if the registry does
            # not know it, as written.
            found = _registry_by_keys(keys, {source.country})
            written = self.sentence[source.start:source.end]
            written = re.sub(r"^\S+\s+", "", written) if _lexicon(self.language).determiners.match(
                written.split()[0] + " ") else written
            return (display(found.name),) if found else (written[:1].upper() + written[1:],)
        if "@possessive" in source.keys:
            # "Russia ... its defense ministry": the country named just before.
            own = [s for s in _candidates(self.sentence, self.language)
                   if s.end <= source.start and s.country]
            if own:
                found = _registry_by_keys(keys, {own[-1].country})
                if found:
                    return (display(found.name),)
        for text, other, inside in self.earlier(source.start):
            if other.kind == "anaphor" or not other.name:
                continue
            if "@groups" in keys:
                pair = [s for s in inside if s.kind in _GROUP_KINDS]
                if other in pair:
                    index = pair.index(other)
                    if index > 0 and _coordinated(text, pair[index - 1], other,
                                                  _lexicon(self.language)):
                        return (pair[index - 1].name, other.name)
                continue
            if _matches(other, keys):
                return (other.name,)
        # "the Health Ministry in Hamas-run Gaza", "Gazze'deki Sağlık Bakanlığı": the place
        # the phrase itself names.
        after = re.match(r"\s+(?:in|of|в|у|à|de|du|in der|im|في|ب)\s+((?:[\w'’-]+\s+){0,1}"
                         r"[\w'’-]+)", self.sentence[source.end:source.end + 60])
        before = re.search(r"(\w+['’](?:d|t)[ae]ki)\s+$", self.sentence[:source.start])
        for match in (after, before):
            if match is None:
                continue
            countries = {p["country"] for p in places.locate(match.group(1), None,
                                                              self.language)}
            found = _registry_by_keys(keys, countries) if countries else None
            if found:
                return (display(found.name),)
        written = self.sentence[source.start:source.end]
        if self.language != "de" and not any(k.startswith("@") for k in keys) \
                and _capitalised_anaphor(written):
            # German capitalises every noun, so there a capital says nothing.
            return (re.sub(r"^(?:the|its|their)\s+", "", written, flags=re.IGNORECASE),)
        if re.search(r"[\w'’]+-(?:run|led|controlled|backed|held)\s", written) \
                and "@possessive" not in source.keys:
            # "the Houthi-run health ministry", named before no one: as written.
            return (re.sub(r"^(?:the|its|their)\s+", "", written, flags=re.IGNORECASE),)
        if keys == ["@person"] and "@possessive" not in source.keys:
            # "the regional governor said", with no governor named before: the office is who
            # told it, and says more than nothing.
            office = re.sub(r"^(?:the|its|their)\s+", "", written, flags=re.IGNORECASE)
            return (office[:1].upper() + office[1:],)
        return ()


_PRONOUN = ("@person", "@pronoun")  # "he said", "sagte er", "по его словам"


def _capitalised_anaphor(written: str) -> bool:
    """Whether an unresolved anaphor is written as a name ("the General Staff",
    "Минобороны"), so that reporting it as written tells the reader something."""
    words = [w for w in written.split() if w.casefold() not in ("the", "its", "their")]
    return bool(words) and all(w[:1].isupper() for w in words if len(w) > 3)


def _matches(source: _Source, keys: list[str]) -> bool:
    if "@person" in keys:
        return source.kind == "person"
    if "@forces" in keys:
        return source.kind == "state-forces"
    if "@group" in keys:
        return source.kind in _GROUP_KINDS
    if "@source" in keys:  # "المصدر": the (unnamed) source cited before
        return source.kind == "generic" and "source" in source.name.casefold()
    if source.rank > 0 and source.rank != 6:
        return False
    name = _normalise(source.name)
    return all(re.search(rf"\b{re.escape(_normalise(k))}", name) for k in keys)


def _normalise(text: str) -> str:
    return text.casefold().replace("defense", "defence")


def _registry_by_keys(keys: list[str], countries: set[str]) -> actors.Actor | None:
    """The one registry actor of these countries whose name has every keyword ("defence",
    "ministry" and Russia: the Russian Ministry of Defence)."""
    if not keys or any(k.startswith("@") for k in keys):
        return None
    chosen = [a for a in actors.registry().values() if a.country in countries
              and all(re.search(rf"\b{re.escape(_normalise(k))}", _normalise(a.name))
                      for k in keys)]
    return chosen[0] if len(chosen) == 1 else None


def _chunks(context: str) -> list[str]:
    """The end of the preceding text in paragraphs (so that each is analysed once per article,
    then cached), the nearest last."""
    chunks: list[str] = []
    size = 0
    for paragraph in reversed(context.split("\n")):
        if size > CONTEXT:
            break
        if len(paragraph) > CONTEXT:
            # A paragraph as long as a book (a table cell with no line breaks): its end only,
            # or every sentence would analyse all before it again.
            tail = paragraph[-CONTEXT:]
            paragraph = tail[tail.find(" ") + 1:]
        if paragraph.strip():
            chunks.insert(0, paragraph)
            size += len(paragraph)
    return chunks


def _clause_start(text: str, start: int, lexicon: _Lexicon) -> bool:
    """Whether a source opens its clause ("Russia, Syria's main ally, said"), so that a comma
    between it and its verb is an apposition rather than a new clause."""
    # Titles and the names of institutions may stand before a name: "and European Commission
    # President Ursula von der Leyen, who ..., said".
    before = re.sub(r"(?:[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][\w.'’-]*\s+)+$", "", text[:start])
    before = lexicon.determiners.sub("", before) if lexicon.determiners.search(before) else before
    return bool(re.search(r"(?:^|[,;:(—–-]|\b(?:and|but|while|whereas|as|that|и|а|но|та|"
                          r"et|mais|und|aber|ve|ama)\b)\s*$", before.rstrip()))


def _after(sentence: str, sources: list[_Source], cue: re.Match[str],
           lexicon: _Lexicon) -> list[_Source]:
    """"X said", "X'e göre": the source ends shortly before the cue, in the same clause."""
    point = cue.start()
    last = re.search(r"(\w+)\s*$", sentence[:point])
    if last and last.group(1).casefold() in lexicon.noun_markers:
        return []  # "verify the reports", "their claims": a noun, not a verb
    if last and lexicon.pronouns.fullmatch(last.group(1)):
        # "The IDF laid out what it said was...": the pronoun stands for the sentence's
        # subject, if the sentence opens with a source; else for someone named before.
        opening = [s for s in sources if s.end <= last.start() and not lexicon.determiners.sub(
            "", sentence[:s.start]).strip(" \"“«'—–-")][:1]
        if opening or last.group(1).casefold() not in lexicon.person_pronouns:
            return opening
        return [_Source(last.start(), last.end(), "", 2, "anaphor", keys=_PRONOUN)]
    chosen: _Source | None = None
    for source in reversed(sources):
        gap = sentence[source.end:point]
        if source.end > point or _CLAUSE_END.search(gap):
            continue
        if "," in gap:
            # "Russia, Syria's main ally, said": an apposition or a relative clause between
            # the subject and its verb, so the subject opens its clause.
            if point - source.end > 2 * REACH or not _clause_start(sentence, source.start,
                                                                  lexicon):
                continue
        elif point - source.end > REACH:
            continue
        chosen = source
        break
    if chosen is None:
        return []
    found = [chosen]
    for source in reversed([s for s in sources if s.end <= chosen.start]):
        if _coordinated(sentence, source, found[0], lexicon):
            found.insert(0, source)
        else:
            break
    return found


def _subject(sentence: str, sources: list[_Source], cue: re.Match[str]) -> list[_Source]:
    """A verb at the end of its clause (Turkish): its subject opens the clause, often marked
    off by a comma ("Rus Savunma Bakanlığı, ... açıkladı")."""
    clause_start = max([m.end() for m in re.finditer(r"[;:]|\.\s", sentence[:cue.start()])],
                       default=0)
    # A genitive owns the noun after it ("Sudan'ın El Faşir kentinde"): no subject.
    inside = [s for s in sources if clause_start <= s.start and s.end <= cue.start()
              and not _GENITIVE.match(sentence, s.end)]
    if inside and not sentence[inside[-1].end:cue.start()].strip() \
            and re.search(r",\s*$", sentence[:inside[-1].start]):
        return [inside[-1]]  # "..., BM açıkladı": the last clause is the source and its verb
    for source in inside:
        if re.match(r"(?:['’]\w+)?\s*,", sentence[source.end:]):
            return [source]
    return inside[:1]


_GENITIVE = re.compile(r"['’](?:n)?[ıiuü]n(?!\w)")


def _following(sentence: str, sources: list[_Source], start: int, point: int,
               lexicon: _Lexicon, words: int) -> list[_Source]:
    """The source that starts shortly after ``point``, with those joined to it."""
    found: list[_Source] = []
    for source in sources:
        if source.start < point and not (source.start >= start and source.end > point):
            continue  # a source may begin inside its cue: "de source militaire"
        if source.start < point:
            found = [source]
            break
        gap = sentence[point:source.start]
        if source.start - point > AHEAD or _CLAUSE_END.search(gap) or "," in gap \
                or len(gap.split()) > words:
            break
        found = [source]
        break
    if found and found[0].kind != "person":
        # "UN Special Envoy for Syria Staffan de Mistura": the person with that title speaks.
        person = [s for s in sources if s.kind == "person" and s.start >= found[0].end
                  and re.fullmatch(r"(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w.'’-]*|for|of|on|the))*\s+",
                                   sentence[found[0].end:s.start])]
        found = person[:1] or found
    if found:
        for source in sources:
            if source.start > found[-1].end and _coordinated(sentence, found[-1], source,
                                                             lexicon):
                found.append(source)
    return found


def find_claims(sentence: str, language: str = "en", context: str = ""
                ) -> tuple[list[str], bool]:
    """Who the sentence attributes its account to, and whether it is a denial. ``context`` is
    the article's text before the sentence: what "the ministry", "the general" or a bare
    surname refer to."""
    claimed = [name for _, _, name in claim_spans(sentence, language, context)]
    return list(dict.fromkeys(claimed)), bool(_lexicon(language).denial.search(sentence))


# Between a speech verb and the day it names: "said on Saturday", "told reporters on Monday",
# "said in a statement Tuesday"; a few words, no clause of their own.
_TELLING_GAP = re.compile(r"[\s,]*(?:[^\W\d_]+[\s,]+){0,4}")


def telling_dates(sentence: str, language: str, spans: Sequence[tuple[int, int]]
                  ) -> list[bool]:
    """Which of the date expressions at ``spans`` date the telling rather than the event: the
    day that follows a speech verb ("a monitoring group said on Saturday", "заявил в субботу").
    A complementiser in between ("said that on Friday ...") hands the date back to the event."""
    lexicon = _lexicon(language)
    verb_ends = [cue.end() for pattern in (lexicon.after, lexicon.inverted)
                 for cue in pattern.finditer(sentence)]
    told = []
    for start, _ in spans:
        gaps = [sentence[end:start] for end in verb_ends if end <= start]
        told.append(any(_TELLING_GAP.fullmatch(gap) and not lexicon.complementisers.search(gap)
                        for gap in gaps))
    return told


def claim_spans(sentence: str, language: str = "en", context: str = ""
                ) -> list[tuple[int, int, str]]:
    """Where the sentence names its sources, and who they are: (start, end, name), in order.
    A capital or country that speaks ("Moscow says") is a source there, not a place."""
    resolver = _Resolver(sentence, language, context)
    return [(source.start, source.end, name) for source in _cited(sentence, language)
            for name in resolver.resolve(source) if name]


@lru_cache(maxsize=4096)
def _cited(sentence: str, language: str) -> tuple[_Source, ...]:
    """The sources the sentence's cues point to, before anaphors are resolved."""
    lexicon = _lexicon(language)
    sources = list(_candidates(sentence, language))
    chosen: list[_Source] = []

    def add(found: list[_Source]) -> None:
        chosen.extend(s for s in found if s not in chosen)

    for cue in lexicon.before.finditer(sentence):
        # "according to X": the source starts shortly after the cue.
        add(_following(sentence, sources, cue.start(), cue.end(), lexicon, 4))
    for cue in lexicon.pronoun_cues.finditer(sentence):
        # "по его словам", "selon lui": the last person the article named.
        person = _Source(cue.start(), cue.end(), "", 2, "anaphor", keys=_PRONOUN)
        add([person])
    inverted_spans: list[tuple[int, int]] = []
    for cue in lexicon.inverted.finditer(sentence):
        # "said X", "заявил X": the source follows the verb (in English and French only after
        # a quotation or a comma: "Russia said a Syrian airstrike..." is not inverted).
        if lexicon.inverted_after_comma and not re.search(r"[,\"”»'’—–-]\s*$",
                                                          sentence[:cue.start()]):
            continue
        if lexicon.complementisers.match(sentence[cue.end():]):
            inverted_spans.append(cue.span())
            continue  # "وأضاف أن": "he added that", whoever he is, was named before
        pronoun = re.match(r"\s+(\w+)", sentence[cue.end():])
        if pronoun and pronoun.group(1).casefold() in lexicon.person_pronouns:
            # "..., sagte er": the last person the article named
            inverted_spans.append(cue.span())
            add([_Source(pronoun.start(1) + cue.end(), pronoun.end(1) + cue.end(), "", 2,
                         "anaphor", keys=_PRONOUN)])
            continue
        found = _following(sentence, sources, cue.end(), cue.end(), lexicon, 3)
        if found:
            inverted_spans.append(cue.span())
            add(found)
    for cue in lexicon.after.finditer(sentence):
        if re.match(r"\s+(?:by|par|von|от)\b", sentence[cue.end():]):
            continue  # "reported by X" is the passive: the source follows
        if any(s < cue.end() and cue.start() < e for s, e in inverted_spans) and not any(
                s.end <= cue.start() and not sentence[s.end:cue.start()].strip()
                for s in sources):
            continue  # the verb already has its source after it
        add(_after(sentence, sources, cue, lexicon))
    for cue in lexicon.subject.finditer(sentence):
        add(_subject(sentence, sources, cue))
    add([s for s in sources if s.cued])
    return tuple(sorted(chosen, key=lambda s: s.start))
