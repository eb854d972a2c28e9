"""`phototerm themes [--json]`: every colour theme there is, where it comes from, and every
theme file that is broken (with its line or key). Always exits 0: a broken theme file is
something to list, not a failure of the command.

Textual is imported only when the command runs, so other sub-commands start without it.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from phototerm.cli import EXIT_OK, Subcommands

SOURCE_WORDS = {"built-in": "built-in", "user": "user file", "textual": "Textual"}


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "themes",
        help="list the colour themes and any broken theme file",
        description=(
            "List every colour theme: phototerm's built-in ones, your own "
            "($XDG_CONFIG_HOME/phototerm/themes/*.toml) and Textual's, with where each comes "
            "from; then every theme file that could not be loaded, and why."
        ),
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from textual.theme import BUILTIN_THEMES

    from phototerm.tui.theme_files import load_catalogue

    catalogue = load_catalogue()
    entries = catalogue.with_textual(BUILTIN_THEMES)
    if args.json:
        document: dict[str, Any] = {
            "themes": [
                {
                    "name": entry.name,
                    "source": entry.source,
                    "path": entry.path or None,
                    "dark": entry.theme.dark,
                    "replaces": entry.replaces or None,
                }
                for entry in entries
            ],
            "broken": [
                {
                    "path": bad.path,
                    "source": bad.source,
                    "name": bad.name or None,
                    "error": bad.error,
                    "folder": bad.folder,  # the whole themes folder, not one file
                }
                for bad in catalogue.broken
            ],
        }
        print(json.dumps(document, indent=2))
        return EXIT_OK
    rows = [(entry.name, _source(entry.source, entry.replaces), entry.path) for entry in entries]
    name_width = max(len(name) for name, _, _ in rows)
    source_width = max(len(source) for _, source, _ in rows)
    for name, source, path in rows:
        print(f"{name:<{name_width}}  {source:<{source_width}}  {path}".rstrip())
    if catalogue.broken:
        print()
        print("Broken theme files (ignored):")
        for bad in catalogue.broken:
            print(f"  {bad.path}: {bad.error}")
    return EXIT_OK


def _source(source: str, replaces: str) -> str:
    words = SOURCE_WORDS[source]
    return f"{words}, replaces the {SOURCE_WORDS[replaces]} one" if replaces else words
