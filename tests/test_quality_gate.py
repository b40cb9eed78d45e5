"""Quality floors, measured on data nobody here wrote (as trafilatura's eval_gate does): a
change that makes extraction worse than the pinned figure fails. docs/quality.md records the
figures; the floors sit a little below them so that noise does not fail the build."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from conftest import REPO, SHARED, require

sys.path.insert(0, str(REPO / "bench"))

import extraction
import fakes


@pytest.fixture(scope="module")
def body_text() -> dict[str, dict[str, float]]:
    require(SHARED / "corpus" / "article-extraction-benchmark")
    return extraction.run()


@pytest.fixture(scope="module")
def fakes_scores() -> dict[str, Any]:
    require(fakes.FAKES)
    return fakes.score()


def test_scraped_text_cleaning_f1(body_text: dict[str, dict[str, float]]) -> None:
    assert body_text["cleaned"]["f1"] >= 0.86
    assert body_text["cleaned"]["f1"] > body_text["raw"]["f1"] + 0.2


def test_html_path_at_least_trafilatura(body_text: dict[str, dict[str, float]]) -> None:
    assert body_text["html"]["f1"] >= body_text["trafilatura"]["f1"]
    assert body_text["html"]["f1"] >= 0.94


def test_fakes_ingested_whole_with_outlets(fakes_scores: dict[str, Any]) -> None:
    assert fakes_scores["read"] == fakes_scores["rows"] == 804
    assert fakes_scores["failed"] == 0
    assert fakes_scores["outlet"] == 1.0


def test_fakes_publication_dates_from_datelines(fakes_scores: dict[str, Any]) -> None:
    assert fakes_scores["published_in_text"] >= 0.92
