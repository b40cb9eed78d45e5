"""Counterpoint dashboard: Dash + Plotly over the store. ``create_app(Store(path))``."""

from .app import create_app, serve

__all__ = ["create_app", "serve"]
