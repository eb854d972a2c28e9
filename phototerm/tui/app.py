"""The phototerm App: screens, bindings, themes, keymap, workers wiring, session.

Everything the user looks at lives in screens/, dialogs/ and widgets/; this class holds what
they share (the Index, the ThumbnailService, the colour mode, the session) and runs the
indexer on a thread worker that reports with messages.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from phototerm.library import paths
from phototerm.library.index import Index
from phototerm.library.ingest.indexer import IndexResult
from phototerm.library.settings import TILE_SIZES, Settings, load_settings, save_keys
from phototerm.library.spaces import LABELS, SpaceSetup
from phototerm.library.text import safe
from phototerm.library.thumbnails import ThumbnailService
from phototerm.tui import keys, terminal, themes
from phototerm.tui.edit_keys import edit_commands
from phototerm.tui.editing import Editing
from phototerm.tui.loading import (
    IndexingProgress,
    PhotosArrived,
    prepare_processes,
    run_indexing,
)
from phototerm.tui.model import IndexModel, ViewSpec
from phototerm.tui.screens.help import HelpScreen
from phototerm.tui.screens.library import LibraryScreen
from phototerm.tui.screens.viewer import ViewerScreen
from phototerm.tui.session import Session, SessionStore, library_key
from phototerm.tui.widgets.statusbar import StatusBar

REFRESH_EVERY = 0.3  # seconds between grid refreshes while photos stream in
SAVE_AFTER = 1.0  # seconds of quiet before the session is written


class PhotoApp(App[None]):
    CSS_PATH = "phototerm.tcss"
    TITLE = "phototerm"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "q",
            "quit",
            "Quit",
            id="app.quit",
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
    ) -> None:
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
        if index_on_start and setup.on:
            prepare_processes()
        self.indexing = False
        self.index_result: IndexResult | None = None
        self.sessions = session_store or SessionStore()
        self.session: Session = self.sessions.load(library_key(setup))
        self.problems: list[str] = [*self.settings.problems, *self.color.problems]
        if self.sessions.problem:
            self.problems.append(self.sessions.problem)
        size = self.settings.tile_size
        self.tile_size: str = size
        self._saved_tile_size = size
        self.viewer_info = False
        self.keymap: dict[str, str] = {}
        self._requested_theme = theme
        self._refresh_timer: Timer | None = None
        self._last_refresh = 0.0
        self._save_timer: Timer | None = None
        self.editing = Editing(self)  # stores, Editor, other sessions' edits (tui/editing.py)

    # ------------------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        self.problems.extend(themes.install(self, self._requested_theme, self.settings))
        self.keymap, keymap_problems = keys.load_keymap(self.settings.keymap, keys.known_ids())
        self.problems.extend(keymap_problems)
        self.set_keymap(self.keymap)
        if self.keymap.get("app.commands"):
            # The Footer shows the palette key it is told; a remapped one, not ctrl+p.
            keys_ = self._normalize_keymap({"k": self.keymap["app.commands"]})["k"]
            self.COMMAND_PALETTE_BINDING = keys_.split(",")[0].strip()
        for problem in self.problems:
            self.notify(problem, severity="warning", timeout=10, markup=False)
        self.editing.start()
        library = LibraryScreen(self._spec_from_session())
        self.push_screen(library)
        if self.session.cursor is not None:
            library.restore_cursor(*self.session.cursor)
        if self.index_on_start and self.setup.on:
            self.indexing = True
            self._index()
        else:
            self.call_after_refresh(self.editing.index_loaded)

    def _spec_from_session(self) -> ViewSpec:
        s = self.session
        on = [space.name for space in self.setup.on]
        spaces = tuple(name for name in on if name not in s.spaces_off)
        folder = tuple(s.folder) if s.folder and s.folder[0] in on else None
        return ViewSpec(
            spaces=spaces,
            view=s.view,
            grouping=s.grouping,
            folder=folder,  # type: ignore[arg-type]
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

    # ------------------------------------------------------------------------ indexing

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _index(self) -> IndexResult:
        return run_indexing(
            self.post_message, self.setup.on, self.cache_dir, read_only=self.read_only
        )

    @on(PhotosArrived)
    def _photos_arrived(self, message: PhotosArrived) -> None:
        self.index.add_many(message.photos)
        self.editing.photos_added(message.photos)
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        """At most one grid rebuild per REFRESH_EVERY while photos stream in."""
        wait = self._last_refresh + REFRESH_EVERY - time.monotonic()
        if wait <= 0:
            self._refresh_library()
        elif self._refresh_timer is None:
            self._refresh_timer = self.set_timer(wait, self._refresh_library)

    def _refresh_library(self) -> None:
        self._refresh_timer = None
        self._last_refresh = time.monotonic()
        try:
            self.library.index_changed()
        except LookupError:
            pass

    @on(IndexingProgress)
    def _progress(self, message: IndexingProgress) -> None:
        p = message.progress
        try:
            self.library.query_one(StatusBar).progress(
                p.done, p.total, p.phase, finished=p.phase == "done"
            )
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
        if worker.group != "index" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        self.indexing = False
        try:
            self.library.query_one(StatusBar).progress(0, 0, "done", finished=True)
        except LookupError:
            pass
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self.editing.index_loaded()
        self._refresh_library()
        if event.state == WorkerState.SUCCESS:
            self.index_result = worker.result
            self._report_scan(worker.result)

    def _report_scan(self, result: IndexResult | None) -> None:
        if result is None:
            return
        notes = list(getattr(result, "cache_problems", []))
        if result.errors:
            first = result.errors[0]
            more = f" (and {len(result.errors) - 1} more)" if len(result.errors) > 1 else ""
            notes.append(f"Could not read {safe(first.path, 120)}: {safe(first.reason)}{more}")
        for note in notes:
            self.notify(note, severity="warning", timeout=10, markup=False)

    # ----------------------------------------------------------------- shared actions

    def toggle_space(self, name: str) -> None:
        if self.setup.root_of(name) is None:
            reason = dict(self.setup.off).get(name, f"{LABELS.get(name, name)} is off")
            self.notify(safe(reason), severity="warning", markup=False)
            return
        library = self.library
        spaces = list(library.spec.spaces)
        if name in spaces:
            spaces.remove(name)
        else:
            spaces.append(name)
        order = [s.name for s in self.setup.on]
        spec = library.spec.with_(spaces=tuple(s for s in order if s in spaces))
        if library.spec.folder is not None and library.spec.folder[0] not in spaces:
            spec = spec.with_(folder=None)
        library.set_spec(spec)

    def copy_paths(self, paths_: list[str]) -> None:
        """Absolute paths to the clipboard (OSC 52: works over SSH, in tmux with set-clipboard)."""
        text = "\n".join(paths_)
        note = ""
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            # A non-UTF-8 name: the terminal clipboard carries text, so bytes it cannot
            # represent become U+FFFD; say so rather than copying something subtly wrong.
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            note = " (non-UTF-8 bytes replaced)"
        self.copy_to_clipboard(text)
        what = safe(paths_[0], 100) if len(paths_) == 1 else f"{len(paths_)} paths"
        self.notify(f"Copied {what}{note}", markup=False, timeout=4)

    def open_viewer(self, model: IndexModel, position: int) -> None:
        def back(photo_id: int | None) -> None:
            if photo_id is not None:
                self.library.grid.move_to_photo(photo_id)

        self.push_screen(ViewerScreen(model, position, info=self.viewer_info), back)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(keys.binding_help(self, self.keymap)))

    def tile_size_changed(self, size: str) -> None:
        self.tile_size = size
        self.session_changed()

    # ----------------------------------------------------------------------- session

    def session_changed(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER, self._save_soon)

    def current_session(self) -> Session:
        library = self.library
        spec = library.spec
        cursor = None
        if library.is_mounted:
            photo_id = library.grid.cursor_photo_id()
            if photo_id is not None:
                photo = self.index.get(photo_id)
                cursor = [photo.space, photo.rel]
        if cursor is None and library._pending_cursor is not None:
            cursor = list(library._pending_cursor)  # not indexed yet: keep the old place
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
            cursor=cursor,
        )

    def _save_soon(self) -> None:
        self._save_timer = None
        try:
            session = self.current_session()
        except LookupError:
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
        self.save_now()
        self.exit()

    def save_now(self) -> None:
        """Synchronous save on the way out: session and the thumbnail size setting."""
        try:
            self._save_session(self.current_session())
        except LookupError:
            pass
        if self.tile_size != self._saved_tile_size and not self.read_only:
            try:
                save_keys({"tile_size": self.tile_size})
                self._saved_tile_size = self.tile_size
            except OSError as exc:
                self.notify(f"Could not save tile_size: {safe(exc)}", markup=False)

    def on_unmount(self) -> None:
        self.editing.close()
        self.thumbnails.close()

    # ------------------------------------------------------------------- palette

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: every key", "Show every binding and its id", self.action_help)
        if isinstance(screen, ViewerScreen):
            yield from edit_commands(self, screen)
        if not isinstance(screen, LibraryScreen):
            return
        yield from edit_commands(self, screen)
        yield SystemCommand(
            "Move rejected photos to #recycle",
            "Rejected photos (x) go to the space's recycle bin, after a confirmation",
            self.editing.recycle,
        )
        for title, help_text, action in (
            ("Search", "Type a query in the search bar (/)", screen.action_search),
            (
                "Filter…",
                "Filter by date, type, rating, camera, lens, folder, GPS (f)",
                screen.action_filter,
            ),
            ("Sort…", "Sort by date, name, size, modified or rating (s)", screen.action_sort),
            ("Jump to date…", "Move to a day or month in the Timeline (:)", screen.action_jump),
            ("Timeline / Folders", "Switch the view (w)", screen.action_switch_view),
            (
                "Group Timeline by day / month / year",
                "Cycle the headers (z)",
                screen.action_cycle_grouping,
            ),
            ("Info panel", "Show or hide the photo details (i)", screen.action_toggle_info),
            (
                "Copy path",
                "Copy the cursor photo's or the selection's paths (y)",
                screen.action_copy_paths,
            ),
            ("Sidebar", "Show or hide the sidebar (ctrl+b)", screen.action_toggle_sidebar),
        ):
            yield SystemCommand(title, help_text, action)
        for space in self.setup.on:
            yield SystemCommand(
                f"Show / hide {space.label}",
                f"Toggle {space.root}",
                lambda name=space.name: self.toggle_space(name),
            )
        for size in TILE_SIZES:
            yield SystemCommand(
                f"Thumbnails: {size}",
                "Thumbnail size (+ / - in the grid)",
                lambda size=size: setattr(screen.grid, "tile_size", size),
            )
