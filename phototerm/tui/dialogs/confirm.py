"""A yes/no question (frogmouth's YesNoDialog is the model). Dismisses with True or False."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from phototerm.tui.keys import BindingGate


class ConfirmDialog(BindingGate, ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No", id="confirm.no", tooltip="Cancel"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Confirm"),
    ]

    def __init__(self, title: str, message: str | Text, yes: str = "Yes", no: str = "No"):
        super().__init__(classes="dialog")
        self._title = title
        self._message = message if isinstance(message, Text) else Text(message)
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(self._title, style="bold"), classes="dialog-title")
            yield Static(self._message, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._yes, variant="primary", id="yes")
                yield Button(self._no, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
