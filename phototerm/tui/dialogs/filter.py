"""Filter dialog (`f`): built from the index's actual values (``Index.facets()``).

It does not filter by itself: it writes the equivalent search-language query, which goes into
the search bar, so people see (and learn) what the filter means. It opens on the current
query, read back into the fields that can express it (filter_query.py); applying writes the
whole query again, so a field's term is replaced, never added a second time. Dismisses with
the query text or None.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from phototerm.library.spaces import LABELS
from phototerm.library.text import safe
from phototerm.tui.dialogs.filter_query import (
    GPS,
    RATINGS,
    TYPES,
    FilterChoice,
    build_query,
    read_query,
)
from phototerm.tui.dialogs.jump import parse_date
from phototerm.tui.keys import BindingGate

__all__ = ["FilterChoice", "FilterDialog", "build_query"]


def _values(facets: object, name: str) -> list[tuple[str, int]]:
    """(value, count) pairs of a facet (Index.facets() gives them most used first)."""
    out: list[tuple[str, int]] = []
    for item in getattr(facets, name, None) or ():
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str) and item[0]:
            out.append((item[0], int(item[1])))
    return out


def _folders(facets: object) -> list[tuple[str, str, int]]:
    """(space, folder, count) of every folder that holds photos, by space then path."""
    raw = getattr(facets, "folders", None) or {}
    out: list[tuple[str, str, int]] = []
    for space, folders in sorted(raw.items()):
        for item in folders:
            if isinstance(item, tuple) and len(item) == 2 and item[0]:
                out.append((space, item[0], int(item[1])))
    return out


def _options(pairs: Iterable[tuple[str, object]]) -> list[tuple[Text, object]]:
    return [(Text(safe(label, 60)), value) for label, value in pairs]


def _facet_select(
    values: list[tuple[str, int]], prompt: str, widget_id: str, value: str | None
) -> Select:
    """A Select of a facet's values with their counts; disabled when the library has none."""
    return Select(
        _options((f"{value} ({count})", value) for value, count in values),
        prompt=prompt,
        id=widget_id,
        disabled=not values,
        compact=True,
        value=value if value is not None else Select.NULL,
    )


class FilterDialog(BindingGate, ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="filter.cancel", tooltip="Close, change nothing"),
        Binding("ctrl+s", "apply", "Apply", id="filter.apply", tooltip="Apply the filter"),
    ]

    def __init__(self, facets: object, query: str = "", *, both_spaces: bool = True) -> None:
        super().__init__(classes="dialog")
        self.facets = facets
        self.query_text = query
        self.both_spaces = both_spaces

    def compose(self) -> ComposeResult:
        facets = self.facets
        cameras, lenses = _values(facets, "cameras"), _values(facets, "lenses")
        folders = _folders(facets)
        now = read_query(
            self.query_text,
            cameras=[value for value, _n in cameras],
            lenses=[value for value, _n in lenses],
            folders=[(s, f) for s, f, _n in folders],
            both_spaces=self.both_spaces,
        )

        def chosen(value: object) -> object:
            return value if value is not None else Select.NULL

        low, high = getattr(facets, "first", None), getattr(facets, "last", None)
        span = f"{_day(low)} … {_day(high)}" if low is not None and high is not None else ""
        with Vertical(classes="dialog-box", id="filter-box"):
            yield Static(Text("Filter photos", style="bold"), classes="dialog-title")
            with VerticalScroll(id="filter-scroll"), Grid(id="filter-grid"):
                yield Label("Words")
                yield Input(
                    now.words, placeholder="free words or query", id="f-words", compact=True
                )
                yield Label("From")
                yield Input(
                    now.date_from,
                    placeholder=f"YYYY[-MM[-DD]]  {span}",
                    id="f-from",
                    compact=True,
                )
                yield Label("To")
                yield Input(now.date_to, placeholder="YYYY[-MM[-DD]]", id="f-to", compact=True)
                yield Label("Type")
                yield Select(
                    _options(TYPES),
                    prompt="any type",
                    id="f-type",
                    compact=True,
                    value=chosen(now.type),
                )
                yield Label("Rating")
                yield Select(
                    _options(RATINGS),
                    prompt="any rating",
                    id="f-rating",
                    compact=True,
                    value=chosen(now.rating),
                )
                yield Label("Camera")
                yield _facet_select(cameras, "any camera", "f-camera", now.camera)
                yield Label("Lens")
                yield _facet_select(lenses, "any lens", "f-lens", now.lens)
                yield Label("Folder")
                yield Select(
                    _options(
                        (f"{LABELS.get(s, s).split()[0]}/{f} ({n})", (s, f)) for s, f, n in folders
                    ),
                    prompt="any folder",
                    id="f-folder",
                    disabled=not folders,
                    compact=True,
                    value=chosen(now.folder),
                )
                yield Label("GPS")
                yield Select(
                    _options(GPS),
                    prompt="with or without",
                    id="f-gps",
                    compact=True,
                    value=chosen(now.gps),
                )
            yield Static("", id="f-error", classes="dialog-error")
            yield Static("", id="f-preview", classes="dialog-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear", id="clear")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#f-words", Input).focus()
        self._preview()

    def _choice(self) -> FilterChoice | str:
        """The choice, or an error message."""
        dates = []
        for field_id in ("#f-from", "#f-to"):
            text = self.query_one(field_id, Input).value.strip()
            value = parse_date(text) if text else ""
            if value is None:
                return f"Not a date: {safe(text, 30)} (use YYYY, YYYY-MM or YYYY-MM-DD)"
            dates.append(value)

        def pick(widget_id: str) -> Any:
            """The option chosen (None: the blank one), of the type the options were given."""
            value = self.query_one(widget_id, Select).value
            return None if value is Select.NULL else value

        return FilterChoice(
            words=self.query_one("#f-words", Input).value,
            date_from=dates[0],
            date_to=dates[1],
            type=pick("#f-type"),
            rating=pick("#f-rating"),
            camera=pick("#f-camera"),
            lens=pick("#f-lens"),
            folder=pick("#f-folder"),
            gps=pick("#f-gps"),
        )

    @on(Input.Changed)
    @on(Select.Changed)
    def _preview(self) -> None:
        choice = self._choice()
        error = self.query_one("#f-error", Static)
        preview = self.query_one("#f-preview", Static)
        if isinstance(choice, str):
            error.update(Text(choice))
            return
        error.update("")
        query = build_query(choice, both_spaces=self.both_spaces)
        preview.update(Text.assemble(("Query: ", "bold"), safe(query) or "(everything)"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        elif event.button.id == "clear":
            self.dismiss("")
        else:
            self.dismiss(None)

    def action_apply(self) -> None:
        choice = self._choice()
        if isinstance(choice, str):
            self.app.bell()
            return
        self.dismiss(build_query(choice, both_spaces=self.both_spaces))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _day(value: object) -> str:
    """A facet date (datetime, date, timestamp or text) as YYYY-MM-DD."""
    from datetime import date, datetime

    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d")
        except (OverflowError, OSError, ValueError):
            return ""
    return safe(value, 10)
