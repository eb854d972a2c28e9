"""What the editing sub-commands share: a library opened for edits, the photos named on the
command line, and an edit's result turned into output and an exit status."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from phototerm.cli import (
    EXIT_DENIED,
    EXIT_ERROR,
    EXIT_OK,
    NotAllowed,
    UsageError,
    counted,
    error,
    note,
    open_library,
    spaces,
)
from phototerm.library import Editor, Index, Library
from phototerm.library.edits import EditResult
from phototerm.library.edits.results import clean_name
from phototerm.library.roles import not_allowed
from phototerm.library.text import safe


def with_editor(args: argparse.Namespace, work: Callable[[Library, Editor], int]) -> int:
    """Run ``work`` on the library of ``args``'s spaces, opened for edits."""
    with open_library(spaces(args), writable=True) as library:
        assert library.editor is not None  # opened with its stores
        return work(library, library.editor)


def photo_ids(library: Library, given: list[str], doing: str = "") -> list[int]:
    """Index ids of the given paths; every unknown one is reported, then UsageError: nothing
    is changed when one path is wrong. A path in a space the user has no role in is
    NotAllowed; so is, with ``doing`` ("rating"), a photo of a space where their role does
    not let them edit."""
    index: Index = library.index
    ids, bad = [], []
    for path in given:
        pid = index.id_of_path(os.path.abspath(path))
        if pid is None:
            pid = index.id_of_path(os.path.realpath(path))
        if pid is None:
            bad.append(path)
        else:
            ids.append(pid)
    if bad:
        _no_role(library, bad)
        roots = ", ".join(f"{s.label} {safe(s.root)}" for s in library.setup.on)
        for path in bad:
            reason = "no such file" if not os.path.lexists(path) else "not a photo in a space"
            error(f"{path}: {reason}")
        what = "is not a photo" if len(bad) == 1 else "are not photos"
        raise UsageError(
            f"{len(bad)} of {counted(len(given), 'path')} {what} of the spaces ({roots}); "
            "nothing was changed"
        )
    if doing and library.editor is not None:
        for space in dict.fromkeys(library.index.get(i).space for i in ids):
            reason = library.editor.access.why_not_edit(space, doing)
            if not_allowed(reason):
                raise NotAllowed(f"{reason}; nothing was changed")
    return ids


def _no_role(library: Library, paths: list[str]) -> None:
    """NotAllowed when a path lies in a space that is off because the user has no role."""
    off = dict(library.setup.off)
    for path in paths:
        full = os.path.abspath(path)
        for space, root in library.setup.no_role.items():
            if full == root or full.startswith(root.rstrip("/") + "/"):
                raise NotAllowed(f"{safe(path)}: {off.get(space, 'no role')}")


def report(result: EditResult) -> int:
    """An edit's message on stdout (exit 0), or its refusal as an error: exit 3 when the role
    refused it, else 1."""
    for warning in result.warnings:
        note(warning)
    if not result.ok:
        error(result.message)
        return EXIT_DENIED if not_allowed(result.message) else EXIT_ERROR
    print(result.message)
    return EXIT_OK


def name_argument(what: str, limit: int | None = None) -> Callable[[str], str]:
    """An argparse type for a tag or album name: empty (once cleaned as the Editor stores
    names) or longer than ``limit`` is a bad value, exit 2 with the sub-command's usage."""

    def check(text: str) -> str:
        name = clean_name(text)
        if not name:
            raise argparse.ArgumentTypeError(f"{what} cannot be empty")
        if limit is not None and len(name) > limit:
            raise argparse.ArgumentTypeError(f"{what} is 1 to {limit} characters")
        return text

    return check


def confirm(lines: list[str], yes: bool, question: str) -> int | None:
    """None to go on, else the exit code. Lists what will happen first, always."""
    for line in lines:
        print(line)
    if yes:
        return None
    if not sys.stdin.isatty():
        raise UsageError("not a terminal to ask on: add --yes to confirm")
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        print("Nothing was changed.")
        return EXIT_ERROR
    return None
