"""The Textual driver that writes only what changed on screen (see ``screen.ScreenDiff``).

Textual picks its driver through the public ``App.get_driver_class``; ``diffing_driver``
wraps the class Textual chose (the Linux driver, for a terminal) in a subclass whose
``write`` sends Textual's output through a ``ScreenDiff``. Only the documented Driver
methods are overridden (``write``, ``start_application_mode``), nothing private is read.
Other drivers (headless for tests, web, Windows) are returned as they are.
"""

from __future__ import annotations

import os
from typing import Any

from textual.driver import Driver

from phototerm.tui.output.screen import ScreenDiff


class Output:
    """The app's handle on the terminal model: what a driver made for it writes through."""

    def __init__(self) -> None:
        self.screen: ScreenDiff | None = None

    def forget(self) -> None:
        """The terminal's content is unknown (redraw): the next frames are written in full."""
        if self.screen is not None:
            self.screen.forget()


def diffing_driver(base: type[Driver], output: Output) -> type[Driver]:
    """``base`` with its output diffed, when ``base`` drives a Unix terminal."""
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:  # no termios: not a Unix terminal
        return base
    if not issubclass(base, LinuxDriver):
        return base

    class DiffingDriver(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            fd = getattr(self, "fileno", None)
            output.screen = ScreenDiff(lambda: _size(fd))

        def write(self, data: str) -> None:
            screen = output.screen
            if screen is None:
                super().write(data)
                return
            out = screen.feed(data)
            if out:
                super().write(out)

        def start_application_mode(self) -> None:
            # A new alternate screen (also after a suspend): nothing on it is known.
            output.forget()
            super().start_application_mode()

    DiffingDriver.__name__ = DiffingDriver.__qualname__ = f"Diffing{base.__name__}"
    return DiffingDriver


def _size(fd: int | None) -> tuple[int, int]:
    if not isinstance(fd, int):
        raise OSError("no terminal")
    size = os.get_terminal_size(fd)
    return size.columns, size.lines
