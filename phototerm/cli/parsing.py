"""The command line's parsers: one rule for errors, options before or after the sub-command.

- A bad command line prints the usage of the (sub-)command it was meant for, then
  ``phototerm: error: ...``, and exits 2; argparse's own exit is never reached.
- ``--personal``/``--shared`` may come before the sub-command (``phototerm --personal D ls``) or
  after it; given in both places, the one after the sub-command wins. A top-level option that a
  sub-command has no use for is an error, never silently ignored.
- ``ls`` takes query words that start with ``-`` (``ls -camera:canon``) when they are not one of
  its options; ``--`` still ends the options.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TypeAlias

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_DENIED = 3

EXIT_STATUS = """\
exit status:
  0  done (ls and album show: also when nothing matches)
  1  refused or failed: a read-only space, no file permission, a store that cannot be
     read, a disk error, a question answered no, access check found a mismatch
  2  bad arguments or values: an unknown option, path, album, user, group or role, a bad
     query, an empty name, no space is on, no terminal to ask for confirmation
  3  not allowed: your role in the space does not allow it, or phototerm is not enabled
     for you on this machine (the system config's [app] allow), or your account is a
     kiosk and the command is not the kiosk (the system config's [kiosk])
Every error line starts with "phototerm: error: "."""


class UsageError(Exception):
    """Wrong input from the user: printed as 'phototerm: error: ...' with exit 2, followed by
    ``details`` (lines that show where, e.g. a caret under a query)."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details = tuple(details)


class Failed(Exception):
    """Refused or failed: printed as 'phototerm: error: ...' with exit 1."""


class NotAllowed(Exception):
    """The role or the application privilege does not allow it: 'phototerm: error: ...' with
    exit 3."""


class ArgumentParser(argparse.ArgumentParser):
    """The top-level parser; every error goes through ``main``'s one wording."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        kwargs.setdefault("epilog", EXIT_STATUS)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:  # argparse would exit with its own wording
        self.print_usage(sys.stderr)
        raise UsageError(message)


class CommandParser(ArgumentParser):
    """A sub-command's parser. Arguments it does not know are its error, so the usage shown
    is its own (argparse hands them up to the top-level parser, whose usage says nothing
    about the sub-command).

    ``query_words=True`` (``ls``): the positional words are a search query, and a word that
    starts with ``-`` but is not one of the command's options is part of it
    (``-camera:canon`` means "not a Canon"); such words are moved behind a ``--`` before
    argparse sees them. Every word after ``--`` is a query word, as everywhere. Long options
    are then never abbreviated, so ``--so`` cannot be taken for ``--sort``."""

    def __init__(self, *args: Any, query_words: bool = False, **kwargs: Any) -> None:
        self._query_words = query_words
        self._takes_value: dict[str, bool] = {}  # before argparse adds -h through add_argument
        if query_words:
            kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        # The innermost parser sets it last, so an album action names itself, not `album`.
        self.set_defaults(command_parser=self)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        for flag in action.option_strings:
            self._takes_value[flag] = action.nargs != 0
        return action

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        given = list(sys.argv[1:] if args is None else args)
        if self._query_words:
            given = self.options_then_words(given)
        parsed, extras = super().parse_known_args(given, namespace)
        if extras:
            self.error("unrecognized arguments: " + " ".join(extras))
        return parsed, extras

    def options_then_words(self, given: list[str]) -> list[str]:
        options: list[str] = []
        words: list[str] = []
        rest = iter(given)
        for token in rest:
            if token == "--":
                words.extend(rest)
                break
            flag = token.split("=", 1)[0] if token.startswith("--") else token
            if token.startswith("--") or flag in self._takes_value:
                # A long option (an unknown one is reported as such), or a short one of ours.
                options.append(token)
                if "=" not in token and self._takes_value.get(flag):
                    value = next(rest, None)
                    if value is not None:
                        options.append(value)
            else:
                words.append(token)
        return [*options, "--", *words] if words else options


# What each area's ``register`` adds its sub-commands to.
Subcommands: TypeAlias = "argparse._SubParsersAction[ArgumentParser]"


def add_space_arguments(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """--personal / --shared, taken by every command that reads a library.

    On a sub-command they default to "not given" (SUPPRESS), so that the same options given
    before the sub-command are not overwritten by the sub-command's defaults."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--personal",
        metavar="DIR",
        default=default,
        help="Personal Space root (default ~/Photos; '' turns it off)",
    )
    parser.add_argument(
        "--shared",
        metavar="DIR",
        default=default,
        help="Shared Space root (default /photo; '' turns it off)",
    )
    if not top:
        parser.set_defaults(takes_spaces=True)


def add_shared_argument(parser: argparse.ArgumentParser) -> None:
    """--shared alone, for the commands that act on the Shared Space only (``access``)."""
    parser.add_argument(
        "--shared",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="Shared Space root (default /photo)",
    )
    parser.set_defaults(takes_spaces="shared")


def check_top_options(args: argparse.Namespace) -> None:
    """A top-level option given to a sub-command that has no use for it is a usage error (of
    that sub-command), not something to ignore."""
    parser = getattr(args, "command_parser", None)
    if parser is None:  # no sub-command: the browser takes them all
        return
    unused = []
    takes = getattr(args, "takes_spaces", False)  # True: both; or the one space it takes
    for name in ("personal", "shared"):
        if getattr(args, name, None) is not None and takes not in (True, name):
            unused.append(f"--{name}")
    if not getattr(args, "takes_theme", False) and getattr(args, "theme", None) is not None:
        unused.append("--theme")
    if unused:
        parser.error(f"{' and '.join(unused)} not used by `{parser.prog}`")
