"""Editing from the keyboard: the glue between the screens and the library's ``Editor``.

``Editing`` (one per app, ``app.editing``) opens the spaces' stores when the app starts
(writable when allowed; read-only with a notification naming the file and the reason
otherwise), puts what they hold on the photos as they stream in from the indexer, builds the
``Editor``, runs every edit and reports it, repaints what changed, and polls the stores about
once a second for other sessions' edits.

Edits run inline on the UI thread: a 500-photo edit is one store transaction (~100 ms, fsync
included), so the notification is shown only once the edit is on disk, edits apply in the
order of the keys, and nothing is in flight when the app quits. The Index is mutated from
this thread only, as its contract asks.

The keys and the screens' actions are in ``edit_keys``; albums and the recycle bin in
``edit_albums`` (a mixin of ``Editing``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from textual.timer import Timer

from phototerm.library.edits import Editor
from phototerm.library.edits.results import EditResult
from phototerm.library.photo import Photo
from phototerm.library.roles import Identity
from phototerm.library.spaces import LABELS
from phototerm.library.store import Store, StoreError, open_store
from phototerm.library.store.overlay import album_table, album_to_index
from phototerm.library.text import safe
from phototerm.tui import model as views
from phototerm.tui.dialogs.describe import DescribeDialog
from phototerm.tui.dialogs.tags import TagDialog, TagState
from phototerm.tui.edit_albums import AlbumEditing

if TYPE_CHECKING:
    from phototerm.tui.app import PhotoApp
    from phototerm.tui.screens.library import LibraryScreen

POLL_EVERY = 1.0  # seconds between looks at other sessions' edits (the issue allows 2)
FEW = 200  # up to this many photos, reading each is cheaper than scanning every tag


class Editing(AlbumEditing):
    def __init__(self, app: PhotoApp) -> None:
        self.app = app
        self.index = app.index
        self.stores: dict[str, Store] = {}
        self.editor: Editor | None = None
        self.loaded = False  # the index is complete and the albums are on it
        self._index_done = False
        self._pending: dict[str, dict[str, tuple]] = {}  # space -> rel -> stored row
        self._poll: Timer | None = None
        self.advance = app.settings.advance_after_rating

    # ------------------------------------------------------------------------ start-up

    def start(self) -> None:
        """Open the stores on a thread: a big store takes most of a second to check and
        read, and the first screen should not wait for it."""
        self.app.run_worker(
            self._open, thread=True, group="stores", name="opening the stores", exit_on_error=False
        )

    def _open(self) -> None:
        """(Worker thread.) The Editor is built before the rows are read, so its change tokens
        are older than anything read: its first refresh catches up whatever others did."""
        stores = {s.name: open_store(s, read_only=self.app.read_only) for s in self.app.setup.on}
        editor = Editor(self.index, stores, Identity.current(), self.app.settings)
        rows: dict[str, dict[str, tuple]] = {}
        for name, store in stores.items():
            try:
                rows[name] = {row[0]: row for row in store.overlay_rows()}
            except StoreError:
                rows[name] = {}  # its status already says what is wrong
        self.app.call_from_thread(self._opened, stores, editor, rows)

    def _opened(
        self, stores: dict[str, Store], editor: Editor, rows: dict[str, dict[str, tuple]]
    ) -> None:
        self.stores, self.editor = stores, editor
        for store in stores.values():
            message = store.status.message
            if message:
                if safe(store.path) not in message:
                    message += f" ({safe(store.path)})"
                self.app.notify(message, severity="warning", timeout=12, markup=False)
        # Photos indexed before now take their rows at once; the others as they arrive.
        id_of = self.index.id_of
        for space, stored in rows.items():
            known = [row for rel, row in stored.items() if id_of(space, rel) is not None]
            if known:
                self.index.apply_overlay(space, known)
                for row in known:
                    del stored[row[0]]
        self._pending = rows
        library = self._library()
        if library is not None and library.is_mounted:
            library.update_status()  # "Personal Space read-only" stays in the status line
        if self._index_done:
            self.index_loaded()
        else:
            self._changed(None)

    def photos_added(self, photos: Sequence[Photo]) -> None:
        """Indexed photos take their stored rating/tags/... as they arrive, so the grid never
        shows the file's values first and the store's a moment later."""
        by_space: dict[str, list[tuple]] = {}
        for photo in photos:
            row = self._pending.get(photo.space, {}).pop(photo.rel, None)
            if row is not None:
                by_space.setdefault(photo.space, []).append(row)
        for space, rows in by_space.items():
            self.index.apply_overlay(space, rows)

    def index_loaded(self) -> None:
        """Indexing is over (and the stores are open): the albums (their members are all
        known now), what other sessions did meanwhile; then poll for more."""
        self._index_done = True
        if self.editor is None or self.loaded:
            return  # _opened comes back here
        self._pending = {}  # rows of photos not found (moved, deleted): kept in the store
        for shown, (_space, record) in album_table(self.stores).items():
            album_to_index(self.index, shown, record)
        self.editor.refresh()
        self.loaded = True
        self._poll = self.app.set_interval(POLL_EVERY, self.poll, name="edits-poll")
        self._changed(None, albums=True)

    def close(self) -> None:
        if self._poll is not None:
            self._poll.stop()
        for store in self.stores.values():
            store.close()

    # ------------------------------------------------------------------------ reporting

    def notify(self, message: str, *, warning: bool = False) -> None:
        self.app.notify(
            message,
            severity="warning" if warning else "information",
            timeout=8 if warning else 4,
            markup=False,
        )

    def report(self, result: EditResult) -> bool:
        self.notify(result.message, warning=not result.ok)
        for warning in result.warnings:
            self.notify(warning, warning=True)
        return result.ok

    def read_only_spaces(self) -> list[str]:
        """The spaces shown that cannot be edited (unknown until the stores are open)."""
        editor = self.editor
        if editor is None:
            return []
        return [s for s in self.stores if not editor.access.can_edit(s)]

    def refusal(self, ids: Sequence[int]) -> str:
        """Why these photos cannot be edited ('' when they can): "Shared Space is read-only:
        <reason>" for the first space that refuses."""
        editor = self.editor
        if editor is None:
            return "The library is still opening"
        refusing = [s for s in self.stores if not editor.access.can_edit(s)]
        if not refusing:
            return ""
        if len(self.stores) > 1:  # which spaces do these photos belong to?
            spaces = {self.index.get(i).space for i in ids}
            refusing = [s for s in refusing if s in spaces]
        for space in refusing:
            label = LABELS.get(space, space)
            reason = editor.access.why_not_edit(space)
            if self.app.read_only:
                return f"{label} is read-only: this session was opened read-only"
            if reason.startswith(f"{label} is read-only"):
                return reason
            return f"{label} is read-only: {reason}"
        return ""

    def what(self, ids: Sequence[int]) -> str:
        if len(ids) == 1:
            return safe(self.index.get(ids[0]).name, 60)
        return f"{len(ids):,} photos"

    # ------------------------------------------------------------------------ photo edits

    def _run(self, ids: Sequence[int], edit: Callable[[Editor], EditResult]) -> bool:
        if not ids:
            self.notify("No photo here", warning=True)
            return False
        reason = self.refusal(ids)
        if reason:
            self.notify(reason, warning=True)
            return False
        assert self.editor is not None
        ok = self.report(edit(self.editor))
        if ok:  # albums too: a conditional album's count follows ratings and tags
            self._changed(ids, albums=True)
        return ok

    def rate(self, ids: Sequence[int], rating: int) -> bool:
        return self._run(ids, lambda e: e.set_rating(ids, rating))

    def rotate(self, ids: Sequence[int], degrees: int) -> bool:
        return self._run(ids, lambda e: e.rotate(ids, degrees))

    def undo(self) -> None:
        editor = self.editor
        if editor is None:
            return
        if self.report(editor.undo()):
            self._changed(None, albums=True)

    def open_tags(self, ids: Sequence[int]) -> None:
        if not ids:
            self.notify("No photo to tag", warning=True)
            return
        reason = self.refusal(ids)
        if reason:
            self.notify(reason, warning=True)
            return
        ids = list(ids)

        def state() -> TagState:
            return TagState(len(ids), self.carried(ids), tuple(self.index.tag_names()))

        def apply(action: str, tag: str) -> bool:
            if action == "add":
                return self._run(ids, lambda e: e.add_tags(ids, [tag]))
            return self._run(ids, lambda e: e.remove_tags(ids, [tag]))

        self.app.push_screen(TagDialog(self.what(ids), state, apply))

    def carried(self, ids: Sequence[int]) -> dict[str, int]:
        """How many of ``ids`` carry each tag (keyed by the first spelling met)."""
        counts: dict[str, int] = {}
        spelling: dict[str, str] = {}
        if len(ids) <= FEW:
            tag_lists: Iterable[tuple[str, ...]] = (self.index.get(i).tags for i in ids)
        else:
            wanted = set(ids)
            tag_lists = (tags for row, tags in self.index.effective_tags() if row in wanted)
        for tags in tag_lists:
            for tag in {t.casefold(): t for t in tags}.values():
                name = spelling.setdefault(tag.casefold(), tag)
                counts[name] = counts.get(name, 0) + 1
        return counts

    def open_describe(self, ids: Sequence[int]) -> None:
        if not ids:
            self.notify("No photo to describe", warning=True)
            return
        reason = self.refusal(ids)
        if reason:
            self.notify(reason, warning=True)
            return
        ids = list(ids)
        # Offer the description they share, if they do (looked at for a few photos only).
        found = {self.index.get(i).description for i in ids} if len(ids) <= FEW else set()
        current = next(iter(found)) if len(found) == 1 else ""

        def done(text: str | None) -> None:
            if text is None:
                return
            if len(found) == 1 and safe(text).strip() == safe(current).strip():
                self.notify("The description is unchanged")
                return
            self._run(ids, lambda e: e.set_description(ids, text))

        self.app.push_screen(DescribeDialog(self.what(ids), safe(current)), done)

    # ------------------------------------------------------------------------ other sessions

    def poll(self) -> None:
        editor = self.editor
        if editor is None or self.app.indexing:
            return
        if editor.refresh():
            self._changed(None, albums=True)

    # ------------------------------------------------------------------------ repainting

    def _library(self) -> LibraryScreen | None:
        try:
            return self.app.library
        except LookupError:
            return None

    def _changed(self, ids: Sequence[int] | None, *, albums: bool = False) -> None:
        """Repaint what an edit changed: the tiles (``ids``, or every remembered tile that
        differs), the info panel, the viewer; the albums in the sidebar; and the grid's
        photos when the view depends on what was edited (a search, a rating sort, an album)."""
        from phototerm.tui.screens.viewer import ViewerScreen

        library = self._library()
        if library is not None and library.is_mounted:
            grid = library.grid
            if ids is None:
                grid.refresh_changed()
            else:
                for pid in ids:
                    grid.refresh_photo(pid)
            if albums:
                library.sidebar.refresh_albums(self.index)
            spec = library.spec
            if spec.query or spec.sort == "rating" or spec.view == views.ALBUM:
                library.rebuild(keep_photo=True)
            else:
                library.refresh_info()
        for screen in self.app.screen_stack:
            if isinstance(screen, ViewerScreen):
                screen.photo_changed()
