"""What a kiosk shows, decided before it starts: an album, a search or a space, and how (a
slideshow at once, shuffled, with a caption). Pure: the command line builds a ``KioskPlan``
and checks it; the kiosk app turns it into a ``ViewSpec`` and captions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from phototerm.library.photo import Photo
from phototerm.library.text import safe
from phototerm.tui import model as views
from phototerm.tui.model import ViewSpec

if TYPE_CHECKING:  # the library's edits load once it is open
    from phototerm.library.edits import Editor

DEFAULT_INTERVAL = 8.0  # seconds a slide stays when the slideshow is started from the keys


@dataclass(frozen=True, slots=True)
class KioskPlan:
    album: str | None = None  # the album's name as the index knows it
    query: str = ""
    space: str | None = None  # one space only (None: every space that is on)
    slideshow: float | None = None  # seconds per slide: a slideshow at once (None: the grid)
    shuffle: bool = False
    caption: bool = False  # the date, and the place or the folder, with each slide

    @property
    def interval(self) -> float:
        return self.slideshow or DEFAULT_INTERVAL


def view_spec(plan: KioskPlan, spaces_on: Sequence[str], editor: Editor | None) -> ViewSpec:
    """The view of the plan: an album in its own order, else the photos oldest first (a
    slideshow tells the story in the order it happened)."""
    spaces = tuple(s for s in spaces_on if plan.space in (None, s))
    if plan.album is not None:
        sort, descending = views.album_sort(editor, plan.album)
        return ViewSpec(
            spaces, view=views.ALBUM, album=plan.album, sort=sort, descending=descending
        )
    return ViewSpec(spaces, view=views.TIMELINE, query=plan.query, sort="taken", descending=False)


def what(plan: KioskPlan) -> str:
    """What the kiosk shows, as its title says it (already safe)."""
    if plan.album is not None:
        return f"Album: {safe(plan.album, 80)}"
    if plan.query:
        return f"Search: {safe(plan.query, 80)}"
    return "All photos"


def day(photo: Photo) -> str:
    """The capture day as people write it ("14 July 2019"); '' when unknown."""
    if photo.taken is None:
        return ""
    try:
        taken = datetime.fromtimestamp(photo.taken, UTC)  # wall clock, encoded as UTC
    except (OverflowError, OSError, ValueError):
        return ""
    return f"{taken.day} {taken:%B %Y}"


def place(photo: Photo) -> str:
    """Where the photo was taken when the file says so, else its folder (already safe)."""
    if photo.lat is not None and photo.lon is not None:
        ns = "N" if photo.lat >= 0 else "S"
        ew = "E" if photo.lon >= 0 else "W"
        return f"{abs(photo.lat):.4f}° {ns}, {abs(photo.lon):.4f}° {ew}"
    return safe(photo.folder, 120)


def caption(photo: Photo) -> str:
    """A slide's caption: the date, and the place or the folder (already safe)."""
    return " · ".join(part for part in (day(photo), place(photo)) if part)
