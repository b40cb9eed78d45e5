"""The dashboard's HTTP tier, through Flask's test client: callbacks, export, limits."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from dashboard.app import MAX_REQUEST_BYTES, create_app
from dashboard.filters import FilterState, from_query
from dashboard.queries import Queries
from ingest import Store, ingest


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "a.txt").write_text(
        "Strike on Kramatorsk\n\nKYIV (Reuters) - =HYPERLINK(\"http://evil.example\") A missile "
        "struck the railway station in Kramatorsk on April 8, 2022, killing 5 people, "
        "officials said.\n\n@SUM(1+1) Another missile hit Kramatorsk on April 8, 2022, killing "
        "2 people.\n")
    store = Store(folder / "store")
    ingest([folder / "a.txt"], store)
    return store


def _timeline_call(client: Any, search: str) -> Any:
    payload = {
        "output": "..timeline.figure...event-count.children..",
        "outputs": [{"id": "timeline", "property": "figure"},
                    {"id": "event-count", "property": "children"}],
        "inputs": [{"id": "url", "property": "search", "value": search},
                   {"id": "timeline", "property": "relayoutData", "value": None}],
        "changedPropIds": ["url.search"],
        "state": [],
    }
    return client.post("/_dash-update-component", json=payload)


def test_timeline_callback_answers_with_the_filtered_count(demo_store: Store) -> None:
    client = create_app(demo_store).server.test_client()
    queries = Queries(demo_store)
    for search in ("", "?outlet=reuters", "?type=Battles&min_killed=5", "?outlet=<x>"):
        response = _timeline_call(client, search)
        assert response.status_code == 200, response.data[:300]
        label = response.get_json()["response"]["event-count"]["children"]
        allowed, types = queries.vocabulary()
        expected = queries.count(from_query(search, allowed, types))
        assert label.startswith(f"{expected} event")


def test_oversized_requests_are_refused(demo_store: Store) -> None:
    client = create_app(demo_store).server.test_client()
    body = json.dumps({"junk": "x" * (MAX_REQUEST_BYTES + 10)})
    response = client.post("/_dash-update-component", data=body,
                           content_type="application/json")
    assert response.status_code == 413


def test_csv_export_is_safe_against_formula_injection(hostile_store: Store) -> None:
    client = create_app(hostile_store).server.test_client()
    response = client.get("/api/export?format=csv")
    assert response.status_code == 200
    assert response.headers["X-Counterpoint-Truncated"] == "false"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    sentences = [r["sentence"] for r in rows]
    assert len(rows) == 2
    assert any(s.startswith("'@SUM") for s in sentences)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "-")), value


def test_export_is_capped_and_says_so(demo_store: Store, monkeypatch: pytest.MonkeyPatch,
                                      tmp_path: Path) -> None:
    monkeypatch.setenv("COUNTERPOINT_EXPORT_CAP", "5")
    client = create_app(demo_store).server.test_client()
    response = client.get("/api/export?format=jsonl&outlet=reuters")
    assert response.headers["X-Counterpoint-Truncated"] == "true"
    records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(records) == 5 and {r["outlet"] for r in records} == {"reuters"}
    total = int(response.headers["X-Counterpoint-Total"])
    assert total == Queries(demo_store).count(FilterState(outlets=("reuters",))) > 5
    parquet = client.get("/api/export?format=parquet&outlet=reuters")
    path = tmp_path / "x.parquet"
    path.write_bytes(parquet.data)
    assert pq.read_table(path).num_rows == 5
    array = client.get("/api/export?format=json&outlet=reuters")
    assert array.mimetype == "application/json"
    assert [r["event_id"] for r in json.loads(array.get_data(as_text=True))] == [
        r["event_id"] for r in records]
    empty = client.get("/api/export?format=json&q=no+sentence+says+this")
    assert json.loads(empty.get_data(as_text=True)) == []
    assert client.get("/api/export?format=xlsx").status_code == 400


def test_the_server_never_runs_in_debug_mode(demo_store: Store) -> None:
    app = create_app(demo_store)
    assert not app.server.debug
    assert app.server.config["MAX_CONTENT_LENGTH"] == MAX_REQUEST_BYTES


def test_serve_binds_the_loopback_interface_unless_told() -> None:
    from ingest.cli import parser

    assert parser().parse_args(["serve"]).host == "127.0.0.1"
    assert parser().parse_args(["demo"]).host == "127.0.0.1"
    assert parser().parse_args(["serve", "--host", "0.0.0.0"]).host == "0.0.0.0"
