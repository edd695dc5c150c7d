"""Real-browser tests: headless Chromium (Debian's ``chromium`` package) driven by Playwright.

``tests/conftest.py`` registers the two fixtures once for the whole suite (one Playwright session can
run at a time, so each test module must not import its own), and a test names them::

    def test_the_page_opens(open_page, tmp_path):
        page, console_errors, requests = open_page(tmp_path / "pass.html")
        assert page.title() == "..."
        assert not console_errors and requests == [page.url]

* ``browser`` (one per session) launches ``/usr/bin/chromium`` (or the ``chromium`` / ``chromium-browser``
  on PATH, or the program ``TG_CHROMIUM`` names) headless, with the background traffic that Chromium makes by
  itself switched off (``ARGS``) and a fresh temporary profile (Playwright makes one for each launch and
  deletes it afterwards). It never downloads a browser: ``make test`` installs Chromium with
  ``scripts/ensure-chromium.sh``, and Playwright is only the driver (``pip install playwright``, in the
  ``test`` extra).
* ``open_page(path, *, allow=())`` opens a local file from ``file://`` in a new browser context, waits for
  its ``load`` event and returns ``(page, console_errors, requests)``: ``console_errors`` gathers every
  console message of type ``error`` and every uncaught exception, as they happen; ``requests`` every URL the
  page asked for, the page's own first. Only the page itself (and the URLs in ``allow``) are served: any
  other request is answered with a network error, so a page that needs the network fails visibly.

A missing Chromium or Playwright is a test failure that says how to install it, never a silent skip: these
tests are how the project knows its pages work in a browser.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

#: Chromium's switches: headless, no GPU, no sandbox (containers run as root), and none of the requests it
#: makes on its own (component and safe-browsing updates, sync, first-run pages)
ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
_INSTALL = (
    "install them with `bash scripts/ensure-chromium.sh` (Debian/Ubuntu: apt-get install chromium) and "
    "`pip install playwright` (the driver only: never `playwright install`); or set TG_CHROMIUM to a "
    "Chromium program"
)


def chromium_path() -> str | None:
    """The Chromium program the tests drive: ``TG_CHROMIUM``, else ``/usr/bin/chromium``, else one on PATH."""
    named = os.environ.get("TG_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium for the whole test session (see the module docstring)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.fail(f"the browser tests need Playwright, which is not installed: {_INSTALL}", pytrace=False)
    executable = chromium_path()
    if executable is None:
        where = os.environ.get("TG_CHROMIUM") or "/usr/bin/chromium, chromium or chromium-browser on PATH"
        pytest.fail(f"the browser tests need Chromium, not found at {where}: {_INSTALL}", pytrace=False)
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, headless=True, args=list(ARGS))
        except Error as error:
            pytest.fail(f"Chromium at {executable} did not start: {error}", pytrace=False)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., tuple[Any, list[str], list[str]]]]:
    """``open_page(path, *, allow=()) -> (page, console_errors, requests)``; see the module docstring. Each
    page gets its own browser context (no shared cache or storage), closed after the test."""
    contexts: list[Any] = []

    def open_(
        path: str | os.PathLike[str], *, allow: tuple[str, ...] = ()
    ) -> tuple[Any, list[str], list[str]]:
        url = Path(path).resolve().as_uri()
        allowed = {url, *allow}
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        console_errors: list[str] = []
        requests: list[str] = []

        def route(request_route: Any) -> None:
            requests.append(request_route.request.url)
            if request_route.request.url in allowed:
                request_route.continue_()
            else:
                request_route.abort("blockedbyclient")

        context.route("**/*", route)
        page = context.new_page()
        page.on(
            "console", lambda m: console_errors.append(f"console: {m.text}") if m.type == "error" else None
        )
        page.on("pageerror", lambda error: console_errors.append(f"uncaught: {error}"))
        page.goto(url, wait_until="load")
        # an explorer page whose data comes packed sets itself up once the browser has unpacked it
        page.wait_for_function(
            "() => !document.getElementById('tg-data')"
            " || document.documentElement.hasAttribute('data-tg-ready')"
        )
        return page, console_errors, requests

    yield open_
    for context in contexts:
        context.close()
