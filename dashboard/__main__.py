import sys

from ingest.cli import main

raise SystemExit(main(["serve", *sys.argv[1:]]))
