"""Shared fixtures: a running copy of the real app and a headless Chromium that refuses
every request not addressed to this machine."""
from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = os.environ.get("HZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_PREFIXES = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_script(relative: str, name: str):
    """A repository script that is not a package module (scripts/*.py, bench/run.py), loaded
    as module `name` and registered in sys.modules (dataclasses look their module up there)."""
    spec = importlib.util.spec_from_file_location(name, REPO / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def asgi_get(app, scope: dict) -> list[dict]:
    """Send one request through an ASGI app; returns the messages it sent. Runs on its own
    thread: once the browser fixture is up, Playwright's sync API keeps an event loop running
    on the main thread, where asyncio.run refuses to start."""
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    with ThreadPoolExecutor(max_workers=1) as worker:  # .result() re-raises here what the app raised
        worker.submit(asyncio.run, app(scope, receive, send)).result()
    return sent


class RunningApp:
    def __init__(self, geodata: Path, extra_env: dict[str, str] | None = None, script: Path | None = None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, HZ_GEODATA_DIR=str(geodata), **(extra_env or {}))
        env.pop("HZ_EDITORS", None) if not extra_env or "HZ_EDITORS" not in extra_env else None
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = (ARTIFACTS / f"streamlit-{self.port}.log").open("w")
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "scripts" / "serve.py"), "run", str(script or REPO / "app.py"),
             "--server.port", str(self.port), "--server.address", "127.0.0.1"],
            cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not start; see {self.log.name}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(autouse=True)
def _publish_into_a_temporary_folder(tmp_path, monkeypatch):
    """What a test publishes (layer copies, map configurations) goes to its own folder, not to
    the static/ that the app serves: the served folder holds only what the running app wrote."""
    monkeypatch.setattr("layers.web.assets.LAYER_DATA_DIR", tmp_path / "published" / "layers")
    monkeypatch.setattr("layers.web.assets.HZ_DIR", tmp_path / "published" / "hz")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture()
def geodata_copy(tmp_path: Path) -> Path:
    """A private copy of geodata/ a test may break without touching the real files."""
    target = tmp_path / "geodata"
    shutil.copytree(REPO / "geodata", target, ignore=shutil.ignore_patterns(".history"))
    return target


@pytest.fixture(scope="session")
def app(artifacts: Path):
    running = RunningApp(REPO / "geodata")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (see README test command)")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Page:
    """A browser page that records JS errors and blocks (and records) off-machine requests."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        self.page = self.context.new_page()
        self.external_requests: list[str] = []
        self.js_errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.js_errors.append(str(exc)))
        self.page.on("console", self._on_console)
        self.context.route("**/*", self._route)
        # Script runs asked for (a widget change or page switch) and answered, read off Streamlit's
        # websocket: the status widget alone can hide before a run asked for under load starts.
        self._runs_asked = self._runs_answered = 0
        self.page.on("websocket", self._watch_socket)

    def _watch_socket(self, socket) -> None:
        socket.on("framesent", self._on_frame_sent)
        socket.on("framereceived", self._on_frame_received)

    def _on_frame_sent(self, payload) -> None:
        if isinstance(payload, bytes) and BackMsg.FromString(payload).WhichOneof("type") == "rerun_script":
            self._runs_asked += 1

    def _on_frame_received(self, payload) -> None:
        if not isinstance(payload, bytes):
            return
        message = ForwardMsg.FromString(payload)
        if message.WhichOneof("type") == "script_finished" \
                and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self._runs_answered = self._runs_asked

    def _on_console(self, message) -> None:
        if message.type == "error":  # with where it came from: "Failed to load resource" names no URL
            self.js_errors.append(f"{message.text} ({message.location.get('url', '?')})")

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            self.external_requests.append(url)
            route.abort()

    def map_frame(self):
        # .last: while Streamlit swaps a map (basemap change) the old iframe lingers briefly
        return self.page.frame_locator('iframe[title="streamlit_folium.st_folium"]').last

    def map_eval(self, script: str):
        """Run JS inside the map iframe (where streamlit-folium keeps `window.map`)."""
        frame = next(f for f in self.page.frames if "streamlit_folium" in f.url)
        return frame.evaluate(script)

    def sidebar(self):
        return self.page.locator('[data-testid="stSidebar"]')

    def panel(self):
        """The layer panel component in the sidebar (layers/web/js/panel/)."""
        return self.page.frame_locator('iframe[title*="hz_layer_panel"]')

    def go_to(self, nav_label: str, heading: str) -> None:
        """Open another page from the sidebar navigation once the current one has settled.
        A first load is one script run (tests/test_browser_startup.py), but a click can still
        land while a widget's rerun is answered, which Streamlit drops; one retry is allowed."""
        self.wait_idle()
        for attempt in range(2):
            self.page.locator('[data-testid="stSidebarNav"] a', has_text=nav_label).click()
            try:
                self.page.get_by_role("heading", name=heading).first.wait_for(timeout=10000)
                break
            except Exception:
                if attempt:
                    raise
        self.wait_idle()

    def wait_idle(self, timeout: float = 30000) -> None:
        """Wait until Streamlit has finished every script run asked for so far (its status widget
        goes away and a finish arrived after the last request)."""
        self.page.wait_for_timeout(300)
        deadline = time.monotonic() + timeout / 1000
        while self._runs_answered < self._runs_asked:
            if time.monotonic() > deadline:
                raise TimeoutError(f"Streamlit did not finish a script run within {timeout / 1000:.0f} s")
            self.page.wait_for_timeout(100)
        self.page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=timeout)

    def close(self):
        self.context.close()


@pytest.fixture()
def page(browser):
    wrapped = Page(browser)
    yield wrapped
    wrapped.close()
