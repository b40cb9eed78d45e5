"""The bundled demo corpus (data/) and its gold annotations (tests/gold/demo/)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, REPO

from ingest import Store
from ingest.formats import decode, detect, read_bytes

GOLD = Path(__file__).resolve().parent / "gold" / "demo"


def gold_articles() -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = []
    for path in sorted(GOLD.glob("*.json")):
        articles.extend(json.loads(path.read_text(encoding="utf-8"))["articles"])
    return articles


def gold_incidents() -> list[dict[str, Any]]:
    incidents: list[dict[str, Any]] = []
    for path in sorted(GOLD.glob("*.json")):
        incidents.extend(json.loads(path.read_text(encoding="utf-8"))["incidents"])
    return incidents


def _stored(store: Store) -> dict[str, dict[str, Any]]:
    return {str(Path(r["source"].split("#")[0]).relative_to(REPO / "data"))
            + ("#" + r["source"].split("#")[1] if "#" in r["source"] else ""): r
            for r in store.records("articles")}


def test_corpus_meets_the_brief() -> None:
    gold = gold_articles()
    assert len(gold) >= 40
    assert len({a["outlet"] for a in gold}) >= 8
    assert len({a["language"] for a in gold}) >= 3
    incidents = gold_incidents()
    assert len(incidents) >= 8
    assert all("2015" <= i["date"][:4] <= "2023" for i in incidents)
    for incident in incidents:  # each incident told by several outlets
        outlets = {a["outlet"] for a in gold for e in a["events"]
                   if e.get("incident") == incident["key"]}
        assert len(outlets) >= 3, incident["key"]


def _files() -> Iterator[Path]:
    yield from (p for p in sorted(CORPUS.rglob("*")) if p.is_file())


def test_corpus_has_every_input_format() -> None:
    formats = {detect(decode(read_bytes(p))) for p in _files()}
    assert {"text", "html", "feed", "csv", "jsonl"} <= formats


def test_every_gold_article_is_ingested_with_its_sentences(demo_store: Store) -> None:
    stored = _stored(demo_store)
    gold = gold_articles()
    assert set(stored) == {a["source"] for a in gold}
    missing = [(a["source"], e["sentence"][:60]) for a in gold for e in a["events"]
               if " ".join(e["sentence"].split()) not in " ".join(stored[a["source"]]["text"]
                                                                  .split())]
    # Sentences the cleaner cut out of the text would be lost to every extractor.
    assert len(missing) <= 0.02 * sum(len(a["events"]) for a in gold), missing


@pytest.mark.parametrize("field,floor", [("outlet", 0.95), ("published", 0.95),
                                         ("language", 0.98), ("title", 0.9)])
def test_article_metadata_against_gold(demo_store: Store, field: str, floor: float) -> None:
    stored = _stored(demo_store)
    gold = gold_articles()
    right = sum(1 for a in gold if (stored[a["source"]][field] or None) == (a[field] or None))
    assert right / len(gold) >= floor, f"{field}: {right}/{len(gold)}"
