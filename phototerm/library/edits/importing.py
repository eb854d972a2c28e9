"""``phototerm import``: copying photos into a space, for people whose role is upload or more.

Copies, never moves: the originals stay where they are. Never overwrites: a name already taken
in the target folder gets a suffix (``IMG_1 (2).jpg``), unless that file (or one of its
suffixed copies) has the very same bytes: it is then already there, and an import run twice
copies nothing twice. Each
copy is written under a hidden temporary name, fsynced, and only then linked under its real
name, so a crash never leaves a half-copied photo where the scanner would index it. A photo's
XMP sidecar (``NAME.EXT.xmp``, ``NAME.xmp``) follows it under the same new name.

A folder given is copied with its subfolders (photos and videos only; hidden and Synology
folders skipped, links to folders not followed), into a folder of the same name.
"""

from __future__ import annotations

import filecmp
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from phototerm.library.durable import fsync_dir, new_file_mode
from phototerm.library.ingest.scanner import skipped
from phototerm.library.photo import kind_of
from phototerm.library.roles import Access
from phototerm.library.text import safe

CHUNK = 1 << 20


class ImportProblem(Exception):
    """A bad source or target, found before anything was copied (the message says which)."""


@dataclass
class ImportResult:
    copied: list[tuple[str, str]] = field(default_factory=list)  # (source, where it went)
    renamed: int = 0  # copied under another name: theirs was taken
    already: int = 0  # the same bytes were already there
    skipped: int = 0  # files in the folders given that are not photos, videos or sidecars
    errors: list[str] = field(default_factory=list)
    refusal: str = ""  # not allowed (roles.Refusal): nothing was copied

    @property
    def ok(self) -> bool:
        return not self.errors and not self.refusal


def target_folder(root: str, folder: str) -> str:
    """The absolute folder ``folder`` names inside the space ``root`` (relative to the root,
    or absolute inside it). ImportProblem when it leaves the space or is a folder the scanner
    never looks into (hidden, #recycle, @eaDir...)."""
    path = os.path.normpath(os.path.join(root, folder))
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if real != real_root and not real.startswith(real_root.rstrip("/") + "/"):
        raise ImportProblem(f"{safe(folder)} is not inside the space ({safe(root)})")
    rel = os.path.relpath(real, real_root)
    if rel != "." and any(skipped(part) for part in rel.split(os.sep)):
        raise ImportProblem(f"{safe(folder)}: phototerm never shows what is kept there")
    if os.path.lexists(path) and not os.path.isdir(path):
        raise ImportProblem(f"{safe(folder)} is not a folder")
    return path


def plan_sources(
    sources: Sequence[str], target: str, unreadable: list[str]
) -> list[tuple[str, str]]:
    """(source file, folder relative to ``target``) for each file to consider, media or not
    (folders that cannot be listed go to ``unreadable``). ImportProblem for a missing path, a
    file that is not a photo or video, or a folder that holds the target."""
    found: list[tuple[str, str]] = []
    real_target = os.path.realpath(target)
    for source in sources:
        if not os.path.exists(source):
            raise ImportProblem(f"{safe(source)}: no such file or folder")
        if os.path.isdir(source):
            real = os.path.realpath(source)
            if real_target == real or real_target.startswith(real.rstrip("/") + "/"):
                raise ImportProblem(f"{safe(source)} holds the target folder; nothing was copied")
            base = os.path.basename(os.path.normpath(source))
            found.extend(
                (path, os.path.join(base, sub)) for path, sub in _files_in(source, unreadable)
            )
        elif kind_of(source) is None:
            raise ImportProblem(f"{safe(source)} is not a photo or video; nothing was copied")
        else:
            found.append((source, ""))
    return found


def _files_in(folder: str, unreadable: list[str]) -> Iterator[tuple[str, str]]:
    """(path, subfolder relative to ``folder``) of the files under it, media or not (the
    caller counts what it skips)."""
    stack = [""]
    while stack:
        sub = stack.pop()
        try:
            with os.scandir(os.path.join(folder, sub)) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError as exc:
            unreadable.append(f"{safe(os.path.join(folder, sub))}: {exc.strerror or exc}")
            continue
        for entry in listed:
            if skipped(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(os.path.join(sub, entry.name))
            elif entry.is_file():
                yield entry.path, sub


def import_photos(
    access: Access, space: str, sources: Sequence[str], folder: str = ""
) -> ImportResult:
    """Copy ``sources`` (photos, videos, folders of them) into ``folder`` of ``space``. Needs
    the upload role there. Raises ImportProblem for bad arguments (nothing copied)."""
    result = ImportResult()
    refusal = access.why_not_upload(space, "importing photos")
    if refusal:
        result.refusal = refusal
        return result
    root = access.roots.get(space) or access.stores[space].root
    target = target_folder(root, folder)
    for source, sub in plan_sources(sources, target, result.errors):
        if kind_of(source) is None:
            if not source.lower().endswith(".xmp"):  # sidecars come with their photos
                result.skipped += 1
            continue
        try:
            _copy_one(source, os.path.join(target, sub), result)
        except OSError as exc:
            result.errors.append(f"{safe(source)}: {exc.strerror or exc}")
    return result


def _copy_one(source: str, folder: str, result: ImportResult) -> None:
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(source)
    existing = os.path.join(folder, name)
    if already_there(source, existing):
        result.already += 1
        return
    placed = place(temp_copy(source, folder), existing)
    result.copied.append((source, placed))
    if placed != existing:
        result.renamed += 1
    for side, new_side in _sidecars(source, placed):
        try:
            place(temp_copy(side, folder), new_side)
        except OSError as exc:
            result.errors.append(f"{safe(side)}: {exc.strerror or exc}")
    fsync_dir(folder)


def already_there(source: str, wanted: str) -> bool:
    """Whether ``wanted``, or a copy of it named by ``place`` (" (2)"...), has the same bytes."""
    stem, ext = os.path.splitext(wanted)
    candidate, n = wanted, 1
    while os.path.lexists(candidate):
        if os.path.isfile(candidate) and filecmp.cmp(source, candidate, shallow=False):
            return True
        n += 1
        candidate = f"{stem} ({n}){ext}"
    return False


def _sidecars(source: str, placed: str) -> list[tuple[str, str]]:
    stem, new_stem = os.path.splitext(source)[0], os.path.splitext(placed)[0]
    pairs = [(source + ".xmp", placed + ".xmp"), (stem + ".xmp", new_stem + ".xmp")]
    return [(s, d) for s, d in pairs if os.path.isfile(s)]


def temp_copy(source: str, folder: str) -> str:
    """A durable copy of ``source`` under a hidden name in ``folder`` (mtime kept)."""
    fd, tmp = tempfile.mkstemp(prefix=".phototerm-import-", suffix=".tmp", dir=folder)
    try:
        with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
            while chunk := src.read(CHUNK):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        st = os.stat(source)
        os.chmod(tmp, new_file_mode() & ~stat.S_IXUSR)
        os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return tmp


def place(tmp: str, wanted: str) -> str:
    """Give ``tmp`` the name ``wanted``, or ``wanted`` with " (2)", " (3)"... before the
    extension, never replacing a file. Returns the name it got."""
    stem, ext = os.path.splitext(wanted)
    candidate, n = wanted, 1
    try:
        while True:
            try:
                os.link(tmp, candidate)  # fails when the name exists: no overwrite race
            except FileExistsError:
                n += 1
                candidate = f"{stem} ({n}){ext}"
                continue
            except OSError:  # no hard links here (some network filesystems)
                if os.path.lexists(candidate):
                    n += 1
                    candidate = f"{stem} ({n}){ext}"
                    continue
                os.rename(tmp, candidate)
                return candidate
            return candidate
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
