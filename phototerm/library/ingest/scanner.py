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

Speed (a warm start is little more than this walk): one ``os.scandir`` per folder, through
a descriptor of the folder so that each file's stat is relative to it, the ``DirEntry``'s
cached type instead of a stat to tell files from folders, one stat per file (size and mtime)
and per folder (device and inode). XMP sidecars are matched while listing the folder, so the
reader never has to probe for them. ``scan_listings`` hands out each folder as columns
(names, stats) with no object per file, for a caller that only compares a folder with what
it saw last time; ``scan_folders`` one list of entries per folder, which spares a generator
step per file.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter, methodcaller
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
    new_entry = tuple.__new__
    for folder in scan_listings(root, errors):
        prefix, sides = folder.prefix, folder.sidecars
        yield [
            new_entry(ScanEntry, (prefix + name, st.st_size, st.st_mtime, sides.get(name)))
            for name, st in zip(folder.names, folder.stats, strict=True)
        ]


class Folder(NamedTuple):
    """One folder's media files as columns: what a walk that only compares needs, without
    an object per file (``entries`` makes them when a folder must be looked at closer)."""

    prefix: str  # the folder relative to the root, with a trailing '/' ("" for the root)
    names: list[str]  # the media files' names, in the walk's order
    stats: list[os.stat_result]  # their stats (a followed link's: its target's)
    sidecars: dict[str, tuple[str, int, float]]  # name -> its XMP sidecar (rel, size, mtime)

    @property
    def rel(self) -> str:
        """The folder relative to the root ("" for the root)."""
        return self.prefix[:-1]

    def entries(self) -> list[ScanEntry]:
        prefix, sides = self.prefix, self.sidecars
        return [
            ScanEntry(prefix + name, st.st_size, st.st_mtime, sides.get(name))
            for name, st in zip(self.names, self.stats, strict=True)
        ]


def scan_listings(root: str, errors: list[ScanError] | None = None) -> Iterator[Folder]:
    """Every folder under ``root`` that holds media files, as columns (see ``scan``)."""
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
        folder = _scan_dir(path, prefix, real_root, pending, linked, seen, errors)
        if folder is not None:
            yield folder


_OPEN_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_BY_FD = os.scandir in os.supports_fd  # stat each file relative to its folder (fstatat)
_STAT = methodcaller("stat")
_MODE = attrgetter("st_mode")


def scan_folder(root: str, folder: str, errors: list[ScanError] | None = None) -> list[ScanEntry]:
    """What ``scan_folders`` lists for one folder of the space ``root`` (``folder`` relative to
    it, "" for the root itself), sidecars attached, without walking its subfolders. The
    caller makes sure no part of ``folder`` is one the walk skips."""
    path = os.path.join(root, folder) if folder else root
    prefix = folder + "/" if folder else ""
    errors = errors if errors is not None else []
    listed = _scan_dir(path, prefix, os.path.realpath(root), [], [], set(), errors)
    return [] if listed is None else listed.entries()


def _scan_dir(
    path: str,
    prefix: str,
    real_root: str,
    pending: list[tuple[str, str]],
    linked: list[tuple[str, str]],
    seen: set[tuple[int, int]],
    errors: list[ScanError],
) -> Folder | None:
    # This loop runs once per file of the library on every start: it is written for speed.
    # The folder is listed through a descriptor, so each file's stat is an fstatat relative
    # to it (the kernel does not walk the whole path again for each file), and the stats of
    # the plain files are taken in one C-level pass; links, sidecars and oddities take the
    # slow road. ``entry.path`` is only the name then: full paths are made where needed.
    fd = -1
    try:
        if _BY_FD:
            fd = os.open(path, _OPEN_DIR)
            it = os.scandir(fd)
        else:
            it = os.scandir(path)
    except OSError as exc:
        if fd >= 0:
            os.close(fd)
        errors.append(ScanError(path, _reason(exc)))
        return None
    try:
        return _list_dir(it, path, prefix, real_root, pending, linked, seen, errors)
    finally:
        if fd >= 0:
            os.close(fd)


def _list_dir(
    it: Iterator[os.DirEntry[str]],
    path: str,
    prefix: str,
    real_root: str,
    pending: list[tuple[str, str]],
    linked: list[tuple[str, str]],
    seen: set[tuple[int, int]],
    errors: list[ScanError],
) -> Folder | None:
    files: list[os.DirEntry[str]] = []  # plain files named like media
    names: list[str] = []
    links: list[os.DirEntry[str]] = []  # links named like media, checked one by one
    sidecars: dict[str, tuple[os.DirEntry[str], bool]] = {}
    media_extensions = MEDIA_EXTENSIONS
    try:
        with it:  # type: ignore[attr-defined]  # (a ScandirIterator)
            for entry in it:
                name = entry.name
                if name[0] == ".":  # hidden, .DS_Store, ._*, .phototerm
                    continue
                try:
                    if entry.is_file(follow_symlinks=False):  # the common case: one call
                        is_link = False
                    elif entry.is_dir(follow_symlinks=False):
                        if not skipped(name):
                            _add_folder(entry, path, prefix, pending, seen, errors)
                        continue
                    elif entry.is_symlink():
                        full = os.path.join(path, name)
                        if skipped(name):
                            if name.lower() == "@eadir" and not stays_inside(full, real_root):
                                errors.append(ScanError(full, EADIR_OUTSIDE))
                            continue
                        if _is_linked_folder(entry):
                            linked.append((full, prefix + name + "/"))
                            continue
                        is_link = True
                    else:
                        continue  # a FIFO, socket or device: never a photo
                except OSError as exc:
                    errors.append(ScanError(os.path.join(path, name), _reason(exc)))
                    continue
                # Files: the extension test also drops Thumbs.db, *@SynoEAStream and the like.
                dot = name.rfind(".")
                ext = name[dot + 1 :].lower() if dot > 0 else ""
                if ext in media_extensions:
                    if is_link:
                        links.append(entry)
                    else:
                        files.append(entry)
                        names.append(name)
                elif ext == "xmp":
                    sidecars[name.lower()] = (entry, is_link)
    except OSError as exc:  # the listing broke off (I/O error, folder vanished)
        errors.append(ScanError(path, _reason(exc)))
    try:
        stats = list(map(_STAT, files))
    except OSError:  # one of them vanished meanwhile: file by file, saying which
        names, stats = _stat_each(files, path, errors)
    if not all(map(S_ISREG, map(_MODE, stats))):  # replaced by a FIFO since the listing
        kept = [(n, st) for n, st in zip(names, stats, strict=True) if S_ISREG(st.st_mode)]
        names, stats = [n for n, _ in kept], [st for _, st in kept]
    for entry in links:
        full = os.path.join(path, entry.name)
        if _followed(full, real_root, errors) is None:
            continue
        try:
            st = entry.stat()
        except OSError as exc:
            reason = "broken symbolic link" if isinstance(exc, FileNotFoundError) else _reason(exc)
            errors.append(ScanError(full, reason))
            continue
        if S_ISREG(st.st_mode):  # a FIFO or device behind the link: never open it
            names.append(entry.name)
            stats.append(st)
    if not names:
        return None
    attached = (
        _attach_sidecars(names, sidecars, path, prefix, real_root, errors) if sidecars else {}
    )
    return Folder(prefix, names, stats, attached)


def _stat_each(
    files: list[os.DirEntry[str]], path: str, errors: list[ScanError]
) -> tuple[list[str], list[os.stat_result]]:
    names: list[str] = []
    stats: list[os.stat_result] = []
    for entry in files:
        try:
            stats.append(entry.stat())
        except OSError as exc:
            errors.append(ScanError(os.path.join(path, entry.name), _reason(exc)))
            continue
        names.append(entry.name)
    return names, stats


def _add_folder(
    entry: os.DirEntry[str],
    path: str,
    prefix: str,
    pending: list[tuple[str, str]],
    seen: set[tuple[int, int]],
    errors: list[ScanError],
) -> None:
    full = os.path.join(path, entry.name)
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        errors.append(ScanError(full, _reason(exc)))
        return
    key = (st.st_dev, st.st_ino)
    if key not in seen:
        seen.add(key)
        pending.append((full, prefix + entry.name + "/"))


def _is_linked_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows the link
    except OSError:
        return False


def _attach_sidecars(
    names: list[str],
    sidecars: dict[str, tuple[os.DirEntry[str], bool]],
    path: str,
    prefix: str,
    real_root: str,
    errors: list[ScanError],
) -> dict[str, tuple[str, int, float]]:
    """{media name: (sidecar rel, size, mtime)} for one folder. ``NAME.EXT.xmp`` wins over
    ``NAME.xmp`` (darktable and digiKam over Lightroom); names match case-insensitively.
    Sidecars are few, so they are matched to the media, not the other way round. A sidecar
    obeys the photos' rules: a link is followed only inside the root, and only a regular
    file is ever attached (the reader will open it)."""
    by_lower = {name.lower(): name for name in names}
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
                _followed(os.path.join(path, entry.name), real_root, errors) is not None
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
