"""One save at a time per data folder, across the threads of one app process (how Streamlit
serves sessions) and across processes (several app processes, the CLI, a QGIS hook): a lock
file beside the data, held with flock for the whole check–write–history step."""
from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

LOCK_NAME = ".save.lock"
_thread_locks: dict[Path, threading.Lock] = {}
_guard = threading.Lock()


class SaveBusyError(RuntimeError):
    """Another save held the data folder for longer than the wait allowed; nothing was written."""


def _thread_lock(folder: Path) -> threading.Lock:
    with _guard:
        return _thread_locks.setdefault(folder, threading.Lock())


@contextmanager
def data_lock(folder: Path, wait_s: float = 60.0) -> Iterator[None]:
    folder = folder.resolve()
    local = _thread_lock(folder)
    if not local.acquire(timeout=wait_s):
        raise SaveBusyError(f"another save in this app is still running after {wait_s:.0f} s; try again")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise SaveBusyError(f"another program is saving in the data folder after {wait_s:.0f} s; "
                                            "try again") from None
                    time.sleep(0.005)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        local.release()
