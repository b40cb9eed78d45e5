"""Extraction scored against the hand-coded gold of the demo corpus (tests/gold/demo/).

Gold events are matched to extracted events by their sentence; then, per field, precision and
recall over the matched pairs: date (date and date_end exact), places (each location's name and
its admin1 region, by their bare names, as the gold lists both), figures (kind, low, high
exact), actors (actor1 and actor2 names), claimed_by (names). Also article metadata: outlet,
published, title.

    .venv/bin/python bench/demo_gold.py [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "gold" / "demo"
sys.path.insert(0, str(REPO))

from ingest import Store, ingest


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _name(value: str) -> str:
    value = re.sub(r"\s+(Governorate|Province|Oblast|Air Base|airfield)$", "", value, flags=re.I)
    return "".join(c for c in value.casefold() if c.isalnum())


def gold_articles() -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = []
    for path in sorted(GOLD.glob("*.json")):
        articles.extend(json.loads(path.read_text(encoding="utf-8"))["articles"])
    return articles


class Tally:
    def __init__(self) -> None:
        self.right_predicted = self.predicted = self.right_gold = self.gold = 0

    def add(self, predicted: set[Any], gold: set[Any]) -> None:
        self.predicted += len(predicted)
        self.gold += len(gold)
        self.right_predicted += len(predicted & gold)
        self.right_gold += len(predicted & gold)

    def scores(self) -> dict[str, float]:
        p = self.right_predicted / self.predicted if self.predicted else 0.0
        r = self.right_gold / self.gold if self.gold else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3),
                "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def score(store: Store) -> dict[str, Any]:
    stored = {}
    for article in store.records("articles"):
        source = article["source"]
        rel = str(Path(source.split("#")[0]).resolve().relative_to(REPO / "data"))
        stored[rel + ("#" + source.split("#")[1] if "#" in source else "")] = article
    by_article: dict[str, list[dict[str, Any]]] = {}
    for event in store.records("events"):
        by_article.setdefault(event["article_id"], []).append(event)
    tallies = {k: Tally() for k in ("events", "date", "places", "figures", "actors",
                                    "claimed_by")}
    meta = {k: 0 for k in ("outlet", "published", "title")}
    pairs: list[tuple[str, str, str | None, str | None]] = []  # article, event, gold, mine
    gold = gold_articles()
    for article in gold:
        mine = stored[article["source"]]
        for key in meta:
            meta[key] += (mine[key] or None) == (article[key] or None)
        events = by_article.get(mine["article_id"], [])
        matched: set[str] = set()
        for g in article["events"]:
            sentence = _norm(g["sentence"])
            hits = [e for e in events if sentence in _norm(e["sentence"])
                    or _norm(e["sentence"]) in sentence]
            if not hits:
                continue
            e = hits[0]
            matched.add(e["event_id"])
            pairs.append((article["source"], e["event_id"], g.get("incident"),
                          e.get("incident_id")))
            tallies["date"].add({(e["date"], e["date_end"])} if e["date"] else set(),
                                {(g["date"], g["date_end"])} if g.get("date") else set())
            # The gold lists a town's region beside it ("Kramatorsk", "Donetsk Oblast"); each
            # location record carries its admin1, so both levels are compared. It codes an
            # event's places whether its sentence names them or not, so inherited ones count.
            located = e["locations"]
            names = {_name(loc["name"]) for loc in located} | {
                _name(loc["admin1"]) for loc in located if loc.get("admin1")}
            tallies["places"].add(names, {_name(p) for p in g.get("places") or []})
            tallies["figures"].add({(f["kind"], f["low"], f["high"]) for f in e["figures"]},
                                   {(f["kind"], f["low"], f["high"]) for f in g["figures"]})
            tallies["actors"].add({(a["role"], a["name"]) for a in e["actors"]
                                   if a["role"] in ("actor1", "actor2")},
                                  {(role, g[role]) for role in ("actor1", "actor2") if g.get(role)})
            tallies["claimed_by"].add({_name(c) for c in e["claimed_by"]},
                                      {_name(c) for c in g["claimed_by"]})
        t = tallies["events"]
        t.gold += len(article["events"])
        t.right_gold += sum(1 for g in article["events"] if any(
            _norm(g["sentence"]) in _norm(e["sentence"]) or _norm(e["sentence"]) in
            _norm(g["sentence"]) for e in events))
        t.predicted += len(events)
        t.right_predicted += len(matched)
    result: dict[str, Any] = {name: t.scores() for name, t in tallies.items()}
    result["incidents"] = pairwise(pairs)
    result.update({f"article_{k}": round(v / len(gold), 3) for k, v in meta.items()})
    return result


def pairwise(items: list[tuple[str, str, str | None, str | None]]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of grouping, over pairs of accounts from different
    articles: a pair is together in the gold when both carry the same incident key."""
    tp = fp = fn = 0
    for i, (art_a, _, gold_a, mine_a) in enumerate(items):
        for art_b, _, gold_b, mine_b in items[i + 1:]:
            if art_a == art_b:
                continue
            gold = gold_a is not None and gold_a == gold_b
            mine = mine_a is not None and mine_a == mine_b
            tp += gold and mine
            fp += mine and not gold
            fn += gold and not mine
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        ingest([REPO / "data" / "corpus"], store, workers=2)
        return score(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run()
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for key, value in results.items():
        print(f"{key:<18} {value}")


if __name__ == "__main__":
    main()
