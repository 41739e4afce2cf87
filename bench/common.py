"""Shared helpers for benchmarks: medians, machine description, Markdown output."""
from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO))


def median_seconds(func: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def machine() -> str:
    return (f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
            f"{dt.datetime.now().isoformat(timespec='minutes')}")


def write_table(name: str, title: str, rows: list[tuple[str, str, str, str, str]]) -> str:
    """rows: (figure, ours, baseline, ratio, target). Prints and saves a Markdown table."""
    lines = [f"# {title}", "", f"Machine: {machine()}", "",
             "| figure | ours | baseline | ours / baseline | target |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)
    return text
