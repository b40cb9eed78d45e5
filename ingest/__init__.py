"""Counterpoint ingest: read articles, extract events, write the store.

Public API::

    from ingest import Store, ingest, Hints
    summary = ingest(["articles/"], Store("data/store"), Hints(outlet="tass"))
"""

from .articles import Hints, build_article
from .models import Article, Event
from .pipeline import Summary, ingest
from .store import Store

__all__ = ["Article", "Event", "Hints", "Store", "Summary", "build_article", "ingest"]
