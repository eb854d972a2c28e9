"""The library screen: sidebar, search bar, thumbnail grid, info panel, status line, footer.

It owns the current ``ViewSpec`` and turns it into a grid model whenever the view, the query,
the sort or the index changes. A query that does not parse leaves the last good model on
screen and shows the error in the search bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input

from phototerm.library.query import QueryError
from phototerm.library.spaces import LABELS
from phototerm.library.text import safe
from phototerm.tui import model as views
from phototerm.tui.dialogs.filter import FilterDialog
from phototerm.tui.dialogs.jump import JumpDialog
from phototerm.tui.dialogs.sort import SortDialog
from phototerm.tui.edit_keys import EDIT_BINDINGS, EditActions
from phototerm.tui.model import IndexModel, ViewSpec
from phototerm.tui.widgets.grid import ThumbnailGrid
from phototerm.tui.widgets.infopanel import InfoPanel
from phototerm.tui.widgets.searchbar import SearchBar
from phototerm.tui.widgets.sidebar import Sidebar
from phototerm.tui.widgets.statusbar import Status, StatusBar

if TYPE_CHECKING:
    from phototerm.tui.app import PhotoApp

GROUPINGS = ("day", "month", "year")


class LibraryScreen(EditActions, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "search",
            "Search",
            id="library.search",
            tooltip="Type a query; results filter as you type",
            # Priority: the App runs it before it hands on the next key, so a fast
            # "/paris" types "paris" in the bar (the keys after "/" were already queued
            # for the grid, which dropped them). In a text field "/" is just typed.
            priority=True,
        ),
        Binding(
            "f",
            "filter",
            "Filter",
            id="library.filter",
            tooltip="Filter by date, type, rating, camera, lens, folder, GPS",
        ),
        Binding(
            "s",
            "sort",
            "Sort",
            id="library.sort",
            tooltip="Sort by date, name, size, modified or rating",
        ),
        Binding(
            "colon",
            "jump",
            "Jump to date",
            id="library.jump",
            tooltip="Move to the first photo of a day or month (Timeline)",
        ),
        Binding(
            "i",
            "toggle_info",
            "Info",
            id="library.info",
            tooltip="Show or hide details of the photo under the cursor",
        ),
        Binding(
            "y",
            "copy_paths",
            "Copy path",
            id="library.copy",
            tooltip="Copy the absolute path(s) of the cursor photo or selection (OSC 52)",
        ),
        Binding(
            "w",
            "switch_view",
            "Timeline/Folders",
            id="library.view",
            tooltip="Switch between the Timeline and the Folders view",
        ),
        Binding(
            "z",
            "cycle_grouping",
            "Day/Month/Year",
            id="library.grouping",
            tooltip="Timeline headers by day, month or year",
        ),
        Binding(
            "ctrl+b",
            "toggle_sidebar",
            "Sidebar",
            id="library.sidebar",
            show=False,
            tooltip="Show the sidebar (the focus goes there) or hide it",
        ),
        Binding(
            "ctrl+g",
            "focus_grid",
            "Photos",
            id="library.grid",
            show=False,
            tooltip="Move the focus to the photos",
        ),
        *EDIT_BINDINGS,  # 0-5 x t a e u r R: on the selection, else the cursor photo
    ]

    def __init__(self, spec: ViewSpec) -> None:
        super().__init__()
        self.spec = spec
        self.model: IndexModel | None = None
        self.selected = 0
        self._pending_cursor: tuple[str, str] | None = None
        # The cursor photo we put there ourselves; a CursorMoved for another photo means the
        # user moved, and from then on new photos never pull the cursor away.
        self._expected_photo: int | None = None
        self.user_moved = False
        self._outside_sort: tuple[str, bool] | None = None  # the sort before an album opened

    @property
    def papp(self) -> PhotoApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        papp = self.papp
        with Horizontal(id="library-body"):
            yield Sidebar(papp.setup, id="sidebar")
            with Vertical(id="library-main"):
                yield SearchBar(self.spec.query, id="searchbar")
                with Horizontal(id="grid-row"):
                    yield ThumbnailGrid(
                        papp.thumbnails,
                        tile_size=papp.tile_size,
                        color=papp.color.mode,
                        id="grid",
                    )
                    yield InfoPanel(id="library-info")
        yield StatusBar(id="statusbar")
        yield Footer()

    @property
    def grid(self) -> ThumbnailGrid:
        return self.query_one(ThumbnailGrid)

    @property
    def searchbar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    def on_mount(self) -> None:
        self.query_one("#library-info").display = False
        self.sidebar.show_view(self.spec)
        self.grid.focus()
        self.watch(self.grid, "tile_size", self.papp.tile_size_changed, init=False)
        self.rebuild(keep_photo=False)

    # ----------------------------------------------------------------- model building

    def restore_cursor(self, space: str, rel: str) -> None:
        """Put the cursor on this photo as soon as it is indexed (it may not be yet)."""
        self._pending_cursor = (space, rel)
        self._try_pending_cursor()

    def _try_pending_cursor(self) -> None:
        if self._pending_cursor is None or self.model is None:
            return
        photo_id = self.papp.index.id_of(*self._pending_cursor)
        if photo_id is None or self.model.position_of(photo_id) is None:
            return
        self._pending_cursor = None
        self.grid.move_to_photo(photo_id)
        self._expected_photo = self.grid.cursor_photo_id()
        self.user_moved = True  # placed deliberately: new photos must not pull it away

    def rebuild(self, *, keep_photo: bool = True) -> bool:
        """Re-run the view. False when the query did not parse (the last model stays)."""
        papp = self.papp
        try:
            new = views.build(papp.index, self.spec, [s.name for s in papp.setup.on])
        except QueryError as exc:
            self.searchbar.show_error(exc, self.spec.query)
            return False
        self.searchbar.show_error(None)
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
            self.grid.set_model(new, keep_photo=keep_photo)
        self._expected_photo = self.grid.cursor_photo_id()
        self._try_pending_cursor()
        self._update_status()
        self._update_info()
        return True

    def index_changed(self) -> None:
        """New photos arrived: refresh the model, the folders tree and the counts."""
        self.sidebar.refresh_tree(self.papp.index)
        # Until the user moves, the cursor stays on the first photo while others stream in.
        self.rebuild(keep_photo=self.user_moved)

    def _update_status(self) -> None:
        spec, papp = self.spec, self.papp
        names = [LABELS[s].split()[0] for s in spec.spaces]
        spaces = " + ".join(names) if names else "no space on"
        self.query_one(StatusBar).show(
            Status(
                spaces=spaces,
                view=self.view_title(),
                query=spec.query,
                shown=len(self.model) if self.model else 0,
                total=self.model.total if self.model else 0,
                selected=self.selected,
                sort=spec.sort,
                descending=spec.descending,
                read_only=tuple(
                    LABELS.get(s, s) for s in papp.editing.read_only_spaces() if s in spec.spaces
                ),
            )
        )

    def update_status(self) -> None:
        self._update_status()

    def view_title(self) -> str:
        spec = self.spec
        if spec.view == views.FOLDERS:
            if spec.folder is None:
                return "Folders"
            space, folder = spec.folder
            return f"Folders: {LABELS[space].split()[0]}/{safe(folder)}".rstrip("/")
        if spec.view == views.ALBUM:
            return f"Album: {safe(spec.album or '')}"
        if spec.view == views.SHARED_WITH_ME:
            return "Shared with me"
        if spec.sort != "taken":
            return "Timeline"
        return f"Timeline by {spec.grouping}"

    def set_spec(self, spec: ViewSpec, *, keep_photo: bool = True) -> bool:
        old = self.spec
        spec = self._view_sort(old, spec)
        self.spec = spec
        if not self.rebuild(keep_photo=keep_photo):
            self.spec = old  # the error is shown in the search bar; the old results stay
            return False
        self.sidebar.show_view(spec)
        self.papp.session_changed()
        return True

    def _view_sort(self, old: ViewSpec, new: ViewSpec) -> ViewSpec:
        """An album opens with its own sort (remembered per album, else the album's order);
        leaving albums brings back the sort the other views had."""
        if new.view == views.ALBUM and (old.view != views.ALBUM or old.album != new.album):
            if old.view != views.ALBUM:
                self._outside_sort = (old.sort, old.descending)
            key, descending = self.papp.editing.album_sort(new.album)
            return new.with_(sort=key, descending=descending)
        if (
            old.view == views.ALBUM
            and new.view != views.ALBUM
            and (new.sort, new.descending) == (old.sort, old.descending)  # not chosen anew
        ):
            key, descending = self._outside_sort or ("taken", True)
            return new.with_(sort=key, descending=descending)
        return new

    def open_album(self, name: str) -> None:
        self.set_spec(self.spec.with_(view=views.ALBUM, album=name, folder=None))

    # ------------------------------------------------------------------------ editing

    def edit_targets(self) -> list[int]:
        return self.grid.selection_or_cursor()

    def cursor_photo(self) -> int | None:
        return self.grid.cursor_photo_id()

    def edit_advance(self) -> None:
        # In the grid only when asked for ("always"), and never away from a selection.
        if self.papp.editing.advance == "always" and not self.grid.selected:
            self.grid.action_cursor_right()

    def refresh_info(self) -> None:
        self._update_info()

    # ------------------------------------------------------------------------ events

    @on(ThumbnailGrid.CursorMoved)
    def _cursor_moved(self, event: ThumbnailGrid.CursorMoved) -> None:
        if event.photo_id != self._expected_photo:
            self._pending_cursor = None  # the user moved on: stop restoring
            self.user_moved = True
        self._expected_photo = event.photo_id
        self._update_info()
        self.papp.session_changed()

    @on(ThumbnailGrid.Activated)
    def _activated(self, event: ThumbnailGrid.Activated) -> None:
        if self.model is not None and len(self.model):
            self.papp.open_viewer(self.model, event.position)

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
            self.papp.toggle_space(event.space or "")
            return
        if event.kind == "timeline":
            spec = spec.with_(view=views.TIMELINE, folder=None, album=None)
        elif event.kind == "folders":
            spec = spec.with_(view=views.FOLDERS, folder=None, album=None)
        elif event.kind == "folder" and event.space is not None:
            spec = spec.with_(view=views.FOLDERS, folder=(event.space, event.value), album=None)
        elif event.kind == "album":
            spec = spec.with_(view=views.ALBUM, album=event.value, folder=None)  # its own sort
        elif event.kind == "shared":
            spec = spec.with_(view=views.SHARED_WITH_ME, folder=None, album=None)
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

        self.app.push_screen(FilterDialog(self.papp.index.facets(), self.spec.query), done)

    def action_sort(self) -> None:
        album = self.spec.album if self.spec.view == views.ALBUM else None

        def done(choice: tuple[str, bool] | None) -> None:
            if choice is not None:
                self.set_spec(self.spec.with_(sort=choice[0], descending=choice[1]))
                if album is not None:  # each album keeps its own sort, in its space's store
                    self.papp.editing.remember_album_sort(album, *choice)

        dialog = SortDialog(self.spec.sort, self.spec.descending, album=album is not None)
        self.app.push_screen(dialog, done)

    def action_jump(self) -> None:
        self.app.push_screen(JumpDialog(), self.jump_to)

    def jump_to(self, target: str | None) -> None:
        if not target:
            return
        spec = self.spec
        if spec.view != views.TIMELINE or spec.sort != "taken":
            # The date only means a place in the Timeline sorted by date.
            self.set_spec(spec.with_(view=views.TIMELINE, folder=None, album=None, sort="taken"))
        if self.model is None:
            return
        found = views.find_date(self.model, target, self.spec.descending)
        if found is None:
            self.app.notify("No dated photos are shown", severity="warning", markup=False)
            return
        pos, exact = found
        photo_id = self.model.photo_id(pos)
        self.grid.move_to_photo(photo_id)
        if not exact:
            day = views.day_of(self.model.photo(pos)) or "?"
            self.app.notify(f"No photos from {target}; moved to the nearest ({day})", markup=False)

    def action_toggle_info(self) -> None:
        panel = self.query_one("#library-info", InfoPanel)
        panel.display = not panel.display
        self._update_info()

    def _update_info(self) -> None:
        panel = self.query_one("#library-info", InfoPanel)
        if not panel.display:
            return
        photo_id = self.grid.cursor_photo_id()
        if photo_id is None:
            panel.show_photo(None)
            return
        panel.show_photo(self.papp.index.get(photo_id), self.grid.tile_error(photo_id))

    def action_copy_paths(self) -> None:
        ids = self.grid.selection_or_cursor()
        if not ids:
            self.app.notify("No photo to copy", severity="warning", markup=False)
            return
        self.papp.copy_paths([self.papp.index.get(i).path for i in ids])

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
            self.set_focus(sidebar.tree)
        elif self.focused is None or sidebar in self.focused.ancestors_with_self:
            self.focus_grid()
