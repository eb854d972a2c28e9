"""Choosing the app's colour theme: at start-up, and live from the command palette.

The themes come from theme files (theme_files.py): phototerm's built-in ones and the user's,
registered with ``App.register_theme`` beside Textual's own (whose table is left untouched).
``phototerm`` is the default; ``phototerm-mono`` is used when NO_COLOR is set (greys for the
interface, the photos keep their colours, see terminal.py). ``--theme`` and then ``theme`` in
config.toml choose another, and win over NO_COLOR (no-color.org: user configuration
overrides it). A name that is unknown, or whose file is broken, is reported and the default
used; so is every broken theme file, by its line or key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from textual.app import SystemCommand

from phototerm.library.settings import Settings
from phototerm.library.text import safe
from phototerm.tui.theme_files import ThemeCatalogue

DEFAULT = "phototerm"
MONO = "phototerm-mono"
# Only when the built-in theme files are missing from the installation (reported then).
LAST_RESORT = "textual-dark"


def install(
    app: Any, requested: str | None, settings: Settings, catalogue: ThemeCatalogue
) -> list[str]:
    """Register the catalogue's themes and pick one. Returns problems to report."""
    problems = catalogue.problems()
    for entry in catalogue.entries:
        app.register_theme(entry.theme)
    fallback = fallback_theme(app)
    for name, source in ((requested, "--theme"), (settings.theme, "config theme")):
        if not name:
            continue
        if name in app.available_themes:
            app.theme = name
            return problems
        shown = safe(name, 40)
        broken = catalogue.broken_named(name)
        if broken is not None:
            problems.append(
                f"{source}: theme {shown!r} is broken ({broken.path}); using {fallback}"
            )
        else:
            names = ", ".join(sorted(app.available_themes))
            problems.append(f"{source}: unknown theme {shown!r}; available: {names}")
    app.theme = fallback
    return problems


def fallback_theme(app: Any) -> str:
    """The theme used when none is chosen (or the chosen one cannot be had)."""
    wanted = MONO if app.color.no_color else DEFAULT
    return wanted if wanted in app.available_themes else LAST_RESORT


def palette_commands(
    app: Any, catalogue: ThemeCatalogue, *, remember: bool
) -> Iterator[SystemCommand]:
    """One "Theme: NAME" entry per theme; choosing one switches at once (and the app keeps
    the choice in config.toml when ``remember``)."""
    kept = "kept in config.toml" if remember else "for this session"
    # phototerm's own first (the palette lists entries in this order before one types).
    ours = {entry.name for entry in catalogue.entries}
    for name in sorted(app.available_themes, key=lambda name: (name not in ours, name)):
        yield SystemCommand(
            f"Theme: {safe(name, 64)}",
            f"Switch to the {safe(name, 64)} colour theme ({kept})",
            _switch(app, name),
        )


def _switch(app: Any, name: str) -> Callable[[], None]:
    def switch() -> None:
        app.theme = name

    return switch
