"""The `counterpoint` command as users run it (CONTRACT.md), through its real entry point."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import COUNTERPOINT, REPO, SEED, require

from ingest.cli import main
from ingest.models import ARTICLE_FIELDS, EVENT_FIELDS


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COUNTERPOINT, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("seed") / "store"
    result = run("ingest", str(require(SEED)), "--store", str(store), "--published",
                 "2015-11-21")
    assert result.returncode == 0, result.stderr
    assert "1 new articles" in result.stdout and result.stdout.count("\n") == 1
    return store


def _jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_seed_article_is_clean_with_metadata(seed_store: Path) -> None:
    articles = _jsonl(run("export", "articles", "--store", str(seed_store)).stdout)
    assert len(articles) == 1
    article = articles[0]
    assert list(article) == list(ARTICLE_FIELDS)
    assert article["outlet"] == "southfront" and article["outlet_name"] == "SouthFront"
    assert article["title"] == "Russian sorties in Syria: IS targets pounded"
    assert article["author"] == "Lisbeth Mechter"
    text = str(article["text"])
    for junk in ("2,500 $", "1,912 $", "Support SouthFront", "Notify of", "Inline Feedbacks",
                 "View all comments", "Written by", "please comment"):
        assert junk not in text
    assert text.count("Russian sorties in Syria: IS targets pounded") == 0
    assert "600 terrorists died" in text
    assert article["captions"] == ["A Russian Kalibr cruise missile is launched from the Grad "
                                   "Sviyashsk missile cruiser in the Caspian Sea, 2013"]


def test_seed_event_on_20_november_2015(seed_store: Path) -> None:
    events = _jsonl(run("export", "events", "--store", str(seed_store)).stdout)
    assert events and all(list(e) == list(EVENT_FIELDS) for e in events)
    dated = [e for e in events if e["date"] == "2015-11-20"]
    assert dated and all(e["date_precision"] == "day" for e in dated)
    assert not [e for e in events if str(e["date"]).startswith("2013")]
    article = _jsonl(run("export", "articles", "--store", str(seed_store)).stdout)[0]
    for event in events:  # offsets point at the sentence in the article's text
        assert str(article["text"])[int(event["start"]):int(event["end"])] == event["sentence"]


def test_reingest_adds_nothing(seed_store: Path) -> None:
    result = run("ingest", str(SEED), "--store", str(seed_store), "--published", "2015-11-21")
    assert "0 new articles and 0 events" in result.stdout


def test_export_csv_and_parquet_have_the_same_fields(seed_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    assert main(["export", "events", "--store", str(seed_store), "--format", "parquet",
                 "--output", str(out)]) == 0
    table = pq.read_table(out)
    assert table.column_names == list(EVENT_FIELDS)
    csv_text = run("export", "events", "--store", str(seed_store), "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == table.num_rows
    assert json.loads(rows[0]["actors"]) == []  # lists are JSON text in CSV


def test_export_filters(seed_store: Path) -> None:
    def count(*extra: str) -> int:
        return len(_jsonl(run("export", "events", "--store", str(seed_store), *extra).stdout))

    total = count()
    assert total > 0
    assert count("--outlet", "southfront") == total
    assert count("--outlet", "tass") == 0
    assert count("--since", "2015-11-21") == 0
    assert count("--until", "2015-11-20", "--since", "2015-11-20") == total


def test_bad_inputs_are_named_and_the_rest_stored(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "table.csv").write_text("headline,summary_of_nothing\nA,B\n")
    (folder / "good.txt").write_text((SEED / "southfront-russian-sorties.txt").read_text())
    store = tmp_path / "store"
    result = run("ingest", str(folder), str(tmp_path / "missing.txt"), "--store", str(store),
                 "--published", "2015-11-21")
    lines = result.stderr.strip().splitlines()
    assert any("empty.txt: empty file" in line for line in lines)
    assert any("binary.txt: binary content" in line for line in lines)
    assert any("table.csv: no text column" in line for line in lines)
    assert any("missing.txt: no such file" in line for line in lines)
    assert len(lines) == 4, lines
    assert "1 new articles" in result.stdout and "4 inputs skipped" in result.stdout
    articles = _jsonl(run("export", "articles", "--store", str(store)).stdout)
    assert [a["outlet"] for a in articles] == ["southfront"]


def test_store_defaults_to_environment_variable(tmp_path: Path) -> None:
    store = tmp_path / "env-store"
    result = subprocess.run([*COUNTERPOINT, "ingest", str(SEED), "--quiet"], cwd=tmp_path,
                            env={**__import__("os").environ, "COUNTERPOINT_STORE": str(store)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (store / "batches").is_dir()
    assert not (tmp_path / "data").exists()


def test_python_dash_m_entry_points() -> None:
    assert "ingest" in run("--help").stdout
    result = subprocess.run([COUNTERPOINT[0], "-m", "dashboard", "--help"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert "--port" in result.stdout


def test_an_unknown_map_field_is_refused(tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--map",
                 "headline=title_col")
    assert result.returncode != 0 and "unknown field 'headline'" in result.stderr


@pytest.mark.parametrize("args,message", [
    (["ingest", "{seed}", "--lang", "klingon"], "--lang: expected a language code"),
    (["export", "events", "--store", "{tmp}/none"], "no store there"),
    (["ingest", "{seed}", "--store", "{tmp}/afile"], "error: "),
])
def test_bad_options_and_stores_get_one_line(tmp_path: Path, args: list[str],
                                             message: str) -> None:
    (tmp_path / "afile").write_text("x")
    given = [a.format(seed=SEED, tmp=tmp_path) for a in args]
    result = run(*given)
    assert result.returncode != 0 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
