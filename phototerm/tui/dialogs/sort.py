"""Sort dialog (`s`): capture time, name, size, modified, rating; ascending or descending;
in an album view also the album's own order.

One list of the choices, each key's usual direction first, the current one highlighted:
arrows + Enter. Dismisses with (key, descending) or None.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from phototerm.tui.keys import BindingGate

# (key, label when ascending, label when descending, the direction listed first): each key's
# usual direction first, as file managers and photo apps offer them: names A to Z, dates,
# sizes and ratings from the newest / largest / best.
CHOICES = (
    ("taken", "Date taken: oldest first", "Date taken: newest first", True),
    ("name", "Name: A to Z", "Name: Z to A", False),
    ("size", "Size: smallest first", "Size: largest first", True),
    ("mtime", "Modified: oldest first", "Modified: newest first", True),
    ("rating", "Rating: lowest first", "Rating: highest first", True),
)


ALBUM_CHOICE = ("album", "Album order", "Album order, reversed")


def sort_options(album: bool = False) -> list[tuple[str, bool, str]]:
    """(key, descending, label); ``album``: an album view, which may keep its own order."""
    options = []
    if album:  # its own order first: that is how an album opens
        key, up, down = ALBUM_CHOICE
        options += [(key, False, up), (key, True, down)]
    for key, up, down, first_descending in CHOICES:
        pair = [(key, False, up), (key, True, down)]
        options += pair[::-1] if first_descending else pair
    return options


class SortDialog(BindingGate, ModalScreen[tuple[str, bool] | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="sort.cancel", tooltip="Keep the current order"),
    ]

    def __init__(self, current: str, descending: bool, *, album: bool = False) -> None:
        super().__init__(classes="dialog")
        self._current = (current, descending)
        self._options = sort_options(album)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="sort-box"):
            yield Static(Text("Sort photos by", style="bold"), classes="dialog-title")
            yield OptionList(
                *[
                    Option(Text(label), id=f"{key}:{'desc' if desc else 'asc'}")
                    for key, desc, label in self._options
                ],
                id="sort-options",
            )
            yield Static(Text("Enter chooses · Esc cancels", style="dim"), classes="dialog-help")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for n, (key, desc, _label) in enumerate(self._options):
            if (key, desc) == self._current:
                options.highlighted = n
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        key, desc, _label = self._options[event.option_index]
        self.dismiss((key, desc))

    def action_cancel(self) -> None:
        self.dismiss(None)
