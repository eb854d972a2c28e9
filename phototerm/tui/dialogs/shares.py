"""Shares (sidebar and palette): every share the user made, what, to whom, the link, its
expiry and when it was last opened; ctrl+d revokes the highlighted one at once, ``c`` copies
its link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from phototerm.library.spaces import LABELS
from phototerm.library.text import safe
from phototerm.tui.keys import BindingGate


@dataclass(frozen=True, slots=True)
class ShareRow:
    id: int
    space: str
    album: str
    url: str  # '' for a share with people
    people: str  # "bob (viewer), @family (downloader)"
    permission: str
    password: bool
    expires: str  # last day, '' for never
    expired: bool
    last_opened: float | None

    def label(self) -> Text:
        where = LABELS.get(self.space, self.space).split()[0]
        head = Text.assemble((safe(self.album, 40), "bold"), (f"  {where}", "dim"))
        if self.url:
            extras = [self.permission, "password" if self.password else "no password"]
            extras.append(f"until {self.expires}" if self.expires else "never expires")
            if self.expired:
                extras.append("EXPIRED")
            opened = (
                dt.datetime.fromtimestamp(self.last_opened).strftime("%Y-%m-%d %H:%M")
                if self.last_opened
                else "never"
            )
            extras.append(f"last opened {opened}")
            return Text.assemble(
                head, "\n  ", (self.url, "italic"), "\n  ", (", ".join(extras), "dim")
            )
        return Text.assemble(head, "\n  shared with ", safe(self.people, 200))


class SharesDialog(BindingGate, ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="shares.close", tooltip="Close the list"),
        Binding(
            "ctrl+d",
            "revoke",
            "Revoke",
            id="shares.revoke",
            priority=True,
            tooltip="Revoke the highlighted share: a link stops working at once",
        ),
        Binding("c", "copy", "Copy link", id="shares.copy", tooltip="Copy the highlighted link"),
    ]

    DEFAULT_CSS = """
    #shares-box { width: 96; }
    #shares-list { height: auto; max-height: 24; margin-top: 1; }
    """

    def __init__(
        self,
        rows: list[ShareRow],
        revoke: Callable[[ShareRow], str],
        reload: Callable[[], list[ShareRow]],
    ) -> None:
        """``revoke(row)`` revokes it ('' when done, else why not); ``reload()`` lists the
        shares again."""
        super().__init__(classes="dialog")
        self._rows = rows
        self._revoke = revoke
        self._reload = reload

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="shares-box"):
            yield Static(Text("Shares", style="bold"), classes="dialog-title")
            yield OptionList(id="shares-list")
            yield Static("", classes="dialog-error", id="shares-error")
            yield Static(
                Text(
                    "^d revokes the highlighted share · c copies its link · Esc closes", style="dim"
                ),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        if not self._rows:
            options.add_option(
                Option(
                    Text("Nothing shared yet: S shares an album or photos", style="dim"),
                    disabled=True,
                )
            )
            return
        options.add_options([Option(row.label()) for row in self._rows])
        options.highlighted = min(highlighted or 0, len(self._rows) - 1)

    def _row(self) -> ShareRow | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self._rows):
            return None
        return self._rows[index]

    def action_revoke(self) -> None:
        row = self._row()
        if row is None:
            return
        problem = self._revoke(row)
        self.query_one("#shares-error", Static).update(Text(safe(problem)))
        self._rows = self._reload()
        self._fill()

    def action_copy(self) -> None:
        row = self._row()
        if row is None or not row.url:
            self.query_one("#shares-error", Static).update(Text("That share has no link"))
            return
        self.app.copy_to_clipboard(row.url)
        self.app.notify(f"Copied {row.url}", markup=False, timeout=4)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_copy()

    def action_close(self) -> None:
        self.dismiss(None)
