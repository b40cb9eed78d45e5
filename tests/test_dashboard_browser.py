"""The dashboard in headless Chromium (Debian's binary, driven by Playwright)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
from conftest import SCREENSHOTS, Server
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.filters import FilterState, to_query
from dashboard.queries import Queries
from ingest import Store

POINTS = "#timeline .scatterlayer .point"


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
    from dashboard.queries import Timeline

    row = {"event_id": "e1", "outlet": "x", "outlet_name": "<b>X</b>", "lane": "<b>X</b>",
           "date": "2020-01-01", "date_end": "2020-01-01", "date_text": "<script>alert(1)</script>",
           "sub_event_type": "Attack", "event_type": "Battles", "killed": 3,
           "figures": '[{"kind": "killed", "low": 3, "high": 3, "text": "<b>3</b>"}]',
           "sentence": "<img src=x onerror=alert(1)>", "claimed_by": '["<i>Y</i>"]'}
    figure = timeline_figure(Timeline(rows=[row], total=1), ["<b>X</b>"])
    hover = go.Figure(figure).data[0].hovertext[0]  # validated as Plotly would
    assert "<script>" not in hover and "<img" not in hover and "&lt;img" in hover
    assert "<i>Y" not in hover and "killed 3" in hover


def test_screenshot_was_written() -> None:
    path: Path = SCREENSHOTS / "timeline.png"
    assert path.exists() and path.stat().st_size > 10_000


def _top_incident(store: Store) -> dict[str, object]:
    incidents = store.records("incidents")
    assert incidents, "the demo corpus gives incidents"
    return max(incidents, key=lambda i: (len(i["outlets"]), i["incident_id"]))


def test_click_on_timeline_opens_compare(page: Page, server: Server) -> None:
    page.goto(server.url + "/")
    page.wait_for_selector(POINTS, timeout=30_000)
    points = page.locator(POINTS)
    for index in range(points.count() // 2, points.count()):
        box = points.nth(index).bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        try:
            page.wait_for_url("**/compare?incident=*", timeout=3_000)
            break
        except Exception:  # a point outside any incident: try the next
            continue
    assert "/compare?incident=" in page.url
    page.wait_for_selector("table.accounts tr.account", timeout=20_000)


def test_compare_page_lays_out_accounts(page: Page, server: Server, demo_store: Store) -> None:
    incident = _top_incident(demo_store)
    page.goto(f"{server.url}/compare?incident={incident['incident_id']}")
    page.wait_for_selector("table.accounts tr.account", timeout=30_000)
    outlets = incident["outlets"]
    assert isinstance(outlets, list)
    assert page.locator("tr.account").count() == len(outlets) >= 3
    disagreements = page.inner_text("#disagreements")
    for d in incident["disagreements"]:  # type: ignore[attr-defined]
        assert d["field"] in disagreements
    assert page.locator("mark.hl-figure").count() > 0 and page.locator("mark.hl-place").count()
    page.wait_for_selector("#figure-chart .main-svg", timeout=20_000)
    hrefs = page.eval_on_selector_all("table.accounts a", "els => els.map(e => e.href)")
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "compare.png"))
    # The picker shows the chosen incident; another incident gives another table.
    assert str(incident["date"]) in page.inner_text("#incident-picker")
    other = next(i for i in demo_store.records("incidents")
                 if i["incident_id"] != incident["incident_id"] and len(i["outlets"]) >= 2)
    page.goto(f"{server.url}/compare?incident={other['incident_id']}")
    page.wait_for_function(
        f"document.querySelectorAll('tr.account').length === {len(other['outlets'])}")


def test_hostile_article_text_is_inert(browser: Browser, tmp_path: Path) -> None:
    from ingest import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    for outlet, toll in (("reuters", 5), ("tass", 7)):
        (folder / f"{outlet}.txt").write_text(
            f"Strike on Kramatorsk station\n\nKYIV ({outlet.upper()}) - A missile struck the "
            f"railway station in Kramatorsk on April 8, 2022, killing {toll} people "
            "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">, "
            "officials said.\n")
    (folder / "feed.jsonl").write_text(
        '{"url": "javascript:window.pwned=3", "outlet": "RT", "text": "A missile struck the '
        'railway station in Kramatorsk on April 8, 2022, killing 9 people, officials said."}\n')
    store = Store(tmp_path / "store")
    ingest([folder], store)
    incidents = store.records("incidents")
    assert incidents
    server = Server(store)
    try:
        opened = browser.new_page()
        opened.goto(f"{server.url}/compare?incident={incidents[0]['incident_id']}")
        opened.wait_for_selector("table.accounts tr.account", timeout=30_000)
        assert "<script>" in opened.inner_text("table.accounts")  # shown as text
        assert opened.evaluate("window.pwned === undefined")
        assert opened.locator("table.accounts img").count() == 0
        hrefs = opened.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
        assert not any(h and h.startswith("javascript") for h in hrefs)
        opened.close()
    finally:
        server.stop()


def test_a_link_reproduces_the_view_and_back_forward_work(
        page: Page, server: Server, demo_store: Store) -> None:
    queries = Queries(demo_store)
    state = FilterState(outlets=("reuters", "tass"), event_types=("Explosions/Remote violence",))
    expected = queries.count(state)
    assert 0 < expected < queries.count(FilterState())
    page.goto(server.url + "/" + to_query(state))
    page.wait_for_function(
        f"document.querySelector('#event-count')?.innerText.startsWith('{expected} event')",
        timeout=30_000)
    ticked = page.eval_on_selector_all("#outlet-filter input:checked",
                                       "els => els.map(e => e.value)")
    assert sorted(ticked) == ["reuters", "tass"]
    assert "Explosions/Remote violence" in page.inner_text("#type-filter")

    # A change of a control rewrites the URL; back returns to the view before it.
    page.locator("#shared-filter input").check()
    page.wait_for_url("**shared=1**")
    shared = queries.count(FilterState(outlets=state.outlets, event_types=state.event_types,
                                       shared_only=True))
    page.wait_for_function(
        f"document.querySelector('#event-count').innerText.startsWith('{shared} event')")
    page.go_back()
    page.wait_for_function(
        f"document.querySelector('#event-count').innerText.startsWith('{expected} event')")
    assert not page.locator("#shared-filter input").is_checked()
    page.go_forward()
    page.wait_for_function(
        f"document.querySelector('#event-count').innerText.startsWith('{shared} event')")


def test_stacked_view_and_export_of_the_selection(page: Page, server: Server,
                                                  demo_store: Store) -> None:
    page.goto(server.url + "/?outlet=reuters")
    page.wait_for_selector(POINTS, timeout=30_000)
    page.get_by_label("stacked counts").check()
    page.wait_for_url("**view=stacked**")
    page.wait_for_selector("#timeline .barlayer .point", timeout=20_000)
    expected = Queries(demo_store).count(FilterState(outlets=("reuters",)))
    with page.expect_download() as download:
        page.locator("#export-links a.export-csv").click()
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert len(rows) == expected and {r["outlet"] for r in rows} == {"reuters"}


def test_zooming_re_aggregates_on_the_server(page: Page, serve: type[Server],
                                             demo_store: Store) -> None:
    server = serve(demo_store, {"COUNTERPOINT_POINT_LIMIT": "80"})
    page.goto(server.url + "/")
    page.wait_for_function("document.querySelector('#event-count')?.innerText"
                           ".includes('counted per')", timeout=30_000)
    assert "zoom in" in page.inner_text("#event-count")
    span = (date(2017, 4, 1), date(2017, 4, 20))
    inside = Queries(demo_store).count(FilterState(start=span[0], end=span[1]))
    assert 0 < inside <= 80
    # The count can show before Plotly has drawn the graph and Dash listens to its zoom (its
    # code loads asynchronously): zoom again until the server has re-counted.
    page.wait_for_selector("#timeline .js-plotly-plot .main-svg", timeout=20_000)
    wanted = f"document.querySelector('#event-count').innerText.startsWith('{inside} event')"
    for _ in range(6):
        page.evaluate("([a, b]) => Plotly.relayout(document.querySelector('#timeline "
                      ".js-plotly-plot'), {'xaxis.range': [a, b]})",
                      [span[0].isoformat(), span[1].isoformat()])
        try:
            page.wait_for_function(wanted, timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    page.wait_for_function(wanted, timeout=5_000)
    assert "counted per" not in page.inner_text("#event-count")
    assert page.locator(POINTS).count() == inside


def test_compare_picker_and_back_button(page: Page, server: Server, demo_store: Store) -> None:
    incidents = sorted(demo_store.records("incidents"),
                       key=lambda i: (-len(i["outlets"]), i["date"], i["incident_id"]))
    first, second = incidents[0], incidents[1]
    page.goto(f"{server.url}/compare?incident={first['incident_id']}")
    page.wait_for_function(
        f"document.querySelectorAll('tr.account').length === {len(first['outlets'])}",
        timeout=30_000)
    page.locator("#incident-picker").click()
    page.get_by_role("option").filter(has_text=str(second["date"])).first.click()
    page.wait_for_url(f"**incident={second['incident_id']}", timeout=20_000)
    page.go_back()
    page.wait_for_url(f"**incident={first['incident_id']}", timeout=20_000)
    # Both incidents may have as many accounts, so wait on the picker itself.
    page.wait_for_function(
        f"document.querySelector('#incident-picker').innerText.includes('{first['date']}')",
        timeout=20_000)
    page.wait_for_function(
        f"document.querySelectorAll('tr.account').length === {len(first['outlets'])}",
        timeout=20_000)
