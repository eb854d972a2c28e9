"""Moving a space's rejected photos into its ``#recycle`` folder (Synology's recycle bin).

Nothing is deleted: each photo is moved under ``<root>/#recycle``, keeping its folders, and a
name already taken there gets a suffix. Emptying the bin is left to the user (DSM's recycle
bin settings, a file manager): phototerm never deletes a photo.

Nothing leaves the space either (files/folders.py): ``#recycle``, and every folder on the
way to a photo's place in it, is opened without following links and must be on the space's
device; a ``#recycle`` that is a link or a mount refuses the whole run. A photo that is a link
moves as the link it is, only if it leads to the same file from the bin (an absolute
target, or a relative one that still resolves there), else it stays where it is.

Its sidecars go with it: ``NAME.EXT.xmp`` always, a Lightroom-style ``NAME.xmp`` once no
other photo named ``NAME.*`` is left in the folder (a RAW+JPEG pair shares one).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from phototerm.library.edits.results import n_photos
from phototerm.library.files.folders import Refused, SpaceFolders, entry, is_link, move_noreplace
from phototerm.library.files.links import inside
from phototerm.library.index import Index
from phototerm.library.ingest.scanner import MEDIA_EXTENSIONS
from phototerm.library.photo import REJECTED, Photo
from phototerm.library.roles import Access
from phototerm.library.spaces import LABELS
from phototerm.library.text import safe

RECYCLE = "#recycle"
_XMP = ".xmp"


@dataclass(frozen=True, slots=True)
class RecycleResult:
    moved: tuple[tuple[str, str], ...]  # (from, to) absolute paths
    errors: tuple[str, ...]
    message: str
    ok: bool = True


def rejected(index: Index, space: str) -> list[int]:
    """The rejected photos of ``space``, each file of a pair on its own (rejecting a pair
    rejects both files; one rejected alone, by its sidecar, goes alone)."""
    found = index.with_pairs(index.search(f"rating:-1 space:{space}"))
    return [pid for pid in found if index.get(pid).rating == REJECTED]


def recycle_rejects(index: Index, access: Access, space: str) -> RecycleResult:
    """Move the rejected photos of ``space`` to its #recycle folder and drop them from the
    index. Needs the "manage" right: moving files is more than editing the store."""
    reason = access.why_not_manage(space)
    if reason:
        return RecycleResult((), (), reason, ok=False)
    root = access.stores[space].root
    label = LABELS.get(space, space)
    try:
        folders = SpaceFolders(root)
    except OSError as exc:
        return RecycleResult((), (), f"Cannot open {safe(root)}: {exc.strerror}", ok=False)
    moved: list[tuple[str, str]] = []
    errors: list[str] = []
    try:
        try:
            with folders.folder([RECYCLE], create=True):
                pass  # the bin itself: a link or a mount refuses the whole run
        except (Refused, OSError) as exc:
            why = str(exc) if isinstance(exc, Refused) else exc.strerror or str(exc)
            return RecycleResult((), (), f"Nothing was moved to {RECYCLE}: {why}", ok=False)
        for pid in rejected(index, space):
            photo = index.get(pid)
            try:
                pair, side_errors = _recycle(folders, photo)
            except Refused as exc:
                errors.append(str(exc))
                continue
            except OSError as exc:
                errors.append(f"{safe(photo.path)}: {exc.strerror or exc}")
                continue
            moved.append(pair)
            errors.extend(side_errors)
            index.remove(space, photo.rel)
    finally:
        folders.close()
    msg = f"Moved {n_photos(len(moved))} to {RECYCLE} in the {label}"
    if errors:
        msg += f"; {len(errors)} could not be moved"
    return RecycleResult(tuple(moved), tuple(errors), msg, ok=not errors)


def _recycle(folders: SpaceFolders, photo: Photo) -> tuple[tuple[str, str], list[str]]:
    """Move one photo (and its sidecars) into the bin: ((from, to), sidecar problems)."""
    name = os.path.basename(photo.rel)
    source_parts = folders.real_folder(os.path.dirname(photo.path))
    rel_folder = os.path.dirname(photo.rel)
    target_parts = [RECYCLE, *(rel_folder.split("/") if rel_folder else [])]
    with (
        folders.folder(source_parts) as source,
        folders.folder(target_parts, create=True) as target,
    ):
        seen = _movable(folders, source, name, source_parts, target_parts, photo.path)
        new = move_noreplace(source, name, target, name, seen)
        problems = _move_sidecars(folders, source, target, name, new, source_parts, target_parts)
    return (photo.path, os.path.join(folders.root, *target_parts, new)), problems


def _movable(
    folders: SpaceFolders,
    folder: int,
    name: str,
    source_parts: list[str],
    target_parts: list[str],
    shown: str,
) -> os.stat_result:
    """What ``name`` is, when it may move to the bin: a regular file, or a link that leads
    to the same file from the bin's folder as from its own. Else Refused."""
    seen = entry(folder, name)
    if seen is None:
        raise FileNotFoundError(2, "vanished", shown)
    if stat.S_ISREG(seen.st_mode):
        return seen
    if not is_link(seen):
        raise Refused(f"{safe(shown)} is not a regular file; left where it is")
    link = os.readlink(name, dir_fd=folder)
    here = os.path.realpath(os.path.join(folders.real_root, *source_parts, link))
    there = os.path.realpath(os.path.join(folders.real_root, *target_parts, link))
    if here != there or not inside(there, folders.real_root) or not os.path.exists(there):
        raise Refused(
            f"{safe(shown)} is a symbolic link that would not lead to {safe(here)} from "
            f"{RECYCLE}; left where it is"
        )
    return seen


def _move_sidecars(
    folders: SpaceFolders,
    source: int,
    target: int,
    name: str,
    new: str,
    source_parts: list[str],
    target_parts: list[str],
) -> list[str]:
    """Move the photo's sidecars after it (it has already left ``source``); problems."""
    stem = os.path.splitext(name)[0].casefold()
    names = os.listdir(source)
    # Another photo NAME.* still here keeps a shared NAME.xmp (RAW + JPEG pairs).
    shared = any(
        os.path.splitext(other)[0].casefold() == stem
        and os.path.splitext(other)[1][1:].lower() in MEDIA_EXTENSIONS
        for other in names
    )
    problems: list[str] = []
    for side in names:
        if not side.casefold().endswith(_XMP):
            continue
        base = side[: -len(_XMP)].casefold()
        if base == name.casefold():
            wanted = new + side[-len(_XMP) :]
        elif base == stem and not shared:
            wanted = os.path.splitext(new)[0] + side[-len(_XMP) :]
        else:
            continue
        shown = os.path.join(folders.root, *source_parts, side)
        try:
            seen = _movable(folders, source, side, source_parts, target_parts, shown)
            move_noreplace(source, side, target, wanted, seen)
        except Refused as exc:
            problems.append(str(exc))
        except OSError as exc:
            problems.append(f"{safe(shown)}: {exc.strerror or exc}")
    return problems
