"""Password links: the form's answer checked with scrypt (sharing/passwords.py), a cookie that
proves it for the rest of the visit, and a limit on wrong guesses.

The cookie is an HMAC of the token and the link's password hash under a secret made when the
server starts: it opens only that link, stops working when the password is changed or the
server restarts, and holds nothing a visitor could turn back into the password.

After ``MAX_WRONG`` wrong passwords from one client (its address) for one link within
``WINDOW`` seconds, that client gets 429 with Retry-After until the oldest of them is a
``WINDOW`` old. Behind a reverse proxy every visitor has the proxy's address: the limit then
holds for all of them together, which still bounds a guesser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import deque

MAX_WRONG = 5
WINDOW = 60.0  # seconds
MAX_CLIENTS = 10_000  # clients remembered at once; the oldest are forgotten first


class Cookies:
    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    @staticmethod
    def name(token: str) -> str:
        return "pt_" + hashlib.sha256(token.encode("ascii")).hexdigest()[:12]

    def value(self, token: str, password_hash: str) -> str:
        mac = hmac.new(self._secret, f"{token}\0{password_hash}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")

    def valid(self, token: str, password_hash: str, given: str | None) -> bool:
        if not given:
            return False
        return hmac.compare_digest(self.value(token, password_hash), given)


class WrongPasswords:
    """Wrong passwords per (client, link) in the last WINDOW seconds. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], deque[float]] = {}
        self._now = time.monotonic

    def retry_after(self, client: str, token: str) -> int:
        """Seconds until this client may try again (0: now)."""
        with self._lock:
            times = self._prune((client, token))
            if len(times) < MAX_WRONG:
                return 0
            return max(1, math.ceil(times[0] + WINDOW - self._now()))

    def wrong(self, client: str, token: str) -> None:
        with self._lock:
            key = (client, token)
            times = self._prune(key)
            times.append(self._now())
            self._seen[key] = times
            while len(self._seen) > MAX_CLIENTS:
                self._seen.pop(next(iter(self._seen)))

    def _prune(self, key: tuple[str, str]) -> deque[float]:
        times = self._seen.get(key, deque())
        limit = self._now() - WINDOW
        while times and times[0] <= limit:
            times.popleft()
        if not times:
            self._seen.pop(key, None)
        return times
