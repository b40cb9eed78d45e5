"""Ingest speed on FA-KES: ms per article for the whole pipeline, beside the naive baseline of
`dateparser.search_dates(text, languages=["en"])` over each article, in the same run. With
--long, the events of one long article (FA-KES's texts run together) against a tenth of it:
time should grow with length, not with its square (a 870 KB text had taken 137 s).

    .venv/bin/python bench/ingest.py [--workers 2] [--limit N] [--long]
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


def long_article(size: int) -> tuple[int, float]:
    """Seconds to build and extract one article of about ``size`` characters."""
    from ingest import Hints, build_article
    from ingest.events import extract
    from ingest.formats import RawDocument

    csv.field_size_limit(10**8)
    rows = csv.DictReader(io.StringIO(decode(FAKES.read_bytes()), newline=""))
    parts: list[str] = []
    for row in rows:
        parts.append(row["article_content"])
        if sum(map(len, parts)) >= size:
            break
    text = "\n\n".join(parts)[:size]
    start = time.perf_counter()
    extract(build_article(RawDocument("long", "text", text, {"published": "2017-04-07",
                                                              "language": "en"}), Hints()))
    return len(text), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=10**9)
    parser.add_argument("--long", action="store_true")
    args = parser.parse_args()
    if args.long:
        small, t_small = long_article(100_000)
        large, t_large = long_article(1_000_000)
        print(f"one article of {small // 1000} KB: {t_small:.1f} s; of {large // 1000} KB: "
              f"{t_large:.1f} s; time ratio {t_large / t_small:.1f} for a length ratio "
              f"{large / small:.1f} (linear: about the same; quadratic: its square)")
        return
    n_pipe, t_pipe = pipeline(args.workers, args.limit)
    n_base, t_base = baseline(args.limit)
    print(f"pipeline ({args.workers} workers): {n_pipe} articles in {t_pipe:.1f} s = "
          f"{1000 * t_pipe / max(n_pipe, 1):.1f} ms/article")
    print(f"baseline search_dates(en):  {n_base} articles in {t_base:.1f} s = "
          f"{1000 * t_base / max(n_base, 1):.1f} ms/article")
    print(f"ratio pipeline/baseline: {(t_pipe / max(n_pipe, 1)) / (t_base / max(n_base, 1)):.2f}")


if __name__ == "__main__":
    main()
