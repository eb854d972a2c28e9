"""Settings: ``$XDG_CONFIG_HOME/phototerm/config.toml`` read once into one typed ``Settings``;
and the machine's system config (``/etc/phototerm/config.toml``) into a ``SystemConfig``.

Every value is checked here and nowhere else: a wrong value is reported once (naming the key,
the bad value and the default used) and replaced by its default; an unknown key is reported
too. A broken file never stops phototerm: its problem is reported and defaults are used; the
file itself is left as it is, so the user can fix it. The rest of phototerm reads typed fields,
never the raw TOML.

tomli-w drops comments when ``save_keys`` rewrites the file, so every key is documented in
the README instead.

The system config is the administrator's, and it fails closed: a file that cannot be read, or
holds anything this phototerm does not understand, denies everyone but root (``problem``).
"""

from __future__ import annotations

import fcntl
import os
import time
import tomllib
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from phototerm.library import paths
from phototerm.library.durable import atomic_write
from phototerm.library.text import safe

TILE_SIZES = ("small", "medium", "large")
ADVANCE = ("viewer", "always", "never")
SIDECARS = ("off", "write")
COLOR_MODES = ("truecolor", "256", "16")
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5080"

# Spellings people use for the same colour mode ('' = ask the terminal).
COLOR_ALIASES = {
    "auto": "",
    "truecolor": "truecolor",
    "24bit": "truecolor",
    "24-bit": "truecolor",
    "true": "truecolor",
    "256": "256",
    "256color": "256",
    "8bit": "256",
    "eight_bit": "256",
    "16": "16",
    "16color": "16",
    "standard": "16",
    "ansi": "16",
}


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """``[watch]``: how phototerm follows changes on disk while it runs."""

    settle: float = 1.0  # seconds a file's size and mtime must hold still before it is read
    reconcile_interval: float = 300.0  # seconds between walks where events cannot be had
    inotify_limit: int = 0  # inotify watches allowed; 0: the system's (/proc/sys/fs/inotify)


WATCH_LIMITS = {"settle": (0.0, 60.0), "reconcile_interval": (1.0, 86_400.0)}


@dataclass(frozen=True, slots=True)
class Settings:
    """What config.toml says, checked. ``None`` roots mean "not set here" (the flags, the
    environment or the built-in default decide, see spaces.py)."""

    personal: str | None = None
    shared: str | None = None
    theme: str | None = None
    color: str = ""  # "", or one of COLOR_MODES ('' = what the terminal says)
    tile_size: str = "medium"
    advance_after_rating: str = "viewer"
    sidecars: str = "off"
    pair_raw_jpeg: bool = True  # a RAW and a JPEG of one name are one item
    keymap: Mapping[str, str] = field(default_factory=dict)  # binding id -> keys, unchecked ids
    watch: WatchSettings = field(default_factory=WatchSettings)
    public_url: str = DEFAULT_PUBLIC_URL  # where share links point: <public_url>/s/<token>
    path: Path | None = None  # the file read (None: built from code)
    problems: tuple[str, ...] = ()  # one line per problem, already worded for a person

    @property
    def write_sidecars(self) -> bool:
        return self.sidecars == "write"


_UNREADABLE = "cannot read "


def load_settings(path: Path | None = None) -> Settings:
    """Read and check config.toml (default: the XDG location). Never raises."""
    path = path or paths.config_file()
    data, problem = _read(path)
    if problem:
        return Settings(path=path, problems=(problem,))
    return _checked(data, path)


def _read(path: Path) -> tuple[dict[str, Any], str]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh), ""
    except FileNotFoundError:
        return {}, ""
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, f"{_UNREADABLE}{safe(str(path))}: {safe(str(exc))} (using defaults)"


def _checked(data: dict[str, Any], path: Path) -> Settings:
    problems: list[str] = []
    where = safe(path.name)

    def bad(key: str, value: object, expected: str, default: object) -> None:
        # As written in TOML (true, not Python's True), so the user finds it in the file.
        shown = safe(str(value).lower() if isinstance(value, bool) else repr(value), 60)
        used = "no value" if default is None else repr(default)
        problems.append(f"{where}: {key} = {shown} is not {expected} (using {used})")

    def choice(key: str, options: tuple[str, ...], default: str) -> str:
        value = data.get(key, default)
        if isinstance(value, str) and value in options:
            return value
        bad(key, value, "one of " + ", ".join(options), default)
        return default

    def flag(key: str, default: bool) -> bool:
        value = data.get(key, default)
        if isinstance(value, bool):
            return value
        bad(key, value, "true or false", default)
        return default

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is None or isinstance(value, str):
            return value
        bad(key, value, "text", None)
        return None

    values: dict[str, Any] = {
        "personal": text("personal"),
        "shared": text("shared"),
        "theme": text("theme"),
        "color": _color(data.get("color"), bad),
        "tile_size": choice("tile_size", TILE_SIZES, "medium"),
        "advance_after_rating": choice("advance_after_rating", ADVANCE, "viewer"),
        "sidecars": choice("sidecars", SIDECARS, "off"),
        "pair_raw_jpeg": flag("pair_raw_jpeg", True),
        "keymap": _keymap(data.get("keymap"), where, problems),
        "watch": _watch(data.get("watch"), where, problems),
        "public_url": _public_url(data.get("public_url"), bad),
    }
    for key in data:
        if key not in values:
            problems.append(f"{where}: unknown setting {safe(key, 40)!r} (ignored)")
    return Settings(**values, path=path, problems=tuple(problems))


def _color(value: object, bad: Callable[[str, object, str, object], None]) -> str:
    if value is None:
        return ""
    mode = COLOR_ALIASES.get(str(value).strip().lower()) if isinstance(value, str | int) else None
    if mode is None:
        bad("color", value, "auto, truecolor, 256 or 16", "auto")
        return ""
    return mode


def _public_url(value: object, bad: Callable[[str, object, str, object], None]) -> str:
    """An http(s) URL with a host and nothing after its path (links append /s/<token>)."""
    if value is None:
        return DEFAULT_PUBLIC_URL
    if isinstance(value, str):
        parts = urllib.parse.urlsplit(value.strip())
        if (
            parts.scheme in ("http", "https")
            and parts.hostname
            and not parts.query
            and not parts.fragment
            and value.isprintable()
            and " " not in value.strip()
        ):
            return value.strip().rstrip("/")
    bad("public_url", value, "an http:// or https:// address", DEFAULT_PUBLIC_URL)
    return DEFAULT_PUBLIC_URL


def color_mode(value: object) -> str | None:
    """A colour mode from any accepted spelling: '' for auto, None when it is not one."""
    if not isinstance(value, str | int):
        return None
    return COLOR_ALIASES.get(str(value).strip().lower())


def _keymap(raw: object, where: str, problems: list[str]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(f'{where}: [keymap] must be a table of binding id = "keys" (ignored)')
        return {}
    keymap: dict[str, str] = {}
    for binding_id, keys in raw.items():
        if (
            not isinstance(keys, str)
            or not keys.strip()
            or any(not k.strip() for k in keys.split(","))
        ):
            problems.append(
                f'{where}: [keymap] {safe(binding_id, 40)} needs a key string like "ctrl+f" '
                "(ignored)"
            )
            continue
        keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return keymap


def _watch(raw: object, where: str, problems: list[str]) -> WatchSettings:
    if raw is None:
        return WatchSettings()
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: [watch] must be a table (ignored)")
        return WatchSettings()
    default = WatchSettings()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        shown = safe(str(value).lower() if isinstance(value, bool) else repr(value), 60)
        if key in WATCH_LIMITS:
            low, high = WATCH_LIMITS[key]
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and low <= value <= high:
                values[key] = float(value)
            else:
                problems.append(
                    f"{where}: [watch] {key} = {shown} is not a number of seconds from "
                    f"{low:g} to {high:g} (using {getattr(default, key):g})"
                )
        elif key == "inotify_limit":
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                values[key] = value
            else:
                problems.append(
                    f"{where}: [watch] inotify_limit = {shown} is not a whole number of 0 or "
                    "more (using 0: the system's limit)"
                )
        else:
            problems.append(f"{where}: [watch] unknown setting {safe(str(key), 40)!r} (ignored)")
    return WatchSettings(**values)


def save_keys(updates: Mapping[str, Any], path: Path | None = None) -> None:
    """Merge top-level keys into config.toml and write it atomically (``None`` removes one),
    one writer at a time.

    Refuses to overwrite a file it could not parse (that would silently drop the user's
    settings): raises OSError then, as for a failed write.
    """
    path = path or paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writers_take_turns(path.parent):
        data, problem = _read(path)
        if problem:
            raise OSError(f"not rewriting {safe(str(path))}: {problem}")
        for key, value in updates.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        atomic_write(path, tomli_w.dumps(data).encode("utf-8"))


LOCK_WAIT = 5.0  # seconds; a write holds the lock for milliseconds


@contextmanager
def _writers_take_turns(folder: Path) -> Iterator[None]:
    """An exclusive lock on the config folder around a read-modify-write of config.toml, so
    that two sessions saving different keys at once both keep theirs (each would otherwise
    write back the file it read, without the other's key). Waits at most LOCK_WAIT seconds
    for a writer that does not let go, then raises OSError rather than hang."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OSError(f"{safe(str(folder))} is locked by another writer") from None
                time.sleep(0.01)
        yield
    finally:
        os.close(fd)  # releases the lock


# -- the system config -------------------------------------------------------------------------

SYSTEM_CONFIG = "/etc/phototerm/config.toml"
SYSTEM_CONFIG_ENV = "PHOTOTERM_SYSTEM_CONFIG"  # another file (tests, a second installation)


SLIDESHOW_MIN = 1.0  # seconds a slide stays at least (a faster one is a strobe, not a show)
SLIDESHOW_MAX = 86400.0  # a day


@dataclass(frozen=True, slots=True)
class KioskConfig:
    """``[kiosk]``: the accounts that get the read-only kiosk and nothing else, and what it
    shows them (each option unset: what ``phototerm kiosk``'s own options say)."""

    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    album: str | None = None
    query: str | None = None  # not checked here: the kiosk refuses one that does not parse
    slideshow: float | None = None  # seconds per slide

    def lists(self, user: str, groups: frozenset[str]) -> bool:
        return user in self.users or bool(groups.intersection(self.groups))


@dataclass(frozen=True, slots=True)
class SystemConfig:
    """What the administrator's config says, checked. Each table is a field; a new table is a
    new field and an entry in ``_SYSTEM_TABLES``."""

    path: Path
    app_allow: tuple[str, ...] | None = None  # [app] allow: users and @groups (None: everyone)
    kiosk: KioskConfig | None = None  # [kiosk] (None: no kiosk accounts)
    problem: str = ""  # the file cannot be trusted: everyone but root is refused


class _Invalid(Exception):
    """A system config table that is not as documented (the message says where)."""


def _names(
    value: object, where: str, what: str = 'user names and "@group" names'
) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Invalid(f"{where} must be a list of {what}")
    return tuple(v.strip() for v in value)


def _app_table(table: Mapping[str, Any]) -> dict[str, Any]:
    unknown = [k for k in table if k != "allow"]
    if unknown:
        raise _Invalid(f"[app] has an unknown key {safe(unknown[0], 40)!r} (only allow)")
    if "allow" not in table:
        raise _Invalid('[app] needs allow = ["user", "@group", ...]')
    return {"app_allow": _names(table["allow"], "[app] allow")}


def slideshow_seconds(value: object) -> float | None:
    """Seconds per slide from a number (not a bool), or None when it is not one in range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value)
    return seconds if SLIDESHOW_MIN <= seconds <= SLIDESHOW_MAX else None


_KIOSK_KEYS = ("users", "groups", "album", "query", "slideshow")


def _kiosk_table(table: Mapping[str, Any]) -> dict[str, Any]:
    unknown = [k for k in table if k not in _KIOSK_KEYS]
    if unknown:
        known = ", ".join(_KIOSK_KEYS)
        raise _Invalid(f"[kiosk] has an unknown key {safe(unknown[0], 40)!r} (only {known})")
    users = _names(table["users"], "[kiosk] users", "user names") if "users" in table else ()
    groups = _names(table["groups"], "[kiosk] groups", "group names") if "groups" in table else ()
    if any(name.startswith("@") for name in (*users, *groups)):
        raise _Invalid('[kiosk] users and groups are plain names (a group without "@")')
    if not users and not groups:
        raise _Invalid('[kiosk] needs users = ["guest", ...] or groups = ["lobby", ...]')
    texts: dict[str, str | None] = {}
    for key in ("album", "query"):
        value = table.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise _Invalid(f"[kiosk] {key} must be a non-empty text")
        texts[key] = value
    if texts["album"] is not None and texts["query"] is not None:
        raise _Invalid("[kiosk] has both album and query: give one")
    slideshow = None
    if "slideshow" in table:
        slideshow = slideshow_seconds(table["slideshow"])
        if slideshow is None:
            raise _Invalid(
                f"[kiosk] slideshow must be a number of seconds from {SLIDESHOW_MIN:g} to "
                f"{SLIDESHOW_MAX:g}"
            )
    kiosk = KioskConfig(users, groups, texts["album"], texts["query"], slideshow)
    return {"kiosk": kiosk}


# table name -> checker returning SystemConfig fields
_SYSTEM_TABLES: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "app": _app_table,
    "kiosk": _kiosk_table,
}


def system_config_path(env: Mapping[str, str] | None = None) -> Path:
    value = (os.environ if env is None else env).get(SYSTEM_CONFIG_ENV, "")
    return Path(value or SYSTEM_CONFIG)


def load_system_config(path: Path | None = None) -> SystemConfig:
    """Read and check the system config (default: ``system_config_path()``). Never raises: a
    missing file allows everyone; one that cannot be read or checked sets ``problem``."""
    path = path or system_config_path()
    shown = safe(str(path))
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return SystemConfig(path)
    except OSError as exc:
        return SystemConfig(path, problem=f"cannot read {shown}: {exc.strerror or exc}")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return SystemConfig(path, problem=f"{shown} is not valid TOML: {safe(str(exc), 120)}")
    fields: dict[str, Any] = {}
    try:
        for key, value in data.items():
            check = _SYSTEM_TABLES.get(key)
            if check is None or not isinstance(value, dict):
                known = ", ".join(f"[{t}]" for t in _SYSTEM_TABLES)
                raise _Invalid(f"unknown entry {safe(key, 40)!r} (this phototerm knows {known})")
            fields.update(check(value))
    except _Invalid as exc:
        return SystemConfig(path, problem=f"{shown}: {exc}")
    return SystemConfig(path, **fields)
