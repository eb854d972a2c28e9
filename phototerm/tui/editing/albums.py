"""Album edits from the TUI: the album dialog's choices carried out through the Editor, and
each album's own sort.

What an album edit changes in the library view (the album shown was renamed or deleted, or
the user chose to open one) is told to the app with a message; the app steers the screens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from phototerm.library.text import safe
from phototerm.tui import model as views
from phototerm.tui.dialogs.album import AlbumChoice, AlbumDialog
from phototerm.tui.dialogs.confirm import ConfirmDialog
from phototerm.tui.editing.context import EditContext
from phototerm.tui.messages import AlbumDeleted, AlbumOpened, AlbumRenamed
from phototerm.tui.model import ViewSpec

if TYPE_CHECKING:  # the library's edits, stores and sharing load once it is open
    from phototerm.library.edits import Editor
    from phototerm.library.edits.results import EditResult


def current_search(spec: ViewSpec | None) -> str:
    """The search as the user sees it: the query, within the folder shown."""
    if spec is None:
        return ""
    parts = []
    if spec.view == views.FOLDERS and spec.folder is not None:
        space, folder = spec.folder
        parts.append(f"space:{space}")
        if folder:
            parts.append(f"folder:{views.quote(folder)}")
    if spec.query:
        parts.append(spec.query if not parts else f"({spec.query})")
    return " ".join(parts)


class AlbumEdits:
    """``view``: what the library shows now (None before it is on screen), for "a search
    saved as an album" and the album the dialog marks as current."""

    def __init__(self, context: EditContext, view: Callable[[], ViewSpec | None]) -> None:
        self.context = context
        self.view = view

    def open_dialog(self, ids: Sequence[int], cursor: int | None) -> None:
        spec = self.view()
        what = self.context.what(ids) if ids else "no photo"
        dialog = AlbumDialog(
            views.album_infos(self.context.index),
            what=what,
            search=current_search(spec),
            current=spec.album if spec is not None else None,
        )
        self.context.app.push_screen(dialog, lambda choice: self._chosen(choice, list(ids), cursor))

    def _chosen(self, choice: AlbumChoice | None, ids: list[int], cursor: int | None) -> None:
        context, editor = self.context, self.context.editor
        if choice is None or editor is None:
            return
        name, album = choice.name, choice.album or ""
        if choice.action == "open":
            context.tell(AlbumOpened(album))
            return
        if choice.action == "delete":
            self._confirm_delete(editor, album)
            return
        if choice.action in ("add", "remove") and not ids:
            context.notify("No photo to add or remove", warning=True)
            return
        if choice.action == "create":  # with no photo here: an empty album, filled later
            result = editor.albums.create(name, ids)
        elif choice.action == "conditional":
            result = editor.albums.create_conditional(name, current_search(self.view()))
        elif choice.action == "add":
            result = editor.albums.add(album, ids)
        elif choice.action == "remove":
            result = editor.albums.remove(album, ids)
        elif choice.action == "rename":
            result = self._rename(editor, album, name)
        elif choice.action == "cover":
            if cursor is None:
                context.notify("Put the cursor on the cover photo first", warning=True)
                return
            result = editor.albums.set_cover(album, cursor)
        else:
            return
        if not context.report(result):
            return
        if choice.action == "rename":
            context.tell(AlbumRenamed(album, editor.albums.shown_name(name) or name))
        context.edited(None, albums=True)

    def _rename(self, editor: Editor, album: str, name: str) -> EditResult:
        """Rename, carrying the sort the album remembers (stored under its name)."""
        record, space = editor.albums.record(album), editor.albums.space_of(album) or ""
        stored = editor.sort_order(space, f"album:{record.name}") if record else None
        result = editor.albums.rename(album, name)
        if result.ok and stored is not None:
            self.remember_sort(name, *stored)
        return result

    def _confirm_delete(self, editor: Editor, album: str) -> None:
        context = self.context
        if editor.albums.record(album) is None:
            context.notify(f"No album named '{safe(album, 60)}'", warning=True)
            return
        try:
            count = len(context.index.album_ids(album))
        except KeyError:
            count = 0
        photos = f"{count:,} photo" + ("" if count == 1 else "s")
        message = (
            f"Delete the album '{safe(album, 60)}' and its share links?\n"
            f"Its {photos} are kept: deleting an album never deletes a photo. "
            "u undoes it."
        )

        def done(yes: bool | None) -> None:
            if not yes or not context.report(editor.albums.delete(album)):
                return
            context.tell(AlbumDeleted(album))
            context.edited(None, albums=True)

        dialog = ConfirmDialog("Delete album", message, yes="Delete", no="Keep")
        context.app.push_screen(dialog, done)

    # ------------------------------------------------------------------------ sorts

    def sort_of(self, name: str | None) -> tuple[str, bool]:
        """How an album opens: its remembered sort, else its own order (a conditional album:
        newest first, as the Timeline)."""
        return views.album_sort(self.context.editor, name)

    def remember_sort(self, name: str, key: str, descending: bool) -> None:
        editor = self.context.editor
        record = editor.albums.record(name) if editor is not None else None
        if editor is None or record is None:
            return
        space = editor.albums.space_of(name) or ""
        if editor.access.can_edit(space):  # a read-only space sorts for this session only
            result = editor.set_sort_order(space, f"album:{record.name}", key, descending)
            if not result.ok:
                self.context.notify(result.message, warning=True)
