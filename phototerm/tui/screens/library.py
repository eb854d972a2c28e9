"""The library screen: sidebar, search bar, thumbnail grid, info panel, status line, footer.

It owns the current ``ViewSpec`` and turns it into a grid model whenever the view, the query,
the sort or the index changes. A query that does not parse leaves the last good model on
screen and shows the error in the search bar.

What it needs is given when it is made (``Services``); what the app must know goes up as a
message (a photo to open, the place to remember, the tile size). An edit arrives as
``PhotosEdited``: the screen runs its view again when the view depends on what was edited,
and hands the news to the grid, the sidebar and the info panel, which repaint themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import ActiveBinding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from phototerm.library.query import QueryError
from phototerm.library.spaces import LABELS
from phototerm.library.text import safe
from phototerm.tui import model as views
from phototerm.tui.clipboard import copy_paths
from phototerm.tui.dialogs.filter import FilterDialog
from phototerm.tui.dialogs.jump import JumpDialog
from phototerm.tui.dialogs.sort import SortDialog
from phototerm.tui.keys import BindingGate
from phototerm.tui.messages import PhotosEdited
from phototerm.tui.model import IndexModel, ViewSpec
from phototerm.tui.screens.edit_keys import EDIT_BINDINGS, EditActions
from phototerm.tui.screens.footer_first import first_in_footer
from phototerm.tui.screens.library_keys import LIBRARY_BINDINGS
from phototerm.tui.services import Services
from phototerm.tui.widgets.grid import ThumbnailGrid
from phototerm.tui.widgets.infopanel import InfoPanel
from phototerm.tui.widgets.keys_footer import KeysFooter
from phototerm.tui.widgets.searchbar import SearchBar
from phototerm.tui.widgets.sidebar import Sidebar, SidebarTree
from phototerm.tui.widgets.statusbar import Status, StatusBar

if TYPE_CHECKING:
    from phototerm.library.index.compaction import Renumbering
    from phototerm.library.ingest.indexer import IndexProgress

GROUPINGS = ("day", "month", "year")


class LibraryScreen(BindingGate, EditActions, Screen[None]):
    # The photos have the keys from the first frame: focusing the first focusable widget
    # (the sidebar) and moving on to the grid later would draw the focus twice, and the
    # footer's keys with it.
    AUTO_FOCUS = "#grid"
    BINDINGS: ClassVar[list[BindingType]] = [
        *LIBRARY_BINDINGS,  # / f s : i y w z ctrl+b ctrl+g
        *EDIT_BINDINGS,  # 0-5 x t a e u r R: on the selection, else the cursor photo
    ]

    class PhotoActivated(Message):
        """Enter (or a double click) on the photo at ``position`` of ``model``: view it."""

        def __init__(self, model: IndexModel, position: int) -> None:
            super().__init__()
            self.model = model
            self.position = position

    class PlaceChanged(Message):
        """The view or the cursor changed: where the user is, to reopen there next time."""

    class TileSizeChanged(Message):
        def __init__(self, size: str) -> None:
            super().__init__()
            self.size = size

    def __init__(
        self,
        spec: ViewSpec,
        services: Services,
        *,
        tile_size: str = "medium",
        cursor: tuple[str, str] | None = None,
        indexing: bool = False,
        hold: bool = False,
    ) -> None:
        """``cursor``: (space, rel) of the photo to put the cursor on as soon as it is
        indexed (where the last session left it). ``indexing``: photos are still being
        looked for (an empty grid says so, not "no photos"). ``hold``: the index is being
        filled from scratch; draw no photos until ``index_changed`` says to."""
        super().__init__()
        self.indexing = indexing
        self._hold = hold
        self._built_version = -1  # the index's version the model was built from
        self.spec = spec
        self.services = services
        self.index = services.index
        self._tile_size = tile_size
        self.model: IndexModel | None = None
        self.selected = 0
        self._pending_cursor = cursor
        # The cursor photo we put there ourselves; a CursorMoved for another photo means the
        # user moved, and from then on new photos never pull the cursor away.
        self._expected_photo: int | None = None
        self.user_moved = False
        self._outside_sort: tuple[str, bool] | None = None  # the sort before an album opened

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return first_in_footer(super().active_bindings)  # Quit and Help first in the footer

    def compose(self) -> ComposeResult:
        services = self.services
        with Horizontal(id="library-body"):
            yield Sidebar(services.setup, services.index, id="sidebar")
            with Vertical(id="library-main"):
                yield SearchBar(self.spec.query, id="searchbar")
                with Horizontal(id="grid-row"):
                    yield ThumbnailGrid(
                        services.thumbnails,
                        tile_size=self._tile_size,
                        color=services.color,
                        id="grid",
                    )
                    yield InfoPanel(services.index, id="library-info")
        yield StatusBar(id="statusbar")
        yield KeysFooter()

    @property
    def grid(self) -> ThumbnailGrid:
        return self.query_one(ThumbnailGrid)

    @property
    def searchbar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def info(self) -> InfoPanel:
        return self.query_one("#library-info", InfoPanel)

    def on_mount(self) -> None:
        self.info.display = False
        self.sidebar.refresh_tree()  # the photos indexed before this screen was on
        self.sidebar.show_view(self.spec)
        self.grid.focus()
        self._show_focus(self.grid)  # in the first frame: the focus event comes after it
        self.watch(self.grid, "tile_size", self._tile_size_changed, init=False)
        if not self._hold:
            self.rebuild(keep_photo=False)
        # The app's refreshes are skipped until this screen counts as mounted: catch up then
        # on whatever the index did meanwhile, rather than trust that a later one will come.
        self.call_after_refresh(self._catch_up)

    def _catch_up(self) -> None:
        if not self._hold and self.index.version != self._built_version:
            self.rebuild(keep_photo=self.user_moved)

    def first_screen_complete(self) -> bool:
        """Whether the photos are on screen and every tile of the first screen is drawn."""
        if not self.is_mounted or self._hold or self.model is None:
            return False
        done, visible = self.grid.loaded_on_screen()
        return done == visible

    def on_resize(self) -> None:
        # A terminal narrowed below 100 columns folds the sidebar away (phototerm.tcss), and
        # Textual drops the focus from a hidden widget: the keys go back to the photos.
        self.call_after_refresh(self._refocus)

    def _refocus(self) -> None:
        if self.focused is None and self.is_current:
            self.focus_grid()

    def _tile_size_changed(self, size: str) -> None:
        self.post_message(self.TileSizeChanged(size))

    # ----------------------------------------------------------------- the cursor

    def cursor_place(self) -> tuple[str, str] | None:
        """(space, rel) of the cursor photo; until the photo being restored is indexed, that
        photo's (the user has not moved yet: the place is still the old one)."""
        if self.is_mounted:
            try:
                grid = self.grid
            except NoMatches:  # being taken down (the app is quitting)
                return self._pending_cursor
            photo_id = grid.cursor_photo_id()
            if photo_id is not None:
                photo = self.index.get(photo_id)
                return photo.space, photo.rel
        return self._pending_cursor

    def move_to_photo(self, photo_id: int) -> None:
        self.grid.move_to_photo(photo_id)

    def _try_pending_cursor(self) -> None:
        if self._pending_cursor is None or self.model is None:
            return
        photo_id = self.index.id_of(*self._pending_cursor)
        if photo_id is None or self.model.position_of(photo_id) is None:
            return
        self._pending_cursor = None
        self.grid.move_to_photo(photo_id)
        self._expected_photo = self.grid.cursor_photo_id()
        self.user_moved = True  # placed deliberately: new photos must not pull it away

    # ----------------------------------------------------------------- model building

    def rebuild(
        self, *, keep_photo: bool = True, moved: dict[int, int] | None = None, anchor: bool = False
    ) -> bool:
        """Re-run the view. False when the query did not parse (the last model stays).
        ``moved`` and ``anchor``: see ``ThumbnailGrid.set_model``."""
        version = self.index.version  # before building: a change meanwhile is seen next time
        try:
            new = views.build(self.index, self.spec, [s.name for s in self.services.setup.on])
        except QueryError as exc:
            self.searchbar.show_error(exc, self.spec.query)
            return False
        self.searchbar.show_error(None)
        self._built_version = version
        old = self.model
        self.model = new
        if (
            old is not None
            and keep_photo
            and old.ids == new.ids
            and list(old.sections()) == list(new.sections())
        ):
            # Same photos in the same order (typing "garde" -> "garden"): the grid keeps its
            # model and its screen; a reflow would repaint every cell for nothing.
            old.total = new.total
            self.model = old
        else:
            self.grid.set_model(new, keep_photo=keep_photo, moved=moved, anchor=anchor)
        self._expected_photo = self.grid.cursor_photo_id()
        self._try_pending_cursor()
        self.grid.show_empty(self._empty_text())
        self._update_status()
        self._update_info()
        return True

    def _empty_text(self) -> str:
        """What an empty grid says (the status line has the counts)."""
        if self.model is None:
            return ""
        return views.empty_reason(
            self.spec,
            self.model,
            spaces_on=bool(self.services.setup.on),
            indexing=self.indexing,
            album_exists=self.spec.album in self.index.album_names(),
        )

    def index_changed(
        self, keep_photo: bool | None = None, moved: dict[int, int] | None = None
    ) -> None:
        """Photos were added, changed or removed: refresh the model, the folders tree and the
        counts. ``keep_photo`` None: the cursor stays on the first photo while others stream
        in, until the user moves. ``moved``: {old id: new id} of photos moved on disk."""
        self._hold = False
        if not self.is_mounted:
            return  # _catch_up runs once mounting is over
        if self.model is not None and self.index.version == self._built_version:
            return
        self.sidebar.refresh_tree()
        keep = self.user_moved if keep_photo is None else keep_photo
        self.rebuild(keep_photo=keep, moved=moved, anchor=keep and self.model is not None)

    def model_is_current(self) -> bool:
        """Whether the model shows the index as it is (built since its last change)."""
        return self.model is not None and self._built_version == self.index.version

    def renumbered(
        self, new: Renumbering, was_current: bool, ready: views.Renumbered | None = None
    ) -> None:
        """The index was just compacted (``new``: {old id: new id}): every id this screen
        holds follows, in this same handler, before anything reads one. ``was_current``: the
        model showed the index as it was just before; then the same photos are in the same
        places and nothing is built again. ``ready``: the model's new ids, made ahead."""
        whole = self.model.renumber(new, ready) if self.model is not None else True
        self.grid.renumbered(new)
        if self._expected_photo is not None:
            self._expected_photo = new.get(self._expected_photo)
        info = self.info
        if info.photo_id is not None:
            info.photo_id = new.get(info.photo_id)
        if was_current and whole:
            self._built_version = self.index.version
        else:
            self.rebuild(keep_photo=True)

    def _status(self) -> StatusBar | None:
        """The status line, or None while the screen is not built or is being taken down
        (a watcher's or the indexer's message can arrive then)."""
        if not self.is_mounted:
            return None
        return next(iter(self.query(StatusBar)), None)

    def show_waiting(self, count: int) -> None:
        """New photos on disk waiting to be indexed, in the status line."""
        status = self._status()
        if status is not None:
            status.waiting(count)

    def show_progress(self, progress: IndexProgress | None) -> None:
        """Indexing progress in the status line (None: it is over)."""
        indexing = progress is not None and progress.phase != "done"
        changed, self.indexing = indexing != self.indexing, indexing
        status = self._status()
        if status is None:
            return
        if changed:
            self.grid.show_empty(self._empty_text())
        if progress is None:
            status.progress(0, 0, "done", finished=True)
        else:
            p = progress
            status.progress(p.done, p.total, p.phase, finished=p.phase == "done")

    @on(PhotosEdited)
    def _photos_edited(self, message: PhotosEdited) -> None:
        for widget in (self.grid, self.sidebar, self.info):
            widget.post_message(message.copy())
        if message.albums:
            self._show_shared_with_me()
        spec = self.spec
        if (
            message.albums
            and spec.view == views.ALBUM
            and spec.album not in self.index.album_names()
        ):
            # Deleted or renamed by another session while shown: back to the Timeline, calmly.
            name = safe(spec.album or "", 60)
            self.set_spec(spec.with_(view=views.TIMELINE, album=None))
            self.app.notify(
                f"The album '{name}' is gone (deleted or renamed in another session): "
                "back to the Timeline",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        if message.removed or spec.query or spec.sort == "rating" or spec.view == views.ALBUM:
            self.rebuild(keep_photo=True)  # what the view holds may have changed

    def _show_shared_with_me(self) -> None:
        """The albums others shared with this person, under "Shared with me"."""
        editor = self.services.edits.editor
        items = []
        for item in self.services.shares.shared_with_me():
            shown = editor.albums.shown_in(item.space, item.share.album or "") if editor else None
            if shown is not None:
                owner = f" · {item.owner}" if item.owner else ""
                items.append((shown, f"{shown}{owner} ({item.role})"))
        self.sidebar.show_shared(items)

    def _update_status(self) -> None:
        spec = self.spec
        names = [LABELS[s].split()[0] for s in spec.spaces]
        spaces = " + ".join(names) if names else "no space on"
        self.query_one(StatusBar).show(
            Status(
                spaces=spaces,
                view=views.title(spec, self.model),
                query=spec.query,
                # (an empty IndexModel is falsy: compare with None, or "0 / 345" reads "0 / 0")
                shown=len(self.model) if self.model is not None else 0,
                total=self.model.total if self.model is not None else 0,
                selected=self.selected,
                sort=spec.sort,
                descending=spec.descending,
                read_only=tuple(
                    LABELS.get(s, s)
                    for s in self.services.edits.read_only_spaces()
                    if s in spec.spaces
                ),
            )
        )

    def set_spec(self, spec: ViewSpec, *, keep_photo: bool = True) -> bool:
        old = self.spec
        spec = self._view_sort(old, spec)
        self.spec = spec
        if not self.rebuild(keep_photo=keep_photo):
            self.spec = old  # the error is shown in the search bar; the old results stay
            return False
        self.sidebar.show_view(spec)
        self.post_message(self.PlaceChanged())
        return True

    def _view_sort(self, old: ViewSpec, new: ViewSpec) -> ViewSpec:
        """An album opens with its own sort (remembered per album, else the album's order),
        Recently added by modification time, newest first; leaving them brings back the sort
        the other views had."""
        own = (views.ALBUM, views.RECENT)  # views that come with their own sort
        entering = new.view in own and (old.view != new.view or old.album != new.album)
        if entering:
            if old.view not in own:
                self._outside_sort = (old.sort, old.descending)
            if new.view == views.RECENT:
                return new.with_(sort="mtime", descending=True)
            key, descending = self.services.albums.sort_of(new.album)
            return new.with_(sort=key, descending=descending)
        if (
            old.view in own
            and new.view not in own
            and (new.sort, new.descending) == (old.sort, old.descending)  # not chosen anew
        ):
            key, descending = self._outside_sort or ("taken", True)
            return new.with_(sort=key, descending=descending)
        return new

    def open_album(self, name: str) -> None:
        self.set_spec(self.spec.with_(view=views.ALBUM, album=name, folder=None))
        self.focus_grid()

    def album_renamed(self, old: str, new: str) -> None:
        if self.spec.album == old:
            self.set_spec(self.spec.with_(album=new))

    def album_deleted(self, name: str) -> None:
        if self.spec.album == name:
            self.set_spec(self.spec.with_(view=views.TIMELINE, album=None))

    def toggle_space(self, name: str) -> None:
        setup = self.services.setup
        if setup.root_of(name) is None:
            reason = dict(setup.off).get(name, f"{LABELS.get(name, name)} is off")
            self.app.notify(safe(reason), severity="warning", markup=False)
            return
        spaces = list(self.spec.spaces)
        if name in spaces:
            spaces.remove(name)
        else:
            spaces.append(name)
        order = [s.name for s in setup.on]
        spec = self.spec.with_(spaces=tuple(s for s in order if s in spaces))
        if spec.folder is not None and spec.folder[0] not in spaces:
            spec = spec.with_(folder=None)
        self.set_spec(spec)

    # ------------------------------------------------------------------------ editing

    def edit_targets(self) -> list[int]:
        return self.grid.selection_or_cursor()

    def cursor_photo(self) -> int | None:
        return self.grid.cursor_photo_id()

    def share_whole_album(self) -> bool:
        # In an album with nothing selected, S shares the album itself (its link is the
        # album's); a selection is shared as photos (they become an album of their own).
        return self.spec.view == views.ALBUM and not self.grid.selected

    def edit_advance(self) -> None:
        # In the grid only when asked for ("always"), and never away from a selection.
        if self.services.advance == "always" and not self.grid.selected:
            self.grid.action_cursor_right()

    def edit_undone(self, ids: list[int]) -> None:
        # One photo put back while the cursor moved on (advance "always"): back to it. An
        # undo of a selection's edit leaves the cursor where it is.
        if len(ids) == 1 and not self.grid.selected and self.cursor_photo() != ids[0]:
            self.grid.move_to_photo(ids[0])

    # ------------------------------------------------------------------------ events

    @on(events.DescendantFocus)
    def _focus_moved(self, event: events.DescendantFocus) -> None:
        self._show_focus(event.widget)

    def _show_focus(self, widget: Widget) -> None:
        """The status line says where the keys go now."""
        typing = isinstance(widget, Input)
        if isinstance(widget, ThumbnailGrid):
            where = "PHOTOS"
        elif typing:
            where = "SEARCH"
        elif isinstance(widget, SidebarTree):
            where = "SIDEBAR"
        elif isinstance(widget, InfoPanel):
            where = "INFO"
        else:
            where = ""
        self.query_one(StatusBar).show_focus(where, typing)

    @on(ThumbnailGrid.CursorMoved)
    def _cursor_moved(self, event: ThumbnailGrid.CursorMoved) -> None:
        if event.photo_id != self._expected_photo:
            self._pending_cursor = None  # the user moved on: stop restoring
            self.user_moved = True
        self._expected_photo = event.photo_id
        self._update_info()
        self.post_message(self.PlaceChanged())

    @on(ThumbnailGrid.Activated)
    def _activated(self, event: ThumbnailGrid.Activated) -> None:
        event.stop()
        if self.model is not None and len(self.model):
            self.post_message(self.PhotoActivated(self.model, event.position))

    @on(ThumbnailGrid.SelectionChanged)
    def _selection(self, event: ThumbnailGrid.SelectionChanged) -> None:
        self.selected = event.count
        self._update_status()

    @on(SearchBar.Changed)
    def _search_changed(self, event: SearchBar.Changed) -> None:
        self.set_spec(self.spec.with_(query=event.text.strip()))

    @on(SearchBar.Applied)
    def _search_applied(self, event: SearchBar.Applied) -> None:
        if self.set_spec(self.spec.with_(query=event.text.strip())):
            self.focus_grid()

    @on(SearchBar.Cleared)
    def _search_cleared(self, event: SearchBar.Cleared) -> None:
        self.set_spec(self.spec.with_(query=""))
        if event.leave:
            self.focus_grid()

    @on(Sidebar.Chosen)
    def _sidebar_chosen(self, event: Sidebar.Chosen) -> None:
        spec = self.spec
        if event.kind == "space":
            self.toggle_space(event.space or "")
            return
        if event.kind == "timeline":
            spec = spec.with_(view=views.TIMELINE, folder=None, album=None)
        elif event.kind == "recent":
            spec = spec.with_(view=views.RECENT, folder=None, album=None)
        elif event.kind == "folders":
            spec = spec.with_(view=views.FOLDERS, folder=None, album=None)
        elif event.kind == "folder" and event.space is not None:
            spec = spec.with_(view=views.FOLDERS, folder=(event.space, event.value), album=None)
        elif event.kind == "album":
            spec = spec.with_(view=views.ALBUM, album=event.value, folder=None)  # its own sort
            self.services.shares.tell_if_unreadable(event.value)
        elif event.kind == "shared":
            spec = spec.with_(view=views.SHARED_WITH_ME, folder=None, album=None)
        elif event.kind == "shares":
            self.services.shares.open_list()
            return
        self.set_spec(spec, keep_photo=True)

    # ----------------------------------------------------------------------- actions

    def action_search(self) -> None:
        if isinstance(self.focused, Input):
            raise SkipAction()  # "/" typed in the search bar: a character, not this action
        self.searchbar.focus_input()

    def action_focus_grid(self) -> None:
        self.focus_grid()

    def focus_grid(self) -> None:
        # Screen.set_focus acts now; Widget.focus() waits its turn in the queue, and keys
        # typed meanwhile (a fast "/paris" or Enter-then-arrows) would go to the old widget.
        self.set_focus(self.grid)

    def action_filter(self) -> None:
        def done(query: str | None) -> None:
            if query is None:
                return
            self.searchbar.set_value(query)
            self.set_spec(self.spec.with_(query=query))
            self.focus_grid()

        self.app.push_screen(FilterDialog(self.index.facets(), self.spec.query), done)

    def action_sort(self) -> None:
        album = self.spec.album if self.spec.view == views.ALBUM else None

        def done(choice: tuple[str, bool] | None) -> None:
            if choice is not None:
                self.set_spec(self.spec.with_(sort=choice[0], descending=choice[1]))
                if album is not None:  # each album keeps its own sort, in its space's store
                    self.services.albums.remember_sort(album, *choice)

        dialog = SortDialog(self.spec.sort, self.spec.descending, album=album is not None)
        self.app.push_screen(dialog, done)

    def action_jump(self) -> None:
        self.app.push_screen(JumpDialog(), self.jump_to)

    def jump_to(self, target: str | None) -> None:
        if not target:
            return
        spec = self.spec
        if spec.view != views.TIMELINE or spec.sort != "taken":
            # The date only means a place in the Timeline sorted by date: say so, the user
            # did not ask to leave Folders or their sort.
            was = views.title(spec, self.model)
            self.set_spec(spec.with_(view=views.TIMELINE, folder=None, album=None, sort="taken"))
            self.app.notify(
                f"Jump to {target}: switched from {was} to the Timeline by date", markup=False
            )
        if self.model is None:
            return
        found = views.find_date(self.model, target, self.spec.descending)
        if found is None:
            self.app.notify("No dated photos are shown", severity="warning", markup=False)
            return
        pos, exact = found
        photo_id = self.model.photo_id(pos)
        self.grid.move_to_photo(photo_id, to_top=True)  # the day's header at the top
        if not exact:
            day = views.day_of(self.model.photo(pos)) or "?"
            self.app.notify(f"No photos from {target}; moved to the nearest ({day})", markup=False)

    def action_toggle_info(self) -> None:
        panel = self.info
        panel.display = not panel.display
        self._update_info()

    def _update_info(self) -> None:
        panel = self.info
        if not panel.display:
            return
        photo_id = self.grid.cursor_photo_id()
        panel.show(photo_id, self.grid.tile_error(photo_id) if photo_id is not None else "")

    def action_copy_paths(self) -> None:
        ids = self.grid.selection_or_cursor()
        if not ids:
            self.app.notify("No photo to copy", severity="warning", markup=False)
            return
        copy_paths(self.app, [self.index.get(i).path for i in ids])

    def action_switch_view(self) -> None:
        view = views.FOLDERS if self.spec.view == views.TIMELINE else views.TIMELINE
        self.set_spec(self.spec.with_(view=view, folder=None, album=None))

    def action_cycle_grouping(self) -> None:
        if self.spec.view != views.TIMELINE:
            self.set_spec(self.spec.with_(view=views.TIMELINE, folder=None, album=None))
            return
        nxt = GROUPINGS[(GROUPINGS.index(self.spec.grouping) + 1) % len(GROUPINGS)]
        self.set_spec(self.spec.with_(grouping=nxt, sort="taken"))
        self.app.notify(f"Timeline by {nxt}", markup=False, timeout=2)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.sidebar
        sidebar.display = not sidebar.display
        if sidebar.display:
            # Shown to be used: the focus goes there, the cursor on the active entry.
            self.set_focus(sidebar.entry_tree)
        elif self.focused is None or sidebar in self.focused.ancestors_with_self:
            self.focus_grid()
