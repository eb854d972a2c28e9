"""Describe (`e`): one line of text for the photo or the selection. Dismisses with the text
('' clears the description) or None when cancelled."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from phototerm.tui.keys import BindingGate

MAX_DESCRIPTION = 2000  # a line or two, not an essay; keeps the store and the info panel sane


class DescribeDialog(BindingGate, ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="describe.cancel",
            tooltip="Close without changing the description",
        ),
    ]

    DEFAULT_CSS = """
    #describe-box { width: 80; }
    """

    def __init__(self, what: str, current: str = "") -> None:
        """``what``: who is described ("IMG_1.jpg", "12 photos"), already safe for display."""
        super().__init__(classes="dialog")
        self._what = what
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="describe-box"):
            yield Static(Text(f"Description of {self._what}", style="bold"), classes="dialog-title")
            yield Input(
                self._current,
                placeholder="A description (empty clears it)",
                max_length=MAX_DESCRIPTION,
                id="describe-input",
            )
            yield Static(
                Text("Enter saves · an empty line clears · Esc cancels", style="dim"),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
