"""`phototerm demo [DIR] [--no-open]`: create (or reuse) the demo library, then browse it.

``run`` creates the library, then looks up ``phototerm.cli.browse.open_browser`` lazily and
calls it when it exists and there is a terminal; otherwise (and always with ``--no-open``) it
prints the command that browses the demo.
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from phototerm.cli import EXIT_OK, Failed, Subcommands, UsageError, counted, note, settings
from phototerm.cli.progress import Progress
from phototerm.library.text import safe

if TYPE_CHECKING:  # the demo's painting (and Pillow) is imported only when `demo` runs
    from phototerm.samples import demo


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "demo",
        help="create (or reuse) a demo library and show how to browse it",
        description=(
            "Create a demo library of procedurally drawn photos with real EXIF in DIR "
            "(default: the phototerm cache dir, e.g. ~/.cache/phototerm/demo), in a "
            "Personal and a Shared space. Re-running reuses it."
        ),
    )
    p.add_argument("dir", nargs="?", metavar="DIR", default=None, help="where to put it")
    p.add_argument("--no-open", action="store_true", help="do not open the browser")
    p.set_defaults(handler=run, takes_theme=True)  # `phototerm --theme NAME demo`


def browse_command(summary: demo.DemoSummary) -> str:
    return (
        f"phototerm --personal {shlex.quote(summary.personal)} "
        f"--shared {shlex.quote(summary.shared)}"
    )


def describe(summary: demo.DemoSummary) -> list[str]:
    from phototerm.samples import demo

    verb = "Created" if summary.created else "Reusing"
    took = f" in {summary.seconds:.1f} s" if summary.created else ""
    lines = [f"{verb} the demo library at {safe(summary.root)}{took}"]
    for space, label in ((demo.PERSONAL_DIR, "Personal"), (demo.SHARED_DIR, "Shared")):
        folders = summary.folders.get(space, [])
        lines.append(
            f"  {label} Space: {counted(summary.photos.get(space, 0), 'photo')}, "
            f"{counted(summary.videos.get(space, 0), 'video')}, "
            f"{counted(summary.broken.get(space, 0), 'broken file')}, "
            f"in {counted(len(folders), 'folder')}"
        )
        for folder, count in folders:
            lines.append(f"    {safe(folder) or '.'}  ({count})")
    lines.append(f"  Cameras: {', '.join(safe(c) for c in summary.cameras)}")
    if summary.years:
        lines.append(f"  Years: {summary.years[0]}-{summary.years[-1]}")
    if summary.skipped:
        lines.append(f"  Skipped (the filesystem refused the name): {len(summary.skipped)}")
    return lines


def _find_opener() -> Callable[..., int] | None:
    try:
        browse = importlib.import_module("phototerm.cli.browse")
    except ImportError:
        return None
    opener = getattr(browse, "open_browser", None)
    return opener if callable(opener) else None


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def open_browser(personal: str, shared: str, theme: str | None = None) -> int | None:
    """Open the browser on the two spaces, when this phototerm has one; else None."""
    opener = _find_opener()
    return None if opener is None else int(opener(personal, shared, theme=theme) or 0)


def _enable_access(shared: str) -> None:
    """The demo's Shared Space has roles like a real one (its creator owns it: manage)."""
    from phototerm.library.access import admin
    from phototerm.library.roles import Identity

    try:
        admin.enable(shared, Identity.current())
    except (admin.AccessRefused, admin.AccessFailed, OSError) as exc:
        note(f"roles of the demo's Shared Space not enabled: {exc}")


def run(args: argparse.Namespace) -> int:
    target = args.dir if args.dir is not None else None
    if target == "":
        raise UsageError("DIR must not be empty")
    settings()  # config.toml's problems are said by every command, before any work
    from phototerm.samples import demo

    try:
        with Progress("Drawing demo photos") as progress:
            summary = demo.make_demo(target, progress=progress.update)
    except demo.DemoError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        where = safe(exc.filename) if exc.filename else "the demo folder"
        raise Failed(f"cannot write {where}: {exc.strerror or exc}") from None
    _enable_access(summary.shared)
    for line in describe(summary):
        print(line)
    # Without a terminal (a script, a pipe) there is nothing to open: say how instead.
    if not args.no_open and _interactive():
        status = open_browser(summary.personal, summary.shared, getattr(args, "theme", None))
        if status is not None:
            return status
    print("Browse it with:")
    print(f"  {safe(browse_command(summary))}")
    return EXIT_OK
