"""Body-text extraction quality on the article-extraction benchmark (181 real pages with their
true article bodies): token F1 of

* raw      — the page as a browser copy (visible text, one block per line), uncleaned;
* cleaned  — that copy through Counterpoint's scraped-text cleaner (ingest/boilerplate.py);
* html     — the saved page through Counterpoint's HTML path (ingest/html.py);
* trafilatura — trafilatura.extract alone on the same page, in the same run.

    .venv/bin/python bench/extraction.py [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHMARK = REPO.parent / "shared" / "corpus" / "article-extraction-benchmark"
sys.path.insert(0, str(REPO))

import lxml.html
import trafilatura

from ingest.boilerplate import clean
from ingest.html import read_page, visible_text

_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "td",
          "th", "section", "article", "header", "footer", "nav", "aside", "ul", "ol", "table",
          "pre", "figure", "figcaption", "form", "main", "dd", "dt", "address", "button"}
_INVISIBLE = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object",
              "select", "option"}


def browser_copy(markup: str) -> str:
    """What select-all and copy in a browser gives: visible text, one block per line."""
    text = visible_text(lxml.html.document_fromstring(markup), _BLOCK, _INVISIBLE, "\n")
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def f1(predicted: str, truth: str) -> tuple[float, float, float]:
    p, t = tokens(predicted), tokens(truth)
    overlap = sum((p & t).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def run(limit: int | None = None) -> dict[str, dict[str, float]]:
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    scores: dict[str, list[tuple[float, float, float]]] = {
        "raw": [], "cleaned": [], "html": [], "trafilatura": []}
    for key in sorted(truth)[:limit]:
        markup = gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes()).decode(
            "utf-8", errors="replace")
        body = truth[key]["articleBody"]
        copy = browser_copy(markup)
        scores["raw"].append(f1(copy, body))
        scores["cleaned"].append(f1(clean(copy).text, body))
        scores["html"].append(f1(read_page(markup).text, body))
        scores["trafilatura"].append(f1(trafilatura.extract(markup) or "", body))
    return {name: {"precision": statistics.mean(s[0] for s in values),
                   "recall": statistics.mean(s[1] for s in values),
                   "f1": statistics.mean(s[2] for s in values), "pages": len(values)}
            for name, values in scores.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.limit)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(f"{'input':<12} {'pages':>5} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, r in results.items():
        print(f"{name:<12} {r['pages']:>5} {r['precision']:>9.3f} {r['recall']:>7.3f} "
              f"{r['f1']:>6.3f}")


if __name__ == "__main__":
    main()
