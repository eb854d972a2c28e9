"""What a video file says about itself: duration, pixel size, codec, capture time (PyAV).

The container's header is checked from the reader's first read whatever is installed (a
text file named .mp4 is "not a video"); with PyAV (``phototerm[video]``) the container is
opened, never decoded: FFmpeg reads the header (an MP4's ``moov``), bounded by ``PROBE``
bytes. Runs in the indexer's worker processes, like the rest of the reader.

Capture time: Apple's ``com.apple.quicktime.creationdate`` (the camera's wall clock with its
offset), else the container's or the video stream's ``creation_time`` (UTC: shown in this
machine's time zone, as a file's mtime is), else the caller's fallback (the mtime). The
zero dates some muxers write (1904, 1970) count as absent.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, BinaryIO

from phototerm.library import extras
from phototerm.library.metadata.exiftags import MAX_NAME, wall_clock
from phototerm.library.text import clean_metadata

PROBE = 5_000_000  # bytes FFmpeg may read to find the streams
# ISO base media (MP4, MOV, M4V, 3GP): the first box's type
_BMFF_BOXES = frozenset({b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot", b"uuid"})
_EBML = b"\x1a\x45\xdf\xa3"  # Matroska, WebM
_ISO_TIME = re.compile(
    r"\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)
_MIN_YEAR = 1971  # before: a zero date (QuickTime counts from 1904, others from 1970)


def is_bmff(head: bytes) -> bool:
    """Whether the file starts like an ISO base media file (MP4, MOV, M4V, 3GP)."""
    return head[4:8] in _BMFF_BOXES


def container_error(head: bytes) -> str:
    """'' when ``head`` starts like a video container, else why the file is not one."""
    if not head:
        return "empty file"
    if head[4:8] in _BMFF_BOXES or head[:4] == _EBML:
        return ""
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return ""
    return "not a video (unrecognised content)"


def read_video(fh: BinaryIO, fields: dict[str, Any]) -> str:
    """Fill ``fields`` (width, height, duration, codec, taken, tz_offset) from the open file;
    returns an error text ('' = fine). Without PyAV nothing is read and nothing is wrong."""
    if not extras.installed(extras.VIDEO):
        return ""
    import av  # the video extra; imported here so the reader starts without it

    fh.seek(0)
    try:
        options = {"probesize": str(PROBE), "analyzeduration": str(PROBE)}
        with av.open(fh, mode="r", options=options) as container:
            _streams(container, fields)
            _capture_time(container, fields)
    except av.error.InvalidDataError:
        return "damaged video (FFmpeg cannot read it)"
    except (av.error.FFmpegError, OSError, ValueError, EOFError) as exc:
        return f"damaged video: {clean_metadata(str(exc))[:200] or type(exc).__name__}"
    return ""


def _streams(container: Any, fields: dict[str, Any]) -> None:
    duration = container.duration  # microseconds (FFmpeg's AV_TIME_BASE), or None
    seconds = duration / 1_000_000 if isinstance(duration, int) and duration > 0 else 0.0
    videos = list(container.streams.video)
    if videos:
        stream = videos[0]
        context = stream.codec_context
        fields["codec"] = clean_metadata(context.name or "")[:MAX_NAME]
        if 0 < context.width < 1_000_000 and 0 < context.height < 1_000_000:
            fields["width"], fields["height"] = int(context.width), int(context.height)
        if not seconds and stream.duration and stream.time_base:
            seconds = float(stream.duration * stream.time_base)
    if math.isfinite(seconds) and 0 < seconds < 1e9:
        fields["duration"] = round(seconds, 3)


def _capture_time(container: Any, fields: dict[str, Any]) -> None:
    tags = dict(container.metadata)
    apple = tags.get("com.apple.quicktime.creationdate")
    found = _parse(apple, wall=True) if apple else None
    if found is None:
        for source in (tags, *(dict(s.metadata) for s in container.streams.video)):
            value = source.get("creation_time")
            found = _parse(value, wall=False) if value else None
            if found is not None:
                break
    if found is not None:
        fields["taken"], fields["tz_offset"] = found


def _parse(value: object, wall: bool) -> tuple[float, int | None] | None:
    """(wall-clock seconds, offset in minutes) from an ISO 8601 time. ``wall``: the text is
    the camera's wall clock (with its offset); otherwise it is UTC, shown in local time."""
    if not isinstance(value, str):
        return None
    match = _ISO_TIME.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    if moment.year < _MIN_YEAR:
        return None
    offset = _offset(zone)
    if wall:
        seconds = (moment - datetime(1970, 1, 1)).total_seconds()
        return seconds, offset
    utc = moment.replace(tzinfo=timezone(timedelta(minutes=offset or 0)))
    taken, tz = wall_clock(utc.astimezone(UTC).timestamp())
    return (taken, tz) if taken is not None else None


def _offset(zone: str | None) -> int | None:
    if not zone:
        return None
    if zone == "Z":
        return 0
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    return sign * minutes if minutes <= 14 * 60 else None
