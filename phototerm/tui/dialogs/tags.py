"""Tags (`t`): the tags of the photos being edited and every tag of the library, type-to-filter.

The dialog stays open while the user works: Enter on a tag adds it to every photo (or removes
it when they all carry it), Enter on "+ Add new tag" (listed after the matches) adds what was
typed, ctrl+r removes the highlighted tag. Each of those is one edit (one undo step, one notification), applied through
the ``apply`` callback the caller gives, which returns whether it worked; the list is then
read again, so the marks always show what the photos carry now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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

MAX_SHOWN = 400  # options listed at once; typing narrows a bigger library down


@dataclass(frozen=True, slots=True)
class TagState:
    """What the dialog shows: how many photos are edited, how many of them carry each tag
    (by name as carried), and every tag the library knows."""

    targets: int
    carried: dict[str, int] = field(default_factory=dict)
    library: tuple[str, ...] = ()


def tag_rows(state: TagState, text: str) -> list[tuple[str, str, int]]:
    """(kind, name, carried by how many) in list order for the filter ``text``: the matching
    tags (the one named exactly first, then those the photos carry), then "new" (the typed
    text, when no tag has that name), so Enter picks the best match as people type."""
    needle = text.strip().casefold()
    carried = {name.casefold(): (name, n) for name, n in state.carried.items()}
    names: dict[str, str] = {n.casefold(): n for n in state.library}
    names.update({k: v[0] for k, v in carried.items()})
    matching = [(k, v) for k, v in names.items() if needle in k]
    matching.sort(key=lambda kv: (kv[0] != needle, kv[0] not in carried, kv[0], kv[1]))
    rows = [("tag", name, carried.get(key, ("", 0))[1]) for key, name in matching[:MAX_SHOWN]]
    if needle and needle not in names:
        rows.append(("new", text.strip(), 0))
    return rows


class TagDialog(BindingGate, ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Done", id="tags.close", tooltip="Close the tag dialog"),
        Binding(
            "down", "move(1)", "Next", id="tags.down", show=False, tooltip="Highlight the next tag"
        ),
        Binding(
            "up",
            "move(-1)",
            "Previous",
            id="tags.up",
            show=False,
            tooltip="Highlight the previous tag",
        ),
        Binding(
            "ctrl+r",
            "remove",
            "Remove",
            id="tags.remove",
            tooltip="Remove the highlighted tag from the photos",
        ),
    ]

    DEFAULT_CSS = """
    #tags-box { width: 70; }
    #tags-list { height: auto; max-height: 16; margin-top: 1; }
    """

    def __init__(
        self,
        what: str,
        state: Callable[[], TagState],
        apply: Callable[[str, str], bool],
    ) -> None:
        """``what``: who is tagged ("IMG_1.jpg", "12 photos"), already safe for display;
        ``state()`` reads the tags now; ``apply(action, tag)`` with action "add" or
        "remove" makes one edit and says whether it worked."""
        super().__init__(classes="dialog")
        self._what = what
        self._state_of = state
        self._apply = apply
        self._state = state()
        self._rows: list[tuple[str, str, int]] = []
        self._filter = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="tags-box"):
            yield Static(Text(f"Tags of {self._what}", style="bold"), classes="dialog-title")
            yield Input(placeholder="Type to filter, or a new tag", id="tags-input")
            yield OptionList(id="tags-list")
            yield Static(
                Text(
                    "Enter adds the tag to every photo (removes it when all carry it) · "
                    "ctrl+r removes · Esc closes",
                    style="dim",
                ),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    # ------------------------------------------------------------------------- the list

    def _fill(self, text: str) -> None:
        self._filter = text
        self._rows = tag_rows(self._state, text)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(self._label(row)) for row in self._rows])
        if self._rows:
            options.highlighted = 0
        elif not self._state.library:
            options.add_option(Option(Text("No tags yet: type one", style="dim"), disabled=True))

    def _label(self, row: tuple[str, str, int]) -> Text:
        kind, name, n = row
        if kind == "new":
            return Text.assemble(("+ ", "bold"), "Add new tag ", (safe(name, 60), "bold"))
        total = self._state.targets
        if n and n >= total:
            mark = ("✓ ", "bold")
        elif n:
            mark = ("◐ ", "")
        else:
            mark = ("  ", "")
        label = Text.assemble(mark, safe(name, 60))
        if n and total > 1:
            label.append(f"  {n:,} of {total:,}", style="dim")
        return label

    def _highlighted(self) -> tuple[str, str, int] | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self._rows):
            return None
        return self._rows[index]

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self._filter:  # (not when we emptied it ourselves)
            self._fill(event.value)

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(current + delta, options.option_count - 1))

    # ------------------------------------------------------------------------- edits

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose()

    def _choose(self) -> None:
        row = self._highlighted()
        if row is None:
            return
        kind, name, n = row
        self._run("remove" if kind == "tag" and n >= self._state.targets else "add", name)

    def action_remove(self) -> None:
        row = self._highlighted()
        if row is not None and row[0] == "tag":
            self._run("remove", row[1])

    def _run(self, action: str, name: str) -> None:
        if not self._apply(action, name):
            return  # the caller said why; the text stays for another try
        self._state = self._state_of()
        field_ = self.query_one(Input)
        field_.value = ""
        self._fill("")
        self._highlight(name)
        field_.focus()

    def _highlight(self, name: str) -> None:
        key = name.casefold()
        for n, (_kind, row_name, _count) in enumerate(self._rows):
            if row_name.casefold() == key:
                self.query_one(OptionList).highlighted = n
                return

    def action_close(self) -> None:
        self.dismiss(None)
