"""Albums (`a`): every album with its count, type-to-filter, and what can be done with them.

The dialog only chooses; it dismisses with an ``AlbumChoice`` that the caller carries out
(through the Editor) and reports. Typing filters the list and is also the name of a new album
(or of a search saved as a conditional album). Renaming asks for the new name in place.
The action keys are ctrl+letters, so every printable key still types into the filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from phototerm.library.text import safe
from phototerm.tui.keys import BindingGate
from phototerm.tui.model import AlbumInfo

ACTIONS = ("open", "create", "add", "remove", "rename", "delete", "cover", "conditional")


@dataclass(frozen=True, slots=True)
class AlbumChoice:
    action: str  # one of ACTIONS
    album: str | None = None  # the album acted on (None: create / conditional)
    name: str = ""  # the new name (create, rename, conditional)


def album_rows(
    albums: Sequence[AlbumInfo], text: str, search: str
) -> list[tuple[str, AlbumInfo | None]]:
    """(kind, album) in list order for the filter ``text``: the albums whose name contains
    it (the one named exactly first), then "create" and "conditional" offers when the text
    names no album yet; so Enter opens the best match as people type."""
    needle = text.strip().casefold()
    matching = [a for a in albums if needle in a.name.casefold()]
    matching.sort(key=lambda a: a.name.casefold() != needle)  # stable: by name otherwise
    rows: list[tuple[str, AlbumInfo | None]] = [("album", a) for a in matching]
    if needle and all(a.name.casefold() != needle for a in albums):
        rows.append(("create", None))
        if search:
            rows.append(("conditional", None))
    return rows


class AlbumDialog(BindingGate, ModalScreen[AlbumChoice | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="album.close", tooltip="Close the album dialog"),
        Binding(
            "down",
            "move(1)",
            "Next",
            id="album.down",
            show=False,
            tooltip="Highlight the next album",
        ),
        Binding(
            "up",
            "move(-1)",
            "Previous",
            id="album.up",
            show=False,
            tooltip="Highlight the previous album",
        ),
        Binding(
            "ctrl+n",
            "create",
            "New",
            id="album.create",
            tooltip="New album named as typed, holding the photos being edited",
        ),
        Binding(
            "ctrl+a",
            "add",
            "Add",
            id="album.add",
            priority=True,
            tooltip="Add the photos being edited to the highlighted album",
        ),
        Binding(
            "ctrl+r",
            "remove",
            "Remove",
            id="album.remove",
            tooltip="Remove the photos being edited from the highlighted album",
        ),
        Binding(
            "ctrl+e",
            "rename",
            "Rename",
            id="album.rename",
            priority=True,
            tooltip="Rename the highlighted album",
        ),
        Binding(
            "ctrl+d",
            "delete",
            "Delete",
            id="album.delete",
            priority=True,
            tooltip="Delete the highlighted album (asks first; its photos are kept)",
        ),
        Binding(
            "ctrl+o",
            "cover",
            "Cover",
            id="album.cover",
            tooltip="Make the cursor photo the highlighted album's cover",
        ),
        Binding(
            "ctrl+s",
            "save_search",
            "Save search",
            id="album.save_search",
            tooltip="Save the current search as a conditional album named as typed",
        ),
    ]

    DEFAULT_CSS = """
    #album-box { width: 76; }
    #album-what { color: $text-muted; height: auto; }
    #album-list { height: auto; max-height: 14; margin-top: 1; }
    """

    def __init__(
        self,
        albums: Sequence[AlbumInfo],
        *,
        what: str,
        search: str = "",
        current: str | None = None,
    ) -> None:
        """``what``: the photos being edited ("3 selected photos", "IMG_1.jpg"), safe for
        display; ``search``: the search shown now ('' when none); ``current``: the album
        shown now, highlighted first."""
        super().__init__(classes="dialog")
        self._albums = list(albums)
        self._what = what
        self._search = search
        self._current = current
        self._rows: list[tuple[str, AlbumInfo | None]] = []
        self._filter = ""
        self._renaming: AlbumInfo | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="album-box"):
            yield Static(Text("Albums", style="bold"), classes="dialog-title", id="album-title")
            yield Static(Text(f"Editing: {self._what}"), id="album-what")
            yield Input(placeholder="Type to filter, or a new album's name", id="album-input")
            yield OptionList(id="album-list")
            yield Static("", classes="dialog-error", id="album-error")
            yield Static(self._help(), classes="dialog-help", id="album-help")

    def on_mount(self) -> None:
        self._fill("")
        if self._current is not None:
            self._highlight(self._current)
        self.query_one(Input).focus()

    def _help(self) -> Text:
        if self._renaming is not None:
            return Text("Enter renames · Esc goes back to the list", style="dim")
        return Text(
            "Enter opens · ^n new · ^a add · ^r remove · ^e rename · ^d delete · "
            "^o cover · ^s save search as album · Esc closes",
            style="dim",
        )

    # ------------------------------------------------------------------------- the list

    def _fill(self, text: str) -> None:
        self._filter = text
        self._rows = album_rows(self._albums, text, self._search)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(self._label(kind, info)) for kind, info in self._rows])
        if self._rows:
            options.highlighted = 0
        elif not self._albums:
            options.add_option(
                Option(Text("No albums yet: type a name, then ctrl+n", style="dim"), disabled=True)
            )

    def _label(self, kind: str, info: AlbumInfo | None) -> Text:
        name = safe(self._filter.strip(), 50)
        if kind == "create":
            return Text.assemble(
                ("+ ", "bold"), "New album ", (name, "bold"), f" with {self._what}"
            )
        if kind == "conditional":
            return Text.assemble(
                ("+ ", "bold"),
                "Save the search ",
                (safe(self._search, 30), "italic"),
                " as conditional album ",
                (name, "bold"),
            )
        assert info is not None
        photos = f"{info.count:,} photo" + ("" if info.count == 1 else "s")
        label = Text.assemble(safe(info.name, 50), (f"  {photos}", "dim"))
        if info.conditional:
            label.append(f"  ⌕ {safe(info.query, 30)}", style="dim italic")
        return label

    def _highlighted(self) -> tuple[str, AlbumInfo | None] | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self._rows):
            return None
        return self._rows[index]

    def _highlight(self, name: str) -> None:
        for n, (_kind, info) in enumerate(self._rows):
            if info is not None and info.name == name:
                self.query_one(OptionList).highlighted = n

    def _album(self) -> AlbumInfo | None:
        """The highlighted album, or None with the reason shown."""
        row = self._highlighted()
        if row is None or row[1] is None:
            self._error("Highlight an album first (↑ ↓, or type part of its name)")
            return None
        return row[1]

    def _error(self, message: str) -> None:
        self.query_one("#album-error", Static).update(Text(message))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._error("")
        if self._renaming is None and event.value != self._filter:
            self._fill(event.value)

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count and self._renaming is None:
            current = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(current + delta, options.option_count - 1))

    # ------------------------------------------------------------------------- choices

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._renaming is not None:
            new = event.value.strip()
            if not new:
                self._error("Type the album's new name")
                return
            self.dismiss(AlbumChoice("rename", self._renaming.name, new))
            return
        self._choose()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose()

    def _choose(self) -> None:
        row = self._highlighted()
        if row is None:
            self._error("No album matches: ctrl+n makes one with this name")
            return
        kind, info = row
        if kind == "create":
            self.action_create()
        elif kind == "conditional":
            self.action_save_search()
        elif info is not None:
            self.dismiss(AlbumChoice("open", info.name))

    def _typed_name(self) -> str | None:
        name = self.query_one(Input).value.strip()
        if not name:
            self._error("Type the new album's name first")
            return None
        return name

    def action_create(self) -> None:
        name = self._typed_name()
        if name is not None:
            self.dismiss(AlbumChoice("create", None, name))

    def action_save_search(self) -> None:
        if not self._search:
            self._error("No search to save: search first (/), then save it here")
            return
        name = self._typed_name()
        if name is not None:
            self.dismiss(AlbumChoice("conditional", None, name))

    def _normal(self, verb: str) -> AlbumInfo | None:
        info = self._album()
        if info is not None and info.conditional:
            self._error(
                f"{safe(info.name, 40)} is a conditional album: its photos come from its "
                f"search, so photos cannot be {verb}"
            )
            return None
        return info

    def action_add(self) -> None:
        info = self._normal("added")
        if info is not None:
            self.dismiss(AlbumChoice("add", info.name))

    def action_remove(self) -> None:
        info = self._normal("removed")
        if info is not None:
            self.dismiss(AlbumChoice("remove", info.name))

    def action_delete(self) -> None:
        info = self._album()
        if info is not None:
            self.dismiss(AlbumChoice("delete", info.name))

    def action_cover(self) -> None:
        info = self._album()
        if info is not None:
            self.dismiss(AlbumChoice("cover", info.name))

    def action_rename(self) -> None:
        if self._renaming is not None:
            return
        info = self._album()
        if info is None:
            return
        self._renaming = info
        self.query_one("#album-title", Static).update(
            Text.assemble(("Rename album ", "bold"), (safe(info.name, 50), "bold"))
        )
        self.query_one(OptionList).display = False
        self.query_one("#album-help", Static).update(self._help())
        field_ = self.query_one(Input)
        field_.placeholder = "The album's new name"
        field_.value = info.name
        field_.cursor_position = len(info.name)

    def action_close(self) -> None:
        if self._renaming is not None:  # back to the list, not out of the dialog
            self._renaming = None
            self.query_one("#album-title", Static).update(Text("Albums", style="bold"))
            self.query_one(OptionList).display = True
            self.query_one("#album-help", Static).update(self._help())
            field_ = self.query_one(Input)
            field_.placeholder = "Type to filter, or a new album's name"
            field_.value = self._filter
            return
        self.dismiss(None)
