"""The Reader page in headless Chromium: marks, the chosen event, links, hostile text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import SCREENSHOTS, Server
from playwright.sync_api import Browser, Page

from ingest import Store

IN_VIEW = ("id => { const r = document.getElementById(id)?.getBoundingClientRect(); "
           "return !!r && r.top >= 0 && r.bottom <= window.innerHeight; }")


def _deep_event(store: Store) -> tuple[dict[str, Any], dict[str, Any]]:
    """An article with a URL and an event far into its text, dated and with a killed figure
    written in its sentence, that belongs to an incident."""
    articles = {a["article_id"]: a for a in store.records("articles")}
    events = [e for e in store.records("events")
              if articles[e["article_id"]]["url"] and e["incident_id"]
              and e["date_text"] and e["date_text"] in e["sentence"]
              and any(f["kind"] == "killed" and f["text"] in e["sentence"]
                      for f in e["figures"])]
    assert events, "the demo corpus has dated events with killed figures"
    event = max(events, key=lambda e: (e["start"], e["event_id"]))
    return articles[event["article_id"]], event


def test_reader_marks_the_events_and_scrolls_to_the_chosen_one(
        page: Page, server: Server, demo_store: Store) -> None:
    article, event = _deep_event(demo_store)
    events = demo_store.records("events", "article_id = ?", [article["article_id"]])
    page.set_viewport_size({"width": 1280, "height": 600})  # the event lies below the fold
    page.goto(f"{server.url}/reader?article={article['article_id']}&event={event['event_id']}")
    page.wait_for_selector("#reader-text .event-sentence", timeout=30_000)
    assert page.inner_text("#reader-title") == article["title"]
    meta = page.inner_text("#reader-meta")
    assert article["outlet_name"] in meta and article["published"] in meta
    assert page.get_attribute("#reader-meta a", "href") == article["url"]

    # Every event sentence is marked once, where its offsets say; the chosen one stands out.
    assert page.locator("#reader-text .event-sentence[id]").count() == len(events)
    chosen = page.locator(f"#event-{event['event_id']}")
    assert chosen.get_attribute("class") == "event-sentence chosen"
    assert chosen.inner_text() == event["sentence"]
    figure = next(f for f in event["figures"] if f["kind"] == "killed")
    assert figure["text"] in chosen.locator("mark.hl-figure").all_inner_texts()
    assert event["date_text"] in chosen.locator("mark.hl-date").all_inner_texts()
    assert page.locator("#reader-text .chosen").count() == 1
    page.wait_for_function(IN_VIEW, arg=f"event-{event['event_id']}", timeout=10_000)
    assert page.evaluate("window.scrollY") > 0
    assert page.locator("#reader-events tr.reader-event").count() == len(events)
    assert page.locator("#reader-events tr.chosen").count() == 1

    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reader.png"), full_page=True)

    # Another event of the list: the marks follow without leaving the page.
    other = min(events, key=lambda e: e["start"])
    assert other["event_id"] != event["event_id"]
    page.locator("#reader-events tr.reader-event").first.locator("a").first.click()
    page.wait_for_url(f"**event={other['event_id']}")
    page.wait_for_selector(f"#event-{other['event_id']}.chosen")
    assert page.locator("#reader-text .chosen").count() == 1

    # The incident link opens Compare; its "read" link comes back to a Reader.
    page.locator(f"#reader-events a[href='/compare?incident={event['incident_id']}']").first \
        .click()
    page.wait_for_url(f"**/compare?incident={event['incident_id']}")
    page.wait_for_selector("table.accounts a.read-link", timeout=20_000)
    hrefs = page.eval_on_selector_all("table.accounts a.read-link",
                                      "els => els.map(e => e.getAttribute('href'))")
    assert f"/reader?article={article['article_id']}&event=" in " ".join(hrefs)
    page.locator("table.accounts a.read-link").first.click()
    page.wait_for_url("**/reader?article=*")
    page.wait_for_selector("#reader-text .event-sentence.chosen", timeout=20_000)


def test_unknown_or_malformed_article_is_not_found(page: Page, server: Server) -> None:
    for search in ("?article=a0000000000000000", "?article=%3Cscript%3E"):
        page.goto(f"{server.url}/reader{search}")
        page.wait_for_selector("#reader-missing", timeout=30_000)
        assert "Article not found" in page.inner_text("#reader-missing")
    page.goto(f"{server.url}/reader")
    page.wait_for_selector("#reader-missing", timeout=30_000)
    assert "No article chosen" in page.inner_text("#reader-missing")
    assert page.locator("#nav-reader").count() == 0  # reached from an article, not the header


def _hostile_store(path: Path) -> tuple[Store, str]:
    """A store written directly, not through ingest (which would clean some of this away),
    so that the Reader's own defences are what is tested."""
    text = ("Intro <script>window.pwned=1</script>\n\nA missile struck Kramatorsk on April 8, "
            "2022, killing 5 people <img src=x onerror=\"window.pwned=2\">, officials said."
            "\n\n[link](javascript:window.pwned=3) <a href=\"javascript:window.pwned=4\">more</a>")
    sentence = text.split("\n\n")[1]
    article = {"article_id": "a0123456789abcdef", "source": "x.html",
               "url": "javascript:window.pwned=5", "outlet": "rt",
               "outlet_name": "<b onmouseover=\"window.pwned=6\">RT</b>",
               "title": "<img src=x onerror=\"window.pwned=7\">Strike",
               "author": "<script>window.pwned=8</script>", "published": "2022-04-08",
               "published_basis": "<i>metadata</i>", "published_candidates": [],
               "language": "<u>en</u>", "text": text,
               "captions": ["<img src=x onerror=\"window.pwned=9\">A caption"]}
    event = {"event_id": "e0123456789abcdef", "article_id": article["article_id"],
             "outlet": "rt", "date": "2022-04-08", "date_end": "2022-04-08",
             "date_precision": "day", "date_text": "on April 8, 2022",
             "event_type": "<b>Explosions</b>", "sub_event_type": "<script>x</script>",
             "actors": [{"name": "<b>X</b>", "role": "actor1", "text": "A missile"}],
             "locations": [{"name": "<b>K</b>", "text": "Kramatorsk", "lat": 48.7, "lon": 37.6,
                            "precision": "place", "country": "UA", "admin1": "Donetsk"}],
             "figures": [{"kind": "killed", "low": 5, "high": 5, "text": "killing 5 people"}],
             "claimed_by": ["<i onclick=\"window.pwned=10\">officials</i>"], "stance": "asserts",
             "sentence": sentence, "start": text.index(sentence),
             "end": text.index(sentence) + len(sentence),
             "incident_id": "javascript:window.pwned=11"}
    store = Store(path)
    with store.writer() as writer:
        writer.write_batch([article], [event])
    return store, article["article_id"]


def test_hostile_article_is_inert_on_the_reader(browser: Browser, tmp_path: Path) -> None:
    store, article_id = _hostile_store(tmp_path / "store")
    server = Server(store)
    try:
        opened = browser.new_page()
        opened.goto(f"{server.url}/reader?article={article_id}&event=e0123456789abcdef")
        opened.wait_for_selector("#reader-text .event-sentence.chosen", timeout=30_000)
        assert opened.inner_text("#reader-title") == "<img src=x onerror=\"window.pwned=7\">Strike"
        shown = opened.inner_text("#reader")
        for markup in ("<script>window.pwned=1</script>", "onerror=\"window.pwned=2\"",
                       "[link](javascript:window.pwned=3)", "<b onmouseover=",
                       "<script>window.pwned=8</script>", "onerror=\"window.pwned=9\"",
                       "<i onclick="):
            assert markup in shown  # shown as text, not run
        assert opened.locator("#reader mark.hl-figure").inner_text() == "killing 5 people"
        assert opened.locator("#reader img, #reader script, #reader b, #reader i").count() == 0
        hrefs = opened.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
        assert "/compare?incident=javascript%3Awindow.pwned%3D11" in hrefs
        assert not any(h and h.strip().lower().startswith("javascript") for h in hrefs)
        opened.hover("#reader-text .event-sentence")
        opened.click("#reader-captions li")
        assert opened.evaluate("window.pwned === undefined")
        opened.close()
    finally:
        server.stop()
