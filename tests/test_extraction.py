"""Events from the seed and from short texts: type, date, places, actors, figures, claims."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import SEED, require

from ingest import Hints, build_article
from ingest.claims import find_claims
from ingest.events import extract
from ingest.figures import find_figures
from ingest.formats import read_file
from ingest.places import locate


@pytest.fixture(scope="module")
def seed_events() -> list[dict[str, Any]]:
    path = require(SEED) / "southfront-russian-sorties.txt"
    article = build_article(read_file(path, str(path))[0], Hints())
    assert article.published == "2015-11-20" and article.published_basis == "inferred"
    return [e.record() for e in extract(article)]


def test_seed_events_together(seed_events: list[dict[str, Any]]) -> None:
    dated = [e for e in seed_events if e["date"] == "2015-11-20"]
    assert dated and all(e["date_precision"] == "day" for e in dated)
    places = {(loc["name"], loc["precision"]) for e in dated for loc in e["locations"]}
    assert {("Raqqa", "admin1"), ("Idlib", "admin1"), ("Aleppo", "admin1")} <= places
    figures = {(f["kind"], f["low"]) for e in dated for f in e["figures"]}
    assert {("missiles", 18), ("killed", 600)} <= figures
    roles = {(a["role"], a["name"]) for e in dated for a in e["actors"]}
    assert {("actor1", "Military Forces of Russia"), ("actor2", "Islamic State")} <= roles
    assert any("Sergei Shoigu" in e["claimed_by"] for e in dated)
    assert not any(str(e["date"]).startswith("2013") for e in seed_events)


@pytest.mark.parametrize("text,language,expected", [
    ("At least 50 people were killed and about 100 injured.", "en",
     [("killed", 50, None), ("injured", 100, 100)]),
    ("between 20 and 30 civilians were killed, dozens wounded", "en",
     [("killed", 20, 30), ("injured", 24, 99)]),
    ("more than 70 people died", "en", [("killed", 71, None)]),
    ("4,000 people were at the station when the missile struck.", "en", []),
    ("A 23-year-old man was hit by a 152mm shell at 14:52.", "en", []),
    ("The US fired 59 Tomahawk missiles, but only 23 reached the base.", "en",
     [("missiles", 59, 59), ("missiles", 23, 23)]),
    ("погибли 52 человека, более 100 ранены", "ru", [("killed", 52, 52), ("injured", 101, None)]),
    ("загинули п'ятдесят людей", "uk", [("killed", 50, 50)]),
    ("Cinquante prisonniers ont été tués et soixante-treize autres blessés", "fr",
     [("killed", 50, 50), ("injured", 73, 73)]),
    ("mindestens 52 Menschen getötet", "de", [("killed", 52, None)]),
    ("مقتل 9 مدنيين بينهم 4 أطفال", "ar", [("killed", 9, 9)]),
    ("en az 50 kişi hayatını kaybetti", "tr", [("killed", 50, None)]),
])
def test_figures(text: str, language: str, expected: list[tuple[str, int, int | None]]) -> None:
    assert [(f.kind, f.low, f.high) for f in find_figures(text, language)] == expected


@pytest.mark.parametrize("text,expected", [
    ("Five killed in Alepo, Syria.", [("Aleppo", "SY", "place"), ("Syria", "SY", "country")]),
    ("удар по вокзалу в Краматорске", [("Kramatorsk", "UA", "place")]),
    ("غارة على خان شيخون", [("Khan Shaykhun", "SY", "place")]),
    ("Israel strikes Lebanon", [("Israel", "IL", "country"), ("Lebanon", "LB", "country")]),
    ("Sergei Shoigu said so.", []),
])
def test_places(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(p["name"], p["country"], p["precision"]) for p in locate(text)] == expected


@pytest.mark.parametrize("text,language,expected", [
    ("Only 23 missiles reached the base, the Russian Defence Ministry said.", "en",
     ["Russian Ministry of Defence"]),
    ("По данным Минобороны РФ, до базы долетели лишь 23 ракеты.", "ru",
     ["Russian Ministry of Defence"]),
    ("The strike killed nine people, according to Minister Shoigu.", "en", ["Sergei Shoigu"]),
    ("The army shelled the town on Friday.", "en", []),
])
def test_claims(text: str, language: str, expected: list[str]) -> None:
    assert find_claims(text, language)[0] == expected
