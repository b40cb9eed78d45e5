"""Exports of store tables as JSON Lines, CSV or Parquet, with the contract's fields."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from .models import ARTICLE_FIELDS, EVENT_FIELDS, INCIDENT_FIELDS
from .store import Store, decode_record

FIELDS = {"articles": ARTICLE_FIELDS, "events": EVENT_FIELDS, "incidents": INCIDENT_FIELDS}
_DATE_COLUMN = {"articles": ("published", "published"), "events": ("date", "date_end"),
                "incidents": ("date", "date_end")}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: lists and objects as JSON; text that a spreadsheet would run as
    a formula ("=HYPERLINK(...)", "+1", "@SUM") prefixed with an apostrophe."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def query(store: Store, table: str, outlets: Sequence[str] = (), since: str | None = None,
          until: str | None = None, chunk: int = 5000) -> Iterator[dict[str, Any]]:
    """Records of a table, filtered by outlet and by a date range that they overlap."""
    if table not in FIELDS:
        raise ValueError(f"unknown table {table!r}: choose articles, events or incidents")
    start_col, end_col = _DATE_COLUMN[table]
    conditions: list[str] = []
    params: list[Any] = []
    if outlets:
        if table == "incidents":
            conditions.append("list_has_any(CAST(json(outlets) AS VARCHAR[]), ?)")
            params.append(list(outlets))
        else:
            conditions.append("outlet IN (SELECT unnest(?))")
            params.append(list(outlets))
    if since:
        conditions.append(f"{end_col} >= ?")
        params.append(since)
    if until:
        conditions.append(f"{start_col} <= ?")
        params.append(until)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    order = {"articles": "published, article_id", "events": "date, event_id",
             "incidents": "date, incident_id"}[table]
    con = store.connect()
    try:
        cursor = con.execute(f"SELECT * FROM {table}{where} ORDER BY {order}", params)
        names = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(chunk):
            for row in rows:
                record = decode_record(dict(zip(names, row, strict=True)))
                yield {name: record.get(name) for name in FIELDS[table]}
    finally:
        con.close()


def write(records: Iterator[dict[str, Any]], table: str, fmt: str, out: IO[bytes]) -> int:
    """Write records to a binary stream; returns how many were written."""
    fields = FIELDS[table]
    count = 0
    if fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
            count += 1
    elif fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        writer = csv.DictWriter(text, fieldnames=list(fields))
        writer.writeheader()
        for record in records:
            writer.writerow({k: csv_cell(record.get(k)) for k in fields})
            count += 1
        text.detach()
    elif fmt == "parquet":
        rows = list(records)
        count = len(rows)
        if rows:
            pq.write_table(pa.Table.from_pylist(rows), out)
        else:
            pq.write_table(pa.table({f: pa.array([], pa.string()) for f in fields}), out)
    else:
        raise ValueError(f"unknown format {fmt!r}: choose jsonl, csv or parquet")
    return count


def stream_text(table: str, records: Iterable[dict[str, Any]], fmt: str,
                rows_per_chunk: int = 500) -> Iterator[str]:
    """Records as CSV, JSON Lines or one JSON array, a chunk at a time (for streaming
    downloads)."""
    fields = FIELDS[table]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields)) if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    elif fmt == "json":
        buffer.write("[")
    for index, record in enumerate(records, 1):
        row = {k: record.get(k) for k in fields}
        if writer is not None:
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
        elif fmt == "json":
            buffer.write(("\n" if index == 1 else ",\n") + json.dumps(row, ensure_ascii=False))
        else:
            buffer.write(json.dumps(row, ensure_ascii=False) + "\n")
        if index % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if fmt == "json":
        buffer.write("\n]\n")
    yield buffer.getvalue()


def parquet_bytes(table: str, records: Iterable[dict[str, Any]]) -> bytes:
    """Records as one Parquet file in memory (Parquet needs its footer, so it is not streamed)."""
    out = io.BytesIO()
    fields = FIELDS[table]
    write(({k: r.get(k) for k in fields} for r in records), table, "parquet", out)
    return out.getvalue()
