"""phototerm's themes, registered with ``App.register_theme`` (Textual's own table untouched).

``phototerm`` is the default dark theme: photos look best on a calm, near-black surround.
``phototerm-mono`` is used when NO_COLOR is set: greys only for the chrome (photos keep their
colours, see terminal.py). A theme named with --theme or ``theme = "..."`` in config.toml can
be any registered or built-in Textual theme; an unknown name is reported and the default used.
"""

from __future__ import annotations

from typing import Any

from textual.theme import Theme

from phototerm.library.settings import Settings
from phototerm.library.text import safe

DEFAULT = "phototerm"
MONO = "phototerm-mono"

PHOTOTERM = Theme(
    name=DEFAULT,
    primary="#5FA8D3",
    secondary="#62B6CB",
    accent="#F4A259",
    warning="#F4D35E",
    error="#E76F51",
    success="#8AB17D",
    foreground="#E6E6E6",
    background="#121212",
    surface="#1B1B1B",
    panel="#262626",
    dark=True,
)

PHOTOTERM_MONO = Theme(
    name=MONO,
    primary="#BBBBBB",
    secondary="#999999",
    accent="#DDDDDD",
    warning="#CCCCCC",
    error="#FFFFFF",
    success="#AAAAAA",
    foreground="#E0E0E0",
    background="#000000",
    surface="#111111",
    panel="#222222",
    dark=True,
)


def install(app: Any, requested: str | None, settings: Settings) -> list[str]:
    """Register our themes and pick one. Returns problems to report."""
    problems: list[str] = []
    for theme in (PHOTOTERM, PHOTOTERM_MONO):
        app.register_theme(theme)
    configured = settings.theme
    fallback = MONO if app.color.no_color else DEFAULT
    # An explicit choice (flag, then config) overrides NO_COLOR, as no-color.org says.
    for name, source in ((requested, "--theme"), (configured, "config theme")):
        if not name:
            continue
        if name in app.available_themes:
            app.theme = name
            return problems
        names = ", ".join(sorted(app.available_themes))
        problems.append(f"{source}: unknown theme {safe(name, 40)!r}; available: {names}")
    app.theme = fallback
    return problems
