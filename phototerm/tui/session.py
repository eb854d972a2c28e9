"""Where the user left off: reopened on the next start.

One JSON file, ``$XDG_STATE_HOME/phototerm/session.json``, holding a small record per library
(keyed by the space roots, so the demo library and the real one each keep their own place).
Written atomically; a corrupt file is moved aside (``session.json.bad``), reported, and a fresh
session starts: never a crash, never silently lost.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from phototerm.library import paths
from phototerm.library.durable import atomic_write
from phototerm.library.spaces import SpaceSetup

FILE_NAME = "session.json"
MAX_LIBRARIES = 20  # older entries are dropped, the file stays small
VIEWS = ("timeline", "recent", "folders", "album", "shared")
SORTS = ("taken", "name", "size", "mtime", "rating", "album")  # "album": album views only
GROUPINGS = ("day", "month", "year")


@dataclass
class Session:
    """What the library screen shows. Paths are (space, rel) so they survive re-indexing."""

    spaces_off: list[str] = field(default_factory=list)  # spaces the user turned off
    view: str = "timeline"
    grouping: str = "day"  # Timeline headers: day | month | year
    folder: list[str] | None = None  # [space, rel folder] in the Folders view
    album: str | None = None
    query: str = ""
    sort: str = "taken"
    descending: bool = True  # newest first, as photo apps open
    cursor: list[str] | None = None  # [space, rel] of the cursor photo

    @classmethod
    def from_dict(cls, data: Any) -> Session:
        """Lenient: unknown keys ignored, wrong types replaced by defaults."""
        session = cls()
        if not isinstance(data, dict):
            return session
        for f in fields(cls):
            value = data.get(f.name)
            if value is None:
                continue
            default = getattr(session, f.name)
            if f.name in ("folder", "cursor"):
                if (
                    isinstance(value, list)
                    and len(value) == 2
                    and all(isinstance(v, str) for v in value)
                ):
                    setattr(session, f.name, list(value))
            elif f.name == "spaces_off":
                if isinstance(value, list):
                    session.spaces_off = [v for v in value if isinstance(v, str)]
            elif f.name == "album":
                if isinstance(value, str):
                    session.album = value
            elif isinstance(value, type(default)):
                setattr(session, f.name, value)
        if session.view not in VIEWS:
            session.view = "timeline"
        if session.sort not in SORTS:
            session.sort = "taken"
        if session.grouping not in GROUPINGS:
            session.grouping = "day"
        return session


def library_key(setup: SpaceSetup) -> str:
    return ";".join(f"{s.name}={s.root}" for s in setup.on) or "-"


class SessionStore:
    """Reads and writes session.json. ``problem`` says what went wrong on load, if anything."""

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory or paths.state_dir()) / FILE_NAME
        self.problem: str | None = None
        self._data: dict[str, Any] = {}
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            self.problem = f"Could not read {self.path}: {exc.strerror or exc}; starting fresh"
            return
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("libraries", {}), dict):
                raise TypeError("not a phototerm session file")
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            aside = self.path.with_name(FILE_NAME + ".bad")
            try:
                os.replace(self.path, aside)
                where = f"moved to {aside}"
            except OSError:
                where = "left in place"
            self.problem = f"{self.path} was unreadable ({str(exc)[:80]}); {where}, starting fresh"
            return
        self._data = data

    def load(self, key: str) -> Session:
        self._load()
        return Session.from_dict(self._data.get("libraries", {}).get(key))

    def save(self, key: str, session: Session) -> None:
        """Atomic write (temp file + rename). Raises OSError; the caller reports it."""
        self._load()
        libraries = dict(self._data.get("libraries", {}))
        libraries.pop(key, None)
        libraries[key] = asdict(session)  # last written = last in order
        while len(libraries) > MAX_LIBRARIES:
            libraries.pop(next(iter(libraries)))
        self._data = {"version": 1, "libraries": libraries}
        # Surrogate-escaped names (non-UTF-8) cannot be encoded as JSON text: keep them escaped.
        text = json.dumps(self._data, ensure_ascii=True, indent=1)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, text.encode("ascii"), durable=False)
