"""Shared fixtures: paths to the repository's data and the read-only shared corpus."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from ingest import Store, ingest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed"
FAKES = SHARED / "corpus" / "fa-kes" / "fakes.csv"
CORPUS = REPO / "data" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCREENSHOTS = REPO / "docs" / "screenshots"
COUNTERPOINT = [sys.executable, "-m", "ingest"]


def require(path: Path) -> Path:
    # The shared corpus lies beside the repository on developers' machines and in CI.
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests need ../shared beside the repository")
    return path


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The bundled corpus ingested once into a temporary store (read-only for tests)."""
    store = Store(tmp_path_factory.mktemp("demo") / "store")
    summary = ingest([CORPUS], store, workers=2)
    assert not summary.failed, summary.failed
    return store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


class Server:
    def __init__(self, store: Store, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [*COUNTERPOINT, "serve", "--store", str(store.path), "--port", str(self.port)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        try:
            wait_for(self.url + "/api/status")
        except TimeoutError:
            self.stop()
            raise

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def serve() -> Iterator[type[Server]]:
    """Start `counterpoint serve` processes over stores; all are stopped afterwards."""
    started: list[Server] = []

    class Tracked(Server):
        def __init__(self, store: Store, env: dict[str, str] | None = None) -> None:
            super().__init__(store, env)
            started.append(self)

    yield Tracked
    for server in started:
        server.stop()


# -- the browser tier: Debian's Chromium driven by Playwright --------------------------------
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
