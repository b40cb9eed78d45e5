"""Actors (ingest/data/actors.csv): who acts and who is acted on, by canonical name.

Islamic State, IS, ISIS, ISIL, Daesh, ИГИЛ and داعش are one actor. Roles follow ACLED:
``actor1`` acts, ``actor2`` is acted on, ``associated`` is named in the same event.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from .lexicons import PhraseIndex, load_csv, load_toml


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str
    country: str
    parent: str


@dataclass(frozen=True)
class Mention:
    actor: Actor
    start: int
    end: int
    text: str


# "killed by X", "par X", "von X": X acts even when it comes after the verb.
_AGENT = re.compile(r"(?:\bby|\bpar|\bvon|\bdurch|от рук|со стороны|з боку|من قبل|"
                    r"tarafından)\s*(?:the\s+|les?\s+|la\s+|der\s+|die\s+|den\s+)?$", re.I)


@cache
def registry() -> dict[str, Actor]:
    return {row["name"]: Actor(row["name"], row.get("kind", ""), row.get("country", ""),
                               row.get("parent", "")) for row in load_csv("actors.csv")}


@cache
def _index() -> PhraseIndex[Actor]:
    phrases: list[tuple[str, Actor]] = []
    for row in load_csv("actors.csv"):
        actor = registry()[row["name"]]
        phrases += [(alias.strip(), actor) for alias in [row["name"], *row["aliases"].split("|")]
                    if len(alias.strip()) >= 2]
    return PhraseIndex(phrases)


@lru_cache(maxsize=4096)
def find(text: str) -> list[Mention]:
    """Actors named in a text, in order; overlapping names resolved to the longest."""
    return [Mention(actor, start, end, text[start:end])
            for start, end, actor in _index().find(text)]


def canonical(name: str) -> str | None:
    """The canonical name of an actor named in any of its aliases, else None."""
    mentions = find(name)
    if len(mentions) == 1 and mentions[0].end - mentions[0].start >= len(name.strip()) - 2:
        return mentions[0].actor.name
    return None


VERB_FINAL = frozenset({"de", "tr"})  # languages whose clauses often end with the verb
# Who speaks about an event (a ministry, a monitor, an agency) is not a party to it.
SPEAKERS = frozenset({"ngo", "ministry", "international"})


def _with_forces(named: list[Mention], forces: Sequence[Mention]) -> list[Mention]:
    """Registry mentions and forces named by noun and country, in order. A force overrides
    the government it overlaps ("Assad regime warplanes" are the military); any other
    registry name it overlaps is more precise than it ("Russian Aerospace Forces")."""
    kept = list(named)
    for force in forces:
        overlapping = [m for m in kept if m.start < force.end and force.start < m.end]
        if all(m.actor.kind == "government" for m in overlapping):
            kept = [m for m in kept if m not in overlapping] + [force]
    return sorted(kept, key=lambda m: (m.start, -m.end))


@dataclass(frozen=True)
class _RoleCues:
    between: re.Pattern[str]  # "between" after the event word, before its two parties
    self_claim: re.Pattern[str]  # "they said they launched": the source is also the actor
    verb_initial: bool
    target: re.Pattern[str]  # "على" right before a party: acted on
    agent: re.Pattern[str]  # between the event word and a party that is its agent: "der"
    instrumental: re.Pattern[str]  # the agent's first word: "армянскими"


@cache
def _role_cues(language: str) -> _RoleCues:
    table = load_toml("roles.toml")

    def words(section: str) -> list[str]:
        return [re.escape(w) for w in table.get(section, {}).get(language, [])]

    between = "|".join(words("between")) or r"(?!x)x"
    target = "|".join(words("target_before")) or r"(?!x)x"
    claims = "|".join(table.get("self_claims", {}).get(language, [])) or r"(?!x)x"
    genitive = "|".join(words("genitive_agent")) or r"(?!x)x"
    instrumental = "|".join(table.get("instrumental_agent", {}).get(language, [])) \
        or r"(?!x)x"
    return _RoleCues(re.compile(rf"\W*\w*\W+(?:\w+\W+){{0,3}}(?:{between})\W", re.I),
                     re.compile(claims, re.I),
                     language in table.get("verb_initial", []),
                     re.compile(rf"(?<!\w)(?:{target})\s+(?:\w+\s+)?$"),
                     re.compile(rf"\s+(?:{genitive})\s*", re.I),
                     re.compile(rf"(?:{instrumental})(?!\w)", re.I))


def roles(sentence: str, anchor: int, sources: frozenset[str] = frozenset(),
          forces: Sequence[Mention] = (), language: str = "en") -> list[dict[str, str]]:
    """Actors of an event with ACLED roles: the nearest before the event word acts (actor1),
    the first after it is acted on (actor2), unless marked as the agent ("killed by X").
    Actors the sentence cites as its sources, and speakers, are only ``associated``.
    ``forces`` adds a country's forces the registry does not name word for word."""
    named = _with_forces(find(sentence), forces)
    cues = _role_cues(language)
    if cues.self_claim.search(sentence):
        sources = frozenset()  # "the Houthis said they launched": their own act
    mentions = [m for m in named if m.actor.name not in sources
                and m.actor.kind not in SPEAKERS]
    if not mentions:
        return []
    # A name that holds the event word ("Israeli jets", "une frappe russe") acts.
    holding = [m for m in mentions if m.start <= anchor < m.end]
    before = [m for m in mentions if m.start < anchor or m in holding]
    after = [m for m in mentions if m.start >= anchor and m not in holding]
    actor1: Mention | None = None
    actor2: Mention | None = None
    word_end = anchor + len(re.split(r"\W", sentence[anchor:], maxsplit=1)[0])
    for mention in holding + after:
        if _AGENT.search(sentence[max(0, mention.start - 30):mention.start]):
            actor1 = mention
            break
        gap = sentence[word_end:mention.start]
        if mention.start >= word_end and (cues.agent.fullmatch(gap) or (
                not gap.strip() and cues.instrumental.match(mention.text))):
            actor1 = mention  # "Luftangriff der israelischen Armee", "обстрел армянскими"
            break
    # In a language that ends the clause with its verb, all named before it ("Die
    # israelische Armee hat Ziele der Hisbollah angegriffen"): the subject comes first.
    verb_last = language in VERB_FINAL and not after and not holding \
        and len({m.actor.name for m in before}) > 1
    # "مواقع قوات سوريا الديمقراطية" (positions of the SDF): acted on, wherever it stands.
    targets = [m for m in mentions if cues.target.search(sentence, 0, m.start)]
    before = [m for m in before if m not in targets]
    parties = [m for m in after if m not in targets]
    if actor1 is None and len(after) > 1 and cues.between.match(
            sentence, anchor, after[0].start):
        actor1 = after[0]  # "fighting between the army and the RSF": both sides, in order
    elif actor1 is None and not before and cues.verb_initial and parties:
        actor1 = parties[0]  # "قصفت قوات النظام السوري بلدة كفرنبل": the verb comes first
    if actor1 is None and before:
        actor1 = holding[0] if holding else before[0] if verb_last else before[-1]
    rest = [m for m in after if m is not actor1] or [m for m in targets if m is not actor1]
    if rest:
        actor2 = rest[0]
    elif actor1 is not None and actor1 in after and before:
        actor2 = before[-1]
    elif verb_last and actor1 is not None:
        actor2 = next(m for m in before if m.actor.name != actor1.actor.name)
    result: list[dict[str, str]] = []
    seen: set[str] = set()
    ranked: list[tuple[Mention | None, str]] = [(actor1, "actor1"), (actor2, "actor2")]
    ranked += [(m, "associated") for m in named]
    for chosen, role in ranked:
        if chosen is not None and chosen.actor.name not in seen:
            result.append({"name": chosen.actor.name, "role": role, "text": chosen.text})
            seen.add(chosen.actor.name)
    return result
