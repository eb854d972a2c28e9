"""The metadata cache: what was read from each file, so the next start reads nothing.

One file per space root under ``<XDG cache>/phototerm/metadata/``. An entry is valid while
the file's size and mtime (and its XMP sidecar's) are what they were; the indexer re-reads a
changed file and drops a vanished one simply by writing back only what it saw.

The cache is disposable: missing, truncated, corrupt, from another phototerm or Python
version -> it is ignored (and rebuilt by the next write), never an error. Writes are atomic
(a temporary file in the same folder, then ``os.replace``), so a crash leaves the old cache
or the new one.

Format, chosen for the warm start (100,000 photos well under a second): a 32-byte header
(magic, format version, Python version, payload length, CRC-32), then ``marshal`` of the
root, of the sidecars, and of the rows in one or more lists; rows are the plain tuples of
``metadata.ROW_FIELDS``. marshal is the fastest loader of tuples of str/int/float in the
standard library, and it is safe here because the payload is checksummed and this file is
the user's own (never another user's). The rows come in several lists so that a writer can
keep the rows it reads as marshalled chunks, in a ``Spool``: an anonymous temporary file in
the cache folder (~190 bytes a photo that a cold index of 100,000 photos would otherwise
hold in memory until the end), copied into the new cache when it is saved.
"""

from __future__ import annotations

import hashlib
import io
import marshal
import os
import struct
import sys
import tempfile
import zlib
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeAlias

from phototerm.library.durable import atomic_write
from phototerm.library.metadata.rows import READER_VERSION, ROW_FIELDS

if TYPE_CHECKING:  # the reader (and its parsers) is not needed to load the cache
    from phototerm.library.metadata.reader import Row

MAGIC = b"PTMC"
FORMAT = 2  # this file's layout (2: the rows in several marshalled lists)
# What a row means: its fields, and the reader that filled them (reader.READER_VERSION).
_SCHEMA = zlib.crc32(f"{READER_VERSION} {' '.join(ROW_FIELDS)}".encode()) & 0xFFFF
_HEADER = struct.Struct("<4sHHBBxxQI8x")  # magic, format, schema, py major, minor, len, crc
SUBDIR = "metadata"

Sidecar: TypeAlias = tuple[str, int, float]  # (sidecar rel, size, mtime)


class CacheData:
    """What a cache file held: rows by rel, and the sidecar signature each row was read with."""

    __slots__ = ("problem", "rows", "sidecars")

    def __init__(
        self,
        rows: dict[str, Row] | None = None,
        sidecars: dict[str, Sidecar] | None = None,
        problem: str = "",
    ) -> None:
        self.rows = rows if rows is not None else {}
        self.sidecars = sidecars if sidecars is not None else {}
        self.problem = problem  # why the file was ignored ("" = loaded or simply absent)

    def __len__(self) -> int:
        return len(self.rows)

    def lookup(self, rel: str, size: int, mtime: float, sidecar: Sidecar | None) -> Row | None:
        """The cached row when the file (and its sidecar) did not change, else None."""
        row = self.rows.get(rel)
        if row is None or row[2] != size or row[3] != mtime:
            return None
        if self.sidecars.get(rel) != sidecar:
            return None
        return row


def cache_file(cache_dir: str | os.PathLike[str], space: str, root: str) -> Path:
    digest = hashlib.sha1(os.fsencode(os.path.abspath(root))).hexdigest()[:16]
    safe_space = "".join(c if c.isalnum() else "_" for c in space) or "space"
    return Path(cache_dir) / SUBDIR / f"{safe_space}-{digest}.cache"


def load(path: str | os.PathLike[str], root: str) -> CacheData:
    """Never raises: an unusable cache is an empty one, with ``problem`` saying why."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return CacheData()
    except OSError as exc:
        return CacheData(problem=f"unreadable ({exc.strerror or type(exc).__name__})")
    if len(data) < _HEADER.size:
        return CacheData(problem="truncated")
    magic, fmt, schema, major, minor, length, crc = _HEADER.unpack_from(data)
    if magic != MAGIC:
        return CacheData(problem="not a phototerm cache")
    if (fmt, schema, major, minor) != (FORMAT, _SCHEMA, *sys.version_info[:2]):
        return CacheData(problem="another version")
    payload = memoryview(data)[_HEADER.size :]
    if len(payload) != length or zlib.crc32(payload) != crc:
        return CacheData(problem="corrupt (checksum)")
    stream = io.BytesIO(payload)
    try:
        cached_root = marshal.load(stream)
        sidecars = marshal.load(stream) if cached_root == root else None
    except Exception:  # noqa: BLE001 - marshal raises several types on bad input
        return CacheData(problem="corrupt (format)")
    if cached_root != root or not isinstance(sidecars, dict):
        return CacheData(problem="corrupt (content)")
    width = len(ROW_FIELDS)
    by_rel: dict[str, Row] = {}
    while stream.tell() < length:
        try:
            rows = marshal.load(stream)
        except Exception:  # noqa: BLE001 - as above
            return CacheData(problem="corrupt (format)")
        if not isinstance(rows, list):
            return CacheData(problem="corrupt (content)")
        for row in rows:
            if type(row) is not tuple or len(row) != width:
                return CacheData(problem="corrupt (rows)")
            by_rel[row[0]] = row
    return CacheData(by_rel, sidecars)


def spool(rows: list[Row]) -> bytes:
    """Rows marshalled as one of a cache's lists."""
    return marshal.dumps(rows)


_CHUNK = 1 << 20  # bytes a spool reads back at a time


class Spool:
    """Lists of rows marshalled for a cache, kept in an anonymous temporary file in
    ``folder`` (gone with the process, whatever ends it), or in memory when no file can be
    made there or written any more (a full disk). ``add`` raises ValueError for a row
    marshal cannot encode."""

    def __init__(self, folder: str | os.PathLike[str] | None) -> None:
        self._file: BinaryIO | None = None
        self._fd = -1
        self._on_disk = 0  # bytes written whole to the file
        self._memory: list[bytes] = []  # what follows them
        self.rows = 0
        self.size = 0
        if folder is not None:
            try:
                os.makedirs(folder, exist_ok=True)
                # closed by close(), or with the process; it has no name to leave behind
                self._file = tempfile.TemporaryFile(dir=folder, prefix=".phototerm-spool-")  # noqa: SIM115
                self._fd = self._file.fileno()
            except OSError:
                self._file = None

    def add(self, rows: list[Row]) -> None:
        if not rows:
            return
        blob = spool(rows)
        if self._file is not None:
            try:
                self._write(blob)
            except OSError:  # the disk filled up: what was written stays, the rest waits here
                self._memory = list(self._read_back())
                self.close_file()
                self._memory.append(blob)
        else:
            self._memory.append(blob)
        self.rows += len(rows)
        self.size += len(blob)

    def _write(self, blob: bytes) -> None:
        with memoryview(blob) as view:
            done = 0
            while done < len(view):
                done += os.pwrite(self._fd, view[done:], self._on_disk + done)
        self._on_disk += done

    def chunks(self) -> Iterator[bytes]:
        """The spooled bytes, in order."""
        yield from self._read_back()
        yield from self._memory

    def _read_back(self) -> Iterator[bytes]:
        offset = 0
        while self._file is not None and offset < self._on_disk:
            chunk = os.pread(self._fd, min(_CHUNK, self._on_disk - offset), offset)
            if not chunk:
                return
            offset += len(chunk)
            yield chunk

    def close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def close(self) -> None:
        self.close_file()
        self._memory = []


def save(
    path: str | os.PathLike[str],
    root: str,
    rows: list[Row],
    sidecars: dict[str, Sidecar],
    spooled: Spool | None = None,
) -> str:
    """Write atomically: ``rows`` and the rows of ``spooled``.
    Returns "" or why it could not (the cache is best-effort)."""
    path = Path(path)
    try:
        parts = [marshal.dumps(root), marshal.dumps(sidecars), marshal.dumps(rows)]
    except ValueError as exc:  # an unmarshallable value: a bug, but not worth a crash
        return f"cannot encode ({exc})"
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    size = sum(map(len, parts))
    try:
        if spooled is not None:  # read once for the checksum, once more to be written
            for chunk in spooled.chunks():
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
        header = _HEADER.pack(MAGIC, FORMAT, _SCHEMA, *sys.version_info[:2], size, crc)
        path.parent.mkdir(parents=True, exist_ok=True)
        # A cache: atomic so a crash leaves the old one, but not worth an fsync.
        tail = spooled.chunks() if spooled is not None else iter(())
        atomic_write(path, chain((header, *parts), tail), durable=False)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return ""
