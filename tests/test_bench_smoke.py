"""A tiny run of the benchmark harness (bench/run.py): one repetition of every figure against
both apps, so a change to the app or to Streamlit cannot silently break the bench (as reading
#map_div before the map frame had created it once did). Structure only: every figure is
present, finite and positive; no timing is asserted."""
from __future__ import annotations

import math
import socket
import sys
import threading

import pytest

from conftest import REPO, load_script

pytestmark = pytest.mark.browser


def _bench():
    sys.path.insert(0, str(REPO / "bench"))
    return load_script("bench/run.py", "bench_run")


def test_bench_measures_every_figure_for_both_apps(browser):
    bench = _bench()
    bench._share_static_folder()
    results = bench.measure_pair(browser, heavy=False, repeats=1, viewers=(2,), returning=True)
    for name in ("ours", "baseline"):
        figures = results[name]
        for key in ("first", "reruns", "cpu", "on", "off", "bytes", "server"):
            assert math.isfinite(figures[key]) and figures[key] > 0, (name, key, figures[key])
        assert figures["reruns"] == int(figures["reruns"])
        crowd = figures["viewers"][2]
        for key in ("first", "cpu", "reruns"):
            assert math.isfinite(crowd[key]) and crowd[key] > 0, (name, "2 viewers", key, crowd[key])
        for key in ("first", "cpu"):
            value = figures["returning"][key]
            assert math.isfinite(value) and value > 0, (name, "returning", key, value)
    only = results["map_only"]["first"]
    assert math.isfinite(only) and only > 0
    rows = bench.rows_for(results, heavy=False)
    assert len(rows) == 7 + 1 + 2 + 2 and all(len(row) == 5 and all(row) for row in rows)
    assert not any("nan" in cell or "inf" in cell for row in rows for cell in row)


def test_a_returning_viewer_stays_on_this_machine(browser):
    """The cached-browser probe cannot use request routing (that turns the cache off): every
    request not for this machine must go to its proxy instead. Here the proxy is a socket of
    ours that records what reaches it; the bench's own proxy address has nothing listening."""
    bench = _bench()
    seen: list[bytes] = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(10)
        proxy = {"server": f"http://127.0.0.1:{server.getsockname()[1]}", "bypass": "127.0.0.1,localhost"}

        def record():
            try:
                conn, _ = server.accept()
                with conn:
                    seen.append(conn.recv(4096))
            except OSError:
                pass

        listener = threading.Thread(target=record)
        listener.start()
        probe = bench.Probe(browser, "http://127.0.0.1:9", cache=True, proxy=proxy)
        try:
            probe.page.goto("data:text/html,<p>offline</p>")
            probe.page.evaluate("""() => fetch('http://bench-probe.invalid/x', {mode: 'no-cors'})
                .then(() => true, () => false)""")
        finally:
            probe.close()
            listener.join()
    assert seen and seen[0].startswith(b"GET http://bench-probe.invalid/x")
