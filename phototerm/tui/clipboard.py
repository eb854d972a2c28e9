"""Copying photo paths to the terminal's clipboard (OSC 52: works over SSH, in tmux with
set-clipboard), from the library and the viewer alike."""

from __future__ import annotations

from typing import Any

from textual.app import App

from phototerm.library.text import safe


def copy_paths(app: App[Any], paths: list[str]) -> None:
    """Absolute paths to the clipboard, one a line, and a note saying what was copied."""
    text = "\n".join(paths)
    note = ""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A non-UTF-8 name: the terminal clipboard carries text, so bytes it cannot
        # represent become U+FFFD; say so rather than copying something subtly wrong.
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        note = " (non-UTF-8 bytes replaced)"
    app.copy_to_clipboard(text)
    what = safe(paths[0], 100) if len(paths) == 1 else f"{len(paths)} paths"
    app.notify(f"Copied {what}{note}", markup=False, timeout=4)
