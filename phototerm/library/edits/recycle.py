"""Moving a space's rejected photos into its ``#recycle`` folder (Synology's recycle bin).

Nothing is deleted: each photo (and its XMP sidecar) is moved under ``<root>/#recycle``,
keeping its folders, and a name already taken there gets a suffix. Emptying the bin is left
to the user (DSM's recycle bin settings, a file manager): phototerm never deletes a photo.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from phototerm.library.edits.results import n_photos
from phototerm.library.index import Index
from phototerm.library.roles import Access
from phototerm.library.spaces import LABELS
from phototerm.library.text import safe

RECYCLE = "#recycle"


@dataclass(frozen=True, slots=True)
class RecycleResult:
    moved: tuple[tuple[str, str], ...]  # (from, to) absolute paths
    errors: tuple[str, ...]
    message: str
    ok: bool = True


def rejected(index: Index, space: str) -> list[int]:
    return list(index.search(f"rating:-1 space:{space}"))


def recycle_rejects(index: Index, access: Access, space: str) -> RecycleResult:
    """Move the rejected photos of ``space`` to its #recycle folder and drop them from the
    index. Needs the "manage" right: moving files is more than editing the store."""
    reason = access.why_not_manage(space)
    if reason:
        return RecycleResult((), (), reason, ok=False)
    root = access.stores[space].root
    moved: list[tuple[str, str]] = []
    errors: list[str] = []
    for pid in rejected(index, space):
        photo = index.get(pid)
        source = photo.path
        try:
            target = _move_noreplace(source, os.path.join(root, RECYCLE, photo.rel))
        except OSError as exc:
            errors.append(f"{safe(source)}: {exc.strerror or exc}")
            continue
        moved.append((source, target))
        side = source + ".xmp"  # follows its photo, so the pair stays together in the bin
        if os.path.exists(side):
            try:
                _move_noreplace(side, target + ".xmp")
            except OSError as exc:
                errors.append(f"{safe(side)}: {exc.strerror or exc}")
        index.remove(space, photo.rel)
    label = LABELS.get(space, space)
    msg = f"Moved {n_photos(len(moved))} to {RECYCLE} in the {label}"
    if errors:
        msg += f"; {len(errors)} could not be moved"
    return RecycleResult(tuple(moved), tuple(errors), msg, ok=not errors)


def _move_noreplace(source: str, target: str) -> str:
    """Move ``source`` to ``target`` (or ``target`` with " (2)", " (3)"... before the
    extension), never replacing an existing file. Returns where it went."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    stem, ext = os.path.splitext(target)
    candidate, n = target, 1
    while True:
        try:
            # link() fails if candidate exists: no overwrite race. A symlink moves as itself.
            os.link(source, candidate, follow_symlinks=False)
        except FileExistsError:
            n += 1
            candidate = f"{stem} ({n}){ext}"
            continue
        except OSError:  # no hard links here (some network filesystems): check, then rename
            if os.path.lexists(candidate):
                n += 1
                candidate = f"{stem} ({n}){ext}"
                continue
            os.rename(source, candidate)
            return candidate
        try:
            os.unlink(source)  # the file lives on under its new name
        except OSError:
            os.unlink(candidate)  # could not finish the move: leave things as they were
            raise
        return candidate
