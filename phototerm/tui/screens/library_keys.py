"""The library screen's own keys (the editing keys come from tui/screens/edit_keys.py)."""

from __future__ import annotations

from textual.binding import Binding

LIBRARY_BINDINGS: list[Binding] = [
    Binding(
        "slash",
        "search",
        "Search",
        id="library.search",
        tooltip="Type a query; results filter as you type",
        # Priority: the App runs it before it hands on the next key, so a fast
        # "/paris" types "paris" in the bar (the keys after "/" were already queued
        # for the grid, which dropped them). In a text field "/" is just typed.
        priority=True,
    ),
    Binding(
        "f",
        "filter",
        "Filter",
        id="library.filter",
        tooltip="Filter by date, type, rating, camera, lens, folder, GPS",
    ),
    Binding(
        "s",
        "sort",
        "Sort",
        id="library.sort",
        tooltip="Sort by date, name, size, modified or rating",
    ),
    Binding(
        "colon",
        "jump",
        "Jump to date",
        id="library.jump",
        tooltip="Move to the first photo of a day or month (Timeline)",
    ),
    Binding(
        "i",
        "toggle_info",
        "Info",
        id="library.info",
        tooltip="Show or hide details of the photo under the cursor",
    ),
    Binding(
        "y",
        "copy_paths",
        "Copy path",
        id="library.copy",
        tooltip="Copy the absolute path(s) of the cursor photo or selection (OSC 52)",
    ),
    Binding(
        "w",
        "switch_view",
        "Timeline/Folders",
        id="library.view",
        tooltip="Switch between the Timeline and the Folders view",
    ),
    Binding(
        "z",
        "cycle_grouping",
        "Day/Month/Year",
        id="library.grouping",
        tooltip="Timeline headers by day, month or year",
    ),
    Binding(
        "ctrl+b",
        "toggle_sidebar",
        "Sidebar",
        id="library.sidebar",
        show=False,
        tooltip="Show the sidebar (the focus goes there) or hide it",
    ),
    Binding(
        "ctrl+g",
        "focus_grid",
        "Photos",
        id="library.grid",
        show=False,
        tooltip="Move the focus to the photos",
    ),
]
