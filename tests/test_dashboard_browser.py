"""The dashboard in headless Chromium (Debian's binary, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, Server
from playwright.sync_api import Browser, Page, sync_playwright

from ingest import Store

SCREENSHOTS = REPO / "docs" / "screenshots"
POINTS = "#timeline .scatterlayer .point"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    if not path:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    args = ["--headless", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-quic"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox as root
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=args)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(demo_store: Store) -> Iterator[Server]:
    running = Server(demo_store)
    yield running
    running.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert not errors, f"browser console errors: {errors}"


def _dated_events(store: Store, outlets: list[str] | None = None) -> int:
    con = store.connect()
    sql = "SELECT count(*) FROM events WHERE date IS NOT NULL"
    params: list[object] = []
    if outlets is not None:
        sql += " AND outlet IN (SELECT unnest(?::VARCHAR[]))"
        params.append(outlets)
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def test_timeline_shows_events_and_outlet_filter_changes_them(
        page: Page, server: Server, demo_store: Store) -> None:
    page.goto(server.url + "/")
    page.wait_for_selector(POINTS, timeout=30_000)
    total = _dated_events(demo_store)
    assert total > 20
    page.wait_for_function(f"document.querySelectorAll('{POINTS}').length === {total}")
    assert page.inner_text("#event-count").startswith(f"{total} events")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "timeline.png"), full_page=True)

    # Keep one outlet: the points and the count follow.
    boxes = page.locator("#outlet-filter input[type=checkbox]")
    values = [boxes.nth(i).get_attribute("value") or "" for i in range(boxes.count())]
    keep = "reuters"
    assert keep in values
    for i, value in enumerate(values):
        if value != keep:
            boxes.nth(i).uncheck()
    expected = _dated_events(demo_store, [keep])
    assert 0 < expected < total
    page.wait_for_function(f"document.querySelectorAll('{POINTS}').length === {expected}")
    assert page.inner_text("#event-count").startswith(f"{expected} event")
    ticks = page.locator("#timeline .yaxislayer-above .ytick text").all()
    lanes = [tick.text_content() for tick in ticks]
    assert lanes == ["Reuters"]


def test_hover_text_is_escaped(demo_store: Store) -> None:
    from dashboard.figures import timeline_figure

    figure = timeline_figure([{"event_id": "e1", "outlet": "x", "outlet_name": "<b>X</b>",
                               "date": "2020-01-01", "date_text": "<script>alert(1)</script>",
                               "sub_event_type": "Attack", "event_type": "Battles",
                               "sentence": "<img src=x onerror=alert(1)>", "claimed_by": "[]"}],
                             ["X"])
    hover = figure.data[0].hovertext[0]
    assert "<script>" not in hover and "<img" not in hover and "&lt;img" in hover


def test_screenshot_was_written() -> None:
    path: Path = SCREENSHOTS / "timeline.png"
    assert path.exists() and path.stat().st_size > 10_000
