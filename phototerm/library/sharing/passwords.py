"""Link passwords: hashed with scrypt and a salt of the link's own, compared in constant time.

Only the hash is stored (``share.password_hash``): ``scrypt$<n>$<r>$<p>$<salt>$<hash>`` in
URL-safe base64, so the cost can be raised later and old links still check. n=2**14, r=8
costs about 16 MB and a few tens of milliseconds: cheap for one visitor, slow for a guesser
(the share server also turns a client away after a few wrong tries).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MAX_PASSWORD = 1024  # characters; a longer one is refused before scrypt reads it
_MAXMEM = 64 * 1024 * 1024


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("a password cannot be empty")
    if len(password) > MAX_PASSWORD:
        raise ValueError(f"a password is at most {MAX_PASSWORD} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, N, R, P)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from. A stored value this version
    cannot read never matches (the link stays closed rather than open)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        params = int(n), int(r), int(p)
        salt_bytes = _unb64(salt)
    except (ValueError, TypeError):
        return False
    if not 0 < params[0] <= 2**20 or not 0 < params[1] <= 32 or not 0 < params[2] <= 16:
        return False  # a hand-edited cost that would take the server's memory or time
    if len(password) > MAX_PASSWORD:
        return False
    try:
        got = _scrypt(password, salt_bytes, *params)
    except ValueError:
        return False
    return hmac.compare_digest(got, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=_MAXMEM,
        dklen=HASH_BYTES,
    )
