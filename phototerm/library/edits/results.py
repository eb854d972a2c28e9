"""What every kind of edit shares: its result, its undo step, names as they are stored and the
words of its messages. Kept apart so the Editor's parts (photo edits, album edits, recycling)
use one vocabulary without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from phototerm.library.store import PhotoState, Store
from phototerm.library.text import safe

MAX_NAME = 200  # album and tag names: long enough for any real name, short enough to show

States = dict[str, dict[str, PhotoState]]  # space -> rel -> state


@dataclass(frozen=True, slots=True)
class EditResult:
    count: int
    message: str  # for a notification: "Rated 37 photos 4 stars"; names pass through safe()
    ok: bool = True
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class UndoStep:
    """What one edit replaced: photo states by space (as they were and as the edit left them,
    so the undo takes back only this edit), or, for an album edit, the store step that takes
    it back (built from what the edit's own transaction replaced)."""

    label: str
    before: States = field(default_factory=dict)
    after: States = field(default_factory=dict)
    album_space: str = ""
    album_undo: Callable[[Store], object] | None = None


def fail(message: str) -> EditResult:
    return EditResult(0, message, ok=False)


def n_photos(n: int) -> str:
    return f"{n} photo" if n == 1 else f"{n} photos"


def clean_name(text: str) -> str:
    """A tag or album name as stored: one line, no control characters, trimmed."""
    out = "".join(" " if (c < " " or "\x7f" <= c <= "\x9f") else c for c in text)
    return safe(out).strip()


def unique_names(names: Iterable[str]) -> list[str]:
    """Non-empty names, first spelling kept when they differ only by case."""
    seen: dict[str, str] = {}
    for name in names:
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def quote_name(name: str) -> str:
    # Shortened: a message is one line in a notification or a terminal.
    return f"'{safe(name, 60)}'"


def quote_names(names: Iterable[str]) -> str:
    return ", ".join(quote_name(n) for n in names)
