"""Link addresses and expiry dates.

A token is 16 random bytes from ``secrets`` (128 bits) as 22 URL-safe characters: the link's
whole secret, so it is never derived from anything else and never logged. A link's URL is the
``public_url`` setting plus ``/s/<token>``: it carries the token, never a path.

An expiry date (``YYYY-MM-DD``) is the last day the link works: it stops at the end of that
day, machine time.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

TOKEN_BYTES = 16  # 128 bits -> 22 characters
TOKEN_CHARS = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(text: str) -> bool:
    """Whether ``text`` could be a token at all (the server answers anything else at once)."""
    return bool(TOKEN_CHARS.match(text))


def link_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/s/{token}"


class BadExpiry(ValueError):
    """An expiry date that is not a date, or is already past (the message says which)."""


def parse_expiry(text: str, today: dt.date | None = None) -> float:
    """The moment a link given ``text`` (YYYY-MM-DD) as its last day stops working: the
    start of the next day, local time. BadExpiry for a bad date or a day already past."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise BadExpiry(f"{text!r} is not a date (YYYY-MM-DD)") from exc
    today = today or dt.date.today()
    if day < today:
        raise BadExpiry(f"{day.isoformat()} is in the past (today is {today.isoformat()})")
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).astimezone()
    return end.timestamp()


def expiry_day(expires: float | None) -> str | None:
    """The last day a link works, as YYYY-MM-DD (None: it never expires)."""
    if expires is None:
        return None
    end = dt.datetime.fromtimestamp(expires).astimezone()
    return (end - dt.timedelta(seconds=1)).date().isoformat()
