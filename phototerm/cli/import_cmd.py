"""`phototerm import PATH... [--to FOLDER] [--space shared|personal]`: copy photos into a space.

Needs the upload role (or more) in that space. Copies, never moves, never overwrites (see
``phototerm.library.edits.importing``). The photos appear in the browser and in ``ls`` at their next
start, when the space is scanned.
"""

from __future__ import annotations

import argparse
import os

from phototerm.cli import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_STATUS,
    NotAllowed,
    Subcommands,
    UsageError,
    add_space_arguments,
    counted,
    error,
    spaces,
)
from phototerm.library.edits.importing import ImportProblem, import_photos
from phototerm.library.photo import LABELS, PERSONAL, SHARED
from phototerm.library.roles import Access, Identity
from phototerm.library.text import safe


def register(sub: Subcommands) -> None:
    parser = sub.add_parser(
        "import",
        help="copy photos and videos (or folders of them) into a space",
        description=(
            "Copy photos and videos, or folders of them, into a space (the Shared Space\n"
            "unless --space says otherwise). Needs the upload role there. Originals are\n"
            "never moved; a name already taken gets a suffix, and a file already there\n"
            "with the same bytes is not copied again."
        ),
        epilog=EXIT_STATUS,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="photos, videos or folders")
    parser.add_argument(
        "--to",
        metavar="FOLDER",
        default="",
        help="folder of the space to copy into, relative to its root (default: the root)",
    )
    parser.add_argument(
        "--space", choices=(SHARED, PERSONAL), default=SHARED, help="default: shared"
    )
    add_space_arguments(parser)
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    setup = spaces(args, quiet=True, required=False)  # only the target space matters
    space = setup.root_of(args.space)
    if space is None:
        reason = dict(setup.off).get(args.space, f"the {LABELS[args.space]} is off")
        if args.space in setup.no_role:
            raise NotAllowed(reason)
        raise UsageError(reason)
    access = Access(setup.identity or Identity.current(), {}, roots={space.name: space.root})
    try:
        result = import_photos(access, space.name, args.paths, args.to)
    except ImportProblem as exc:
        raise UsageError(str(exc)) from None
    if result.refusal:
        raise NotAllowed(result.refusal)
    for problem in result.errors:
        error(problem)
    target = os.path.normpath(os.path.join(space.root, args.to))
    words = [f"Copied {counted(len(result.copied), 'file')} into {safe(target)}"]
    if result.renamed:
        words.append(f"{result.renamed} under a new name (theirs was taken)")
    if result.already:
        words.append(f"{counted(result.already, 'file')} already there")
    if result.skipped:
        words.append(f"{counted(result.skipped, 'file')} skipped (not a photo or video)")
    print("; ".join(words))
    return EXIT_OK if result.ok else EXIT_ERROR
