"""Sign-in throttling: after a few wrong passwords for an account, or from one client, each
further try must wait longer, and after many the account (or client) is locked for a while.
A locked or waiting try is refused without checking the password, so guessing costs the
server nothing. Failures are logged. One instance per app process (the page keeps it in
st.cache_resource); a restart clears it, which a slow guesser cannot count on."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

log = logging.getLogger("huzhou.signin")

FREE_TRIES = 3         # wrong passwords allowed before any delay
BASE_DELAY_S = 2.0     # then 2, 4, 8, … seconds between tries
MAX_DELAY_S = 60.0
LOCK_AFTER = 10        # wrong passwords in a row that lock the key
LOCK_S = 15 * 60.0


@dataclass
class _Record:
    failures: int = 0
    next_try: float = 0.0
    locked_until: float = 0.0


@dataclass
class Verdict:
    allowed: bool
    wait_s: float = 0.0   # how long before the next try is accepted
    locked: bool = False


@dataclass
class SignInThrottle:
    clock: Callable[[], float] = time.monotonic
    _records: dict[str, _Record] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, user: str, client: str) -> Verdict:
        """May this try go ahead? Checked before the password is hashed."""
        now = self.clock()
        with self._lock:
            worst = Verdict(True)
            for key in (f"user:{user}", f"client:{client}"):
                record = self._records.get(key)
                if record is None:
                    continue
                if record.locked_until > now:
                    return Verdict(False, record.locked_until - now, locked=True)
                if record.next_try > now:
                    worst = Verdict(False, max(worst.wait_s, record.next_try - now))
            return worst

    def failed(self, user: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (f"user:{user}", f"client:{client}"):
                record = self._records.setdefault(key, _Record())
                record.failures += 1
                if record.failures >= LOCK_AFTER:
                    record.locked_until = now + LOCK_S
                    log.warning("sign-in locked for %s after %d wrong passwords", key, record.failures)
                elif record.failures > FREE_TRIES:
                    record.next_try = now + min(BASE_DELAY_S * 2 ** (record.failures - FREE_TRIES - 1), MAX_DELAY_S)
            log.warning("wrong password for user %r from %s", user, client)

    def succeeded(self, user: str, client: str) -> None:
        with self._lock:
            self._records.pop(f"user:{user}", None)
            self._records.pop(f"client:{client}", None)
