"""One photo as large as the terminal allows: the kiosk's viewer and its slideshow, which is
the viewer playing (``space`` pauses and plays).

Playing, the screen is the photo alone (with ``caption``: its date, and its place or folder,
on one line); paused, it also shows where it is and the keys. Every slide is looked at
before it is shown, on a thread (a stat: a photo on a NAS that stopped answering must not
freeze the screen): a photo deleted since the kiosk started is skipped, and a changed file is
read again rather than shown from memory, so a photo broken since is skipped too (it cannot
be decoded). When no photo of a whole round can be shown, the show waits with a calm line,
and the app tries again (``retry``).
"""

from __future__ import annotations

import dataclasses
import os
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from phototerm.library.index import Index
from phototerm.library.photo import Photo
from phototerm.library.text import safe
from phototerm.library.thumbnails import ThumbnailService
from phototerm.tui.keys import BindingGate
from phototerm.tui.kiosk.latest import LatestOnly
from phototerm.tui.kiosk.plan import caption
from phototerm.tui.kiosk.slides import Slideshow
from phototerm.tui.model import IndexModel
from phototerm.tui.screens.footer_first import KIOSK_FIRST, first_in_footer
from phototerm.tui.widgets.infopanel import InfoPanel
from phototerm.tui.widgets.keys_footer import KeysFooter
from phototerm.tui.widgets.photoview import PhotoView, step_bindings

TICK = 0.25  # seconds between looks at the slideshow's clock


class SlideInfo(InfoPanel, can_focus=False):
    """The details beside a slide. Never focused: the arrows and page keys are the
    slideshow's, not a scroll of the panel."""


class SlideScreen(BindingGate, Screen[int | None], inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = [
        *step_bindings("kiosk.slides.next", "kiosk.slides.previous"),
        Binding(
            "space",
            "play_pause",
            "Play/Pause",
            id="kiosk.slides.play",
            tooltip="Play the slideshow, or pause it on this photo",
        ),
        Binding(
            "i",
            "toggle_info",
            "Info",
            id="kiosk.slides.info",
            tooltip="Show or hide the photo's details",
        ),
        Binding(
            "escape",
            "close",
            "Photos",
            id="kiosk.slides.close",
            tooltip="Back to the photos, on this one",
        ),
    ]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        # Quit and Help first in the footer: on 80 columns they would fall off its end.
        return first_in_footer(super().active_bindings, KIOSK_FIRST)

    DEFAULT_CSS = """
    SlideScreen #slide-caption { height: 1; padding: 0 1; background: $panel; }
    SlideScreen #slide-body { height: 1fr; }
    SlideScreen #slide-photo { width: 1fr; height: 100%; }
    SlideScreen #slide-info { width: 44; height: 100%; background: $surface; padding: 0 1; }
    SlideScreen.-playing KeysFooter { display: none; }
    SlideScreen.-playing.-bare #slide-caption { display: none; }
    """

    class Checked(Message):
        """(From the checking thread.) The slide ``token`` can be shown as ``photo`` (its
        file as it is now), or not at all (``photo`` None, ``reason`` why)."""

        def __init__(self, token: int, photo: Photo | None, reason: str) -> None:
            super().__init__()
            self.token = token
            self.photo = photo
            self.reason = reason

    def __init__(
        self,
        model: IndexModel,
        slides: Slideshow,
        *,
        index: Index,
        thumbnails: ThumbnailService,
        color: str,
        caption: bool = False,
        info: bool = False,
        retry_every: float = 30.0,
    ) -> None:
        """``retry_every``: how often the app tries again when nothing can be shown (the
        waiting line says so)."""
        super().__init__()
        self.model = model
        self.slides = slides
        self.index = index
        self.thumbnails = thumbnails
        self.color = color
        self.caption = caption
        self._info = info
        self.retry_every = retry_every
        self._token = 0  # the slide asked for last; older answers are dropped
        self.photo: Photo | None = None  # the photo on screen (its file as checked)
        self.failures = 0  # slides in a row that could not be shown
        self.waiting = ""  # why the show waits (nothing could be shown), '' when it does not
        self._gone = False  # paused on a photo whose file is gone
        self._composed = False  # (is_mounted is False until on_mount has returned)
        self._checker = LatestOnly("slide-check")

    def compose(self) -> ComposeResult:
        with Horizontal(id="slide-body"):
            yield PhotoView(self.thumbnails, self.color, id="slide-photo")
            yield SlideInfo(self.index, id="slide-info")
        yield Static("", id="slide-caption")
        yield KeysFooter()

    @property
    def view(self) -> PhotoView:
        return self.query_one(PhotoView)

    @property
    def info(self) -> SlideInfo:
        return self.query_one(SlideInfo)

    def on_unmount(self) -> None:
        self._checker.close()

    def on_mount(self) -> None:
        self._composed = True
        self.info.display = self._info
        self.set_class(not self.caption, "-bare")
        self._playing_changed()
        self.set_interval(TICK, self.tick, name="slideshow")
        self.show_current()

    # ----------------------------------------------------------------- the slides

    def tick(self) -> None:
        """(Every TICK, and from tests with a fake clock.) Next slide when it is time."""
        if self.slides.time_is_up() and not self.waiting:
            self.slides.step(1)
            self.show_current()

    def show_current(self) -> None:
        photo_id = self.slides.current
        self._token += 1
        if photo_id is None:
            self._wait("No photos to show")
            return
        self._check(self._token, self.index.get(photo_id))

    def _check(self, token: int, photo: Photo) -> None:
        self._checker.submit(lambda: self._look(token, photo))

    def _look(self, token: int, photo: Photo) -> None:
        """(On the checking thread.) Is the photo's file still there, and as indexed?"""
        try:
            st = os.stat(photo.path)
        except (OSError, ValueError) as exc:  # ValueError: a NUL in a name (never indexed)
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            self.post_message(self.Checked(token, None, f"{safe(photo.name, 80)}: {reason}"))
            return
        if (st.st_size, st.st_mtime) != (photo.size, photo.mtime):
            # Changed since it was indexed: read it as it is now, not from memory.
            photo = dataclasses.replace(photo, size=st.st_size, mtime=st.st_mtime)
        self.post_message(self.Checked(token, photo, ""))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        if message.token != self._token:
            return  # the slideshow has moved on meanwhile
        if message.photo is None:
            if self.slides.playing:
                self._skip()
            else:
                self.photo = None
                self._gone = True
                self.view.show_message(Text(f"Not here any more: {message.reason}"))
                self._update_caption()
            return
        self.photo = message.photo
        self._gone = False
        photo_id = self.slides.current
        rotation = self.index.rotation(photo_id) if photo_id is not None else 0
        self.view.show(message.photo, rotation)
        self._update_caption()
        if self.info.display and photo_id is not None:
            self.info.show(photo_id)

    @on(PhotoView.Shown)
    def _shown(self, message: PhotoView.Shown) -> None:
        message.stop()
        if message.photo is not self.photo:
            return
        if message.ok:
            self.failures = 0
            self.slides.shown()
        elif self.slides.playing:
            self._skip()  # broken since it was indexed, or never readable: the next one

    def _skip(self) -> None:
        self.failures += 1
        if self.failures >= len(self.slides):
            self._wait("No photo can be shown right now")
            return
        self.slides.step(1)
        self.show_current()

    def _wait(self, why: str) -> None:
        """Nothing can be shown: a calm line until ``retry`` or a new model brings photos."""
        self.waiting = why
        self.photo = None
        self.slides.due = None
        if self._composed:
            again = f"Trying again every {self.retry_every:g} seconds."
            self.view.show_message(Text(f"{why}. {again}", style="dim"))
            self._update_caption()

    def retry(self) -> None:
        """(From the app, every retry period.) Try again when the show is waiting."""
        if self.waiting:
            self.waiting = ""
            self.failures = 0
            self.show_current()

    def set_model(self, model: IndexModel, unavailable: str = "") -> None:
        """The photos changed (the album was edited, came back, or is gone: ``unavailable``
        says why, already safe): go on with the photo on screen when it is still there."""
        self.model = model
        self.slides.replace(model.ids)
        if unavailable:
            self._token += 1  # an answer on its way is for the photos that are gone
            self._wait(unavailable)
            return
        if self.waiting or self.slides.current is None or self.photo is None:
            self.waiting = ""
            self.failures = 0
            self.show_current()

    # ----------------------------------------------------------------- what is shown

    def _playing_changed(self) -> None:
        self.set_class(self.slides.playing, "-playing")
        self._update_caption()

    def _update_caption(self) -> None:
        if not self._composed:
            return
        line = Text(no_wrap=True, overflow="ellipsis")
        photo_id = self.slides.current
        if not self.slides.playing:
            line.append("⏸ ", style="bold")
            if photo_id is not None:
                line.append(f"{self.slides.position + 1:,} / {len(self.slides):,}  ", style="bold")
        if self.photo is not None:
            if not self.slides.playing:
                line.append(f"{safe(self.photo.name, 80)}  ·  ")
            line.append(caption(self.photo))
        self.query_one("#slide-caption", Static).update(line, layout=False)

    # ----------------------------------------------------------------- actions

    def action_step(self, delta: int) -> None:
        if not len(self.slides):
            return
        self.failures = 0
        self.waiting = ""
        self.slides.step(delta)
        self.show_current()

    def action_play_pause(self) -> None:
        if self.slides.playing:
            self.slides.pause()
        else:
            self.slides.play()
            if self.waiting:
                self.retry()
            elif self._gone:  # paused on a photo that is gone: on to the next
                self._skip()
        self._playing_changed()

    def action_toggle_info(self) -> None:
        self.info.display = not self.info.display
        photo_id = self.slides.current
        if self.info.display and photo_id is not None:
            self.info.show(photo_id)

    def action_close(self) -> None:
        self.dismiss(self.slides.current)
