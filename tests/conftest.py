"""Shared test settings: hypothesis runs deterministically, with no deadline (CI machines are noisy); a
local HTTP server for download tests; the headless browser of the browser tests (``tests/browser.py``:
``browser`` and ``open_page``, registered here once, so the whole session drives one Chromium).

Each property test tries 25 examples locally and 100 under CI (``CI`` set); ``HYPOTHESIS_EXAMPLES``
overrides both.
"""

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from tests.browser import browser, open_page  # noqa: F401 (fixtures for every test module)

settings.register_profile(
    "default",
    deadline=None,
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "100" if os.environ.get("CI") else "25")),
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture
def server(tmp_path, monkeypatch):
    """Serves ``tmp_path/served`` over HTTP; records request paths; paths in ``truncate`` get half their
    body under a full Content-Length before the connection closes."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    folder = tmp_path / "served"
    folder.mkdir()
    requests: list[str] = []
    truncate: set[str] = set()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            requests.append(self.path)
            if self.path in truncate:
                data = (folder / self.path.lstrip("/")).read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.close_connection = True
                return
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    yield SimpleNamespace(url=url, folder=folder, requests=requests, truncate=truncate)
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The documentation site, built once for the session the way ``make docs`` builds it (strictly: a broken
    link or reference fails), for the tests that read it (``test_docs.py``) and open it in a browser."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-5000:]}"
    return out
