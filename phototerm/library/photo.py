"""The Photo record: what the metadata reader produces and what the index hands out.

The index does not keep Photo objects (it stores columns, see index/columns.py); a Photo is the
unit of transfer between the reader, the metadata cache, the index and the views.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from phototerm.library.values import camera_name

PERSONAL = "personal"
SHARED = "shared"
LABELS = {PERSONAL: "Personal Space", SHARED: "Shared Space"}  # as people read them

PHOTO = "photo"
VIDEO = "video"

PHOTO_EXTENSIONS = frozenset(
    ["jpg", "jpeg", "png", "tif", "tiff", "webp", "heic", "heif", "avif", "gif", "bmp"]
)
# RAW formats are listed as photos (kind "photo", is_raw True); their pixels are not decoded.
RAW_EXTENSIONS = frozenset(
    [
        "arw",
        "cr2",
        "cr3",
        "crw",
        "dng",
        "nef",
        "nrw",
        "orf",
        "pef",
        "raf",
        "rw2",
        "rwl",
        "sr2",
        "srf",
        "srw",
        "x3f",
        "3fr",
        "erf",
        "kdc",
        "mef",
        "mos",
        "mrw",
    ]
)
VIDEO_EXTENSIONS = frozenset(["mp4", "mov", "m4v", "avi", "mkv", "3gp", "webm"])
# Pictures Pillow reads only with pillow-heif (the ``heif`` extra).
HEIF_EXTENSIONS = frozenset(["heic", "heif", "avif"])

# Ratings follow xmp:Rating: -1 rejected, 0 unrated, 1..5 stars.
REJECTED = -1
UNRATED = 0


def extension(name: str) -> str:
    """Lower-case extension without the dot ('' when there is none)."""
    dot = name.rfind(".")
    return name[dot + 1 :].lower() if dot > 0 else ""


def kind_of(name: str) -> str | None:
    """'photo', 'video' or None (not a media file) from the file name alone."""
    ext = extension(name)
    if ext in PHOTO_EXTENSIONS or ext in RAW_EXTENSIONS:
        return PHOTO
    if ext in VIDEO_EXTENSIONS:
        return VIDEO
    return None


def duration_text(seconds: float) -> str:
    """A video's length as m:ss (h:mm:ss from an hour), as players show it."""
    total = max(0, int(seconds + 0.5))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def is_raw(name: str) -> bool:
    return extension(name) in RAW_EXTENSIONS


@dataclass(slots=True)
class Photo:
    """One photo or video file and what we know about it.

    Times: ``taken`` is the capture time as *wall-clock* seconds (the local time the camera
    showed, encoded as if it were UTC: ``datetime.fromtimestamp(taken, timezone.utc)`` gives
    the wall-clock fields back). Grouping by day and ``date:`` filters use wall clock, as a
    person means them. ``tz_offset`` is the UTC offset in minutes when the file says so.
    ``mtime`` is the ordinary POSIX mtime.

    ``rel`` is the path relative to the space root with '/' separators, as on disk (non-UTF-8
    names keep their surrogate escapes; display goes through ``library.text.safe``).

    ``width``/``height`` are the pixels as stored (a portrait shot may be stored landscape
    with ``orientation`` 6). Videos add ``duration`` (seconds, 0 = unknown) and ``codec``
    (FFmpeg's name of the video codec: "h264", "hevc"). ``pair`` is filled by the index, not
    by the reader: the file shown together with this one (a RAW beside its JPEG, a Live
    Photo's movie beside its still), as a path relative to the same root.
    """

    space: str
    root: str
    rel: str
    kind: str = PHOTO
    size: int = 0
    mtime: float = 0.0
    taken: float | None = None
    tz_offset: int | None = None
    make: str = ""
    model: str = ""
    lens: str = ""
    iso: int = 0
    fnumber: float = 0.0  # 0 = unknown
    exposure: float = 0.0  # seconds, 0 = unknown
    focal: float = 0.0  # mm, 0 = unknown
    width: int = 0
    height: int = 0
    orientation: int = 1  # EXIF 1..8
    lat: float | None = None
    lon: float | None = None
    description: str = ""
    rating: int = UNRATED  # from the file / sidecar; the store may override it
    error: str = ""  # why the file could not be read ("" = fine)
    tags: tuple[str, ...] = field(default_factory=tuple)
    duration: float = 0.0
    codec: str = ""
    pair: str = ""  # last: the reader's rows hold every field before it (see metadata.reader)

    @property
    def path(self) -> str:
        return os.path.join(self.root, self.rel)

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    @property
    def folder(self) -> str:
        """Folder relative to the space root ('' for the root itself)."""
        return self.rel.rsplit("/", 1)[0] if "/" in self.rel else ""

    @property
    def camera(self) -> str:
        """Make and model as people say it ("Canon EOS R6", not "Canon Canon EOS R6")."""
        return camera_name(self.make, self.model)

    @property
    def is_raw(self) -> bool:
        return is_raw(self.rel)

    @property
    def pair_kind(self) -> str:
        """ "RAW+JPEG", "LIVE" or "" (see ``pair``)."""
        if not self.pair:
            return ""
        return "LIVE" if kind_of(self.pair) == VIDEO else "RAW+JPEG"

    @property
    def pair_path(self) -> str:
        return os.path.join(self.root, self.pair) if self.pair else ""

    @property
    def has_gps(self) -> bool:
        return self.lat is not None and self.lon is not None
