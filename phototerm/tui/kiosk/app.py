"""The kiosk: a read-only phototerm for a lobby screen, a digital frame or a guest account,
that cannot be used for anything else.

It is its own App rather than the browser with keys refused: its screens bind only keys
that look (``inherit_bindings=False`` drops Textual's and the browser's own), so the footer,
the help and the palette can only offer those. Nothing writes: the library comes opened
read-only by the command line (stores read-only, no metadata cache written), thumbnails stay
in memory, no session, setting or theme is saved, and Textual's own writers (screenshots,
file deliveries, the clipboard, suspending, opening a browser) are turned off here.

Every RETRY_EVERY seconds it reads what other sessions changed in the stores; an album that
vanished shows a calm line and is looked for again at the same pace.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Literal, TextIO

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.screen import Screen

from phototerm.library import paths
from phototerm.library.opening import Library
from phototerm.library.settings import Settings
from phototerm.library.text import safe
from phototerm.library.thumbnails import ThumbnailService
from phototerm.tui import keys, terminal, themes
from phototerm.tui.kiosk.grid_screen import KioskGrid, KioskGridScreen
from phototerm.tui.kiosk.plan import KioskPlan, view_spec, what
from phototerm.tui.kiosk.slide_screen import SlideScreen
from phototerm.tui.kiosk.slides import Clock, Slideshow
from phototerm.tui.model import IndexModel, build
from phototerm.tui.output.driver import Output, diffing_driver
from phototerm.tui.screens.help import HelpScreen
from phototerm.tui.theme_files import ThemeCatalogue, derived_variables, load_catalogue
from phototerm.tui.threads import DaemonExecutor, close_within

RETRY_EVERY = 30.0  # seconds between looks at the stores (and retries when nothing shows)
MEMORY_ITEMS = 200  # thumbnails kept decoded: a screen of tiles and the slides around
CLOSE_WAIT = 0.3  # seconds quitting waits for the thumbnail decoders to stop

INTRO = (
    "phototerm kiosk: photos to look at. Nothing here changes, copies or saves anything; "
    "the thumbnail size and the theme last until the kiosk ends."
)


class KioskApp(keys.BindingGate, App[None], inherit_bindings=False):
    CSS_PATH = "../phototerm.tcss"
    TITLE = "phototerm kiosk"
    ALLOW_SELECT = False  # selected text would be copied to the clipboard
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="kiosk.quit", tooltip="End the kiosk"),
        Binding("question_mark", "help", "Help", id="kiosk.help", tooltip="Every key"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            id="kiosk.commands",
            priority=True,
            show=False,  # the Footer shows the palette key on its right
            tooltip="Find what the kiosk can do by name",
        ),
        Binding(
            "ctrl+l",
            "redraw",
            "Redraw",
            id="kiosk.redraw",
            show=False,
            priority=True,
            tooltip="Draw the whole screen again (after another program wrote over it)",
        ),
    ]

    def __init__(
        self,
        library: Library,
        plan: KioskPlan,
        *,
        settings: Settings,
        color: terminal.ColorSetup | None = None,
        cache_dir: str | None = None,
        clock: Clock = time.monotonic,
        rng: random.Random | None = None,
        retry_every: float = RETRY_EVERY,
    ) -> None:
        """``library``: opened read-only, and closed by the kiosk when it ends. ``clock``,
        ``rng`` and ``retry_every`` are the slideshow's time, its shuffle and the pace of
        the retries (tests give their own)."""
        self.settings = settings
        self.output = Output()
        self.color = color if color is not None else terminal.detect(os.environ, settings)
        with terminal.patched_environ(terminal.color_environ(self.color.mode, os.environ)):
            super().__init__()
        self.library = library
        self.plan = plan
        self.index = library.index
        # phototerm's thumbnail cache is read (never written): what a normal session made.
        cache = cache_dir if cache_dir is not None else str(paths.cache_dir())
        self.thumbnails = ThumbnailService(
            cache, workers=2, read_only=True, memory_items=MEMORY_ITEMS
        )
        self.clock = clock
        self.rng = rng or random.Random()
        self.retry_every = retry_every
        self.quitting = False
        self.problems: list[str] = [*settings.problems, *self.color.problems]
        self.theme_catalogue = ThemeCatalogue((), ())
        self.model = IndexModel(self.index, [], [], 0)
        self.unavailable = ""  # why nothing of the plan can be shown now ('' when it can)
        self._slideshow_started = False

    # ----------------------------------------------------------------------- start-up

    def on_mount(self) -> None:
        asyncio.get_running_loop().set_default_executor(DaemonExecutor())
        self.theme_catalogue = load_catalogue()
        self.problems.extend(themes.install(self, None, self.settings, self.theme_catalogue))
        for problem in self.problems:
            self.notify(problem, severity="warning", timeout=10, markup=False)
        self._rebuild()
        grid = KioskGridScreen(what(self.plan), self.index, self.thumbnails, self.color.mode)
        grid.set_model(self.model, self._empty_text())
        self.push_screen(grid)
        self._start_slideshow()
        self.set_interval(self.retry_every, self.check_library, name="kiosk-retry")

    def _start_slideshow(self) -> None:
        """With ``--slideshow`` it starts at once; with no photo to show yet, as soon as one
        is there (a lobby screen must not stay on an empty grid)."""
        if self.plan.slideshow is not None and not self._slideshow_started and len(self.model):
            self._slideshow_started = True
            self._open_slides(self.model.photo_id(0), playing=True)

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, writing only the cells that change (see tui/output/): a slide
        over a guest's SSH link costs the cells that differ, not the whole screen."""
        return diffing_driver(super().get_driver_class(), self.output)

    def action_redraw(self) -> None:
        self.output.forget()
        self.refresh(repaint=True, layout=True)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return derived_variables(self.current_theme)

    # ----------------------------------------------------------------------- the photos

    def _rebuild(self) -> None:
        library = self.library
        spaces = [s.name for s in library.setup.on]
        spec = view_spec(self.plan, spaces, library.editor)
        self.model = build(self.index, spec, spaces)
        album = self.plan.album
        if album is not None and album not in self.index.album_names():
            self.unavailable = f"The album {safe(album, 60)} is not here right now"
        elif not len(self.model):
            self.unavailable = "No photos to show right now"
        else:
            self.unavailable = ""

    def _empty_text(self) -> str:
        if not self.unavailable:
            return ""
        return f"{self.unavailable}. Trying again every {self.retry_every:g} seconds."

    def check_library(self) -> None:
        """(Every retry_every seconds.) What other sessions changed in the stores (an album
        edited, deleted, made again); then the screens show it, or try again."""
        editor = self.library.editor
        changed = editor.refresh() if editor is not None else False
        if changed or self.unavailable:
            self._rebuild()
            for screen in self.screen_stack:
                if isinstance(screen, KioskGridScreen):
                    screen.set_model(self.model, self._empty_text())
                elif isinstance(screen, SlideScreen):
                    screen.set_model(self.model, self.unavailable)
        if not self.unavailable:
            for screen in self.screen_stack:
                if isinstance(screen, SlideScreen):
                    screen.retry()  # photos that could not be shown may be back
            self._start_slideshow()

    @on(KioskGridScreen.OpenSlides)
    def _open_from_grid(self, message: KioskGridScreen.OpenSlides) -> None:
        self._open_slides(message.photo_id, playing=message.playing)

    def _open_slides(self, photo_id: int, *, playing: bool) -> None:
        slides = Slideshow(
            self.model.ids,
            self.plan.interval,
            start=photo_id,
            shuffle=self.plan.shuffle,
            rng=self.rng,
            clock=self.clock,
            playing=playing,
        )
        screen = SlideScreen(
            self.model,
            slides,
            index=self.index,
            thumbnails=self.thumbnails,
            color=self.color.mode,
            caption=self.plan.caption,
            retry_every=self.retry_every,
        )

        def back(photo_id: int | None) -> None:
            if photo_id is not None and isinstance(self.screen, KioskGridScreen):
                self.screen.move_to_photo(photo_id)

        self.push_screen(screen, back)

    # ----------------------------------------------------------------------- keys

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        rows = keys.binding_help(self, {}, help_sections(type(self)), focus_row=False)
        self.push_screen(HelpScreen(rows, intro=INTRO, ids=False))

    async def action_quit(self) -> None:
        self.quitting = True  # from now on no binding runs (keys.BindingGate)
        self.exit()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: only what the keys do, and the themes (for this session). Textual's
        own commands are left out: its "Screenshot" saves a file, its "Keys" panel and
        "Maximize" are not the kiosk's."""
        yield SystemCommand("Help: every key", "Show every key of the kiosk", self.action_help)
        if isinstance(screen, SlideScreen):
            yield SystemCommand("Slideshow: play or pause", "(space)", screen.action_play_pause)
            yield SystemCommand("Next photo", "(→)", lambda: screen.action_step(1))
            yield SystemCommand("Previous photo", "(←)", lambda: screen.action_step(-1))
            yield SystemCommand(
                "Info panel", "Show or hide the details (i)", screen.action_toggle_info
            )
            yield SystemCommand("Back to the photos", "(Esc)", screen.action_close)
        elif isinstance(screen, KioskGridScreen):
            yield SystemCommand(
                "Slideshow", "From the photo under the cursor (space)", screen.action_play
            )
            yield SystemCommand(
                "Info panel", "Show or hide the details (i)", screen.action_toggle_info
            )
        yield from themes.palette_commands(self, self.theme_catalogue, remember=False)
        yield SystemCommand("Quit", "End the kiosk (q)", self.action_quit)

    # --------------------------------------------- Textual's writers, turned off here

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Not in a kiosk: a screenshot is a file."""

    def save_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str:
        """Not in a kiosk (also what TEXTUAL_SCREENSHOT would call): nothing is written."""
        return ""

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        return None

    def deliver_text(
        self,
        path_or_file: str | Path | TextIO,
        *,
        save_directory: str | Path | None = None,
        save_filename: str | None = None,
        open_method: Literal["browser", "download"] = "download",
        encoding: str | None = None,
        mime_type: str | None = None,
        name: str | None = None,
    ) -> str | None:
        return None

    def deliver_binary(
        self,
        path_or_file: str | Path | BinaryIO,
        *,
        save_directory: str | Path | None = None,
        save_filename: str | None = None,
        open_method: Literal["browser", "download"] = "download",
        mime_type: str | None = None,
        name: str | None = None,
    ) -> str | None:
        return None

    def copy_to_clipboard(self, text: str) -> None:
        """Nothing leaves the kiosk, not even through the terminal's clipboard."""

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """No other program is started (Textual would open a web browser)."""

    def action_suspend_process(self) -> None:
        """No way out to a shell (Textual would stop the process, as ctrl+z does)."""

    def on_unmount(self) -> None:
        self.library.close()
        close_within(self.thumbnails.close, CLOSE_WAIT, "thumbnails-close")


def help_sections(app_class: type) -> list[tuple[str, list[type]]]:
    """(help section, classes) whose keys the kiosk's help lists."""
    return [
        ("Everywhere", [app_class]),
        ("Photos (grid)", [KioskGrid, KioskGridScreen]),
        ("A photo, the slideshow", [SlideScreen]),
        ("Help", [HelpScreen]),
    ]
