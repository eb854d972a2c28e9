"""How many colours the terminal gets, decided before the App exists.

Textual's console picks its colour system once, in ``App.__init__``, from a copy of the
environment: ``COLORTERM=truecolor|24bit`` means 24-bit, otherwise the ``-256color`` suffix of
``TERM`` means 256 colours, otherwise 16. SSH does not forward ``COLORTERM``, so a user on a
truecolor terminal over SSH gets 256 colours unless they tell us: ``PHOTOTERM_COLOR`` or
``color = "..."`` in config.toml. ``color_environ`` gives the environment values that make
Textual's own detection land on the chosen mode; the App applies them around its
``super().__init__()`` (see ``app.py``), so nothing private in Textual is touched.

NO_COLOR (https://no-color.org) is honoured for the chrome: Textual would otherwise turn the
whole screen grey, photos included. We take NO_COLOR away from Textual and switch the chrome to
a monochrome theme instead; the photos themselves are content and keep their colours.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from phototerm.library.settings import Settings, color_mode

TRUECOLOR = "truecolor"
COLOR_256 = "256"
COLOR_16 = "16"
MODES = (TRUECOLOR, COLOR_256, COLOR_16)
ENV_VAR = "PHOTOTERM_COLOR"


@dataclass(frozen=True, slots=True)
class ColorSetup:
    mode: str  # one of MODES
    source: str  # "PHOTOTERM_COLOR", "config", "terminal", "terminal (asked)"
    no_color: bool  # NO_COLOR is set: monochrome chrome
    problems: tuple[str, ...] = field(default=())  # bad values, reported as notifications


def detect(
    env: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    ask: Callable[[], bool | None] | None = None,
) -> ColorSetup:
    """The colour mode to use: PHOTOTERM_COLOR, then ``color`` in config.toml (already checked
    in Settings), then the terminal's word: its environment, and when that does not say
    24-bit, ``ask`` (``colour_probe.ask``: the terminal's own answer, which SSH carries)."""
    env = os.environ if env is None else env
    problems: list[str] = []
    no_color = env.get("NO_COLOR", "") != ""  # the spec: present and not empty
    value = env.get(ENV_VAR)
    if value is not None:
        mode = color_mode(value)
        if mode is None:
            problems.append(
                f"{ENV_VAR}: unknown colour mode {str(value)[:40]!r} "
                f"(use truecolor, 256, 16 or auto)"
            )
        elif mode:
            return ColorSetup(mode, ENV_VAR, no_color, tuple(problems))
    if settings is not None and settings.color:
        return ColorSetup(settings.color, "config", no_color, tuple(problems))
    mode = from_terminal(env)
    if mode != TRUECOLOR and ask is not None and ask():
        return ColorSetup(TRUECOLOR, "terminal (asked)", no_color, tuple(problems))
    return ColorSetup(mode, "terminal", no_color, tuple(problems))


def from_terminal(env: Mapping[str, str]) -> str:
    """What the terminal advertises, the way Rich (and so Textual) reads it."""
    if env.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return TRUECOLOR
    term = env.get("TERM", "").strip().lower()
    if term.endswith(("-256color", "-256")):
        return COLOR_256
    if term.endswith(("-direct", "-truecolor")):
        return TRUECOLOR
    return COLOR_16


def color_environ(mode: str, env: Mapping[str, str]) -> dict[str, str | None]:
    """Environment changes (None = unset) that make Textual's console use ``mode``.

    NO_COLOR is always removed: the App handles it with a monochrome theme.
    """
    changes: dict[str, str | None] = {"NO_COLOR": None}
    term = env.get("TERM", "") or "xterm"
    if mode == TRUECOLOR:
        changes["COLORTERM"] = "truecolor"
    elif mode == COLOR_256:
        changes["COLORTERM"] = None
        if not term.endswith("-256color"):
            changes["TERM"] = "xterm-256color"
    else:
        changes["COLORTERM"] = None
        if term.endswith("-256color") or term in ("dumb", "unknown", ""):
            changes["TERM"] = "xterm"
    return changes


@contextmanager
def patched_environ(changes: Mapping[str, str | None]) -> Iterator[None]:
    """Apply ``changes`` to os.environ for the duration of the block, then restore it."""
    saved = {key: os.environ.get(key) for key in changes}
    try:
        for key, value in changes.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
