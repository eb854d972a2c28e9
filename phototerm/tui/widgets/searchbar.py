"""The search bar: one line of the search language, live, with parse errors shown inline.

The bar only edits text and reports it (debounced ``Changed``, ``Applied`` on Enter,
``Cleared`` on Esc); the library screen runs the search and calls ``show_error`` when the
text does not parse, so the last good result stays on screen while the user types.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from phototerm.library.text import safe
from phototerm.tui.keys import BindingGate

DEBOUNCE_SECONDS = 0.15
PLACEHOLDER = 'Search  e.g.  paris rating:>=4 date:2023 camera:"EOS R6" -is:error   (/ to focus)'


class SearchInput(BindingGate, Input):
    """The Input, with Esc bound (by id, so it can be remapped) to clear.

    Its bound keys (ctrl+u, backspace, arrows, Enter, Esc...) act here, in the order they
    were typed. Textual runs a focused widget's bindings only once the key has bubbled up to
    the App, through every parent's queue, while letters are inserted at once: a fast
    ``ctrl+u camera`` (tmux send-keys, a paste-like burst) cleared ``ca`` *after* it was typed.
    ``on_key`` runs before Input's own key handler and acts on the binding the screen says is
    active for the key (the keymap applied) when it is one of this input's own.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "clear_search",
            "Clear",
            id="search.clear",
            tooltip="Clear the search (Esc again returns to the photos)",
        ),
    ]

    async def on_key(self, event: events.Key) -> None:
        active = self.screen.active_bindings.get(event.key)
        if active is None or active.node is not self or active.binding.priority:
            # Not ours (letters, tab, the screen's keys; a priority binding already ran in
            # the App before the key came here): Input inserts it or it bubbles as usual.
            return
        if await self.app.run_action(active.binding.action, self):
            # Handled, now: neither Input's own handler nor the App sees it again.
            event.stop()
            event.prevent_default()

    def action_clear_search(self) -> None:
        bar = self.parent.parent if self.parent is not None else None
        if isinstance(bar, SearchBar):
            bar.clear()


class SearchBar(Vertical):
    class Changed(Message):
        """The text changed and the user paused typing (debounced)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Applied(Message):
        """Enter: apply the text and go back to the photos."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Cleared(Message):
        """Esc: the query was cleared (``leave``: it was already empty, go back to the photos)."""

        def __init__(self, leave: bool) -> None:
            super().__init__()
            self.leave = leave

    def __init__(self, value: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._initial = value
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield Static(Text("/", style="bold"), id="search-prompt")
            yield SearchInput(
                self._initial,
                placeholder=PLACEHOLDER,
                id="search-input",
                compact=True,
                select_on_focus=False,
            )
        yield Static("", id="search-error")

    @property
    def input(self) -> SearchInput:
        return self.query_one(SearchInput)

    @property
    def value(self) -> str:
        return self.input.value

    def set_value(self, text: str, *, notify: bool = False) -> None:
        """Put text in the bar (restored session, filter dialog). ``notify`` runs the search."""
        with self.input.prevent(Input.Changed):
            self.input.value = text
            self.input.cursor_position = len(text)
        if notify:
            self._cancel_timer()
            self.post_message(self.Changed(text))

    def focus_input(self) -> None:
        # Immediately (see LibraryScreen.focus_grid): the next keys typed belong to the bar.
        self.screen.set_focus(self.input)

    def clear(self) -> None:
        leave = self.value == ""
        self._cancel_timer()
        with self.input.prevent(Input.Changed):
            self.input.value = ""
        self.show_error(None)
        self.post_message(self.Cleared(leave))

    def show_error(self, error: Exception | None, text: str = "") -> None:
        """Show a parse error under the bar, pointing at the column (1-based in the message)."""
        label = self.query_one("#search-error", Static)
        if error is None:
            # Every successful search comes through here: touch nothing when there is no
            # error on show (an update or a class change re-lays out the whole screen).
            if self.has_class("-error"):
                label.update("")
                self.remove_class("-error")
            return
        message = getattr(error, "message", None) or str(error)
        position = getattr(error, "position", None)
        line = Text("✗ ", style="bold")
        shown = safe(text)
        if isinstance(position, int) and 0 <= position <= len(shown):
            line.append(shown[:position])
            line.append(shown[position : position + 1] or " ", style="reverse")
            line.append(shown[position + 1 :])
            line.append(f"   {safe(message)} (column {position + 1})")
        else:
            line.append(safe(str(error)))
        label.update(line)
        self.add_class("-error")

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_timer()
        text = event.value
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._fire(text))

    def _fire(self, text: str) -> None:
        self._timer = None
        self.post_message(self.Changed(text))

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._cancel_timer()
        self.post_message(self.Applied(event.value))
