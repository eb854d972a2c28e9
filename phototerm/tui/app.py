"""The phototerm App: screens, bindings, themes, keymap, the library opening, the session.

Everything the user looks at lives in screens/, dialogs/ and widgets/, the edits in editing/.
This class makes what they share (the Index, the ThumbnailService, the colour mode, the
editing components: ``Services``), opens the library on a thread worker that reports with
messages (opening.py), then has it follow the disk (following.py), and passes on what the
parts tell it: an edit to every screen, an album renamed or opened to the library screen,
the place to remember to the session.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.driver import Driver
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from phototerm.library import paths
from phototerm.library.index import Index
from phototerm.library.preload import Preload
from phototerm.library.roles import Access, Identity
from phototerm.library.settings import Settings, load_settings, save_keys
from phototerm.library.spaces import SpaceSetup
from phototerm.library.text import safe
from phototerm.library.thumbnails import ThumbnailService
from phototerm.tui import keys, terminal, themes
from phototerm.tui.compaction import Compactor
from phototerm.tui.editing.albums import AlbumEdits
from phototerm.tui.editing.context import EditContext
from phototerm.tui.editing.photos import PhotoEdits
from phototerm.tui.editing.shares import ShareEdits
from phototerm.tui.keys import BindingGate
from phototerm.tui.messages import (
    AlbumDeleted,
    AlbumOpened,
    AlbumRenamed,
    DiskChanged,
    IndexCompacted,
    IndexingProgress,
    IndexLoaded,
    LibraryOpened,
    NewPhotosWaiting,
    PhotosArrived,
    PhotosEdited,
)
from phototerm.tui.model import ViewSpec
from phototerm.tui.opening import Handover, open_in_worker
from phototerm.tui.output.driver import Output, diffing_driver
from phototerm.tui.screens.edit_keys import edit_commands, hidden_ids
from phototerm.tui.screens.help import HelpScreen, binding_contexts, binding_sections
from phototerm.tui.screens.library import LibraryScreen
from phototerm.tui.screens.library_palette import library_commands
from phototerm.tui.screens.viewer import ViewerScreen
from phototerm.tui.services import Services
from phototerm.tui.session import Session, SessionStore, library_key
from phototerm.tui.theme_files import derived_variables, load_catalogue
from phototerm.tui.threads import DaemonExecutor, close_within

if TYPE_CHECKING:  # what an open library needs is imported once it is open (tui/opening.py)
    from phototerm.library.opening import Library
    from phototerm.tui.following import Following

REFRESH_EVERY = 0.3  # seconds between grid refreshes while photos stream in
# Without a saved index, photos stream in as they are read: the grid is first drawn when
# indexing ends, or after this long (a big library), so a small one is drawn once, whole.
FIRST_PAINT_WAIT = 1.0
PRELOAD_WAIT = 2.0  # seconds the first screen waits for the saved index at most
FIRST_SCREEN_CHECK = 0.05  # seconds between looks at whether the first screen is complete
# Progress appears in the status line once the work has lasted this long: a warm start ends
# sooner, and showing then hiding it would only cost a repaint.
PROGRESS_AFTER = 1.0
POLL_EVERY = 1.0  # seconds between looks at other sessions' edits
SAVE_AFTER = 1.0  # seconds of quiet before the session is written
CLOSE_WAIT = 0.3  # seconds quitting waits for the thumbnail decoders to stop


class PhotoApp(BindingGate, App[None]):
    CSS_PATH = "phototerm.tcss"
    TITLE = "phototerm"
    # Screen classes for small terminals (80x24 is many terminals' default): phototerm.tcss
    # folds the sidebar away below 100 columns and tightens dialogs below 32 rows.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (Textual's type)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            # ctrl+c too: it is what people press first in a terminal (in a text field it
            # copies, as Textual's fields do; Esc leaves the field).
            "q,ctrl+c",
            "quit",
            "Quit",
            id="app.quit",
            key_display="q",
            tooltip="Quit phototerm (it reopens where you left it)",
        ),
        Binding(
            "question_mark",
            "help",
            "Help",
            id="app.help",
            tooltip="Every key, and how to remap them",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            id="app.commands",
            priority=True,
            # The Footer already shows the palette key on its right: once is enough.
            show=False,
            tooltip="Search every action by name",
        ),
        Binding(
            "ctrl+l",
            "redraw",
            "Redraw",
            id="app.redraw",
            show=False,
            priority=True,
            tooltip="Draw the whole screen again (after another program wrote over it)",
        ),
    ]

    def __init__(
        self,
        setup: SpaceSetup,
        *,
        settings: Settings | None = None,
        theme: str | None = None,
        color: terminal.ColorSetup | None = None,
        index: Index | None = None,
        index_on_start: bool = True,
        cache_dir: str | None = None,
        session_store: SessionStore | None = None,
        read_only: bool = False,
        remember_theme: bool | None = None,
        diff_output: bool = True,
        preload: Preload | None = None,
    ) -> None:
        """``index_on_start=False``: show ``index`` as it is; nothing is opened (nor edited).
        ``preload``: the snapshot of ``setup``'s library already being loaded (the command
        line starts it before importing this module); made here otherwise.

        ``remember_theme``: a theme chosen in the app is saved to config.toml (default: unless
        ``read_only``); False keeps every switch for this session only, as a kiosk needs.
        ``diff_output=False``: write Textual's output as it is (to compare against).
        """
        self.output = Output()
        self._diff_output = diff_output
        self.settings = settings if settings is not None else load_settings()
        self.color = color if color is not None else terminal.detect(os.environ, self.settings)
        # Textual's console reads the colour system from the environment in App.__init__.
        with terminal.patched_environ(terminal.color_environ(self.color.mode, os.environ)):
            super().__init__()
        self.setup = setup
        self.read_only = read_only
        self.index = index if index is not None else Index()
        self.cache_dir = cache_dir if cache_dir is not None else str(paths.cache_dir())
        self.thumbnails = ThumbnailService(self.cache_dir, workers=2, read_only=read_only)
        self.index_on_start = index_on_start
        self._preload: Preload | None = None
        if index_on_start and setup.on:
            usable = preload is not None and (preload.setup, preload.cache_dir) == (
                setup,
                self.cache_dir,
            )
            self._preload = preload if preload is not None and usable else None
            if self._preload is None:
                self._preload = Preload(setup, self.cache_dir)
        self.indexing = False
        self.from_snapshot = False  # the library on screen came whole from the saved index
        self._first_screen = threading.Event()  # set once the first screen is complete
        self._first_screen_timer: Timer | None = None
        self._started = time.monotonic()
        self._work_started: float | None = None  # when the first progress came
        self.sessions = session_store or SessionStore()
        self.session: Session = self.sessions.load(library_key(setup))
        self.problems: list[str] = [*self.settings.problems, *self.color.problems]
        if self.sessions.problem:
            self.problems.append(self.sessions.problem)
        size = self.settings.tile_size
        self.tile_size: str = size
        self._saved_tile_size = size
        self.viewer_info = False
        self.keymap: dict[str, str] = {}  # the [keymap], conflicts settled ("": unbound)
        self.unbound_ids: frozenset[str] = frozenset()
        self.quitting = False
        self._requested_theme = theme
        self.remember_theme = not read_only if remember_theme is None else remember_theme
        self._saved_theme = self.settings.theme  # what config.toml says now
        self._theme_installed = False
        # Before Textual reads its CSS: a theme set once the screen is up would have every
        # widget styled twice and the first frame drawn in the wrong colours.
        self.theme_catalogue = load_catalogue()
        self.problems.extend(
            themes.install(self, self._requested_theme, self.settings, self.theme_catalogue)
        )
        self._theme_installed = True
        self._refresh_timer: Timer | None = None
        self._last_refresh = 0.0
        self._save_timer: Timer | None = None
        self._poll: Timer | None = None
        self._handover = Handover()
        self.following: Following | None = None  # the open library following the disk
        self.compactor = Compactor(
            self,
            self.index,
            shown=self._library_shown,
            following=lambda: self.following,
            refresh=self._refresh_library,
        )
        roles = Access(
            setup.identity or Identity.current(), {}, roots={s.name: s.root for s in setup.on}
        )
        self.edits = EditContext(self, self.index, read_only=read_only, roles=roles)
        self.photo_edits = PhotoEdits(self.edits)
        self.album_edits = AlbumEdits(self.edits, self._shown_view)
        self.share_edits = ShareEdits(self.edits, self._shown_view, self.settings.public_url)
        self.services = Services(
            index=self.index,
            setup=setup,
            thumbnails=self.thumbnails,
            color=self.color.mode,
            edits=self.edits,
            photos=self.photo_edits,
            albums=self.album_edits,
            shares=self.share_edits,
            advance=self.settings.advance_after_rating,
        )

    # ------------------------------------------------------------------------ start-up

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, writing only the cells that change (see tui/output/)."""
        base = super().get_driver_class()
        return diffing_driver(base, self.output) if self._diff_output else base

    def action_redraw(self) -> None:
        self.output.forget()
        self.refresh(repaint=True, layout=True)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # A blinking cursor rewrites its line twice a second, forever: over SSH that is a
        # steady trickle of bytes while nothing happens. A steady cursor costs nothing.
        widget = event.widget
        if isinstance(widget, Input) and widget.cursor_blink:
            widget.cursor_blink = False

    def get_default_screen(self) -> Screen[Any]:
        """The library screen, as the bottom of the stack: Textual composes it with the app
        and draws it whole in its first frame. (A screen pushed from ``on_mount`` is laid
        out while Textual still holds its first updates back, and its first frame came out
        with parts missing, redrawn a frame later.) The keys are settled before it is made,
        so the footer shows them once."""
        known = keys.known_ids(binding_sections(type(self)))
        keymap, keymap_problems = keys.load_keymap(self.settings.keymap, known)
        self.keymap, conflicts = keys.resolve_conflicts(keymap, binding_contexts(type(self)))
        self.problems.extend([*keymap_problems, *conflicts])
        # A default that lost every key is off (keys.BindingGate); the others get what is left.
        self.unbound_ids = frozenset(i for i, k in self.keymap.items() if not k)
        self.set_keymap({i: k for i, k in self.keymap.items() if k})
        palette_key = self._palette_key()
        if palette_key:
            # The Footer shows the palette key it is told: a remapped one, not ctrl+p. Set on
            # this app, not on the class: another app in this process keeps its own.
            self.COMMAND_PALETTE_BINDING = palette_key  # type: ignore[misc]
        cursor = self.session.cursor
        loaded = self._preload.wait(PRELOAD_WAIT) if self._preload is not None else None
        if loaded is not None and loaded.index is not None:
            self.index.adopt(loaded.index)  # shown from the first frame
            loaded.index = self.index
            self.from_snapshot = True
        return LibraryScreen(
            self._spec_from_session(),
            self.services,
            tile_size=self.tile_size,
            cursor=(cursor[0], cursor[1]) if cursor is not None else None,
            indexing=self.index_on_start and bool(self.setup.on),
            # Indexing from scratch: nothing to draw until the first batch of a whole screen.
            hold=self.index_on_start and bool(self.setup.on) and not self.from_snapshot,
        )

    def on_mount(self) -> None:
        # Thread workers on daemon threads that quitting never waits for (threads.py).
        asyncio.get_running_loop().set_default_executor(DaemonExecutor())
        for problem in self.problems:
            self.notify(problem, severity="warning", timeout=10, markup=False)
        self._started = time.monotonic()
        self._first_screen_timer = self.set_interval(FIRST_SCREEN_CHECK, self._check_first_screen)
        if self.index_on_start:
            self.indexing = True
            self._open()
        else:
            self._first_screen.set()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """phototerm's $pt-* variables for a theme that leaves some out (Textual's own)."""
        return derived_variables(self.current_theme)

    def watch_theme(self, theme: str) -> None:
        """A theme chosen once the app runs (a "Theme: NAME" palette entry, Textual's own
        theme picker) is saved to config.toml, unless this session must not remember it."""
        if not self._theme_installed or not self.remember_theme or theme == self._saved_theme:
            return
        try:
            save_keys({"theme": theme})
        except OSError as exc:
            self.notify(f"Could not save the theme: {safe(exc)}", severity="warning", markup=False)
            return
        self._saved_theme = theme

    def _palette_key(self) -> str:
        """The first key of the command palette, the keymap applied ("" when unbound); from
        the bindings, since no screen is up yet to ask for its active ones."""
        keys_ = self.keymap.get("app.commands")
        if keys_ is None:
            keys_ = keys.find_binding(type(self), "app.commands").key
        return keys_.split(",")[0].strip()

    def _spec_from_session(self) -> ViewSpec:
        s = self.session
        on = [space.name for space in self.setup.on]
        spaces = tuple(name for name in on if name not in s.spaces_off)
        folder = (s.folder[0], s.folder[1]) if s.folder and s.folder[0] in on else None
        return ViewSpec(
            spaces=spaces,
            view=s.view,
            grouping=s.grouping,
            folder=folder,
            album=s.album,
            query=s.query,
            sort=s.sort,
            descending=s.descending,
        )

    @property
    def library(self) -> LibraryScreen:
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                return screen
        raise LookupError("the library screen is not open")

    def _library_shown(self) -> LibraryScreen | None:
        """The library screen when it is the screen shown (no viewer, dialog or palette)."""
        screen = self.screen
        return screen if isinstance(screen, LibraryScreen) else None

    def _shown_view(self) -> ViewSpec | None:
        try:
            return self.library.spec
        except LookupError:
            return None

    # ------------------------------------------------------------------------ opening

    @work(
        thread=True, exclusive=True, group="index", name="opening the library", exit_on_error=False
    )
    def _open(self) -> Library:
        return open_in_worker(
            self.post_message,
            self._handover,
            self.settings,
            self.setup,
            index=self.index,
            read_only=self.read_only,
            cache_dir=self.cache_dir,
            preload=self._preload,
            first_screen=self._first_screen,
        )

    def _check_first_screen(self) -> None:
        """Tell the opening worker once the first screen is complete (every tile on it drawn):
        only then does it walk the disk, which would compete with drawing."""
        try:
            library = self.library
        except LookupError:
            return
        if library.first_screen_complete():
            self._first_screen.set()
        if self._first_screen.is_set() and self._first_screen_timer is not None:
            self._first_screen_timer.stop()
            self._first_screen_timer = None

    @on(IndexLoaded)
    def _index_loaded(self) -> None:
        self.from_snapshot = True
        self._refresh_library()

    @on(PhotosArrived)
    def _photos_arrived(self) -> None:
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        """At most one grid rebuild per REFRESH_EVERY while photos stream in; none before
        FIRST_PAINT_WAIT while a library is indexed from scratch."""
        earliest = self._last_refresh + REFRESH_EVERY
        if not self.from_snapshot:
            earliest = max(earliest, self._started + FIRST_PAINT_WAIT)
        wait = earliest - time.monotonic()
        if wait <= 0:
            self._refresh_library()
        elif self._refresh_timer is None:
            self._refresh_timer = self.set_timer(wait, self._refresh_library)

    def _refresh_library(self) -> None:
        self._refresh_timer = None
        self._last_refresh = time.monotonic()
        moved = self.following.take_moved() if self.following is not None else {}
        try:
            # From the saved index, or once open, the library is whole: a change found on
            # disk appears in place and the cursor stays on its photo.
            whole = self.from_snapshot or self.following is not None
            self.library.index_changed(keep_photo=True if whole else None, moved=moved)
        except LookupError:
            pass
        if self.following is not None:
            self.compactor.changed()

    @on(IndexingProgress)
    def _progress(self, message: IndexingProgress) -> None:
        now = time.monotonic()
        if self._work_started is None:
            self._work_started = now  # the walk starts after the first screen, not at start
        if now - self._work_started < PROGRESS_AFTER:
            return
        try:
            self.library.show_progress(message.progress)
        except LookupError:
            pass

    @on(LibraryOpened)
    def _opened(self, message: LibraryOpened) -> None:
        library = message.library
        self.edits.library = library
        self._report_problems(library)
        self._indexing_over()
        self._poll = self.set_interval(POLL_EVERY, self.edits.catch_up, name="edits-poll")
        self.edits.edited(None, albums=True)  # the albums are on the index now
        if not self.quitting:
            from phototerm.tui.following import Following

            self.following = Following(self, library, message.watcher)
            self.compactor.changed()  # the start-up walk may have removed many photos
        elif message.watcher is not None:
            message.watcher.stop()

    @on(DiskChanged)
    def _disk_changed(self, message: DiskChanged) -> None:
        """Photos changed on disk: the grid follows at most once per REFRESH_EVERY, cursor
        and selection staying on their photos (moved ones included)."""
        # Ids of an earlier numbering (a compaction since) would name other photos: a move
        # that cannot be followed leaves the cursor where it is instead.
        if self.following is not None and message.numbering == self.index.numbering:
            self.following.add_moved(message.moved)
        self._schedule_refresh()

    @on(IndexCompacted)
    def _index_compacted(self, message: IndexCompacted) -> None:
        self.compactor.built(message.built, message.ready)

    @on(NewPhotosWaiting)
    def _new_photos_waiting(self, message: NewPhotosWaiting) -> None:
        try:
            self.library.show_waiting(message.count)
        except LookupError:
            pass

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures end up: a notification, never a traceback."""
        worker = event.worker
        if event.state == WorkerState.ERROR:
            error = worker.error
            self.notify(
                f"{worker.name or worker.group} failed: {type(error).__name__}: "
                f"{safe(str(error), 300)}",
                severity="error",
                timeout=15,
                markup=False,
            )
        if worker.group == "index" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            if event.state == WorkerState.ERROR:
                self.edits.not_open = "The library could not be opened (see the error above)"
            self._indexing_over()

    def _indexing_over(self) -> None:
        """Every photo found is on the index: one last rebuild shows them all."""
        self.indexing = False
        self._first_screen.set()
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        try:
            # Also when no progress was shown: an empty grid stops saying "Looking for photos".
            self.library.show_progress(None)
        except LookupError:
            pass
        self._refresh_library()

    def _report_problems(self, library: Library) -> None:
        """A store that opened read-only (naming its file), caches, unreadable files."""
        told = set()
        for store in library.stores.values():
            message = store.status.message
            if message:
                told.add(message)
                if safe(store.path) not in message:
                    message += f" ({safe(store.path)})"
                self.notify(message, severity="warning", timeout=12, markup=False)
        notes = [problem for problem in library.problems if problem not in told]
        errors = library.scan.errors
        if errors:
            first = errors[0]
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            notes.append(f"Could not read {safe(first.path, 120)}: {safe(first.reason)}{more}")
        for note in notes:
            self.notify(note, severity="warning", timeout=10, markup=False)

    # ------------------------------------------------------------------ what parts tell

    @on(PhotosEdited)
    def _photos_edited(self, message: PhotosEdited) -> None:
        """Every screen hears of an edit (the library under a viewer or a dialog too)."""
        for screen in self.screen_stack:
            screen.post_message(message.copy())

    @on(AlbumOpened)
    def _album_opened(self, message: AlbumOpened) -> None:
        while isinstance(self.screen, ViewerScreen):
            self.pop_screen()
        self.library.open_album(message.name)

    @on(AlbumRenamed)
    def _album_renamed(self, message: AlbumRenamed) -> None:
        self.library.album_renamed(message.old, message.new)

    @on(AlbumDeleted)
    def _album_deleted(self, message: AlbumDeleted) -> None:
        self.library.album_deleted(message.name)

    @on(LibraryScreen.PhotoActivated)
    def _view_photo(self, message: LibraryScreen.PhotoActivated) -> None:
        def back(photo_id: int | None) -> None:
            if photo_id is not None:
                self.library.move_to_photo(photo_id)

        if getattr(message.model, "numbering", self.index.numbering) != self.index.numbering:
            # Made before a compaction renumbered the index (a model rebuilt meanwhile, so
            # not remapped): its ids would open other photos. The key does nothing instead.
            return
        viewer = ViewerScreen(message.model, message.position, self.services, info=self.viewer_info)
        self.push_screen(viewer, back)

    @on(ViewerScreen.InfoToggled)
    def _viewer_info(self, message: ViewerScreen.InfoToggled) -> None:
        self.viewer_info = message.shown

    @on(LibraryScreen.TileSizeChanged)
    def _tile_size_changed(self, message: LibraryScreen.TileSizeChanged) -> None:
        self.tile_size = message.size
        self.session_changed()

    @on(LibraryScreen.PlaceChanged)
    def _place_changed(self) -> None:
        self.session_changed()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            sections = binding_sections(type(self))
            hidden = hidden_ids(self.services)
            rows = keys.binding_help(self, self.keymap, sections, hidden)
            self.push_screen(HelpScreen(rows, note=self.edits.edits_refused() if hidden else ""))

    # ----------------------------------------------------------------------- session

    def session_changed(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER, self._save_soon)

    def current_session(self) -> Session:
        library = self.library
        spec = library.spec
        place = library.cursor_place()
        on = [s.name for s in self.setup.on]
        return Session(
            spaces_off=[s for s in on if s not in spec.spaces],
            view=spec.view,
            grouping=spec.grouping,
            folder=list(spec.folder) if spec.folder else None,
            album=spec.album,
            query=spec.query,
            sort=spec.sort,
            descending=spec.descending,
            cursor=list(place) if place is not None else None,
        )

    def _save_soon(self) -> None:
        self._save_timer = None
        try:
            session = self.current_session()
        except (LookupError, NoMatches):  # the library screen is not (or no longer) built
            return
        self._write_session(session)

    @work(thread=True, group="save", exit_on_error=False)
    def _write_session(self, session: Session) -> None:
        self._save_session(session)

    def _save_session(self, session: Session) -> None:
        if self.read_only:
            return
        try:
            self.sessions.save(library_key(self.setup), session)
        except OSError as exc:
            # notify() posts a message, so this is safe from the saving thread too.
            self.notify(
                f"Could not save the session: {safe(exc)}", severity="warning", markup=False
            )

    async def action_quit(self) -> None:
        if self.quitting:
            return
        self.quitting = True  # from now on no binding runs (keys.BindingGate)
        self.save_now()
        self.exit()

    def save_now(self) -> None:
        """Synchronous save on the way out: session and the thumbnail size setting."""
        try:
            self._save_session(self.current_session())
        except (LookupError, NoMatches):  # quitting before the library screen was built
            pass
        if self.tile_size != self._saved_tile_size and not self.read_only:
            try:
                save_keys({"tile_size": self.tile_size})
                self._saved_tile_size = self.tile_size
            except OSError as exc:
                self.notify(f"Could not save tile_size: {safe(exc)}", markup=False)

    def on_unmount(self) -> None:
        self._first_screen.set()  # a worker waiting for it must not wait for nothing
        self.compactor.stop()
        if self._poll is not None:
            self._poll.stop()
        if self.following is not None:
            self.following.stop()
        self._handover.close()  # the stores; an opening still under way closes them itself
        # The decoders finish the thumbnail at hand (and its cache file), unless one is stuck
        # in a system call: then quitting goes on without it.
        close_within(self.thumbnails.close, CLOSE_WAIT, "thumbnails-close")

    # ------------------------------------------------------------------- palette

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: every key", "Show every binding and its id", self.action_help)
        yield from themes.palette_commands(self, self.theme_catalogue, remember=self.remember_theme)
        if isinstance(screen, ViewerScreen):
            yield from edit_commands(self, self.keymap, screen)
        elif isinstance(screen, LibraryScreen):
            yield from library_commands(self, self.keymap, screen)
