"""Events: one per sentence that reports something happening, typed with ACLED's categories."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from . import actors, claims, dates, figures, forces, places, sentences
from .lexicons import load_toml, with_marks, without_marks
from .models import Article, Event


@dataclass(frozen=True)
class _EventType:
    event_type: str
    sub_event_type: str
    pattern: re.Pattern[str]
    first: re.Pattern[str] | None = None  # a cue that wins over the types listed before


@cache
def _types(language: str) -> tuple[_EventType, ...]:
    found = []
    for entry in load_toml("events.toml")["type"]:
        words = entry.get(language) or entry.get("en") or []
        alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        exceptions = "|".join(re.escape(w) for w in entry.get("not", {}).get(language, []))
        unless = f"(?!{exceptions})" if exceptions else ""
        # Arabic joins conjunctions and prepositions to the word: "وقصف", "بالقصف".
        prefix = r"(?:[وف]?(?:ب|ل|ك)?(?:ال)?)?" if language == "ar" else ""
        first = entry.get("first", {}).get(language)
        found.append(_EventType(entry["event_type"], entry["sub_event_type"], re.compile(
            rf"(?<!\w){prefix}{unless}(?:{alternation})", re.IGNORECASE), re.compile(
            rf"(?<!\w){prefix}(?:{'|'.join(re.escape(w) for w in first)})", re.IGNORECASE)
            if first else None))
    return tuple(found)


_CASUALTIES_ONLY = ("Violence against civilians", "Attack")
# A possessive a few words before an actor's name: "Ukraine's Azov regiment".
_OWNER = re.compile(r"(?<![\w'’])[^\W\d_][\w-]*['’]s\s+(?:[^\W\d_][\w-]*\s+){0,2}$")
_CIRCUMFLEX = str.maketrans("âîûÂÎÛ", "aiuAIU")
LEAD_WORDS = 6  # a line of fewer words is a dateline or kicker, not the lead paragraph
ATTRIBUTION_WORDS = 15  # a longer sentence with a source and no event word says more than who


def classify(sentence: str, language: str) -> tuple[str, str, int] | None:
    """The ACLED (event type, sub-event type) a sentence reports, and where its word is.
    Types are tried in the order of events.toml; a type's ``first`` cues win over all
    ("thousands protested ... against the attack" is a protest, not an attack)."""
    if language == "tr":
        sentence = sentence.translate(_CIRCUMFLEX)  # "harekâtı" is "harekatı"; same length
    plain, offsets = without_marks(sentence)
    for kind in _types(language):
        found = kind.first.search(plain) if kind.first else None
        if found:
            return kind.event_type, kind.sub_event_type, with_marks(offsets, found.start())
    for kind in _types(language):
        found = kind.pattern.search(plain)
        if found:
            return kind.event_type, kind.sub_event_type, with_marks(offsets, found.start())
    return None


def extract(article: Article) -> list[Event]:
    """The events an article reports, each traceable to its sentence and offsets."""
    published = date.fromisoformat(article.published) if article.published else None
    language = article.language or "en"
    all_mentions = sorted(dates.find_dates(article.text, published, language),
                          key=lambda m: m.start)
    mentions = [m for m in all_mentions if not m.duration]
    # A name that is an actor's ("the Azov regiment", «Азов») is not a place there.
    named_actors = actors.find(article.text)
    taken = [(m.start, m.end) for m in named_actors]
    # "fighters of Ukraine's Azov regiment": the country that owns a named actor says whose
    # it is, not where the event was.
    owners = [(o.start(), m.start) for m in named_actors
              if (o := _OWNER.search(article.text, max(0, m.start - 40), m.start))]
    actor_spans, owner_spans = _Spans(taken), _Spans(owners)
    named_places = [f for f in places.find(article.text, language)
                    if not actor_spans.overlap(f.start, f.end)
                    and not (owner_spans.cover(f.start, f.end)
                             and all(c.kind == "country" for c in f.candidates))]
    # Indexed by where they start: a long text's every sentence had rescanned them all.
    mention_starts = [m.start for m in mentions]
    all_starts = [m.start for m in all_mentions]
    place_starts = [f.start for f in named_places]
    # The countries the article is about, from its unambiguous places and its actors' states
    # ("Syrian government forces"): an unknown "Damascus" is then the Syrian one.
    context = places.countries(named_places) + Counter(
        m.actor.country for m in named_actors if len(m.actor.country) == 2)
    events: list[Event] = []
    previous: Event | None = None
    previous_paragraph = -1
    split = list(sentences.split(article.text))
    lead = _lead(split)
    story: list[Event] = []  # the events that are not asides
    located: list[Event] = []  # the events with places
    for sentence in _lead_first(split, lead):
        typed = classify(sentence.text, language)
        if typed is None:
            previous = None if sentence.paragraph != previous_paragraph else previous
            denying = None if previous is None else _attribution(previous, sentence, article)
            if denying is not None:
                events.append(denying)
            continue
        own = mentions[bisect_left(mention_starts, sentence.start):
                       bisect_left(mention_starts, sentence.end)]
        dated = all_mentions[bisect_left(all_starts, sentence.start):
                             bisect_left(all_starts, sentence.end)]
        own = [m for m, caption in zip(own, dates.caption_dates(sentence.text, sentence.start,
                                                                 own, language), strict=True)
               if not caption]
        if not own and any(m.duration for m in dated):
            continue  # "more than 320,000 dead since 2011": background, not an event
        event = Event(article_id=article.article_id, outlet=article.outlet,
                      sentence=sentence.text, start=sentence.start, end=sentence.end,
                      event_type=typed[0], sub_event_type=typed[1])
        event.claimed_by, denial = claims.find_claims(sentence.text, language,
                                                       context=article.text[:sentence.start])
        event.stance = "denies" if denial else "asserts"
        event.actors = actors.roles(sentence.text, typed[2],
                                    claims.registry_names(event.claimed_by),
                                    forces.find(sentence.text, language, typed[2]), language)
        # A capital or country that speaks ("Moscow says") is no place of the event.
        speakers = [(s, e) for s, e, _ in claims.claim_spans(sentence.text, language)]
        in_sentence = [replace(f, start=f.start - sentence.start, end=f.end - sentence.start)
                       for f in named_places[bisect_left(place_starts, sentence.start):
                                             bisect_left(place_starts, sentence.end)]]
        in_sentence = places.without_directions([f for f in in_sentence if not any(
            (s, e) == (f.start, f.end)
            or (s <= f.start and f.end <= e and all(c.kind == "country" for c in f.candidates))
            for s, e in speakers)], sentence.text)
        if typed[0] == "Protests":
            in_sentence = places.without_topics(in_sentence, sentence.text)
        event.locations = _without_acting_state(places.specific(places.at_sea(places.resolve(
            _without_dateline(in_sentence, sentence.text), sentence.text, context),
            sentence.text)), event.actors)
        own_places = bool(event.locations)
        own_parties = any(a["role"] in ("actor1", "actor2") for a in event.actors)
        continues = previous is not None and sentence.paragraph == previous_paragraph
        if own:
            # "killed last week ..., a monitor said on Saturday": the event's date, not the
            # day it was told, unless the telling is all the sentence dates.
            told = claims.telling_dates(sentence.text, language,
                                        [(m.start - sentence.start, m.end - sentence.start)
                                         for m in own])
            first = dates.lead_mention([m for m, t in zip(own, told, strict=True) if not t] or own)
            event.date, event.date_end = first.iso
            if published and first.date and first.date_end \
                    and first.date <= published < first.date_end:
                # "This week", "this month": what the article reports had happened by the
                # day it was published, so the period ends there.
                event.date_end = published.isoformat()
            event.date_precision, event.date_text = first.precision, first.text
            event.date_basis = "text" if first.date else None
            if first.date is None and first.yearless:
                # "On April 7th" in an undated text: kept, so that grouping can still find
                # the incident on that day in some year.
                event.date_month_day = "--{:02d}-{:02d}".format(*first.yearless)
        elif continues or (events and not _background(sentence.text, language)):
            # A sentence that continues the event before it, or gives another account (or a
            # denial) of an event the article reports, takes its date, and says so; its places
            # may show it goes back to an earlier event, after a sentence of background.
            source = _returned_to(story or events, event, events)
            _inherit(event, source, typed[:2] == _CASUALTIES_ONLY)
        elif sentence.paragraph == lead and not events and published is not None:
            # The lead of a news report with no date tells of the day or so before it was
            # published (ACLED's rule: code the report's date); a two-day period says so.
            event.date = (published - timedelta(days=1)).isoformat()
            event.date_end = published.isoformat()
            event.date_precision, event.date_basis = "day", "published"
        else:
            continue  # no date of its own and nothing to continue: background, not an event
        dated_spans = [(m.start - sentence.start, m.end - sentence.start) for m in dated]
        event.figures = [f.record() for f in
                         figures.find_figures(sentence.text, language, dated_spans)]
        if event.date_inherited and not (event.figures or event.claimed_by or own_places
                                         or own_parties):
            # With no date of its own, a sentence is another account of the event only when
            # it counts something, cites a source, or names a place or a party; "the number
            # of casualties is contested", "it was the first strike in weeks" comment on it.
            continue
        _add_civilians(event, sentence.text, language)
        if not event.locations:
            # No place of its own: where the article's events have been placed so far (where
            # an earlier event on the same day was, when the sentence dates itself: "the base
            # from which the warplanes took off to carry out Tuesday's attack"), else the
            # article's first place; marked as inherited.
            placed = located
            if own:
                placed = [e for e in placed if (e.date, e.date_end) == (event.date, event.date_end)
                          and not e.date_inherited] or placed
            fallback = placed[-1].locations if placed else places.resolve(
                named_places[:1], article.text, context)
            event.locations = [{**loc, "inherited": True} for loc in fallback]
        # "... to carry out Tuesday's attack": an aside on an event told before; the sentences
        # after it go on with the story, not with the aside.
        if not (own and dates.names_event(article.text, first, language) and any(
                (e.date, e.date_end) == (event.date, event.date_end) for e in events)):
            story.append(event)
        if event.locations:
            located.append(event)
        events.append(event)
        previous, previous_paragraph = event, sentence.paragraph
    return sorted(events, key=lambda e: e.start)


_PROSE_END = re.compile(r"[.!?؟…。][\"”»’'\)]*\s*$")
_LIST_ITEM = re.compile(r"^\s*[-–—•*·▪►]\s")


class _Spans:
    """Spans that do not overlap each other, sorted, for asking about another in log time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def overlap(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and self.spans[i][1] > start

    def cover(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.spans[i][1] >= end


def _lead(split: list[sentences.Sentence]) -> int:
    """The paragraph of the story's lead: the first of prose. A dateline or kicker line
    ("حمص-سانا", "BREAKING"), a headline or deck without a full stop ("Evidence Points to
    Misfired Rocket but Full Investigation Needed") and the bullet points of a summary come
    before it and are not the story's beginning."""
    long = [s for s in split if len(s.text.split()) >= LEAD_WORDS]
    prose = (s.paragraph for s in long
             if _PROSE_END.search(s.text) and not _LIST_ITEM.match(s.text))
    return next(prose, long[0].paragraph if long else 0)


def _lead_first(split: list[sentences.Sentence], lead: int) -> list[sentences.Sentence]:
    """The sentences in the order they are read for events: the lead before what stands above
    it, so that a summary's undated points ("- The blast at al-Ahli Arab Hospital appears to
    have been caused by a rocket") are accounts of the events the story then dates."""
    above = [s for s in split if s.paragraph < lead]
    return [s for s in split if s.paragraph == lead] + above \
        + [s for s in split if s.paragraph > lead]


# "WASHINGTON/BEIRUT (Reuters) -", "KYIV, Ukraine (AP) —", "(Jerusalem) –", "BEIRUT At least":
# where the report was filed, written in capitals (or in brackets) before the story begins.
_DATELINE = re.compile(
    r"^\s*(?:\((?P<bracketed>[^\W\d_][^()\n]{1,40})\)\s*[-—–:]"
    r"|(?P<capitals>[^\W\d_a-zа-яё]{2,}(?:[ /'’.-]+[^\W\d_a-zа-яё]{2,})*)"
    r"(?:,\s*[^\W\d_][\w .]{1,30}?)?\s*(?:\([^()\n]{1,30}\))?\s*(?:[-—–:]|(?=[A-ZА-Я]\w*\s)))")


def _attribution(previous: Event, sentence: sentences.Sentence, article: Article
                 ) -> Event | None:
    """A short sentence that names no event but says who told the one before it ("That is
    what governor Pavlo Kyrylenko said.") adds its sources to that event; one that denies it
    ("Kiew dementierte dies.") is that event as the denier tells it, a record of its own."""
    if len(sentence.text.split()) > ATTRIBUTION_WORDS:
        return None
    language = article.language or "en"
    claimed, denial = claims.find_claims(sentence.text, language,
                                         context=article.text[:sentence.start])
    if not denial:
        previous.claimed_by = list(dict.fromkeys([*previous.claimed_by, *claimed]))
        return None
    event = Event(article_id=article.article_id, outlet=article.outlet, sentence=sentence.text,
                  start=sentence.start, end=sentence.end, event_type=previous.event_type,
                  sub_event_type=previous.sub_event_type, claimed_by=claimed, stance="denies")
    _inherit(event, previous, False)
    return event


def _without_acting_state(locations: list[dict[str, Any]], roles: list[dict[str, str]]
                          ) -> list[dict[str, Any]]:
    """The state that acts is not where it acts: "a US drone strike ... in Baghdad",
    "Rusya'nın Harkiv'e düzenlediği saldırı". Its country goes when the event is placed in
    another country too."""
    registry = actors.registry()
    acting = {registry[a["name"]].country for a in roles
              if a["role"] == "actor1" and a["name"] in registry} - {""}
    kept = [loc for loc in locations
            if not (loc["precision"] == "country" and loc["country"] in acting)]
    return kept if any(loc["country"] not in acting for loc in kept) else locations


def _without_dateline(found: list[places.Found], sentence: str) -> list[places.Found]:
    """The places of a sentence less its dateline's, when it names a town or region of its
    own: the bureau a story was filed from is not where the event happened."""
    match = _DATELINE.match(sentence)
    if match is None:
        return found
    inside = [f for f in found if f.end <= match.end()]
    rest = [f for f in found if f.end > match.end()]
    if inside and any(any(c.kind != "country" for c in f.candidates) for f in rest):
        return rest
    return found


@cache
def _civilian_words(language: str) -> re.Pattern[str]:
    words = load_toml("events.toml")["civilians"].get(language, [])
    alternation = "|".join(re.escape(w) for w in words) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{alternation})", re.IGNORECASE)


def _add_civilians(event: Event, sentence: str, language: str) -> None:
    """Civilians harmed are acted on: ACLED's "Civilians (Syria)" as actor2, by the country
    of the event's place."""
    if any(a["role"] == "actor2" for a in event.actors) or not event.locations:
        return
    match = _civilian_words(language).search(sentence)
    if match is None:
        return
    country = event.locations[0]["country"]
    for actor in actors.registry().values():
        if actor.kind == "civilians" and actor.country == country \
                and actor.name.startswith("Civilians"):
            event.actors.append({"name": actor.name, "role": "actor2", "text": match.group(0)})
            return


@cache
def _background_cues(language: str) -> re.Pattern[str]:
    words = load_toml("events.toml")["background"].get(language, [])
    alternation = "|".join(re.escape(w) for w in words) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{alternation})", re.IGNORECASE)


def _background(sentence: str, language: str) -> bool:
    return bool(_background_cues(language).search(sentence))


def _same_place(event: Event, other: Event) -> bool | None:
    own, theirs = places.areas(event.locations), places.areas(other.locations)
    return bool(own & theirs) if own and theirs else None


def _parties(event: Event, role: str) -> set[str]:
    return {a["name"] for a in event.actors if a["role"] == role}


def _returned_to(events: list[Event], event: Event, told: list[Event]) -> Event:
    """The event a sentence with no date of its own goes on with: the last one, unless
    its places say it is another the article told of earlier (after a paragraph of background
    on "Tuesday's attack in Khan Shaykhun", "the Homs governor" is back at the strike on Homs).
    Weapons are no guide: one story's blast is a rocket in the next sentence. But with no
    earlier event at its place, it is the story's first event when that one named no town or
    region and was told with the same weapon, unlike the last ("missiles at a Syrian air base
    on Thursday", then background on "Tuesday's chemical attack in Khan Shaykhun", then "the
    missiles ... targeted the Shayrat air base").
    Nor is it the last event when the side that event struck is the one striking, unless they
    were fighting each other: "Russia has said the Syrian air force hit a rebel depot", after
    the US strike on a Syrian base, is the attack the article earlier laid on the Syrian air
    force (in any sentence ``told``, asides included)."""
    last = events[-1]
    striking = _parties(event, "actor1")
    if striking & _parties(last, "actor2") and last.event_type != "Battles":
        for earlier in reversed(told):
            if earlier is not last and striking & _parties(earlier, "actor1"):
                return earlier
    if _same_place(event, last) is False:
        for earlier in reversed(events[:-1]):
            if _same_place(event, earlier):
                return earlier
        lead = events[0]
        if _same_place(event, lead) is None and places.areas(event.locations) \
                and lead.sub_event_type == event.sub_event_type != last.sub_event_type:
            return lead
    return last


def _inherit(event: Event, source: Event, casualties_only: bool) -> None:
    event.date, event.date_end = source.date, source.date_end
    event.date_precision, event.date_text = source.date_precision, source.date_text
    event.date_inherited = True
    event.date_basis = "inherited" if source.date else None
    event.date_month_day = source.date_month_day
    if casualties_only:
        # "600 died in one of the attacks": the toll of the event it continues.
        event.event_type, event.sub_event_type = source.event_type, source.sub_event_type
    if not event.actors:
        event.actors = [dict(a) for a in source.actors]
    if not event.locations:
        event.locations = [{**loc, "inherited": True} for loc in source.locations]
