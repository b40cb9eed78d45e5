"""The `counterpoint` command: ingest, export, serve, demo (CONTRACT.md)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

from .store import Store, StoreLockedError, default_store_path

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def _store(value: str | None, must_exist: bool = False) -> Store:
    path = Path(value) if value else default_store_path()
    if must_exist and not path.is_dir():
        raise SystemExit(f"{path}: no store there (counterpoint ingest makes one)")
    return Store(path)


def _parse_map(value: str | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for part in (value or "").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise SystemExit(f"--map: expected FIELD=COLUMN, got {part!r}")
        key, column = part.split("=", 1)
        from .formats import COLUMN_ALIASES

        if key.strip().lower() not in COLUMN_ALIASES:
            raise SystemExit(f"--map: unknown field {key.strip()!r} "
                             f"(fields: {', '.join(COLUMN_ALIASES)})")
        mapping[key.strip().lower()] = column.strip()
    return mapping


def _parse_day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"{option}: expected YYYY-MM-DD, got {value!r}") from None


def run_ingest(args: argparse.Namespace) -> int:
    from .articles import Hints, normalise_language
    from .pipeline import Summary, ingest

    language = normalise_language(args.lang) if args.lang else None
    if args.lang and language is None:
        raise SystemExit(f"--lang: expected a language code such as en or uk, got {args.lang!r}")
    hints = Hints(outlet=args.outlet, published=_parse_day(args.published, "--published"),
                  language=language)
    store = _store(args.store)

    def report(message: str) -> None:
        print(f"skipped {message}", file=sys.stderr)

    mapping = _parse_map(args.map)

    def run(progress: Callable[[int, int], None] | None) -> Summary:
        if args.scheduler is None and args.cluster is None:
            return ingest(args.paths, store, hints, mapping, args.workers, args.batch_size,
                          progress, report)
        # Imported only here: the single-machine path never loads Dask.
        from .distributed import connect, ingest_distributed

        with ExitStack() as stack:
            try:
                client = stack.enter_context(connect(args.scheduler, args.cluster))
            except ValueError as exc:
                raise SystemExit(f"error: {exc}") from None
            except OSError as exc:
                raise SystemExit(f"error: cannot reach the Dask scheduler ({exc})") from None
            return ingest_distributed(args.paths, store, client, hints, mapping,
                                      args.batch_size, progress, report)

    try:
        if sys.stderr.isatty() and not args.quiet:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("ingesting articles", total=None)

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total or None)

                summary = run(progress)
        else:
            summary = run(None)
    except StoreLockedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    if not args.quiet:
        print(summary.line())
    return 0 if summary.articles_read or not summary.failed else 1


def run_export(args: argparse.Namespace) -> int:
    from .exports import query, write

    outlets = [o.strip() for value in args.outlet or [] for o in value.split(",") if o.strip()]
    records = query(_store(args.store, must_exist=True), args.table, outlets, args.since,
                    args.until)
    if args.output:
        with open(args.output, "wb") as out:
            write(records, args.table, args.format, out)
    else:
        write(records, args.table, args.format, sys.stdout.buffer)
        sys.stdout.flush()
    return 0


def run_incidents(args: argparse.Namespace) -> int:
    """merge ID ID..., split ID EVENT..., undo: a researcher's corrections, logged in the store
    and honoured by every later ingest."""
    from .pipeline import regroup

    store = _store(args.store)
    con = store.connect()
    try:
        rows = con.execute("SELECT incident_id, event_ids FROM incidents").fetchall()
    finally:
        con.close()
    members = {incident: json.loads(ids) for incident, ids in rows}
    decision: dict[str, Any] | None
    if args.action == "merge":
        unknown = [i for i in args.ids if i not in members]
        if unknown or len(args.ids) < 2:
            print(f"error: unknown incident {', '.join(unknown)}" if unknown else
                  "error: merge needs two incidents or more", file=sys.stderr)
            return 2
        decision = {"action": "merge", "events": sorted(e for i in args.ids for e in members[i])}
    elif args.action == "split":
        if not args.ids or args.ids[0] not in members or len(args.ids) < 2:
            print("error: split needs an incident and some of its events", file=sys.stderr)
            return 2
        outside = [e for e in args.ids[1:] if e not in members[args.ids[0]]]
        if outside:
            print(f"error: not in {args.ids[0]}: {', '.join(outside)}", file=sys.stderr)
            return 2
        decision = {"action": "split", "events": sorted(args.ids[1:])}
    else:
        if not store.decisions():
            print("nothing to undo", file=sys.stderr)
            return 2
        decision = None
    with store.writer(wait=30.0) as writer:
        writer.record_decision(decision)
        count = regroup(writer)
    print(f"{args.action}: done; {count} incidents")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from dashboard.app import serve

    serve(_store(args.store), host=args.host, port=args.port)
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from .pipeline import ingest

    store = _store(args.store)
    print(f"building the demo store in {store.path} from {BUNDLED_CORPUS} ...", flush=True)
    summary = ingest([BUNDLED_CORPUS], store, workers=args.workers)
    print(summary.line(), flush=True)
    from dashboard.app import serve

    print(f"Counterpoint dashboard: http://{args.host}:{args.port}/", flush=True)
    serve(store, host=args.host, port=args.port)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="counterpoint", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    store_help = "the store folder (default: $COUNTERPOINT_STORE, else data/store)"

    ing = commands.add_parser("ingest", help="read files and folders into the store")
    ing.add_argument("paths", nargs="+", help="files and folders (read recursively)")
    ing.add_argument("--store", help=store_help)
    ing.add_argument("--outlet", help="outlet of inputs that do not name one")
    ing.add_argument("--published", help="publication date YYYY-MM-DD of inputs that lack one")
    ing.add_argument("--lang", help="ISO 639-1 language of inputs that do not state one")
    ing.add_argument("--map", help="table columns for fields: text=article_content,outlet=source")
    ing.add_argument("--workers", type=int, default=1, help="processes for reading and extraction")
    scale = ing.add_mutually_exclusive_group()
    scale.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on a Dask cluster: its scheduler, e.g. tcp://head:8786 "
                            "(docs/scale.md)")
    scale.add_argument("--cluster", metavar="local:N",
                       help="run on a Dask cluster of N worker processes started here")
    ing.add_argument("--batch-size", type=int, default=200, help="articles per atomic batch")
    ing.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    ing.set_defaults(run=run_ingest)

    exp = commands.add_parser("export", help="write articles, events or incidents")
    exp.add_argument("table", choices=["articles", "events", "incidents"])
    exp.add_argument("--store", help=store_help)
    exp.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    exp.add_argument("--output", help="file to write (default: standard output)")
    exp.add_argument("--outlet", action="append", help="only these outlets (slugs, repeatable)")
    exp.add_argument("--since", help="only records on or after YYYY-MM-DD")
    exp.add_argument("--until", help="only records on or before YYYY-MM-DD")
    exp.set_defaults(run=run_export)

    inc = commands.add_parser("incidents", help="correct the grouping: merge, split, undo")
    inc.add_argument("action", choices=["merge", "split", "undo"])
    inc.add_argument("ids", nargs="*", help="merge: incident ids; split: incident id, event ids")
    inc.add_argument("--store", help=store_help)
    inc.set_defaults(run=run_incidents)

    for name, helptext in (("serve", "the dashboard over the store"),
                           ("demo", "build the store from the bundled corpus, then serve it")):
        cmd = commands.add_parser(name, help=helptext)
        cmd.add_argument("--store", help=store_help)
        cmd.add_argument("--host", default="127.0.0.1")
        cmd.add_argument("--port", type=int, default=8050)
        if name == "demo":
            cmd.add_argument("--workers", type=int, default=2)
        cmd.set_defaults(run=run_serve if name == "serve" else run_demo)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except OSError as exc:  # a store that cannot be made, an output that cannot be written
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
