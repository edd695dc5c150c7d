"""The documentation site in a real browser (headless Chromium, see tests/browser.py), opened from disk as a
reader who downloads it would: every page loads with no console error and asks for nothing outside the site,
every image and notebook output renders, and every link inside the site leads to a file that exists (and,
for a link to a heading, to that heading). ``404.html`` is left out: a web server sends it, from the site's
root, for a missing address; it is not reachable from disk.

The site is ``tests/conftest.py``'s ``site``: built once per session, strictly, as ``make docs`` does."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


LINKS = """() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"""
BROKEN_IMAGES = """() => Array.from(document.images)
    .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"""
NOTEBOOK_OUTPUTS = """() => ({
    outputs: document.querySelectorAll('.jp-OutputArea-output').length,
    pictures: Array.from(document.querySelectorAll('.jp-OutputArea-output img, .jp-OutputArea-output svg'))
        .filter(p => p.getBoundingClientRect().width > 100).length,
})"""


@pytest.fixture(scope="module")
def visited(site, browser) -> dict[str, dict]:
    """Every page opened once, in one browser context that serves only the site's files: per page (its path
    in the site), the console errors, the images that did not render, the links and, for a notebook page,
    how many outputs and pictures it shows. ``"outside"`` lists what any page asked for beyond the site."""
    root = site.resolve().as_uri() + "/"
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    outside: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(root):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort("blockedbyclient")

    context.route("**/*", route)
    found: dict[str, dict] = {}
    try:
        for path in pages(site):
            page, errors = context.new_page(), []
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(path.as_uri(), wait_until="load")
            name = path.relative_to(site).as_posix()
            found[name] = {
                "errors": errors,
                "broken_images": page.evaluate(BROKEN_IMAGES),
                "links": page.evaluate(LINKS),
                "notebook": page.evaluate(NOTEBOOK_OUTPUTS) if name.startswith("notebooks/0") else None,
            }
            page.close()
    finally:
        context.close()
    return {"pages": found, "outside": outside}


def test_every_page_loads_with_no_console_error_and_asks_nothing_outside_the_site(visited):
    found = visited["pages"]
    assert len(found) >= 30, sorted(found)  # the concept pages, the API pages and the eight notebooks
    errors = {name: seen["errors"][:3] for name, seen in found.items() if seen["errors"]}
    assert not errors, errors
    assert not visited["outside"], sorted(set(visited["outside"]))[:5]


def test_every_image_and_notebook_output_renders(visited):
    broken = {
        name: seen["broken_images"][:3] for name, seen in visited["pages"].items() if seen["broken_images"]
    }
    assert not broken, broken
    notebooks = {name: seen["notebook"] for name, seen in visited["pages"].items() if seen["notebook"]}
    assert len(notebooks) == 8, sorted(notebooks)
    for name, shown in notebooks.items():
        assert shown["outputs"] >= 3 and shown["pictures"] >= 1, (name, shown)


def test_every_link_inside_the_site_resolves(site, visited):
    links = {name: seen["links"] for name, seen in visited["pages"].items()}
    assert sum(len(hrefs) for hrefs in links.values()) > 500
    broken = broken_links(site, links)
    assert not broken, "\n".join(broken[:10])


def broken_links(site: Path, links: dict[str, list[str]]) -> list[str]:
    """Links from the pages to files of the site that do not exist, or to headings their page lacks."""
    root = site.resolve().as_uri() + "/"
    broken, anchors = [], {}
    for name, hrefs in links.items():
        for href in hrefs:
            if not href.startswith(root):
                continue  # the web (GitHub, PyPI ...): a link, never loaded here
            parts = urlsplit(href)
            target = Path(unquote(parts.path))
            if not target.is_file():
                broken.append(f"{name} -> {href[len(root) :]}: no such file")
            elif parts.fragment and target.suffix == ".html":
                if target not in anchors:
                    anchors[target] = set(ID.findall(target.read_text(encoding="utf-8")))
                ids = anchors[target]
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{name} -> {href[len(root) :]}: no heading #{parts.fragment}")
    return broken


ID = re.compile(r"""\bid=["']([^"']+)["']""")


def test_the_embedded_explorer_steps(site, browser):
    root = site.resolve().as_uri() + "/"
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(root) else r.abort("blockedbyclient")
    )
    try:
        page, errors = context.new_page(), []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((site / "visualising-backprop.html").as_uri(), wait_until="load")
        page.locator('iframe[src*="explorer/"]').scroll_into_view_if_needed()  # it loads lazily
        frame = page.frame_locator('iframe[src*="explorer/"]')
        graph = frame.locator("#tg-graph")
        graph.wait_for()
        assert graph.get_attribute("data-position") == "0"
        for expected in ("1", "2"):
            frame.locator("#tg-next").click()
            assert graph.get_attribute("data-position") == expected
        frame.locator("#tg-end").click()
        assert graph.get_attribute("data-phase") == "backward"
        assert not errors, errors
    finally:
        context.close()
