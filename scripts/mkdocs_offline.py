"""MkDocs hook: the site opens from disk and asks no third party.

Material's ``offline`` plugin (in mkdocs.yml) makes search work from ``file://``: the search index becomes a
script, and the search worker runs through the iframe-worker shim, which the plugin loads from unpkg.com in
every page's head. This hook points that ``<script>`` at the copy shipped with the docs
(``docs/javascripts/vendor/iframe-worker-shim.js``, MIT), relative to each page, and fails the build if a page
still names another host in a ``src`` (a script or image that would need the network).
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

SHIM_URL = "https://unpkg.com/iframe-worker/shim"
SHIM_COPY = "javascripts/vendor/iframe-worker-shim.js"
REMOTE_SRC = re.compile(r"""<(?:script|img|iframe)\b[^>]*\bsrc=["'](https?:)?//""", re.I)


def on_post_page(output: str, page: Any, config: Any, **_: Any) -> str:
    output = output.replace(SHIM_URL, get_relative_url(SHIM_COPY, page.url or "index.html"))
    remote = REMOTE_SRC.search(output)
    if remote:
        start = remote.start()
        raise PluginError(f"{page.file.src_path}: loads from the network: {output[start : start + 160]!r}")
    return output


def on_post_template(output_content: str, template_name: str, config: Any, **_: Any) -> str:
    """The pages made from templates alone (404.html, served by a web server from the site's root)."""
    return output_content.replace(SHIM_URL, "/" + SHIM_COPY)
