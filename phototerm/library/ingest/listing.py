"""What the last walk saw, folder by folder, so the next walk can tell what changed cheaply.

Each folder the walk lists gets a signature of its media files' names, sizes and mtimes and
of their XMP sidecars (``folder_signature``, or ``listing_signature`` for a folder walked as
columns: a few C-level passes over the folder, no object per file). A folder whose signature is unchanged needs no look at its photos; only
the others are compared file by file (reconcile.py). The XMP sidecars of a folder are kept as
one marshal blob, decoded only when that folder changed.

Files whose reading failed in a way that may pass without the file changing (a permission
fixed, a network share back) are listed in ``retry``: their folder gets no signature, so
every walk compares it file by file and reads them again.

The listing travels in the index snapshot's ``extra`` (plain dicts, lists and tuples).
"""

from __future__ import annotations

import hashlib
import marshal
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any, TypeAlias

from phototerm.library.ingest.scanner import Folder, ScanEntry

Sidecar: TypeAlias = tuple[str, int, float]  # (sidecar rel, size, mtime)
FolderKey: TypeAlias = tuple[str, str]  # (space, folder rel)

_rel, _size, _mtime, _side = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)
_st_size, _st_mtime = attrgetter("st_size"), attrgetter("st_mtime")


def folder_of(rel: str) -> str:
    return rel.rpartition("/")[0]


def folder_signature(entries: Sequence[ScanEntry]) -> int:
    """A 64-bit digest of one folder's listing (names, sizes, mtimes, sidecars), in the
    order the walk gave them."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update("\0".join(map(_rel, entries)).encode("utf-8", "surrogatepass"))
    digest.update(array("q", map(_size, entries)))
    digest.update(array("d", map(_mtime, entries)))
    if any(map(_side, entries)):
        digest.update(repr(list(map(_side, entries))).encode("utf-8", "surrogatepass"))
    return int.from_bytes(digest.digest(), "little")


def listing_signature(folder: Folder) -> int:
    """``folder_signature`` of a folder walked as columns (``scanner.scan_listings``): the
    same digest, with no object per file (each rel is the folder's prefix and a name, so
    joining the rels is the prefix and the names joined by NUL + prefix)."""
    prefix = folder.prefix
    digest = hashlib.blake2b(digest_size=8)
    digest.update((prefix + ("\0" + prefix).join(folder.names)).encode("utf-8", "surrogatepass"))
    digest.update(array("q", map(_st_size, folder.stats)))
    digest.update(array("d", map(_st_mtime, folder.stats)))
    sides = folder.sidecars
    if sides:
        digest.update(repr(list(map(sides.get, folder.names))).encode("utf-8", "surrogatepass"))
    return int.from_bytes(digest.digest(), "little")


def sidecars_of(entries: Sequence[ScanEntry]) -> dict[str, Sidecar]:
    """{rel: sidecar} of the entries that have one (usually none)."""
    if not any(map(_side, entries)):
        return {}
    return {e.rel: e.sidecar for e in entries if e.sidecar is not None}


@dataclass(slots=True)
class Listing:
    folders: dict[FolderKey, int] = field(default_factory=dict)  # -> signature
    sidecars: dict[FolderKey, bytes] = field(default_factory=dict)  # -> marshal {rel: Sidecar}
    retry: set[tuple[str, str]] = field(default_factory=set)  # (space, rel)

    def record(self, space: str, entries: Sequence[ScanEntry]) -> None:
        """The folder of ``entries`` as the walk saw it now."""
        key = (space, folder_of(entries[0].rel))
        self.folders[key] = folder_signature(entries)
        sides = sidecars_of(entries)
        if sides:
            self.sidecars[key] = marshal.dumps(sides)
        else:
            self.sidecars.pop(key, None)

    def record_folder(self, space: str, folder: Folder) -> int:
        """``record`` for a folder walked as columns; returns its signature."""
        key = (space, folder.rel)
        signature = self.folders[key] = listing_signature(folder)
        if folder.sidecars:
            prefix = folder.prefix
            sides = {prefix + name: side for name, side in folder.sidecars.items()}
            self.sidecars[key] = marshal.dumps(sides)
        else:
            self.sidecars.pop(key, None)
        return signature

    def forget(self, key: FolderKey) -> None:
        """A folder that holds no media files now (or is gone)."""
        self.folders.pop(key, None)
        self.sidecars.pop(key, None)

    def take_spaces(self, other: Listing, spaces: set[str]) -> None:
        """What ``other`` (a walk of ``spaces``) saw of them, in place of what this had."""
        for space in spaces:
            self.drop_space(space)
        self.folders.update((k, v) for k, v in other.folders.items() if k[0] in spaces)
        self.sidecars.update((k, v) for k, v in other.sidecars.items() if k[0] in spaces)
        self.retry |= {r for r in other.retry if r[0] in spaces}

    def sidecars_in(self, key: FolderKey) -> dict[str, Sidecar]:
        blob = self.sidecars.get(key)
        if not blob:
            return {}
        try:
            sides = marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            return {}
        return sides if isinstance(sides, dict) else {}

    def mark_retry(self, space: str, rels: Sequence[str]) -> None:
        """These files are to be read again next time: their folders lose their signature."""
        for rel in rels:
            self.retry.add((space, rel))
            self.folders.pop((space, folder_of(rel)), None)

    def drop_space(self, space: str) -> None:
        for table in (self.folders, self.sidecars):
            for key in [k for k in table if k[0] == space]:
                del table[key]
        self.retry = {r for r in self.retry if r[0] != space}

    def to_extra(self) -> dict[str, Any]:
        return {
            "folders": self.folders,
            "sidecars": self.sidecars,
            "retry": sorted(self.retry),
        }

    @classmethod
    def from_extra(cls, extra: dict[str, Any]) -> Listing:
        """The listing a snapshot carried; anything malformed gives an empty one (every
        folder is then compared file by file: slower, never wrong)."""
        try:
            folders = extra["folders"]
            sidecars = extra["sidecars"]
            retry = {(str(s), str(r)) for s, r in extra["retry"]}
            if isinstance(folders, dict) and isinstance(sidecars, dict):
                return cls(folders, sidecars, retry)
        except (KeyError, TypeError, ValueError):
            pass
        return cls()
