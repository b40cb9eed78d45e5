"""The Outlets page in headless Chromium: one row per outlet in the filter, links to Compare."""

from __future__ import annotations

from conftest import SCREENSHOTS, Server
from playwright.sync_api import Page

from ingest import Store

ROWS = "table.outlets-table tr.outlet-row"


def _outlets_with_dated_events(store: Store, event_type: str | None = None) -> set[str]:
    return {e["outlet"] or "" for e in store.records("events")
            if e["date"] and (event_type is None or e["event_type"] == event_type)}


def _shown(page: Page) -> list[str]:
    return page.eval_on_selector_all(ROWS, "els => els.map(e => e.dataset.outlet)")


def test_outlets_page_follows_the_filters_and_links_exclusive_incidents_to_compare(
        page: Page, server: Server, demo_store: Store) -> None:
    page.goto(server.url + "/outlets")
    page.wait_for_selector(ROWS, timeout=30_000)
    everyone = _outlets_with_dated_events(demo_store)
    assert len(everyone) > 10
    assert sorted(_shown(page)) == sorted(everyone)
    page.wait_for_selector("#outlet-activity .heatmaplayer", timeout=20_000)
    ticks = page.locator("#outlet-activity .yaxislayer-above .ytick text").all_inner_texts()
    assert len(ticks) == len(everyone)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "outlets.png"), full_page=True)

    # An incident only one outlet reported opens on Compare with that outlet's accounts alone.
    link = page.locator("a.exclusive-link").first
    row = link.locator("xpath=ancestor::tr[1]")
    outlet = row.get_attribute("data-outlet")
    href = link.get_attribute("href") or ""
    assert href.startswith("/compare?incident=i")
    incident = demo_store.records("incidents", "incident_id = ?", [href.split("=", 1)[1]])
    assert incident and incident[0]["outlets"] == [outlet]
    link.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_selector("table.accounts tr.account", timeout=20_000)
    assert page.locator("table.accounts tr.account").count() == 1

    # A filter in the URL, then a sidebar control: the rows follow both.
    kind = "Battles"
    page.goto(f"{server.url}/outlets?type={kind}")
    some = _outlets_with_dated_events(demo_store, kind)
    assert 0 < len(some) < len(everyone)
    page.wait_for_function(f"document.querySelectorAll('{ROWS}').length === {len(some)}",
                           timeout=20_000)
    assert sorted(_shown(page)) == sorted(some)
    dropped = sorted(some)[0]
    page.locator(f"#outlet-filter input[value='{dropped}']").uncheck()
    page.wait_for_url("**outlet=*")
    page.wait_for_function(f"document.querySelectorAll('{ROWS}').length === {len(some) - 1}",
                           timeout=20_000)
    assert dropped not in _shown(page)
