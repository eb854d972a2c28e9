"""What `ls` and `album show` write for each photo: its path, or one JSON object.

To a pipe, a path is written as its raw bytes (a non-UTF-8 name as on disk), so it can be
handed to other programs; each ends with a newline, or with a NUL byte under ``-0``, the only
separator a file name cannot contain. To a terminal, a path is shown through ``safe()``:
escape sequences in a name are made visible, never run.

A JSON object is one line whatever the separator: JSON escapes newlines and C0 controls, and
``json_line`` also escapes C1 controls, bidi overrides and line separators, which a JSON
parser reads back as the same characters but a terminal would act on.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TextIO

from phototerm.library.photo import VIDEO, Photo
from phototerm.library.text import safe

if TYPE_CHECKING:
    from phototerm.library.index import Index

# Characters JSON leaves as they are that a terminal acts on (or that reorder what it shows),
# and lone surrogates, which cannot be encoded as UTF-8 at all.
_RISKY = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\ud800-\udfff]"
)


def write_photos(
    index: Index, ids: Iterable[int], out: TextIO, *, as_json: bool, null: bool
) -> None:
    """Each photo as a path or a JSON object, ended by a newline (a NUL with ``null``)."""
    end = "\0" if null else "\n"
    if as_json:
        for photo_id in ids:
            photo = index.get(photo_id)
            out.write(json_line(photo_json(photo, index.rotation(photo_id))) + end)
    elif out.isatty():
        for photo_id in ids:
            out.write(safe(index.path(photo_id)) + end)
    else:
        # The path alone (no whole record per line), as raw bytes, a few thousand per write.
        out.flush()
        ending = end.encode()
        chunk: list[bytes] = []
        for photo_id in ids:
            chunk.append(os.fsencode(index.path(photo_id)) + ending)
            if len(chunk) >= 4096:
                out.buffer.write(b"".join(chunk))
                chunk.clear()
        out.buffer.write(b"".join(chunk))
        out.buffer.flush()
    out.flush()


def json_line(record: dict[str, Any]) -> str:
    text = json.dumps(record, ensure_ascii=False)
    return _RISKY.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def photo_json(photo: Photo, rotation: int = 0) -> dict[str, Any]:
    """A photo as ``ls --json`` gives it; unknown values are null (empty lists for tags)."""
    # JSON cannot carry a non-UTF-8 path as it is: it is given in its displayable form plus
    # the raw bytes in hex, so a script can still reach the file.
    path = photo.path
    record: dict[str, Any] = {"path": path}
    if _has_surrogates(path):
        record["path"] = safe(path)
        record["path_bytes_hex"] = os.fsencode(path).hex()
    record.update(
        space=photo.space,
        taken=iso_taken(photo),
        camera=photo.camera or None,
        lens=photo.lens or None,
        rating=photo.rating,
        width=photo.width or None,
        height=photo.height or None,
        type=photo.kind,
        size=photo.size,
        tags=list(photo.tags),
        description=photo.description or None,
        iso=photo.iso or None,
        f=photo.fnumber or None,
        shutter=photo.exposure or None,
        focal_length=photo.focal or None,
        gps={"lat": photo.lat, "lon": photo.lon} if photo.has_gps else None,
        rotation=rotation,
    )
    if photo.kind == VIDEO:
        record["duration"] = photo.duration or None
        record["codec"] = photo.codec or None
    if photo.pair:
        record["pair"] = _path_field(photo.pair_path)
        record["pair_kind"] = photo.pair_kind
    if photo.error:
        record["error"] = photo.error
    return record


def _path_field(path: str) -> str:
    """A path as JSON can carry it (a non-UTF-8 name in its displayable form)."""
    return safe(path) if _has_surrogates(path) else path


def iso_taken(photo: Photo) -> str | None:
    if photo.taken is None:
        return None
    try:
        wall = datetime.fromtimestamp(photo.taken, UTC).replace(tzinfo=None)
        if photo.tz_offset is not None:
            wall = wall.replace(tzinfo=timezone(timedelta(minutes=photo.tz_offset)))
    except (OverflowError, OSError, ValueError):  # a date or offset datetime cannot hold
        return None
    return wall.isoformat()


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
