"""``phototerm export``: copying originals out of the library, for people allowed to download.

The same rules as importing, the other way: copies only (the photos stay where they are),
never overwriting (a name already taken in the destination gets a suffix, ``IMG_1 (2).jpg``,
so two photos of the same name from different folders both arrive), a file already there with
the same bytes is not copied again (running it twice is safe), and each copy is written under
a hidden name, fsynced, then given its name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from phototerm.library.durable import fsync_dir
from phototerm.library.edits.importing import already_there, place, temp_copy
from phototerm.library.files.regular import is_regular
from phototerm.library.photo import Photo
from phototerm.library.text import safe


class ExportProblem(Exception):
    """A destination that cannot be used (the message says why); nothing was copied."""


@dataclass
class ExportResult:
    copied: list[tuple[str, str]] = field(default_factory=list)  # (photo, where it went)
    renamed: int = 0  # given another name: theirs was taken by another file
    already: int = 0  # the same bytes were already there
    errors: list[str] = field(default_factory=list)


def destination(dest: str) -> str:
    """The folder to copy into: made when missing; ExportProblem when it is a file."""
    if os.path.lexists(dest) and not os.path.isdir(dest):
        raise ExportProblem(f"{safe(dest)} is not a folder")
    try:
        os.makedirs(dest, exist_ok=True)
    except OSError as exc:
        raise ExportProblem(f"cannot make {safe(dest)}: {exc.strerror or exc}") from exc
    if not os.access(dest, os.W_OK | os.X_OK):
        raise ExportProblem(f"no write permission on {safe(dest)}")
    return dest


def export_photos(photos: Iterable[Photo], dest: str) -> ExportResult:
    """Copy each photo's original file into ``dest`` (see the module's rules)."""
    folder = destination(dest)
    result = ExportResult()
    for photo in photos:
        source = photo.path
        wanted = os.path.join(folder, os.path.basename(source))
        try:
            if not is_regular(source):
                result.errors.append(f"{safe(source)}: not a regular file")
                continue
            if already_there(source, wanted):
                result.already += 1
                continue
            placed = place(temp_copy(source, folder), wanted)
        except OSError as exc:
            result.errors.append(f"{safe(source)}: {exc.strerror or exc}")
            continue
        result.copied.append((source, placed))
        if placed != wanted:
            result.renamed += 1
    if result.copied:
        fsync_dir(folder)
    return result
