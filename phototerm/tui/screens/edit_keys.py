"""The editing keys: ``EDIT_BINDINGS`` (0-5 x t a e u r R), the ``EditActions`` mixin the
library and viewer screens share, and the same actions for the command palette.

A screen mixing in ``EditActions`` says what the keys edit (``edit_targets``: in the grid the
selection, else the cursor photo; in the viewer the photo shown) and what happens after a
rating (``edit_advance``); its ``services`` do the work (tui/editing/photos.py, albums.py).

The UI follows the role: when the person's role in no space shown lets them edit, every
editing action is off (``check_action``), so it is not in the footer, the help or the
palette; its keys still answer, with why ("Your role in the Shared Space is view: rating
needs manage"), because a key that silently does nothing looks broken.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding

from phototerm.library.text import safe
from phototerm.tui import keys
from phototerm.tui.services import Services


def _stars(n: int) -> str:
    return "1 star" if n == 1 else f"{n} stars"


EDIT_BINDINGS: list[Binding] = [
    Binding(
        "0",
        "rate(0)",
        "Clear rating",
        id="edit.rate_0",
        show=False,
        tooltip="Clear the rating (of the selection, else the photo)",
    ),
    *[
        Binding(
            str(n),
            f"rate({n})",
            f"Rate {n}",
            id=f"edit.rate_{n}",
            show=False,
            tooltip=f"Rate {_stars(n)} (the selection, else the photo)",
        )
        for n in range(1, 6)
    ],
    Binding(
        "x",
        "reject",
        "Reject",
        id="edit.reject",
        show=False,
        tooltip="Mark rejected (rating:-1 lists them; the palette moves them to #recycle)",
    ),
    Binding("t", "tags", "Tags", id="edit.tags", tooltip="Add or remove tags"),
    Binding(
        "a",
        "albums",
        "Albums",
        id="edit.albums",
        tooltip="Open, create, rename or delete albums; add or remove photos",
    ),
    Binding(
        "e", "describe", "Describe", id="edit.describe", show=False, tooltip="Edit the description"
    ),
    Binding("u", "undo", "Undo", id="edit.undo", tooltip="Undo the last edit (100 steps)"),
    Binding(
        "S",
        "share",
        "Share",
        id="edit.share",
        show=False,
        tooltip="Share the album shown (or the selection) by link or with people",
    ),
    Binding(
        "r",
        "rotate(90)",
        "Rotate ↻",
        id="edit.rotate_cw",
        show=False,
        tooltip="Rotate the view 90° clockwise (the file is never touched)",
    ),
    Binding(
        "R",
        "rotate(-90)",
        "Rotate ↺",
        id="edit.rotate_ccw",
        show=False,
        tooltip="Rotate the view 90° counter-clockwise (the file is never touched)",
    ),
]


# What each editing action is called in a refusal: "... rating needs manage".
DOING = {
    "rate": "rating",
    "reject": "rejecting",
    "rotate": "rotating",
    "tags": "tagging",
    "describe": "describing",
    "albums": "changing albums",
    "undo": "undoing",
    "share": "sharing",
}


def hidden_ids(services: Services) -> set[str]:
    """The ids of the editing bindings the person's role leaves out (none when they may
    edit somewhere)."""
    if not services.edits.edits_refused():
        return set()
    return {b.id for b in EDIT_BINDINGS if b.id}


class EditActions:
    """The editing keys' actions, for a screen that says what they edit."""

    services: Services  # given to the screen when it is made

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An editing action is off (hidden, not run) when the role allows no edit."""
        return not (action in DOING and self.services.edits.edits_refused())

    def on_key(self, event: events.Key) -> None:
        """A key of an editing action that is off says why, instead of nothing."""
        edits = self.services.edits
        if not edits.edits_refused():
            return
        keymap: Mapping[str, str] = getattr(edits.app, "keymap", {})
        for binding in EDIT_BINDINGS:
            keys = [k.strip() for k in keymap.get(binding.id or "", binding.key).split(",")]
            if event.key in keys:
                action = binding.action.split("(", 1)[0]
                edits.notify(edits.edits_refused(DOING.get(action, "editing")), warning=True)
                event.stop()
                event.prevent_default()
                return

    def edit_targets(self) -> list[int]:
        raise NotImplementedError

    def edit_advance(self) -> None:
        """After a rating: move on when the advance_after_rating setting says so."""

    def edit_undone(self, ids: list[int]) -> None:
        """After an undo that put back the photos ``ids``: go back to them if the view had
        moved on (a rating advances to the next photo)."""

    def cursor_photo(self) -> int | None:
        targets = self.edit_targets()
        return targets[0] if len(targets) == 1 else None

    def action_rate(self, rating: int) -> None:
        if self.services.photos.rate(self.edit_targets(), rating):
            self.edit_advance()

    def action_reject(self) -> None:
        if self.services.photos.rate(self.edit_targets(), -1):
            self.edit_advance()

    def action_rotate(self, degrees: int) -> None:
        self.services.photos.rotate(self.edit_targets(), degrees)

    def action_tags(self) -> None:
        self.services.photos.open_tags(self.edit_targets())

    def action_describe(self) -> None:
        self.services.photos.open_describe(self.edit_targets())

    def action_albums(self) -> None:
        self.services.albums.open_dialog(self.edit_targets(), self.cursor_photo())

    def share_whole_album(self) -> bool:
        """Whether ``S`` shares the album shown rather than the photos being edited."""
        return False

    def action_share(self) -> None:
        self.services.shares.open_dialog(self.edit_targets(), whole_album=self.share_whole_album())

    def action_undo(self) -> None:
        ids = self.services.photos.undo()
        if ids:
            self.edit_undone(ids)


def edit_commands(
    app: App[Any], keymap: Mapping[str, str], actions: EditActions
) -> Iterable[SystemCommand]:
    """The editing actions for the command palette (on the library and viewer screens), each
    naming the keys bound to it now."""

    def key(binding_id: str) -> str:
        binding = next(b for b in EDIT_BINDINGS if b.id == binding_id)
        return keys.shown_keys(app, keymap, binding)

    if actions.services.edits.edits_refused():
        return  # the role allows no edit: none is offered
    editor = actions.services.edits.editor
    undo = editor.undo_label() if editor is not None else None
    yield SystemCommand("Tags…", f"Add or remove tags ({key('edit.tags')})", actions.action_tags)
    yield SystemCommand(
        "Albums…",
        f"Open, create, add to, rename, delete albums ({key('edit.albums')})",
        actions.action_albums,
    )
    yield SystemCommand(
        "Describe…", f"Edit the description ({key('edit.describe')})", actions.action_describe
    )
    yield SystemCommand(
        "Share…",
        f"Share the album shown or the selection: link, password, people ({key('edit.share')})",
        actions.action_share,
    )
    for n in range(1, 6):
        yield SystemCommand(
            f"Rate {_stars(n)}", f"({key(f'edit.rate_{n}')})", lambda n=n: actions.action_rate(n)
        )
    yield SystemCommand(
        "Clear the rating", f"({key('edit.rate_0')})", lambda: actions.action_rate(0)
    )
    yield SystemCommand(
        "Reject", f"Mark rejected, rating -1 ({key('edit.reject')})", actions.action_reject
    )
    yield SystemCommand(
        "Rotate clockwise",
        f"The view only, 90° ({key('edit.rotate_cw')})",
        lambda: actions.action_rotate(90),
    )
    yield SystemCommand(
        "Rotate counter-clockwise",
        f"The view only, 90° ({key('edit.rotate_ccw')})",
        lambda: actions.action_rotate(-90),
    )
    yield SystemCommand(
        "Undo" if undo is None else f"Undo: {safe(undo, 60)}",
        f"Undo the last edit ({key('edit.undo')})",
        actions.action_undo,
    )
