"""Albums and the recycle bin, from the TUI: the album dialog's choices carried out through the
Editor, each album's own sort, and "Move rejected photos to #recycle".

A mixin of ``Editing`` (tui/editing.py), which provides the attributes declared here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from phototerm.library.edits import Editor
from phototerm.library.edits.recycle import RECYCLE
from phototerm.library.edits.results import EditResult
from phototerm.library.spaces import LABELS
from phototerm.library.store import Store
from phototerm.library.text import safe
from phototerm.tui import model as views
from phototerm.tui.dialogs.album import AlbumChoice, AlbumDialog
from phototerm.tui.dialogs.confirm import ConfirmDialog

if TYPE_CHECKING:
    from phototerm.tui.app import PhotoApp
    from phototerm.tui.screens.library import LibraryScreen


class AlbumEditing:
    """Album and recycle actions of ``Editing``."""

    app: PhotoApp
    index: Any
    stores: dict[str, Store]
    editor: Editor | None

    notify: Callable[..., None]  # (message, *, warning=False)
    report: Callable[[EditResult], bool]
    what: Callable[[Sequence[int]], str]
    _library: Callable[[], LibraryScreen | None]
    _changed: Callable[..., None]  # (ids or None, *, albums=False)

    def open_albums(self, ids: Sequence[int], cursor: int | None) -> None:
        library = self._library()
        search = self.current_search(library) if library is not None else ""
        current = library.spec.album if library is not None else None
        what = self.what(ids) if ids else "no photo"
        dialog = AlbumDialog(
            views.album_infos(self.index), what=what, search=search, current=current
        )
        self.app.push_screen(dialog, lambda choice: self.album_choice(choice, list(ids), cursor))

    def current_search(self, library: LibraryScreen) -> str:
        """The search as the user sees it: the query, within the folder shown."""
        spec = library.spec
        parts = []
        if spec.view == views.FOLDERS and spec.folder is not None:
            space, folder = spec.folder
            parts.append(f"space:{space}")
            if folder:
                parts.append(f"folder:{views.quote(folder)}")
        if spec.query:
            parts.append(spec.query if not parts else f"({spec.query})")
        return " ".join(parts)

    def album_choice(self, choice: AlbumChoice | None, ids: list[int], cursor: int | None) -> None:
        editor, library = self.editor, self._library()
        if choice is None or editor is None:
            return
        name, album = choice.name, choice.album or ""
        if choice.action == "open":
            self.open_album(album)
            return
        if choice.action == "delete":
            self._confirm_delete(album)
            return
        if choice.action in ("add", "remove") and not ids:
            self.notify("No photo to add or remove", warning=True)
            return
        if choice.action == "create":  # with no photo here: an empty album, filled later
            result = editor.albums.create(name, ids)
        elif choice.action == "conditional":
            query = self.current_search(library) if library is not None else ""
            result = editor.albums.create_conditional(name, query)
        elif choice.action == "add":
            result = editor.albums.add(album, ids)
        elif choice.action == "remove":
            result = editor.albums.remove(album, ids)
        elif choice.action == "rename":
            result = self._rename(editor, album, name)
        elif choice.action == "cover":
            if cursor is None:
                self.notify("Put the cursor on the cover photo first", warning=True)
                return
            result = editor.albums.set_cover(album, cursor)
        else:
            return
        if not self.report(result):
            return
        if choice.action == "rename" and library is not None and library.spec.album == album:
            new = editor.albums.shown_name(name) or name
            library.set_spec(library.spec.with_(album=new))
        self._changed(None, albums=True)

    def _rename(self, editor: Editor, album: str, name: str) -> EditResult:
        """Rename, carrying the sort the album remembers (stored under its name)."""
        record, space = editor.albums.record(album), editor.albums.space_of(album) or ""
        stored = editor.sort_order(space, f"album:{record.name}") if record else None
        result = editor.albums.rename(album, name)
        if result.ok and stored is not None:
            self.remember_album_sort(name, *stored)
        return result

    def _confirm_delete(self, album: str) -> None:
        editor = self.editor
        if editor is None or editor.albums.record(album) is None:
            self.notify(f"No album named '{safe(album, 60)}'", warning=True)
            return
        try:
            count = len(self.index.album_ids(album))
        except KeyError:
            count = 0
        photos = f"{count:,} photo" + ("" if count == 1 else "s")
        message = (
            f"Delete the album '{safe(album, 60)}' and its share links?\n"
            f"Its {photos} are kept: deleting an album never deletes a photo. "
            "u undoes it."
        )

        def done(yes: bool | None) -> None:
            if not yes or not self.report(editor.albums.delete(album)):
                return
            library = self._library()
            if library is not None and library.spec.album == album:
                library.set_spec(library.spec.with_(view=views.TIMELINE, album=None))
            self._changed(None, albums=True)

        self.app.push_screen(ConfirmDialog("Delete album", message, yes="Delete", no="Keep"), done)

    def open_album(self, name: str) -> None:
        from phototerm.tui.screens.viewer import ViewerScreen

        while isinstance(self.app.screen, ViewerScreen):
            self.app.pop_screen()
        library = self._library()
        if library is not None:
            library.set_spec(library.spec.with_(view=views.ALBUM, album=name, folder=None))
            library.focus_grid()

    def album_sort(self, name: str | None) -> tuple[str, bool]:
        """How an album opens: its remembered sort, else its own order (a conditional album:
        newest first, as the Timeline)."""
        editor = self.editor
        record = editor.albums.record(name) if editor is not None and name else None
        if editor is None or record is None:
            return views.ALBUM_ORDER, False
        space = editor.albums.space_of(name or "") or ""
        stored = editor.sort_order(space, f"album:{record.name}")
        if stored is not None:
            return stored
        return ("taken", True) if record.conditional else (views.ALBUM_ORDER, False)

    def remember_album_sort(self, name: str, key: str, descending: bool) -> None:
        editor = self.editor
        record = editor.albums.record(name) if editor is not None else None
        if editor is None or record is None:
            return
        space = editor.albums.space_of(name) or ""
        if editor.access.can_edit(space):  # a read-only space sorts for this session only
            result = editor.set_sort_order(space, f"album:{record.name}", key, descending)
            if not result.ok:
                self.notify(result.message, warning=True)

    # ------------------------------------------------------------------------ recycle

    def recycle(self) -> None:
        """ "Move rejected photos to #recycle": count, check the right to manage, confirm."""
        editor = self.editor
        if editor is None:
            return
        counts = {s: len(editor.rejected(s)) for s in self.stores}
        if not any(counts.values()):
            self.notify("No rejected photos (x rejects one; rating:-1 lists them)")
            return
        allowed: dict[str, int] = {}
        for space, n in counts.items():
            if not n:
                continue
            reason = editor.access.why_not_manage(space)
            if reason:
                label = LABELS.get(space, space)
                self.notify(
                    f"Cannot move the rejected photos of the {label}: {reason}", warning=True
                )
            else:
                allowed[space] = n
        if not allowed:
            return
        total = sum(allowed.values())
        lines = [
            f"Move {total:,} rejected photo{'s' if total != 1 else ''} to {RECYCLE}?",
            "",
            *(
                f"{LABELS.get(s, s)}: {n:,}, into {safe(self.stores[s].root)}/{RECYCLE}"
                for s, n in allowed.items()
            ),
            "",
            (
                "Nothing is deleted: the files (and their sidecars) move into the recycle bin, "
                "where they can be restored; phototerm stops showing them."
            ),
        ]

        def done(yes: bool | None) -> None:
            if not yes:
                return
            for space in allowed:
                result = editor.recycle_rejects(space)
                self.notify(result.message, warning=not result.ok)
                for error in result.errors[:3]:
                    self.notify(error, warning=True)
            library = self._library()
            if library is not None:  # the moved photos' ids are gone: re-query now
                library.sidebar.refresh_tree(self.index)
                library.rebuild(keep_photo=True)

        self.app.push_screen(
            ConfirmDialog("Move rejected photos", "\n".join(lines), yes="Move", no="Cancel"),
            done,
        )
