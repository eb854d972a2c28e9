"""Walking a space's root: which files are photos and videos, and what to leave alone.

Rules:
- media by extension, case-insensitive (``photo.kind_of``);
- skipped: Synology's ``@eaDir``, ``#recycle``, ``#snapshot``, ``@SynoResource``,
  ``*@SynoEAStream``; ``.DS_Store``, ``._*`` (macOS), ``Thumbs.db`` (Windows); every hidden
  file and folder, which includes phototerm's own ``.phototerm``;
- a symbolic link (to a photo, a folder or an XMP sidecar) is followed only when its target
  resolves inside the space root (``files.links``); one that leads out is reported and ignored.
  Each real folder is walked once (device + inode), so links cannot loop or repeat a
  folder. Real folders are walked before linked ones, so a folder reached both ways keeps
  its real path. An ``@eaDir`` that is a link out of the root is reported too: the
  thumbnails never use it;
- only regular files are listed: a FIFO, socket or device named like a photo or a sidecar
  is never opened (opening a FIFO would wait for ever);
- an unreadable folder or file is a ScanError with a reason, and the walk goes on;
- names that are not UTF-8 come through as surrogate escapes (os.fsdecode) and work for I/O.

Speed (a warm start is little more than this walk): one ``os.scandir`` per folder, the
``DirEntry``'s cached type instead of a stat to tell files from folders, one stat per file
(size and mtime) and per folder (device and inode). XMP sidecars are matched while listing
the folder, so the reader never has to probe for them. ``scan_folders`` hands out one list per
folder, which spares a generator step per file.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from stat import S_ISREG
from typing import NamedTuple

from phototerm.library.files.links import OUTSIDE, inside, stays_inside
from phototerm.library.photo import PHOTO_EXTENSIONS, RAW_EXTENSIONS, VIDEO_EXTENSIONS

MEDIA_EXTENSIONS = PHOTO_EXTENSIONS | RAW_EXTENSIONS | VIDEO_EXTENSIONS  # as photo.kind_of
# Lower-case names skipped as folders or files.
SKIP_NAMES = frozenset(
    {"@eadir", "#recycle", "#snapshot", "@synoresource", "thumbs.db", "desktop.ini"}
)
SKIP_SUFFIX = "@synoeastream"
EADIR_OUTSIDE = "symbolic link leads outside the space; its thumbnails are not used"


@dataclass(slots=True)
class ScanError:
    """A folder or file the walk could not read; ``path`` is absolute, as on disk."""

    path: str
    reason: str


class ScanEntry(NamedTuple):
    rel: str  # relative to the space root, '/' separators, as on disk
    size: int
    mtime: float
    # The XMP sidecar: (path relative to the root, size, mtime), or None.
    sidecar: tuple[str, int, float] | None = None


def skipped(name: str) -> bool:
    """True for names the scanner never enters or lists (folders and files alike)."""
    if name.startswith("."):  # hidden, .DS_Store, ._*, .phototerm
        return True
    lower = name.lower()
    return lower in SKIP_NAMES or lower.endswith(SKIP_SUFFIX)


def scan(root: str, errors: list[ScanError] | None = None) -> Iterator[ScanEntry]:
    """Media files under ``root`` (a folder), in no particular order.

    Problems are appended to ``errors`` (when given) and never raised; a missing or
    unreadable root itself is reported the same way and yields nothing.
    """
    for entries in scan_folders(root, errors):
        yield from entries


def scan_folders(root: str, errors: list[ScanError] | None = None) -> Iterator[list[ScanEntry]]:
    """Like ``scan``, one list per folder (cheaper for callers that loop over 100,000s)."""
    errors = errors if errors is not None else []
    real_root = os.path.realpath(root)
    try:
        st = os.stat(root)
    except OSError as exc:
        errors.append(ScanError(root, _reason(exc)))
        return
    seen: set[tuple[int, int]] = {(st.st_dev, st.st_ino)}
    # (absolute path, rel prefix) of folders to walk; linked folders wait until the end.
    pending: list[tuple[str, str]] = [(root, "")]
    linked: list[tuple[str, str]] = []
    while pending or linked:
        if not pending:
            path, prefix = linked.pop()
            target = _followed(path, real_root, errors)
            if target is None:
                continue
            try:
                st = os.stat(path)
            except OSError as exc:
                errors.append(ScanError(path, _reason(exc)))
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:
                # Walked already by its real path or another link. A link to one of its own
                # ancestors is a loop: worth saying, since its contents appear only once.
                if inside(os.path.realpath(os.path.dirname(path)), target):
                    errors.append(ScanError(path, "symbolic link loop; not followed"))
                continue
            seen.add(key)
        else:
            path, prefix = pending.pop()
        entries = _scan_dir(path, prefix, real_root, pending, linked, seen, errors)
        if entries:
            yield entries


def scan_folder(root: str, folder: str, errors: list[ScanError] | None = None) -> list[ScanEntry]:
    """What ``scan_folders`` lists for one folder of the space ``root`` (``folder`` relative to
    it, "" for the root itself), sidecars attached, without walking its subfolders. The
    caller makes sure no part of ``folder`` is one the walk skips."""
    path = os.path.join(root, folder) if folder else root
    prefix = folder + "/" if folder else ""
    errors = errors if errors is not None else []
    return _scan_dir(path, prefix, os.path.realpath(root), [], [], set(), errors)


def _scan_dir(
    path: str,
    prefix: str,
    real_root: str,
    pending: list[tuple[str, str]],
    linked: list[tuple[str, str]],
    seen: set[tuple[int, int]],
    errors: list[ScanError],
) -> list[ScanEntry]:
    # This loop runs once per file of the library on every start: it is written for speed
    # (inlined extension test, no repeated DirEntry calls, entries built without __new__).
    try:
        it = os.scandir(path)
    except OSError as exc:
        errors.append(ScanError(path, _reason(exc)))
        return []
    media: list[tuple[str, os.DirEntry[str], bool]] = []
    sidecars: dict[str, tuple[os.DirEntry[str], bool]] = {}
    try:
        with it:
            for entry in it:
                name = entry.name
                if name[0] == ".":  # hidden, .DS_Store, ._*, .phototerm
                    continue
                try:
                    if entry.is_file(follow_symlinks=False):  # the common case: one call
                        is_link = False
                    elif entry.is_dir(follow_symlinks=False):
                        if not skipped(name):
                            _add_folder(entry, prefix, pending, seen, errors)
                        continue
                    elif entry.is_symlink():
                        if skipped(name):
                            if name.lower() == "@eadir" and not stays_inside(entry.path, real_root):
                                errors.append(ScanError(entry.path, EADIR_OUTSIDE))
                            continue
                        if _is_linked_folder(entry):
                            linked.append((entry.path, prefix + name + "/"))
                            continue
                        is_link = True
                    else:
                        continue  # a FIFO, socket or device: never a photo
                except OSError as exc:
                    errors.append(ScanError(entry.path, _reason(exc)))
                    continue
                # Files: the extension test also drops Thumbs.db, *@SynoEAStream and the like.
                dot = name.rfind(".")
                ext = name[dot + 1 :].lower() if dot > 0 else ""
                if ext in MEDIA_EXTENSIONS:
                    media.append((name, entry, is_link))
                elif ext == "xmp":
                    sidecars[name.lower()] = (entry, is_link)
    except OSError as exc:  # the listing broke off (I/O error, folder vanished)
        errors.append(ScanError(path, _reason(exc)))
    attached = _attach_sidecars(media, sidecars, prefix, real_root, errors) if sidecars else {}
    new_entry = tuple.__new__
    out: list[ScanEntry] = []
    for name, entry, is_link in media:
        if is_link and _followed(entry.path, real_root, errors) is None:
            continue
        try:
            st = entry.stat()
        except OSError as exc:
            reason = _reason(exc)
            if is_link and isinstance(exc, FileNotFoundError):
                reason = "broken symbolic link"
            errors.append(ScanError(entry.path, reason))
            continue
        if not S_ISREG(st.st_mode):
            continue  # a FIFO or device named like a photo: never open it
        sidecar = attached.get(name) if attached else None
        out.append(new_entry(ScanEntry, (prefix + name, st.st_size, st.st_mtime, sidecar)))
    return out


def _add_folder(
    entry: os.DirEntry[str],
    prefix: str,
    pending: list[tuple[str, str]],
    seen: set[tuple[int, int]],
    errors: list[ScanError],
) -> None:
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        errors.append(ScanError(entry.path, _reason(exc)))
        return
    key = (st.st_dev, st.st_ino)
    if key not in seen:
        seen.add(key)
        pending.append((entry.path, prefix + entry.name + "/"))


def _is_linked_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows the link
    except OSError:
        return False


def _attach_sidecars(
    media: list[tuple[str, os.DirEntry[str], bool]],
    sidecars: dict[str, tuple[os.DirEntry[str], bool]],
    prefix: str,
    real_root: str,
    errors: list[ScanError],
) -> dict[str, tuple[str, int, float]]:
    """{media name: (sidecar rel, size, mtime)} for one folder. ``NAME.EXT.xmp`` wins over
    ``NAME.xmp`` (darktable and digiKam over Lightroom); names match case-insensitively.
    Sidecars are few, so they are matched to the media, not the other way round. A sidecar
    obeys the photos' rules: a link is followed only inside the root, and only a regular
    file is ever attached (the reader will open it)."""
    by_lower = {name.lower(): name for name, _, _ in media}
    chosen: dict[str, tuple[os.DirEntry[str], bool]] = {}
    stem_form: list[tuple[str, tuple[os.DirEntry[str], bool]]] = []
    for lower_side, side in sidecars.items():
        owner = by_lower.get(lower_side[:-4])
        if owner is not None:
            chosen[owner] = side
        else:
            stem_form.append((lower_side[:-4], side))
    if stem_form:  # NAME.xmp: every media file NAME.* without a NAME.EXT.xmp of its own
        stems: dict[str, list[str]] = {}
        for lower_name, name in by_lower.items():
            dot = lower_name.rfind(".")
            if dot > 0:
                stems.setdefault(lower_name[:dot], []).append(name)
        for stem, side in stem_form:
            for owner in stems.get(stem, ()):
                chosen.setdefault(owner, side)
    out: dict[str, tuple[str, int, float]] = {}
    usable: dict[str, bool] = {}  # by sidecar name: a NAME.xmp may serve several photos
    for owner, (entry, is_link) in chosen.items():
        ok = usable.get(entry.name)
        if ok is None:
            ok = usable[entry.name] = not is_link or (
                _followed(entry.path, real_root, errors) is not None
            )
        if not ok:
            continue
        try:
            st = entry.stat()
        except OSError:
            continue
        if S_ISREG(st.st_mode):
            out[owner] = (prefix + entry.name, st.st_size, st.st_mtime)
    return out


def _followed(path: str, real_root: str, errors: list[ScanError]) -> str | None:
    """The target of the link ``path`` when the walk may follow it, else None: a target
    outside the root is reported (``OUTSIDE``), one in a folder the walk skips is not."""
    target = os.path.realpath(path)
    if not inside(target, real_root):
        errors.append(ScanError(path, OUTSIDE))
        return None
    if _skipped_target(target, real_root):
        return None
    return target


def _skipped_target(target: str, real_root: str) -> bool:
    """A link into a folder the walk itself would skip (hidden, @eaDir, ...) stays skipped."""
    rel = target[len(real_root) :].strip("/")
    return any(skipped(part) for part in rel.split("/") if part)


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "vanished while scanning"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return exc.strerror or type(exc).__name__
