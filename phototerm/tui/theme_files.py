"""Theme files: the built-in ones shipped as ``phototerm.themes`` and the user's own, in TOML.

The one place that reads a theme file. Each file becomes a Textual ``Theme`` or a
``BrokenTheme`` that names the file and what is wrong with it (the line of a TOML syntax
error, or the key); reading never raises, so one bad file costs only itself. A user file
replaces the built-in (or Textual) theme of the same name; a broken user file replaces
nothing. The format is in the README ("Themes"):

    name = "darkroom"      # defaults to the file name
    dark = true
    [colors]               # Textual's colours
    primary = "#9A9A9A"
    [variables]            # phototerm's, used in phototerm.tcss as $pt-<name>
    tile-border = "#3A3A3A"

Colours are normalised to ``#RRGGBB`` (``#RRGGBBAA`` with alpha) before they reach Textual,
so nothing from a file is ever pasted into CSS as written.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from phototerm.library import paths
from phototerm.library.text import safe

BUILTIN = "built-in"
USER = "user"
TEXTUAL = "textual"

BUILTIN_PACKAGE = "phototerm.themes"
SUFFIX = ".toml"
MAX_BYTES = 64 * 1024  # a theme is a few hundred bytes; anything this big is not one

COLORS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
REQUIRED = ("primary", "foreground", "background", "surface", "panel")
KEYS = ("name", "dark", "colors", "variables")

# phototerm's own variables and, for a theme that leaves one out, the Textual variable it is
# derived from (so a theme written for Textual still colours every part of phototerm).
VARIABLES: dict[str, str] = {
    "tile-border": "surface",  # around the thumbnails: the grid between and inside tiles
    "cursor": "accent",  # behind the caption of the photo under the cursor
    "selection": "text-success",  # caption of a selected photo
    "rating-star": "text-warning",
    "reject-mark": "text-error",
    "caption": "text-muted",  # file names under the thumbnails
    "placeholder": "panel",  # a tile whose picture is not there (yet)
    "error-tile": "error",  # a tile whose file could not be read (at 25%)
}
PREFIX = "pt-"

# Letters and digits (any script), '-', '_', '.': a name goes into config.toml, a palette entry
# and a command line, so nothing that could be markup, a control or a space.
_NAME = re.compile(r"[^\W_][\w.-]{0,63}")
_TOML_WHERE = re.compile(r"^(?P<what>.*?) \(at (?P<where>line \d+, column \d+|end of document)\)$")


class ThemeError(ValueError):
    """What is wrong with a theme file, worded for a person (without the file name)."""


@dataclass(frozen=True, slots=True)
class ThemeEntry:
    """A theme that loaded: where it came from, and what it replaces of the same name."""

    theme: Theme
    source: str  # BUILTIN, USER or TEXTUAL
    path: str = ""  # the file, shown to a person ('' for Textual's own)
    replaces: str = ""  # the source of the theme of the same name it overrides, if any

    @property
    def name(self) -> str:
        return self.theme.name


@dataclass(frozen=True, slots=True)
class BrokenTheme:
    """A theme file that did not load (or a folder of them that could not be read)."""

    path: str  # shown to a person
    source: str  # BUILTIN or USER
    name: str  # the theme it would have been, as far as known ('' when not)
    error: str
    folder: bool = False  # the whole folder (or package) of themes, not one file

    @property
    def message(self) -> str:
        if self.folder:
            return f"themes folder {self.path}: {self.error}"
        return f"theme file {self.path}: {self.error} (ignored)"


@dataclass(frozen=True, slots=True)
class ThemeCatalogue:
    """phototerm's themes (built-in, then the user's replacing them by name) and the files
    that did not load. Textual's own themes are not in it (``with_textual`` adds them)."""

    entries: tuple[ThemeEntry, ...]
    broken: tuple[BrokenTheme, ...]

    def get(self, name: str) -> ThemeEntry | None:
        for entry in self.entries:
            if entry.name == name:
                return entry
        return None

    def broken_named(self, name: str) -> BrokenTheme | None:
        for bad in self.broken:
            if bad.name == name:
                return bad
        return None

    def problems(self) -> list[str]:
        return [bad.message for bad in self.broken]

    def with_textual(self, textual: dict[str, Theme]) -> list[ThemeEntry]:
        """Every theme there is: ours, and Textual's ``textual`` that none of ours replaces;
        ours first, each group by name."""
        ours = {entry.name: entry for entry in self.entries}
        every = dict(ours)
        for name, theme in textual.items():
            entry = ours.get(name)
            if entry is None:
                every[name] = ThemeEntry(theme, TEXTUAL)
            elif not entry.replaces:
                every[name] = ThemeEntry(entry.theme, entry.source, entry.path, TEXTUAL)
        return sorted(every.values(), key=lambda e: (e.source == TEXTUAL, e.name))


# ----------------------------------------------------------------------------- one file


def parse_theme(data: bytes, default_name: str) -> Theme:
    """A Theme from the bytes of a theme file; raises ThemeError naming the line or key."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ThemeError(f"not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(_toml_error(exc)) from None
    problems: list[str] = []
    for key in raw:
        if key not in KEYS:
            problems.append(f"unknown key {safe(key, 40)!r}")
    name = raw.get("name", default_name)
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        shown = safe(repr(name), 60)
        where = "name" if "name" in raw else "the file name"
        problems.append(f"{where} {shown} is not a theme name (letters, digits, '-', '_', '.')")
    dark = raw.get("dark", True)
    if not isinstance(dark, bool):
        problems.append(f"dark = {safe(repr(dark), 40)} is not true or false")
    colors = _colors(raw.get("colors"), "colors", COLORS, problems)
    missing = [
        key
        for key in REQUIRED
        if key not in colors and not any(p.startswith(f"colors.{key} ") for p in problems)
    ]
    if missing:
        problems.append("missing " + ", ".join(f"colors.{key}" for key in missing))
    variables = _colors(raw.get("variables", {}), "variables", tuple(VARIABLES), problems)
    if problems:
        raise ThemeError("; ".join(problems))
    return Theme(
        name=name,
        dark=dark,
        primary=colors["primary"],
        secondary=colors.get("secondary"),
        accent=colors.get("accent"),
        foreground=colors["foreground"],
        background=colors["background"],
        surface=colors["surface"],
        panel=colors["panel"],
        boost=colors.get("boost"),
        warning=colors.get("warning"),
        error=colors.get("error"),
        success=colors.get("success"),
        variables={PREFIX + key: value for key, value in variables.items()},
    )


def _toml_error(exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    match = _TOML_WHERE.match(message)
    if match is None:
        return f"not valid TOML: {safe(message, 120)}"
    return f"{match['where']}: not valid TOML: {safe(match['what'], 100)}"


def _colors(
    table: object, section: str, known: tuple[str, ...], problems: list[str]
) -> dict[str, str]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        problems.append(f"{section} must be a table ([{section}])")
        return {}
    colors: dict[str, str] = {}
    for key, value in table.items():
        if key not in known:
            problems.append(f"unknown key '{section}.{safe(key, 40)}'")
            continue
        color = _color(value)
        if color is None:
            shown = safe(repr(value), 40)
            problems.append(f'{section}.{key} = {shown} is not a colour (use "#RRGGBB")')
            continue
        colors[key] = color
    return colors


def _color(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        color = Color.parse(value)
    except ColorParseError:
        return None
    return color.hex  # #RRGGBB, or #RRGGBBAA when it has alpha


# ------------------------------------------------------------------------- the catalogue


def load_catalogue(user_dir: Path | None = None) -> ThemeCatalogue:
    """The built-in themes and the user's (default: ``$XDG_CONFIG_HOME/phototerm/themes``)."""
    entries: dict[str, ThemeEntry] = {}
    broken: list[BrokenTheme] = []
    for source, files in (
        (BUILTIN, _builtin_files(broken)),
        (USER, _user_files(user_dir or paths.themes_dir(), broken)),
    ):
        taken: dict[str, str] = {}  # name -> file, within this source
        for shown, stem, data in files:
            try:
                theme = _theme_of(data, stem, taken)
            except ThemeError as exc:
                broken.append(BrokenTheme(shown, source, _name_in(data, stem), str(exc)))
                continue
            taken[theme.name] = shown
            before = entries.get(theme.name)
            entries[theme.name] = ThemeEntry(
                theme, source, shown, before.source if before is not None else ""
            )
    return ThemeCatalogue(tuple(entries.values()), tuple(_kept(bad, entries) for bad in broken))


def _kept(bad: BrokenTheme, entries: dict[str, ThemeEntry]) -> BrokenTheme:
    """A broken file that meant to replace a theme that loaded says that one is used."""
    entry = entries.get(bad.name) if bad.name else None
    if entry is None:
        return bad
    error = f"{bad.error}; the {entry.source} {entry.name!r} is used instead"
    return BrokenTheme(bad.path, bad.source, bad.name, error)


def _theme_of(data: bytes | ThemeError, stem: str, taken: dict[str, str]) -> Theme:
    if isinstance(data, ThemeError):
        raise data
    theme = parse_theme(data, stem)
    if theme.name in taken:
        raise ThemeError(f"theme {theme.name!r} is already defined by {taken[theme.name]}")
    return theme


def _name_in(data: bytes | ThemeError, stem: str) -> str:
    """The theme a broken file meant to define (so ``--theme NAME`` can say it is broken)."""
    if isinstance(data, bytes):
        try:
            name = tomllib.loads(data.decode("utf-8")).get("name", stem)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            name = stem
        if isinstance(name, str) and _NAME.fullmatch(name):
            return name
    return stem if _NAME.fullmatch(stem) else ""


File = tuple[str, str, "bytes | ThemeError"]  # (path shown, file stem, contents or problem)


def _builtin_files(broken: list[BrokenTheme]) -> Iterator[File]:
    try:
        folder = resources.files(BUILTIN_PACKAGE)
        found = sorted(
            (item for item in folder.iterdir() if item.name.endswith(SUFFIX)), key=_by_name
        )
    except (ImportError, OSError) as exc:
        error = f"missing from this installation ({safe(exc, 80)}); reinstall phototerm"
        broken.append(BrokenTheme(BUILTIN_PACKAGE, BUILTIN, "", error, folder=True))
        return
    for item in found:
        shown = safe(str(item))
        try:
            yield shown, item.name[: -len(SUFFIX)], item.read_bytes()
        except OSError as exc:
            yield shown, item.name[: -len(SUFFIX)], ThemeError(f"cannot read: {safe(exc, 120)}")


def _by_name(item: Any) -> str:
    return str(item.name)


def _user_files(folder: Path, broken: list[BrokenTheme]) -> Iterator[File]:
    try:
        names = sorted(
            entry.name
            for entry in os.scandir(folder)
            if entry.name.endswith(SUFFIX) and not entry.name.startswith(".")
        )
    except FileNotFoundError:
        return
    except OSError as exc:
        error = f"cannot read it: {safe(exc.strerror or exc, 80)}"
        broken.append(BrokenTheme(safe(str(folder)), USER, "", error, folder=True))
        return
    for name in names:
        path = folder / name
        yield safe(str(path)), name[: -len(SUFFIX)], _read_small(path)


def _read_small(path: Path) -> bytes | ThemeError:
    """The file's bytes, without ever blocking (a FIFO named like a theme) or reading a
    huge file whole."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return ThemeError("cannot read: a symbolic link loop")
        return ThemeError(f"cannot read: {safe(exc.strerror or exc, 80)}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return ThemeError("not a regular file")
        if info.st_size > MAX_BYTES:
            return ThemeError(f"too large for a theme ({info.st_size} bytes)")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BYTES:
            return ThemeError("too large for a theme")
        return b"".join(chunks)
    except OSError as exc:
        return ThemeError(f"cannot read: {safe(exc.strerror or exc, 80)}")
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- variables


def phototerm_variables(theme: Theme) -> dict[str, str]:
    """Every ``pt-*`` variable of ``theme``: its own, the others derived from its colours."""
    derived = derived_variables(theme)
    own = {key: value for key, value in theme.variables.items() if key.startswith(PREFIX)}
    return {**derived, **own}


def derived_variables(theme: Theme) -> dict[str, str]:
    """The ``pt-*`` variables as derived from ``theme``'s colours alone (Textual's themes, and
    ours where a file leaves one out)."""
    base = {**theme.to_color_system().generate(), **theme.variables}
    variables = {PREFIX + key: base[source] for key, source in VARIABLES.items()}
    variables[PREFIX + "error-tile"] += " 25%"
    return variables
