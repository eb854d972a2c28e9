"""Key bindings as data: the user's ``[keymap]`` from config.toml and the help screen's rows.

Both read the ``BINDINGS`` of the classes themselves, so the help cannot drift from the keys
and a keymap entry naming a binding id that does not exist is reported, not silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual.binding import Binding

from phototerm.library.text import safe


def binding_classes() -> list[tuple[str, list[type]]]:
    """(help section, classes) in the order the help shows them."""
    from phototerm.tui.app import PhotoApp
    from phototerm.tui.dialogs.album import AlbumDialog
    from phototerm.tui.dialogs.confirm import ConfirmDialog
    from phototerm.tui.dialogs.describe import DescribeDialog
    from phototerm.tui.dialogs.filter import FilterDialog
    from phototerm.tui.dialogs.jump import JumpDialog
    from phototerm.tui.dialogs.sort import SortDialog
    from phototerm.tui.dialogs.tags import TagDialog
    from phototerm.tui.screens.help import HelpScreen
    from phototerm.tui.screens.library import LibraryScreen
    from phototerm.tui.screens.viewer import ViewerScreen
    from phototerm.tui.widgets.grid import ThumbnailGrid
    from phototerm.tui.widgets.searchbar import SearchInput
    from phototerm.tui.widgets.sidebar import SidebarTree

    return [
        ("Everywhere", [PhotoApp]),
        ("Photos (grid)", [ThumbnailGrid, LibraryScreen]),
        ("Search bar", [SearchInput]),
        ("Sidebar", [SidebarTree]),
        ("Viewer", [ViewerScreen]),
        ("Dialogs", [FilterDialog, SortDialog, JumpDialog, ConfirmDialog, DescribeDialog]),
        ("Tag dialog (t)", [TagDialog]),
        ("Album dialog (a)", [AlbumDialog]),
        ("Help", [HelpScreen]),
    ]


def own_bindings(cls: type) -> list[Binding]:
    """The class's own BINDINGS (not inherited ones) as Binding objects."""
    out = []
    for item in cls.__dict__.get("BINDINGS", []):
        if isinstance(item, Binding):
            out.append(item)
        elif isinstance(item, tuple) and len(item) in (2, 3):
            out.append(Binding(*item))
    return out


def known_ids() -> set[str]:
    return {
        b.id
        for _title, classes in binding_classes()
        for cls in classes
        for b in own_bindings(cls)
        if b.id
    }


def load_keymap(
    configured: Mapping[str, str], ids: Iterable[str]
) -> tuple[dict[str, str], list[str]]:
    """The ``[keymap]`` entries (Settings.keymap: key strings already checked) that name a
    real binding id; the others are problems to report."""
    known = set(ids)
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in configured.items():
        if binding_id not in known:
            problems.append(
                f"config [keymap]: no binding with id {safe(binding_id, 40)!r} "
                "(the help screen, ?, lists them)"
            )
            continue
        keymap[binding_id] = keys
    return keymap, problems


def binding_help(
    app: Any, keymap: Mapping[str, str]
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Help sections: (title, [(keys as shown, description, id)]). A binding shared by
    several screens (the editing keys) is described once, where it first appears; later
    sections list its keys on one line."""
    sections = []
    seen: set[str] = set()
    for title, classes in binding_classes():
        rows: list[tuple[str, str, str]] = []
        again: list[str] = []
        for cls in classes:
            for binding in own_bindings(cls):
                key_string = keymap.get(binding.id or "", binding.key)
                shown = " ".join(
                    app.get_key_display(Binding(key.strip(), binding.action))
                    for key in key_string.split(",")
                )
                if binding.id in seen:
                    if shown not in again:
                        again.append(shown)
                    continue
                if binding.id:
                    seen.add(binding.id)
                text = binding.tooltip or binding.description or binding.action
                if binding.description and binding.tooltip:
                    text = f"{binding.description}: {binding.tooltip}"
                rows.append((shown, text, binding.id or ""))
        if again:
            rows.append((_compact(again), "The editing keys, as above (on the photo shown)", ""))
        if title == "Everywhere":
            rows.append(("tab shift+tab", "Move the focus: sidebar, search bar, photos", ""))
        sections.append((title, rows))
    return sections


def _compact(keys: list[str]) -> str:
    """Keys on one line, runs of three or more digits shortened: "0 1 2 3 4 5 x" -> "0-5 x"."""
    out: list[str] = []
    run: list[str] = []
    for key in [*keys, ""]:
        if len(key) == 1 and key.isdigit() and (not run or int(key) == int(run[-1]) + 1):
            run.append(key)
            continue
        out.extend([f"{run[0]}-{run[-1]}"] if len(run) >= 3 else run)
        run = [key] if len(key) == 1 and key.isdigit() else []
        if key and not run:
            out.append(key)
    return " ".join(out)
