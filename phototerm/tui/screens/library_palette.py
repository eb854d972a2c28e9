"""The library screen's entries in the command palette (ctrl+p), each naming the keys bound
to its action now: the ``[keymap]`` applied, as the help shows them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from textual.app import App, SystemCommand

from phototerm.library.settings import TILE_SIZES
from phototerm.tui import keys
from phototerm.tui.screens.edit_keys import edit_commands
from phototerm.tui.screens.library import LibraryScreen
from phototerm.tui.widgets.grid import ThumbnailGrid


def library_commands(
    app: App[Any], keymap: Mapping[str, str], screen: LibraryScreen
) -> Iterable[SystemCommand]:
    def key(binding_id: str) -> str:
        return keys.shown_keys(app, keymap, keys.find_binding(LibraryScreen, binding_id))

    yield from edit_commands(app, keymap, screen)
    if not screen.services.edits.edits_refused():  # moving files needs manage too
        yield SystemCommand(
            "Move rejected photos to #recycle",
            "Rejected photos (x) go to the space's recycle bin, after a confirmation",
            screen.services.photos.recycle,
        )
    yield SystemCommand(
        "Shares…",
        "Every share you made: links, people, expiry, last opened; revoke",
        screen.services.shares.open_list,
    )
    entries: list[tuple[str, str, str, Callable[[], object]]] = [
        ("Search", "Type a query in the search bar", "library.search", screen.action_search),
        (
            "Filter…",
            "Filter by date, type, rating, camera, lens, folder, GPS",
            "library.filter",
            screen.action_filter,
        ),
        (
            "Sort…",
            "Sort by date, name, size, modified or rating",
            "library.sort",
            screen.action_sort,
        ),
        (
            "Jump to date…",
            "Move to a day or month in the Timeline",
            "library.jump",
            screen.action_jump,
        ),
        ("Timeline / Folders", "Switch the view", "library.view", screen.action_switch_view),
        (
            "Group Timeline by day / month / year",
            "Cycle the headers",
            "library.grouping",
            screen.action_cycle_grouping,
        ),
        ("Info panel", "Show or hide the photo details", "library.info", screen.action_toggle_info),
        (
            "Copy path",
            "Copy the cursor photo's or the selection's paths",
            "library.copy",
            screen.action_copy_paths,
        ),
        ("Sidebar", "Show or hide the sidebar", "library.sidebar", screen.action_toggle_sidebar),
    ]
    for title, help_text, binding_id, action in entries:
        yield SystemCommand(title, f"{help_text} ({key(binding_id)})", action)
    for space in screen.services.setup.on:
        yield SystemCommand(
            f"Show / hide {space.label}",
            f"Toggle {space.root}",
            lambda name=space.name: screen.toggle_space(name),
        )
    # The first key of each (+ also answers to =): "+ / -" reads better than "+ = / -".
    bigger, smaller = (
        keys.shown_keys(app, keymap, keys.find_binding(ThumbnailGrid, binding_id)).split()[0]
        for binding_id in ("grid.bigger", "grid.smaller")
    )
    for size in TILE_SIZES:
        yield SystemCommand(
            f"Thumbnails: {size}",
            f"Thumbnail size ({bigger} / {smaller} in the grid)",
            lambda size=size: setattr(screen.grid, "tile_size", size),
        )
