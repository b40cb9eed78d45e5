"""Ingest speed on FA-KES: ms per article for the whole pipeline, beside the naive baseline of
`dateparser.search_dates(text, languages=["en"])` over each article, in the same run.

    .venv/bin/python bench/ingest.py [--workers 2] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FAKES = REPO.parent / "shared" / "corpus" / "fa-kes" / "fakes.csv"
sys.path.insert(0, str(REPO))

from ingest import Store, ingest
from ingest.formats import decode


def baseline(limit: int) -> tuple[int, float]:
    import dateparser.search

    csv.field_size_limit(10**8)
    rows = list(csv.DictReader(io.StringIO(decode(FAKES.read_bytes()), newline="")))[:limit]
    start = time.perf_counter()
    for row in rows:
        dateparser.search.search_dates(row["article_content"], languages=["en"])
    return len(rows), time.perf_counter() - start


def pipeline(workers: int, limit: int) -> tuple[int, float]:
    source = FAKES
    with tempfile.TemporaryDirectory() as tmp:
        if limit < 10**9:
            rows = list(csv.reader(io.StringIO(decode(FAKES.read_bytes()), newline="")))
            source = Path(tmp) / "fakes-sample.csv"
            with open(source, "w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerows(rows[: limit + 1])
        start = time.perf_counter()
        summary = ingest([source], Store(Path(tmp) / "store"), workers=workers,
                         mapping={"title": "article_title", "text": "article_content",
                                  "outlet": "source", "published": ""})
        return summary.articles_read, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=10**9)
    args = parser.parse_args()
    n_pipe, t_pipe = pipeline(args.workers, args.limit)
    n_base, t_base = baseline(args.limit)
    print(f"pipeline ({args.workers} workers): {n_pipe} articles in {t_pipe:.1f} s = "
          f"{1000 * t_pipe / max(n_pipe, 1):.1f} ms/article")
    print(f"baseline search_dates(en):  {n_base} articles in {t_base:.1f} s = "
          f"{1000 * t_base / max(n_base, 1):.1f} ms/article")
    print(f"ratio pipeline/baseline: {(t_pipe / max(n_pipe, 1)) / (t_base / max(n_base, 1)):.2f}")


if __name__ == "__main__":
    main()
