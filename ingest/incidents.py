"""Incidents: the same real-world event as told by different articles and outlets.

Two accounts are linked when their periods overlap (allowing for each one's precision and one
day of slack for time zones and late-night events), they are in the same country, their places
agree (the same place, or one inside the other's admin1 region), their event types are
compatible, and what they name (places, actors, kinds of figures) overlaps enough. Incidents are
the connected groups of links. Grouping depends only on the set of events, never on the order
they were ingested in; an incident's id is a hash of its members, so it stays the same while
they do. A researcher's merges and splits (a log of decisions, see ``apply_decisions``) are
applied after grouping, by every later ingest.
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from . import places
from .models import stable_id

SLACK = timedelta(days=1)
MAX_SPAN = timedelta(days=2)
LINKED_PRECISIONS = ("day",)  # accounts dated this closely link with each other
# Accounts dated only to a week or a month ("Last April, a sarin attack on Khan Sheikhoun")
# join an incident told at their town within that period, but link nothing themselves; a year
# says too little.
COARSE_PRECISIONS = ("week", "month")
GROUPED_PRECISIONS = LINKED_PRECISIONS + COARSE_PRECISIONS
MIN_SIMILARITY = 0.2
NEAR_KM = 3.0  # places this close are one scene: a hospital and its city

# Event types that one incident can be told as: an air strike killing civilians is told as an
# air strike by one outlet and as an attack on civilians by another.
_COMPATIBLE = {
    frozenset({"Explosions/Remote violence", "Violence against civilians"}),
    frozenset({"Battles", "Explosions/Remote violence"}),
    frozenset({"Battles", "Violence against civilians"}),
}


# Weapons one strike can be told as: a chemical attack dropped from the air is an air strike
# to some and a chemical attack to others; a missile is "shelling" or an "air strike".
_SUB_COMPATIBLE = {
    frozenset({"Air/drone strike", "Chemical weapon"}),
    frozenset({"Air/drone strike", "Shelling/artillery/missile attack"}),
    frozenset({"Shelling/artillery/missile attack", "Chemical weapon"}),
    frozenset({"Remote explosive/landmine/IED", "Suicide bomb"}),
}
# A blast is how the side that denies a strike tells it ("the explosion at al-Ahli", "Azov
# blew up the theatre", "an explosion tore through the barrack"): the same incident only at
# the same scene, since a province's bombings and air strikes on one day are many incidents.
_SUB_COMPATIBLE_AT_SCENE = {
    frozenset({"Remote explosive/landmine/IED", "Air/drone strike"}),
    frozenset({"Remote explosive/landmine/IED", "Shelling/artillery/missile attack"}),
}


def _period(event: dict[str, Any]) -> tuple[date, date] | None:
    if not event.get("date") or event.get("date_precision") not in GROUPED_PRECISIONS:
        return None
    return date.fromisoformat(event["date"]), date.fromisoformat(event["date_end"])


def _places(event: dict[str, Any]) -> tuple[tuple[str, ...], set[str]]:
    """(towns in the order the sentence names them, countries) of an event."""
    locations = event.get("locations") or []
    return (tuple(dict.fromkeys(loc["name"] for loc in locations if loc["precision"] == "place")),
            {loc["country"] for loc in locations})


def _tokens(event: dict[str, Any]) -> set[str]:
    """What an account names, in canonical form, so that accounts in different languages
    can be compared: places, actors and kinds of figures."""
    found = {f"place:{loc['name']}" for loc in event.get("locations") or []}
    found |= {f"actor:{a['name']}" for a in event.get("actors") or []}
    found |= {f"figure:{f['kind']}" for f in event.get("figures") or []}
    found.add(f"type:{event.get('sub_event_type')}")
    return found


class _Account:
    """What grouping compares of one event, computed once: comparing dicts field by field in
    every pair cost most of the grouping time on large stores."""

    __slots__ = ("areas", "coarse", "countries", "end", "event_id", "event_type", "names",
                 "points", "start", "sub", "tokens", "towns")

    def __init__(self, event: dict[str, Any], period: tuple[date, date]) -> None:
        self.event_id: str = event["event_id"]
        self.start, self.end = period[0].toordinal(), period[1].toordinal()
        self.coarse = event.get("date_precision") in COARSE_PRECISIONS
        self.towns, self.countries = _places(event)
        self.names = frozenset(self.towns)
        self.areas = places.areas(event.get("locations") or [])
        self.points = [(loc["lat"], loc["lon"]) for loc in event.get("locations") or []
                       if loc.get("precision") == "place" and loc.get("lat") is not None]
        self.event_type = event.get("event_type")
        sub = event.get("sub_event_type")
        self.sub = None if sub in (None, "Attack", "Other") else sub
        self.tokens = frozenset(_tokens(event))


_SLACK_DAYS = SLACK.days


def _linkable(a: _Account, b: _Account) -> bool:
    if a.start - _SLACK_DAYS > b.end or b.start - _SLACK_DAYS > a.end:
        return False
    if not a.countries or not b.countries or a.countries.isdisjoint(b.countries):
        return False
    shared_names = not a.names.isdisjoint(b.names) \
        or bool(a.points and b.points and _near(a.points, b.points))
    if a.names and b.names and not shared_names:
        # Different towns: only the same incident when one lies in the other's region.
        return False
    if not shared_names and a.areas and b.areas and a.areas.isdisjoint(b.areas):
        return False
    if a.event_type != b.event_type \
            and frozenset((a.event_type, b.event_type)) not in _COMPATIBLE:
        return False
    if a.sub is not None and b.sub is not None and a.sub != b.sub:
        pair = frozenset((a.sub, b.sub))
        if pair not in _SUB_COMPATIBLE and not (shared_names and pair in _SUB_COMPATIBLE_AT_SCENE):
            return False
    shared = len(a.tokens & b.tokens)
    return shared / max(1, len(a.tokens) + len(b.tokens) - shared) >= MIN_SIMILARITY


_NEAR_DEGREES = NEAR_KM / 111.2  # of latitude: a cheap first test


def _near(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """Whether two places lie within NEAR_KM: the theatre and the town it stands in."""
    for lat_a, lon_a in a:
        for lat_b, lon_b in b:
            if abs(lat_a - lat_b) > _NEAR_DEGREES:
                continue
            dx = (lon_a - lon_b) * math.cos(math.radians((lat_a + lat_b) / 2))
            if math.hypot(lat_a - lat_b, dx) * 111.2 <= NEAR_KM:
                return True
    return False


def _account(event: dict[str, Any]) -> _Account | None:
    period = _period(event)
    return None if period is None else _Account(event, period)


def _month_day(event: dict[str, Any]) -> tuple[int, int] | None:
    """The month and day of an account dated only by a year-less date ("On April 7th" in an
    undated text), or None."""
    value = event.get("date_month_day")
    if event.get("date") or not value:
        return None
    month, day = value.removeprefix("--").split("-")
    return int(month), int(day)


def _in_year(account: _Account, month_day: tuple[int, int], year: int) -> _Account | None:
    """A year-less account as if told in ``year`` (None when the day does not exist there)."""
    try:
        day = date(year, *month_day).toordinal()
    except ValueError:
        return None
    dated = object.__new__(_Account)
    for name in _Account.__slots__:
        setattr(dated, name, getattr(account, name))
    dated.start = dated.end = day
    return dated


def compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two accounts can be of one incident."""
    ka, kb = _account(a), _account(b)
    return ka is not None and kb is not None and not ka.coarse and not kb.coarse \
        and _linkable(ka, kb)


_CELL = 0.05  # degrees: a grid in which places NEAR_KM apart are at most one cell (two in
# longitude) apart anywhere below 74 degrees of latitude


def _cells(points: list[tuple[float, float]]) -> set[tuple[int, int]]:
    """The grid cells around an account's places, in which a place NEAR_KM away must lie."""
    found = set()
    for lat, lon in points:
        row, col = math.floor(lat / _CELL), math.floor(lon / _CELL)
        found |= {(row + dr, col + dc) for dr in (-1, 0, 1) for dc in (-2, -1, 0, 1, 2)}
    return found


def _candidates(accounts: list[_Account]) -> Iterable[tuple[int, int]]:
    """Pairs (i, j), i < j, of accounts that ``_linkable`` could link, in the order a scan of
    ``accounts`` (sorted by start) meets them: close enough in time, in a country they share,
    and, when both are placed in towns, at a town they share or one within NEAR_KM. Accounts
    are listed by country, by town and by grid cell, so that a busy day elsewhere, or in
    another town of the same country, costs nothing."""
    lists: dict[tuple[str, Any], list[int]] = defaultdict(list)
    for i, account in enumerate(accounts):
        for country in account.countries:
            lists["country", country].append(i)
            if not account.names:
                lists["unplaced", country].append(i)
        for name in account.names:
            lists["town", name].append(i)
        for lat, lon in account.points:
            lists["cell", (math.floor(lat / _CELL), math.floor(lon / _CELL))].append(i)
    for i, a in enumerate(accounts):
        horizon = a.end + _SLACK_DAYS
        if a.names:
            keys: list[tuple[str, Any]] = [("unplaced", c) for c in a.countries]
            keys += [("town", name) for name in a.names]
            keys += [("cell", cell) for cell in _cells(a.points)]
        else:
            keys = [("country", c) for c in a.countries]
        found: set[int] = set()
        for key in keys:
            members = lists.get(key)
            if not members:
                continue
            for k in range(bisect_right(members, i), len(members)):
                j = members[k]
                if accounts[j].start - _SLACK_DAYS > horizon:
                    break
                found.add(j)
        for j in sorted(found):
            yield i, j


def group(events: Sequence[dict[str, Any]]) -> list[list[str]]:
    """Groups of event ids that tell one incident, each sorted, in a stable order."""
    everyone = [k for k in map(_account, events) if k is not None]
    accounts = sorted((k for k in everyone if not k.coarse), key=lambda k: (k.start, k.event_id))
    parent = {k.event_id: k.event_id for k in accounts}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # An incident spans a few days at most: links that would stretch a group further are
    # refused, so that daily reports from one city do not chain into one "incident".
    span = {k.event_id: (k.start, k.end) for k in accounts}
    max_span = MAX_SPAN.days
    for i, j in _candidates(accounts):
        a, b = accounts[i], accounts[j]
        if not _linkable(a, b):
            continue
        ra, rb = root(a.event_id), root(b.event_id)
        if ra == rb:
            continue
        first = min(span[ra][0], span[rb][0])
        last = max(span[ra][1], span[rb][1])
        if last - first > max_span:
            continue
        parent[max(ra, rb)] = min(ra, rb)
        span[min(ra, rb)] = (first, last)
    groups: dict[str, list[str]] = defaultdict(list)
    for account in accounts:
        groups[root(account.event_id)].append(account.event_id)
    linked = [g for g in groups.values() if len(g) > 1]
    by_id = {k.event_id: k for k in accounts}
    _attach([k for k in everyone if k.coarse and k.names], linked, by_id)
    _attach_yearless(events, linked, by_id)
    return sorted((sorted(g) for g in linked), key=lambda g: g[0])


def _attach(coarse: list[_Account], linked: list[list[str]], by_id: dict[str, _Account]
            ) -> None:
    """Each account dated only to a week or a month joins at most one incident: the one with
    the most accounts it could be told with, at its town and within its period (ties go to the
    incident whose first event id is smallest). Of several towns, the first the sentence names
    that has such an incident decides: the others are mostly the clause that explains it ("as
    in Khan Shaykhun last April, ... Washington's pretext for its aggression on Shayrat").
    It never joins two incidents together, and nothing joins it, so the grouping of the other
    accounts stands as it was."""
    at_town: dict[str, list[tuple[int, str, int]]] = defaultdict(list)  # (start, id, group)
    for index, members in enumerate(linked):
        for event_id in members:
            for name in by_id[event_id].names:
                at_town[name].append((by_id[event_id].start, event_id, index))
    for entries in at_town.values():
        entries.sort()
    # Linked accounts span MAX_SPAN at most, so those that can overlap a period start after
    # its first day less that and the slack.
    reach = MAX_SPAN.days + _SLACK_DAYS
    first = [min(members) for members in linked]
    joins: list[tuple[int, str]] = []
    for account in coarse:

        def votes_at(name: str, account: _Account = account) -> Counter[int]:
            votes: Counter[int] = Counter()
            entries = at_town.get(name, [])
            k = bisect_left(entries, (account.start - reach, "", -1))
            while k < len(entries) and entries[k][0] <= account.end + _SLACK_DAYS:
                _, event_id, index = entries[k]
                k += 1
                if _linkable(account, by_id[event_id]):
                    votes[index] += 1
            return votes

        votes = _first_town_votes(account.towns, votes_at)
        if votes:
            best = min(votes, key=lambda i: (-votes[i], first[i]))
            joins.append((best, account.event_id))
    for index, event_id in joins:
        linked[index].append(event_id)


def _first_town_votes(towns: Iterable[str], votes_at: Callable[[str], Counter[int]]
                      ) -> Counter[int]:
    """The votes at the first town, in the order the sentence names them, that has any."""
    return next((votes for votes in map(votes_at, towns) if votes), Counter())


def _attach_yearless(events: Sequence[dict[str, Any]], linked: list[list[str]],
                     by_id: dict[str, _Account]) -> None:
    for index, event_id in _yearless_joins(_yearless(events), linked, by_id,
                                           [min(members) for members in linked]):
        linked[index].append(event_id)


def _yearless(events: Iterable[dict[str, Any]]) -> list[tuple[_Account, tuple[int, int]]]:
    return [(account, month_day) for event in events
            if (month_day := _month_day(event)) is not None
            and (account := _Account(event, (date.min, date.min))).names]


def _yearless_joins(yearless: list[tuple[_Account, tuple[int, int]]], linked: list[list[str]],
                    by_id: dict[str, _Account], first: list[str]) -> list[tuple[int, str]]:
    """An account dated only "On April 7th" (an undated page: no year could be given) joins at
    most one incident: the one with the most accounts it could be told with, at its first town
    that has one (as in ``_attach``), on that day of whichever year the incident's accounts
    give (ties go to the incident whose first event id is smallest). Like a coarse account, it
    links nothing itself. Returns (index in ``linked``, event id) pairs."""
    if not yearless or not linked:
        return []
    at_town: dict[str, list[tuple[str, int]]] = defaultdict(list)  # (event id, group)
    for index, members in enumerate(linked):
        for event_id in members:
            for name in by_id[event_id].names if event_id in by_id else ():
                at_town[name].append((event_id, index))
    joins: list[tuple[int, str]] = []
    for account, month_day in yearless:

        def votes_at(name: str, account: _Account = account,
                     month_day: tuple[int, int] = month_day) -> Counter[int]:
            votes: Counter[int] = Counter()
            for event_id, index in at_town.get(name, []):
                other = by_id[event_id]
                dated = _in_year(account, month_day, date.fromordinal(other.start).year)
                if dated is not None and _linkable(dated, other):
                    votes[index] += 1
            return votes

        votes = _first_town_votes(account.towns, votes_at)
        if votes:
            joins.append((min(votes, key=lambda i: (-votes[i], first[i])), account.event_id))
    return joins


def yearless_joins(yearless: Sequence[dict[str, Any]],
                   incidents: Sequence[tuple[str, Sequence[dict[str, Any]]]]
                   ) -> list[tuple[int, str]]:
    """``group``'s last step on incidents already made (the distributed path): for each
    year-less account that joins one, (index in ``incidents``, event id). ``incidents`` gives
    each incident's first (smallest) event id and those of its accounts at the year-less
    accounts' towns."""
    # Week- and month-dated members joined their incident without voting, as in ``group``.
    by_id = {e["event_id"]: k for _, members in incidents for e in members
             if (k := _account(e)) is not None and not k.coarse}
    linked = [[e["event_id"] for e in members if e["event_id"] in by_id]
              for _, members in incidents]
    return _yearless_joins(_yearless(yearless), linked, by_id, [f for f, _ in incidents])


def apply_decisions(groups: list[list[str]], decisions: Iterable[dict[str, Any]]
                    ) -> list[list[str]]:
    """A researcher's corrections, in order: ``merge`` puts the listed events in one incident,
    ``split`` takes the listed events out of theirs (into one incident of their own)."""
    membership = {e: i for i, g in enumerate(groups) for e in g}
    sets: dict[int, set[str]] = {i: set(g) for i, g in enumerate(groups)}
    next_id = len(groups)
    for decision in decisions:
        action = decision.get("action")
        if action not in ("merge", "split"):
            continue
        target = next_id
        next_id += 1
        sets[target] = set()
        for event in decision.get("events", []):
            old = membership.get(event)
            if old is not None and old != target and old in sets:
                # A merge brings the event's whole incident along; a split only the event.
                moving = sets.pop(old) if action == "merge" else {event}
                if action == "split":
                    sets[old].discard(event)
                for member in moving:
                    membership[member] = target
                    sets[target].add(member)
            membership[event] = target
            sets[target].add(event)
    return sorted((sorted(s) for s in sets.values() if len(s) > 1), key=lambda g: g[0])


def incident_id(members: Sequence[str]) -> str:
    return stable_id("i", *sorted(members))


def _range(values: list[tuple[int | None, int | None]]) -> dict[str, int | None]:
    lows = [lo for lo, _ in values if lo is not None]
    highs = [hi if hi is not None else lo for lo, hi in values]
    known_highs = [h for h in highs if h is not None]
    open_ended = any(hi is None for _, hi in values)
    return {"low": min(lows) if lows else None,
            "high": None if open_ended and (not known_highs or max(lows or [0]) >=
                                           max(known_highs)) else
            (max(known_highs) if known_highs else None)}


def describe(members: Sequence[dict[str, Any]], articles: dict[str, dict[str, Any]]
             ) -> dict[str, Any]:
    """The incident record: consensus values, every account, and where accounts disagree."""
    members = sorted(members, key=lambda e: e["event_id"])
    # Year-less accounts ("On April 7th" in an undated page) give no consensus date.
    starts = sorted(e["date"] for e in members if e["date"]) or [None]
    ends = sorted(e["date_end"] for e in members if e["date_end"]) or [None]
    types = Counter(e["event_type"] for e in members)
    places: Counter[tuple[str, str]] = Counter()
    location_of: dict[tuple[str, str], dict[str, Any]] = {}
    for e in members:
        for loc in e.get("locations") or []:
            if loc.get("inherited"):
                continue
            key = (loc["name"], loc["precision"])
            places[key] += 1
            location_of.setdefault(key, {k: loc[k] for k in
                                         ("name", "admin1", "country", "lat", "lon",
                                          "precision")})
    outlets = sorted({_outlet(e) for e in members})

    def published(e: dict[str, Any]) -> str:
        return str((articles.get(e["article_id"]) or {}).get("published") or "")

    # Figures: per outlet, the largest account of each kind it gave (its latest toll).
    by_kind: dict[str, dict[str, tuple[int | None, int | None]]] = defaultdict(dict)
    timeline: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for e in sorted(members, key=lambda e: (published(e), e["start"])):
        for f in e.get("figures") or []:
            outlet = _outlet(e)
            value = (f["low"], f["high"])
            timeline[f["kind"]][outlet].append({"published": published(e) or None,
                                                "low": f["low"], "high": f["high"]})
            old = by_kind[f["kind"]].get(outlet)
            if old is None or (value[0] or 0) > (old[0] or 0):
                by_kind[f["kind"]][outlet] = value
    figures = {kind: _range(list(values.values())) for kind, values in sorted(by_kind.items())}
    disagreements: list[dict[str, Any]] = []
    for kind, values in sorted(by_kind.items()):
        if len(set(values.values())) > 1:
            disagreements.append({"field": kind, "values": {o: list(v) for o, v in
                                                            sorted(values.items())}})
    dates = {o: sorted({_date_given(e) for e in members if _outlet(e) == o})
             for o in outlets}
    if len({tuple(v) for v in dates.values()}) > 1:
        disagreements.append({"field": "date", "values": dates})
    named = {o: sorted({loc["name"] for e in members if _outlet(e) == o
                        for loc in e.get("locations") or [] if not loc.get("inherited")})
             for o in outlets}
    if len({tuple(v) for v in named.values() if v}) > 1:
        disagreements.append({"field": "locations", "values": {o: v for o, v in named.items()
                                                              if v}})
    blamed = {o: sorted({a["name"] for e in members if _outlet(e) == o
                         for a in e.get("actors") or [] if a["role"] == "actor1"})
              for o in outlets}
    if len({tuple(v) for v in blamed.values() if v}) > 1:
        disagreements.append({"field": "responsibility", "values": {
            o: v for o, v in blamed.items() if v}})
    denials = {o: sorted({c for e in members if _outlet(e) == o and e.get("stance") == "denies"
                          for c in e.get("claimed_by") or []} or
                         ({"(the outlet)"} if any(_outlet(e) == o and e.get("stance") ==
                                                  "denies" for e in members) else set()))
               for o in outlets}
    if any(denials.values()):
        disagreements.append({"field": "denials", "values": {o: v for o, v in denials.items()
                                                            if v}})
    first = min(members, key=lambda e: (published(e) or "9999", e["event_id"]))
    return {
        "incident_id": incident_id([e["event_id"] for e in members]),
        "date": starts[len(starts) // 2] if len(starts) % 2 else starts[len(starts) // 2 - 1],
        "date_end": statistics.median_low(ends),
        "event_type": types.most_common(1)[0][0],
        "locations": [location_of[k] for k, _ in places.most_common(3)],
        "outlets": outlets,
        "event_ids": [e["event_id"] for e in members],
        "figures": figures,
        "disagreements": disagreements,
        "first_reported": {"outlet": first["outlet"], "published": published(first) or None},
        "figure_history": {kind: dict(per_outlet) for kind, per_outlet in timeline.items()},
    }


def _date_given(event: dict[str, Any]) -> str:
    """The date an account gives, as ISO 8601 text: a day, a period, or a year-less day."""
    if not event["date"]:
        return str(event.get("date_month_day") or "")
    if event["date"] == event["date_end"]:
        return str(event["date"])
    return f"{event['date']}/{event['date_end']}"


def _outlet(event: dict[str, Any]) -> str:
    """The outlet an account is filed under: one with no known outlet is "unknown"."""
    return str(event["outlet"] or "unknown")
