"""Command line: `phototerm [SUBCOMMAND] ...`. Each area registers its sub-commands.

Sub-commands are thin callers of the library, so a script and a key run the same code.
Bad arguments give a usage message and exit 2; no traceback ever reaches the user.
"""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, TypeAlias

if TYPE_CHECKING:
    from phototerm.library import Library, Settings, SpaceSetup

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Wrong input from the user: printed as 'phototerm: error: ...' with exit 2."""


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would exit with its own wording
        self.print_usage(sys.stderr)
        raise UsageError(message)


# What each area's ``register`` adds its sub-commands to.
Subcommands: TypeAlias = "argparse._SubParsersAction[ArgumentParser]"


def add_space_arguments(parser: argparse.ArgumentParser) -> None:
    """--personal / --shared, taken by every command that reads a library."""
    parser.add_argument(
        "--personal",
        metavar="DIR",
        default=None,
        help="Personal Space root (default ~/Photos; '' turns it off)",
    )
    parser.add_argument(
        "--shared",
        metavar="DIR",
        default=None,
        help="Shared Space root (default /photo; '' turns it off)",
    )


@functools.cache
def settings() -> Settings:
    """config.toml, read once per process; each problem with it is said once, on stderr."""
    from phototerm.library import load_settings

    loaded = load_settings()
    for problem in loaded.problems:
        print(f"phototerm: {problem}", file=sys.stderr)
    return loaded


def spaces(args: argparse.Namespace, *, quiet: bool = False) -> SpaceSetup:
    """The spaces the command's --personal/--shared, the environment and config.toml give;
    why a space is off is said on stderr (unless ``quiet``)."""
    from phototerm.library import resolve

    setup = resolve(settings(), getattr(args, "personal", None), getattr(args, "shared", None))
    if not quiet:
        for _name, reason in setup.off:
            print(f"phototerm: {reason}", file=sys.stderr)
    return setup


def add_rescan_argument(parser: argparse.ArgumentParser) -> None:
    """--no-rescan, for the commands that only read the library."""
    parser.add_argument(
        "--no-rescan",
        action="store_true",
        help="answer from the saved index without walking the folders (may be stale)",
    )


def open_library(
    setup: SpaceSetup, *, writable: bool = False, with_stores: bool = True, rescan: bool = True
) -> Library:
    """The library of ``setup``, as every sub-command opens it (``phototerm.library``'s front
    door with this process's settings), with a progress bar on stderr when it takes long."""
    from phototerm import library
    from phototerm.cli.progress import Progress

    with Progress("Indexing") as progress:
        return library.open_library(
            settings(),
            setup,
            writable=writable,
            with_stores=with_stores,
            rescan=rescan,
            on_progress=progress.indexing,
        )


def build_parser() -> ArgumentParser:
    from phototerm.cli import bench_cmd, browse, demo_cmd, edit_cmds, library_cmds

    parser = ArgumentParser(
        prog="phototerm",
        description="A terminal photo library. Without a sub-command, opens the browser.",
    )
    from phototerm import __version__

    parser.add_argument("--version", action="version", version=f"phototerm {__version__}")
    browse.add_browse_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    for module in (library_cmds, demo_cmd, edit_cmds, bench_cmd):
        module.register(sub)
    parser.set_defaults(handler=browse.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # exifread and PIL log warnings about odd files; they are recorded per file instead.
    logging.getLogger("exifread").setLevel(logging.CRITICAL)
    logging.getLogger("PIL").setLevel(logging.CRITICAL)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.handler(args) or 0)
    except UsageError as exc:
        print(f"phototerm: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `phototerm ls | head`
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
