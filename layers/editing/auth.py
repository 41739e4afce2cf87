"""Editor sign-in: PBKDF2-SHA256 password hashes kept in Streamlit secrets or the environment.

There is no default account: with no editor configured, editing is off. Create a hash with
`python -m layers hash-password` and put it in `.streamlit/secrets.toml`:

    [editors]
    wang = "pbkdf2_sha256$260000$<salt>$<hash>"

or in the environment, single-quoted so the shell leaves each `$` alone:
    HZ_EDITORS='wang=pbkdf2_sha256$...;li=pbkdf2_sha256$...'
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Mapping

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 260_000


def hash_password(password: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    if not password:
        raise ValueError("password must not be empty")
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algorithm, iterations, salt, digest = stored.split("$")
        if algorithm != ALGORITHM:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def load_editors(environ: Mapping[str, str], secrets: Mapping | None) -> dict[str, str]:
    """user → stored hash, from secrets [editors] and HZ_EDITORS; entries without a valid hash are dropped."""
    editors: dict[str, str] = {}
    if secrets and "editors" in secrets:
        editors.update({str(k): str(v) for k, v in dict(secrets["editors"]).items()})
    for entry in environ.get("HZ_EDITORS", "").split(";"):
        if "=" in entry:
            user, _, stored = entry.partition("=")
            editors[user.strip()] = stored.strip()
    return {u: h for u, h in editors.items() if u and h.startswith(ALGORITHM + "$")}


def authenticate(user: str, password: str, editors: Mapping[str, str]) -> bool:
    stored = editors.get(user)
    if stored is None:
        # Spend the same time for unknown users, so timing does not reveal who exists.
        verify_password(password, hash_password("x", salt=b"0" * 16))
        return False
    return verify_password(password, stored)
