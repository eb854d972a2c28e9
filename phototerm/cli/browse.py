"""`phototerm [--personal DIR] [--shared DIR] [--theme NAME]`: open the terminal browser.

Textual is imported only here, when the browser really opens, so `phototerm ls` and friends
start fast and the library stays usable without a terminal.
"""

from __future__ import annotations

import argparse
import os
import sys

from phototerm.cli import EXIT_USAGE, add_space_arguments, settings, spaces
from phototerm.library.settings import Settings
from phototerm.library.spaces import SpaceSetup, resolve


def add_browse_arguments(parser: argparse.ArgumentParser) -> None:
    add_space_arguments(parser, top=True)
    parser.add_argument(
        "--theme",
        metavar="NAME",
        default=None,
        help="colour theme for this session (see `phototerm themes`)",
    )


def run(args: argparse.Namespace) -> int:
    # The browser says why a space is off itself, and shows an empty library with the reason.
    setup = spaces(args, quiet=True, required=False)
    return browse(setup, theme=getattr(args, "theme", None), settings=settings())


def open_browser(personal: str | None, shared: str | None, *, theme: str | None = None) -> int:
    """Used by `phototerm demo`: the browser on the given roots."""
    return browse(resolve(settings(), personal, shared), theme=theme, settings=settings())


def browse(setup: SpaceSetup, *, theme: str | None = None, settings: Settings | None = None) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "phototerm: error: the browser needs a terminal; for scripts use `phototerm ls`",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if os.environ.get("TERM", "") in ("", "dumb"):
        print(
            "phototerm: error: TERM is not set to a terminal that can draw the browser",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from phototerm.library import paths
    from phototerm.library.preload import Preload

    # The saved index loads on a thread of its own while Textual is imported and starts.
    preload = Preload(setup, str(paths.cache_dir())) if setup.on else None

    from phototerm.tui import colour_probe, terminal
    from phototerm.tui.app import PhotoApp

    if settings is None:
        from phototerm.library.settings import load_settings

        settings = load_settings()
    # Asked before the app starts: Textual picks its colour system once, in App.__init__.
    color = terminal.detect(os.environ, settings, ask=colour_probe.ask)
    app = PhotoApp(setup, settings=settings, theme=theme, color=color, preload=preload)
    app.run()
    return int(app.return_code or 0)
