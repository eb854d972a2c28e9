"""Jump to a date (`:`): type 2019, 2019-07 or 2019-07-14; the Timeline cursor moves there."""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from phototerm.tui.keys import BindingGate

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date(text: str) -> str | None:
    """Normalised YYYY, YYYY-MM or YYYY-MM-DD; None when it is not a real date."""
    match = _DATE.match(text.strip().replace("/", "-").replace(".", "-"))
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day is not None:
            return date(int(year), int(month), int(day)).isoformat()
        if month is not None:
            if not 1 <= int(month) <= 12:
                return None
            return f"{int(year):04d}-{int(month):02d}"
    except ValueError:
        return None
    return f"{int(year):04d}"


class JumpDialog(BindingGate, ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="jump.cancel", tooltip="Stay where you are"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="jump-box"):
            yield Static(Text("Jump to date", style="bold"), classes="dialog-title")
            yield Input(placeholder="2019-07 or 2019-07-14", id="jump-input")
            yield Static("", id="jump-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = parse_date(event.value)
        if value is None:
            self.query_one("#jump-error", Static).update(
                Text("Not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
            )
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
