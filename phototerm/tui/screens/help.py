"""`?`: every binding of every part of phototerm, with the keys the user's keymap gives them.

``binding_sections`` names the classes whose keys the help lists, section by section; the rows
come from the BINDINGS of those classes themselves (``keys.binding_help``), so the help can
never disagree with what the keys do. The same list tells which binding ids a ``[keymap]`` in
config.toml may name; the id column is what it uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from phototerm.tui.dialogs.album import AlbumDialog
from phototerm.tui.dialogs.confirm import ConfirmDialog
from phototerm.tui.dialogs.describe import DescribeDialog
from phototerm.tui.dialogs.filter import FilterDialog
from phototerm.tui.dialogs.jump import JumpDialog
from phototerm.tui.dialogs.share import ShareDialog
from phototerm.tui.dialogs.shares import SharesDialog
from phototerm.tui.dialogs.sort import SortDialog
from phototerm.tui.dialogs.tags import TagDialog
from phototerm.tui.keys import BindingGate
from phototerm.tui.screens.library import LibraryScreen
from phototerm.tui.screens.viewer import ViewerScreen
from phototerm.tui.widgets.grid import ThumbnailGrid
from phototerm.tui.widgets.keys_footer import KeysFooter
from phototerm.tui.widgets.searchbar import SearchInput
from phototerm.tui.widgets.sidebar import SidebarTree

HelpRow = tuple[str, str, str]  # keys, description, binding id
HelpSection = tuple[str, Sequence[HelpRow]]


def binding_sections(app_class: type) -> list[tuple[str, list[type]]]:
    """(help section, classes) in the order the help shows them; ``app_class``'s keys work
    everywhere."""
    return [
        ("Everywhere", [app_class]),
        ("Photos (grid)", [ThumbnailGrid, LibraryScreen]),
        ("Search bar", [SearchInput]),
        ("Sidebar", [SidebarTree]),
        ("Viewer", [ViewerScreen]),
        ("Dialogs", [FilterDialog, SortDialog, JumpDialog, ConfirmDialog, DescribeDialog]),
        ("Tag dialog (t)", [TagDialog]),
        ("Album dialog (a)", [AlbumDialog]),
        ("Share dialog (S)", [ShareDialog]),
        ("Shares", [SharesDialog]),
        ("Help", [HelpScreen]),
    ]


def binding_contexts(app_class: type) -> list[tuple[str, list[type]]]:
    """(where, classes whose keys work at the same time there): where two bindings must not
    share a key. The app's keys work on the full screens; a dialog has its own keys only."""
    dialogs: list[tuple[str, type]] = [
        ("filter", FilterDialog),
        ("sort", SortDialog),
        ("jump", JumpDialog),
        ("confirm", ConfirmDialog),
        ("describe", DescribeDialog),
        ("tag", TagDialog),
        ("album", AlbumDialog),
        ("share", ShareDialog),
        ("shares", SharesDialog),
    ]
    return [
        ("the photos", [app_class, LibraryScreen, ThumbnailGrid]),
        ("the search bar", [app_class, LibraryScreen, SearchInput]),
        ("the sidebar", [app_class, LibraryScreen, SidebarTree]),
        ("the viewer", [app_class, ViewerScreen]),
        ("the help", [app_class, HelpScreen]),
        *((f"the {name} dialog", [dialog]) for name, dialog in dialogs),
    ]


def help_table(sections: Sequence[HelpSection], *, ids: bool = True) -> Table:
    """The keys, what they do and (``ids``) the binding ids a ``[keymap]`` names."""
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=False)
    # Headers as Text: a str header is parsed as markup, and "[keymap]" would vanish.
    table.add_column(Text("Keys"), no_wrap=True, min_width=16)
    table.add_column(Text("Does"), min_width=30)
    if ids:
        table.add_column(Text("Binding id (for [keymap])"), style="dim", no_wrap=True)
    blank = [""] * (len(table.columns) - 1)
    for n, (title, rows) in enumerate(sections):
        if n:
            table.add_row("", *blank)
        table.add_row(Text(title, style="bold underline"), *blank)
        for keys, description, binding_id in rows:
            cells = [Text(keys, style="bold"), Text(description)]
            table.add_row(*cells, *([Text(binding_id)] if ids else []))
    return table


INTRO = (
    "phototerm keys. Remap any of them by id in config.toml, e.g.\n"
    '  [keymap]\n  "library.search" = "ctrl+f"\n'
    "Search language: words, camera:, lens:, rating:>=4, rating:-1 (rejected), date:2023-05, "
    'folder:"a/b", tag:beach, album:"Trip", has:gps, is:error, type:video, '
    "AND / OR / NOT / -word, (parentheses)."
)


class HelpScreen(BindingGate, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,question_mark,q",
            "close",
            "Close help",
            id="help.close",
            tooltip="Back to where you were",
        ),
    ]

    def __init__(
        self,
        sections: Sequence[HelpSection],
        *,
        note: str = "",
        intro: str = INTRO,
        ids: bool = True,
    ) -> None:
        """``note``: why some keys are not listed (the person's role), shown first.
        ``intro``: the text above the keys; ``ids``: list the binding ids (the kiosk has
        its own text and no keymap)."""
        super().__init__()
        self._sections = sections
        self._note = note
        self._intro = intro
        self._ids = ids

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-scroll"):
            intro = Text(self._intro)
            if self._note:
                intro.append(f"\n\nThe editing keys are not listed: {self._note}.", "bold")
            yield Static(intro, id="help-intro")
            yield Static(help_table(self._sections, ids=self._ids), id="help-table")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
