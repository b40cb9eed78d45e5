"""FA-KES, ingested without its labels, scored against them.

FA-KES (804 real Syrian-war articles, 15 outlets) carries crowd-labelled *event* dates,
governorates and casualty counts. None of these labels is an input here: the `date` column is
switched off (`--map published=`), so publication dates come from the articles' own datelines.

Prints, and with --json returns:
* outlet: share of rows whose outlet slug is the one the registry gives for the row's source;
* published_in_text: share whose publication date was found in the text (basis "text");
* published_near_label: of those, share within 3 days of the labelled event date;
* event_date_any / event_date_lead: share of articles with an event (any / the first dated one)
  within a day of the labelled date, beside the naive baseline of
  dateparser.search_dates(text, languages=["en"]) against the same label;
* event_date_reachable: the ceiling both event-date shares can reach with these texts: the
  share of articles whose own text names a date within a day of the label (every date
  expression `ingest.dates` finds, resolved against the stored publication date), or whose
  publication date is itself within a day of it. A label the text never states cannot be found;
* incident_precision / _recall / _f1: pairwise over articles (the same labelled date, governorate
  and cause are one incident; an article is in its lead event's incident), and
  incident_f1_reachable, the same on the articles counted in event_date_reachable, and
  incident_f1_ceiling, the F1 of a grouping that never errs and joins every labelled pair of
  reachable articles;
* label_agreement / label_date_agreement: of the label_pairs_same_lead pairs of articles whose
  leads their own texts date to the same day, place at the same town and tell with the same
  weapon, the share whose labels make them one incident / give them the same date: how far the
  labels follow the texts, and so a bound on grouping precision against them.

    .venv/bin/python bench/fakes.py [--baseline] [--json] [--misses N [--seed S]]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import tempfile
from datetime import date, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FAKES = REPO.parent / "shared" / "corpus" / "fa-kes" / "fakes.csv"
MAPPING = {"title": "article_title", "text": "article_content", "outlet": "source",
           "published": ""}
sys.path.insert(0, str(REPO))

from ingest import Hints, Store, build_article, ingest
from ingest.dates import find_dates
from ingest.formats import (
    decode,
    read_file,
)
from ingest.outlets import by_name


# FA-KES's governorate labels, as the admin1 names the gazetteer gives (the label "damascus"
# covers the city and its countryside, Rif Dimashq).
def _norm(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


GOVERNORATES = {
    "damascus": {_norm("Damascus"), _norm("Rif Dimashq")},
    "deir ezzor": {_norm("Deir ez-Zor"), _norm("Deir ez Zor"), _norm("Deir Ezzor")},
    "hasakeh": {_norm("Al-Hasakah"), _norm("Hasakah"), _norm("Al Hasakah")},
    "lattakia": {_norm("Latakia")},
    "tartous": {_norm("Tartus")},
}


def labels() -> list[dict[str, str]]:
    csv.field_size_limit(10**8)
    return list(csv.DictReader(io.StringIO(decode(FAKES.read_bytes()), newline="")))


def label_date(row: dict[str, str]) -> date:
    return datetime.strptime(row["date"], "%m/%d/%y").date()


def _near(value: str | None, target: date, days: int) -> bool:
    return value is not None and abs((date.fromisoformat(value) - target).days) <= days


def score(workers: int = 2, misses: int = 0, seed: int = 11) -> dict[str, Any]:
    rows = labels()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        summary = ingest([FAKES], store, workers=workers, mapping=MAPPING)
        stored = {a["article_id"]: a for a in store.records("articles")}
        events: dict[str, list[dict[str, Any]]] = {}
        for event in sorted(store.records("events"), key=lambda e: e["start"]):
            events.setdefault(event["article_id"], []).append(event)
    # Rows repeating an article (FA-KES has a few) are stored once: find each row's article.
    ids = [build_article(doc, Hints()).article_id for doc in read_file(FAKES, "f", MAPPING)]
    articles = {number: stored.get(article_id) for number, article_id in enumerate(ids, 1)}
    # Incidents: FA-KES articles with the same labelled date, governorate and cause are one.
    # An article is in the incident of its lead event (the first with an incident): FA-KES
    # labels one incident per article, while the articles also tell of others.
    incident_of: dict[str, set[str]] = {}
    for event_list in events.values():
        for e in event_list:
            if e.get("incident_id"):
                incident_of.setdefault(e["article_id"], {e["incident_id"]})
                break
    n = len(rows)
    missed: list[dict[str, Any]] = []
    right_outlet = in_text = near = any_event = lead_event = 0
    gov_hit = gov_any = killed_hit = killed_any = 0
    reachable: set[int] = set()  # rows whose label the article's own text can reach
    for number, row in enumerate(rows, start=1):
        article = articles.get(number)
        if article is None:
            continue
        expected = by_name(row["source"])
        right_outlet += bool(expected and article["outlet"] == expected.slug)
        target = label_date(row)
        if article["published_basis"] == "text":
            in_text += 1
            near += _near(article["published"], target, 3)
        found = events.get(article["article_id"], [])
        governorates = {_norm(loc["admin1"] or (loc["name"] if loc["precision"] == "admin1"
                                                  else "")) for e in found
                        for loc in e["locations"]} - {""}
        gov_any += bool(governorates)
        gov_hit += bool(governorates & GOVERNORATES.get(row["location"], {_norm(row["location"])}))
        total = int(row["nb_civilians"] or 0) + int(row["nb_noncivilians"] or 0)
        tolls = [f for e in found for f in e["figures"] if f["kind"] == "killed"]
        killed_any += bool(tolls)
        killed_hit += any(f["low"] is not None and f["low"] <= total <= (f["high"] or f["low"])
                          for f in tolls) or (total == 0 and not tolls)
        dated = [e for e in found if e["date"]]
        hit = any(_near(e["date"], target, 1) or _near(e["date_end"], target, 1) for e in dated)
        any_event += hit
        if not hit:
            missed.append({"label": target.isoformat(), "published": article["published"],
                           "outlet": article["outlet"], "opening": article["text"][:300],
                           "dates": sorted({f"{e['date']} ({e['date_text'] or 'inherited'})"
                                            for e in dated})})
        lead_event += bool(dated) and (_near(dated[0]["date"], target, 1)
                                       or _near(dated[0]["date_end"], target, 1))
        published = date.fromisoformat(article["published"]) if article["published"] else None
        if hit or _near(article["published"], target, 1) or any(
                _near(m.iso[0], target, 1) or _near(m.iso[1], target, 1)
                for m in find_dates(article["text"], published, article["language"])):
            reachable.add(number)
    keyed = [(ids[i], (r["date"], r["location"], r["cause_of_death"])) for i, r in enumerate(rows)]
    precision, recall = _pairwise(keyed, incident_of)
    # The same on the articles whose label their own text can reach (see event_date_reachable):
    # what is left of the gap there is grouping's, not the labels'.
    precision_r, recall_r = _pairwise([k for i, k in enumerate(keyed, 1) if i in reachable],
                                      incident_of)
    # Ceiling: a grouping that never errs can join only pairs of articles whose labels their
    # text can reach; with precision 1, the F1 of that recall.
    together = [(i, j) for i, (a, key_a) in enumerate(keyed, 1)
                for j, (b, key_b) in enumerate(keyed[i:], i + 1) if a != b and key_a == key_b]
    ceiling = sum(i in reachable and j in reachable for i, j in together) / max(len(together), 1)
    grouping = {"incident_precision": precision, "incident_recall": recall,
                "incident_f1": 2 * precision * recall / max(precision + recall, 1e-9),
                "incident_f1_reachable": 2 * precision_r * recall_r
                / max(precision_r + recall_r, 1e-9),
                "incident_f1_ceiling": 2 * ceiling / (1 + ceiling),
                **_label_agreement(keyed, events)}
    return {**grouping, "rows": n, "read": summary.articles_read, "stored": len(stored),
            "failed": len(summary.failed),
            "outlet": right_outlet / n, "published_in_text": in_text / n,
            "published_near_label": near / max(in_text, 1),
            "event_date_any": any_event / n, "event_date_lead": lead_event / n,
            "event_date_reachable": len(reachable) / n,
            "governorate_recall": gov_hit / n, "governorate_precision": gov_hit / max(gov_any, 1),
            "killed_recall": killed_hit / n, "killed_precision": killed_hit / max(killed_any, 1),
            **({"date_misses": random.Random(seed).sample(missed, min(misses, len(missed)))}
               if misses else {})}


def _label_agreement(keyed: list[tuple[str, tuple[str, str, str]]],
                     events: dict[str, list[dict[str, Any]]]) -> dict[str, float]:
    """How far the labels follow the texts. Pairs of articles whose leads are dated in their
    own text to the same day, placed at the same town and told with the same weapon are as sure
    a sign of one incident as the texts give; the share of them whose labels make one incident
    (the same date, governorate and cause) bounds the precision any grouping of texts can have
    against these labels."""
    label: dict[str, tuple[str, str, str]] = {}
    for article_id, key in keyed:
        label.setdefault(article_id, key)
    at: dict[tuple[str, str, str], set[str]] = {}
    for article_id in label:
        lead = events.get(article_id, [None])[0]
        if lead is None or lead["date_inherited"] or lead["date_precision"] != "day":
            continue
        for loc in lead["locations"]:
            if loc["precision"] == "place" and not loc.get("inherited"):
                at.setdefault((loc["name"], lead["date"], lead["sub_event_type"]),
                              set()).add(article_id)
    pairs = {pair for members in at.values() for pair in combinations(sorted(members), 2)}
    agree = sum(label[a] == label[b] for a, b in pairs)
    same_date = sum(label[a][0] == label[b][0] for a, b in pairs)
    return {"label_pairs_same_lead": len(pairs),
            "label_agreement": agree / max(len(pairs), 1),
            "label_date_agreement": same_date / max(len(pairs), 1)}


def _pairwise(keyed: list[tuple[str, tuple[str, str, str]]],
              incident_of: dict[str, set[str]]) -> tuple[float, float]:
    """Pairwise precision and recall of the articles' incidents against the labels' keys."""
    tp = fp = fn = 0
    for i, (art_a, key_a) in enumerate(keyed):
        for art_b, key_b in keyed[i + 1:]:
            if art_a == art_b:
                continue
            gold = key_a == key_b
            mine = bool(incident_of.get(art_a, set()) & incident_of.get(art_b, set()))
            tp += gold and mine
            fp += mine and not gold
            fn += gold and not mine
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def baseline() -> float:
    """The naive pass: any date search_dates finds within a day of the label."""
    from dateparser.search import search_dates

    rows = labels()
    hits = 0
    for row in rows:
        found = search_dates(row["article_content"], languages=["en"]) or []
        target = label_date(row)
        hits += any(abs((d.date() - target).days) <= 1 for _, d in found)
    return hits / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", action="store_true", help="also run the naive baseline")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="also show N articles, drawn at random, with no event within a "
                             "day of the label, to read against it")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    results = score(misses=args.misses, seed=args.seed)
    if args.baseline:
        results["baseline_event_date_any"] = baseline()
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for miss in results.pop("date_misses", []):
        print(f"label {miss['label']}, published {miss['published']} ({miss['outlet']}): "
              f"{miss['opening']}\n    dated: {', '.join(miss['dates']) or 'nothing'}\n")
    for key, value in results.items():
        print(f"{key:<26} {value:.3f}" if isinstance(value, float) else f"{key:<26} {value}")


if __name__ == "__main__":
    main()
