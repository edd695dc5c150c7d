"""The explorer stored in a notebook, as JupyterLab shows it: JupyterLab 4 serves a copy of notebook 1,
trusted (as a notebook is once its owner ran it, or chose File > Trust Notebook: JupyterLab sanitises the HTML
outputs of a notebook it does not trust, which removes the explorer's frame), to the same headless Chromium
as the other browser tests. The explorer in the notebook's stored output must show and step, with no cell
run. The server runs with its own data, config, runtime and settings folders (nothing of the user's is read
or written) and the browser reaches nothing but it.

VS Code's notebook view cannot be driven here; it shows an HTML output in a webview that runs scripts, which
is all the explorer's frame needs (see ``tensorgrad/viz/explorer.py``)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01-autograd-from-the-ground-up.ipynb"
#: the notebook's cell that shows the explorer
EXPLORER_CELL = 'tg.viz.explore(L, title="L = tanh(a b + c)")'


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server (no token, a free port) whose root holds a trusted copy of notebook 1: its URL."""
    folders = {name: tmp_path / name for name in ("data", "config", "runtime", "settings", "root")}
    for folder in folders.values():
        folder.mkdir()
    env = dict(
        os.environ,
        JUPYTER_DATA_DIR=str(folders["data"]),
        JUPYTER_CONFIG_DIR=str(folders["config"]),
        JUPYTER_RUNTIME_DIR=str(folders["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(folders["settings"]),
    )
    # every cell rendered, not only those in view (JupyterLab's default draws a long notebook as it scrolls)
    tracker = folders["settings"] / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    notebook = folders["root"] / NOTEBOOK.name
    shutil.copy(NOTEBOOK, notebook)
    jupyter = [sys.executable, "-m", "jupyter"]
    subprocess.run([*jupyter, "trust", str(notebook)], env=env, check=True, capture_output=True)
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [*jupyter, "lab", "--no-browser", "--allow-root", f"--port={port}", "--ServerApp.token=",
         "--ServerApp.password=", f"--ServerApp.root_dir={folders['root']}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"JupyterLab did not start:\n{(tmp_path / 'server.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield url, notebook.name
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_jupyterlab_shows_a_trusted_notebooks_stored_explorer_and_it_steps(browser, jupyterlab):
    url, name = jupyterlab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def route(request_route):
        if request_route.request.url.startswith(url):
            request_route.continue_()
        else:
            request_route.abort("blockedbyclient")  # nothing but the local server

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.goto(f"{url}/lab/tree/{name}", wait_until="domcontentloaded", timeout=90_000)
        cell = page.locator(".jp-CodeCell", has_text=EXPLORER_CELL)
        cell.wait_for(timeout=90_000)
        frame_element = cell.locator("iframe[srcdoc]")
        frame_element.wait_for(timeout=30_000)
        assert frame_element.get_attribute("sandbox") == "allow-scripts"
        frame_element.scroll_into_view_if_needed()
        frame = frame_element.element_handle().content_frame()
        frame.wait_for_selector("html[data-tg-ready]", timeout=30_000)
        graph = frame.locator("#tg-graph")
        assert graph.get_attribute("data-position") == "0" and frame.locator(".tg-box").count() == 6
        frame.click("#tg-next")
        frame.click("#tg-next")
        assert graph.get_attribute("data-position") == "2" and graph.get_attribute("data-phase") == "forward"
        frame.click("#tg-end")
        assert graph.get_attribute("data-phase") == "backward" and graph.get_attribute("data-step") == "3"
        assert "The backward pass is done" in frame.locator("#tg-status").inner_text()
    finally:
        context.close()
