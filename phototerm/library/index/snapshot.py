"""The index on disk: its columns, strings, tables and sort orders as they are in memory, so
the next start loads them instead of building them photo by photo.

One file per library (the spaces that are on, each with its root) under
``<XDG cache>/phototerm/index/``. Loading is a few ``array.fromfile`` calls and one small
``marshal`` load: no Python work per photo (file names stay one UTF-8 blob, decoded when a
photo is shown). What the file holds is never trusted blindly: every row keeps the size and
mtime of the file it was built from, and the caller checks them against a walk of the disk
(ingest/reconcile.py) unless told not to.

The file is disposable. Missing, truncated, from another phototerm or Python version, for
another set of roots, or inconsistent -> ``load`` says why and the caller rebuilds it.
Writes go to a temporary file in the same folder, then ``os.replace``: a reader (or a copy)
sees the old file or the new one, and two writers leave one whole file. A read-only cache
folder means no snapshot, never a failure.

Layout: a fixed header (magic, format, schema, Python version, byte order, the length and
CRC-32 of the metadata), the metadata (``marshal``: counters, the small tables, the sparse
fields, the store tokens, the caller's ``extra``, the list of sections with their lengths,
and the CRC-32 of all their bytes), then each section's raw array bytes in that order.

Loading makes every array at its full size, reads the sections straight into them with a
few vectored reads (``os.preadv``: one copy, by the kernel), and checks them with one CRC
over the file's mapped bytes (~70 ms a million photos). The reads and the check let the
GIL go; a loader thread runs beside a UI that is starting, and every time it wants the GIL
back it may wait for the other thread's turn to end (5 ms): so it lets it go a handful of
times, not once or twice per section (thousands of them at a million photos).
"""

from __future__ import annotations

import hashlib
import marshal
import mmap
import os
import struct
import sys
import tempfile
import zlib
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from phototerm.library.index import pairs
from phototerm.library.index.columns import ROW_ARRAYS, ROW_BYTES, ROW_DICTS
from phototerm.library.index.index import Index
from phototerm.library.index.records import KeyTable, Table
from phototerm.library.metadata.rows import READER_VERSION, ROW_FIELDS
from phototerm.library.values import fold

MAGIC = b"PTIX"
FORMAT = 4  # bump when the layout or the meaning of a saved field changes
# 3: arrays read straight from the file; 4: videos' durations and codecs, and the pair
# links (RAW+JPEG, Live Photos)
SUBDIR = "index"
_HEADER = struct.Struct("<4sHHBBcxQI")  # magic, format, schema, py major, minor, order, len, crc

# Text the search language folds: a snapshot keeps folded folder, camera and lens names, so
# a change of the folding rules must make old snapshots stale. The probe is folded at load
# and compared with what the saving process got.
_FOLD_PROBE = "Zürich Straße ÎLE ǅ İstanbul Æsir ﬁ Ⅻ ½ Ω"


def _schema() -> int:
    """What a saved row means: the reader that filled it and the columns it fills."""
    text = f"{READER_VERSION} {' '.join(ROW_FIELDS)}"
    return zlib.crc32(text.encode()) & 0xFFFF


# The array columns saved as they are, by attribute name (typecodes come from the arrays).
_ARRAYS = (*ROW_ARRAYS, "_name_end")
_BYTES = (*ROW_BYTES, "_live", "_names")
# Not saved: the folded name blob of word searches (made again on the first one, at C speed
# for ASCII names) and sort orders other than by capture time (made when asked for).
# Sparse fields, saved with marshal (dicts of row -> value, and their counts).
_SPARSE = (*ROW_DICTS, "_desc_values", "_tags_live", "_days")
_TABLES = ("_folders", "_cameras", "_lenses")


@dataclass(slots=True)
class Loaded:
    """What ``load`` gives back: the index, or why there is none."""

    index: Index | None
    problem: str = ""  # "" = loaded, or simply absent
    tokens: dict[str, tuple[int, int]] = field(default_factory=dict)  # space -> store token
    extra: dict[str, Any] = field(default_factory=dict)  # what the saver passed as ``extra``


def snapshot_file(cache_dir: str | os.PathLike[str], roots: Iterable[tuple[str, str]]) -> Path:
    """The file for the library of these (space, root) pairs."""
    key = "\0".join(f"{space}\0{os.path.abspath(root)}" for space, root in sorted(roots))
    digest = hashlib.sha1(os.fsencode(key)).hexdigest()[:16]
    return Path(cache_dir) / SUBDIR / f"library-{digest}.index"


# -- saving ------------------------------------------------------------------------------------


def save(
    path: str | os.PathLike[str],
    index: Index,
    roots: Iterable[tuple[str, str]],
    *,
    tokens: Mapping[str, tuple[int, int]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """Write ``index`` atomically. Returns "" or why it could not (a snapshot is best-effort).

    ``tokens``: each store's change token and identity the overlays on the index are current
    to; ``extra``: the caller's own marshal-able data (the walk's folder signatures)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".phototerm-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    try:
        # Under the index's lock: a writer in another thread must not change a column
        # between two sections. Writing to the page cache is fast (~0.1 s per 1M rows).
        with os.fdopen(fd, "wb") as fh, index._lock:
            index._flush()
            pairs.settle(index)  # the links saved are current: a start settles nothing
            _write(fh, index, sorted(roots), dict(tokens or {}), dict(extra or {}))
        os.replace(tmp, path)
    except (OSError, ValueError) as exc:  # ValueError: a value marshal cannot encode
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return ""


def _write(
    fh: BinaryIO,
    ix: Index,
    roots: list[tuple[str, str]],
    tokens: dict[str, tuple[int, int]],
    extra: dict[str, Any],
) -> None:
    sections: list[tuple[str, str, int]] = []  # (name, typecode or "B", length)
    blobs: list[array[Any] | bytearray | bytes] = []
    crc = 0  # of all the sections' bytes, in order

    def add(name: str, data: array[Any] | bytearray | bytes) -> None:
        nonlocal crc
        code = data.typecode if isinstance(data, array) else "B"
        size = data.itemsize * len(data) if isinstance(data, array) else len(data)
        sections.append((name, code, size))
        crc = zlib.crc32(data, crc)
        blobs.append(data)

    for name in _ARRAYS:
        add(name, getattr(ix, name))
    for name in _BYTES:
        add(name, getattr(ix, name))
    add("keys", ix._keys.slots)
    add("pairs.partner", ix._pairs.partner)
    add("pairs.role", ix._pairs.role)
    tables: dict[str, Any] = {}
    for name in _TABLES:
        table: Table[Any, Any] = getattr(ix, name)
        lengths = array("I", map(len, table.postings))
        add(f"{name}.lengths", lengths)
        for i, posting in enumerate(table.postings):
            add(f"{name}.{i}", posting)
        tables[name] = (table.values, table.counts, table.folded)
    orders: list[tuple[str, bool, tuple[int, ...]]] = []
    if ix._path_order is not None:
        add("path_order", ix._path_order[1])
        orders.append(("path", False, (ix._path_order[0],)))
    for (key, descending), (stamp, perm, rank) in ix._orders.items():
        if key != "taken":  # the order a start needs; the others are made when asked for
            continue
        add(f"order.{key}.{int(descending)}.perm", perm)
        add(f"order.{key}.{int(descending)}.rank", rank)
        orders.append((key, descending, stamp))
    meta = {
        "roots": roots,
        "fold": fold(_FOLD_PROBE),
        "n": ix._n,
        "count": ix._count,
        "values_gen": ix._values_gen,
        "rating_gen": ix._rating_gen,
        "keys_used": ix._keys.used,
        "space_names": ix._space_names,
        "roots_table": ix._roots,
        "root_spaces": {rid: sorted(s) for rid, s in ix._root_spaces.items()},
        "kinds": ix._kinds,
        "tables": tables,
        "pairs": {
            "raw_jpeg": ix._pairs.raw_jpeg,
            "count": ix._pairs.count,
            "dirty": sorted(ix._pairs.dirty),
        },
        "sparse": {name: getattr(ix, name) for name in _SPARSE},
        "orders": orders,
        "tokens": tokens,
        "extra": extra,
        "sections": sections,
        "crc": crc,
    }
    data = marshal.dumps(meta)
    fh.write(
        _HEADER.pack(
            MAGIC,
            FORMAT,
            _schema(),
            *sys.version_info[:2],
            b"<" if sys.byteorder == "little" else b">",
            len(data),
            zlib.crc32(data),
        )
    )
    fh.write(data)
    for blob in blobs:
        if isinstance(blob, array):
            blob.tofile(fh)
        else:
            fh.write(blob)


# -- loading -----------------------------------------------------------------------------------


def load(path: str | os.PathLike[str], roots: Iterable[tuple[str, str]]) -> Loaded:
    """The saved index, or ``Loaded(None, problem)``. Never raises."""
    try:
        with open(path, "rb", buffering=0) as fh:
            return _read(fh, sorted(roots))
    except FileNotFoundError:
        return Loaded(None)
    except OSError as exc:
        return Loaded(None, f"unreadable ({exc.strerror or type(exc).__name__})")
    except _Stale as exc:
        return Loaded(None, str(exc))
    except Exception as exc:  # noqa: BLE001 - marshal and array raise many types on bad input
        return Loaded(None, f"damaged ({type(exc).__name__})")


class _Stale(Exception):
    """The file is not a usable snapshot (the message says why)."""


def _read(fh: BinaryIO, roots: list[tuple[str, str]]) -> Loaded:
    size = os.fstat(fh.fileno()).st_size
    head = fh.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise _Stale("truncated")
    magic, fmt, schema, major, minor, order, length, crc = _HEADER.unpack(head)
    if magic != MAGIC:
        raise _Stale("not a phototerm index")
    mine = b"<" if sys.byteorder == "little" else b">"
    if (fmt, schema, major, minor, order) != (FORMAT, _schema(), *sys.version_info[:2], mine):
        raise _Stale("from another version")
    data = fh.read(length)
    if len(data) != length or zlib.crc32(data) != crc:
        raise _Stale("damaged (checksum)")
    meta = marshal.loads(data)
    if not isinstance(meta, dict):
        raise _Stale("damaged (content)")
    if [tuple(r) for r in meta["roots"]] != roots:
        raise _Stale("for another library")
    if meta["fold"] != fold(_FOLD_PROBE):
        raise _Stale("from another version (text folding)")
    sections: list[tuple[str, str, int]] = meta["sections"]
    if _HEADER.size + length + sum(s[2] for s in sections) != size:
        raise _Stale("truncated")
    arrays: dict[str, array[Any] | bytearray] = {}
    for name, code, nbytes in sections:
        data_: array[Any] | bytearray
        if code == "B":
            data_ = bytearray(nbytes)
        else:
            data_ = array(code)
            if nbytes % data_.itemsize:
                raise _Stale("damaged (section size)")
            if nbytes:
                data_ = array(code, [0]) * (nbytes // data_.itemsize)
        arrays[name] = data_
    start = _HEADER.size + length
    _read_into(fh.fileno(), start, list(arrays.values()))
    if _checksum(fh.fileno(), start, size, arrays.values()) != meta["crc"]:
        raise _Stale("damaged (checksum)")
    return Loaded(_build(meta, arrays), "", dict(meta["tokens"]), dict(meta["extra"]))


def _checksum(fd: int, start: int, end: int, arrays: Iterable[array[Any] | bytearray]) -> int:
    """CRC-32 of the file's bytes start..end (what was read into ``arrays``), in one call
    over a mapping of the file: it lets the GIL go once, where the arrays one by one would
    let it go and wait to get it back dozens of times, behind a UI that is starting. A file
    that cannot be mapped has its arrays checked one by one."""
    if end <= start:
        return 0
    try:
        mapped = mmap.mmap(fd, end, prot=mmap.PROT_READ)
    except (OSError, ValueError):
        crc = 0
        for data in arrays:
            crc = zlib.crc32(data, crc)
        return crc
    with mapped, memoryview(mapped) as view, view[start:end] as sections:
        return zlib.crc32(sections)


_READ_MAX = 1 << 30  # bytes per vectored read (the kernel reads at most ~2 GiB at once)


def _read_into(fd: int, offset: int, buffers: list[array[Any] | bytearray]) -> None:
    """Fill ``buffers`` with the file's bytes from ``offset`` on, in order."""
    limit = min(1024, os.sysconf("SC_IOV_MAX")) if hasattr(os, "sysconf") else 16
    batch: list[memoryview] = []
    size = 0
    for data in [*buffers, None]:
        view = memoryview(data).cast("B") if data is not None and len(data) else None
        if batch and (data is None or len(batch) == limit or size + len(view or b"") > _READ_MAX):
            if os.preadv(fd, batch, offset) != size:
                raise _Stale("truncated")
            offset += size
            batch, size = [], 0
        if view is not None:
            batch.append(view)
            size += len(view)


def _build(meta: dict[str, Any], arrays: dict[str, array[Any] | bytearray]) -> Index:
    ix = Index()
    n = meta["n"]
    for name in _ARRAYS:
        column = arrays[name]
        expected = getattr(ix, name)
        if not isinstance(column, array) or column.typecode != expected.typecode:
            raise _Stale("damaged (column type)")
        if len(column) != (n + 1 if name == "_name_end" else n):
            raise _Stale("damaged (column length)")
        setattr(ix, name, column)
    for name in _BYTES:
        column = arrays[name]
        if not isinstance(column, bytearray):
            raise _Stale("damaged (column type)")
        if name != "_names" and len(column) != n:
            raise _Stale("damaged (column length)")
        setattr(ix, name, column)
    if ix._name_end[0] != 0 or ix._name_end[n] != len(ix._names):
        raise _Stale("damaged (names)")
    ix._bind_columns()
    slots = arrays["keys"]
    if not isinstance(slots, array) or len(slots) & (len(slots) - 1) or len(slots) < 1024:
        raise _Stale("damaged (keys)")
    ix._keys = KeyTable()
    ix._keys.slots = slots
    ix._keys.used = meta["keys_used"]
    for name in _TABLES:
        values, counts, folded = meta["tables"][name]
        table: Table[Any, Any] = getattr(ix, name)
        lengths = arrays[f"{name}.lengths"]
        if not (len(values) == len(counts) == len(folded) == len(lengths)):
            raise _Stale("damaged (tables)")
        table.values = [tuple(v) if isinstance(v, list) else v for v in values]
        table.ids = {v: i for i, v in enumerate(table.values)}
        table.counts = list(counts)
        table.folded = [tuple(f) if isinstance(f, list) else f for f in folded]
        table.postings = [arrays[f"{name}.{i}"] for i in range(len(values))]  # type: ignore[misc]
    ix._space_names = list(meta["space_names"])
    ix._space_ids = {name: i for i, name in enumerate(ix._space_names)}
    ix._roots = list(meta["roots_table"])
    ix._root_ids = {root: i for i, root in enumerate(ix._roots)}
    ix._root_spaces = {rid: set(s) for rid, s in meta["root_spaces"].items()}
    ix._kinds = list(meta["kinds"])
    for name in _SPARSE:
        value = meta["sparse"][name]
        if not isinstance(value, dict):
            raise _Stale("damaged (sparse fields)")
        setattr(ix, name, value)
    ix._tag_pool = {t: t for t in {*ix._file_tags.values(), *ix._ov_tags.values()}}
    partner, role = arrays["pairs.partner"], arrays["pairs.role"]
    if not isinstance(partner, array) or partner.typecode != "I" or len(partner) > n:
        raise _Stale("damaged (pairs)")
    if not isinstance(role, bytearray) or len(role) != len(partner):
        raise _Stale("damaged (pairs)")
    # (the partners' values are rows below n: the checksum says they are what was saved)
    saved = meta["pairs"]
    ix._pairs.partner, ix._pairs.role = partner, role
    ix._pairs.raw_jpeg = bool(saved["raw_jpeg"])
    ix._pairs.count = int(saved["count"])
    ix._pairs.dirty = set(saved["dirty"])
    ix._n = n
    ix._count = meta["count"]
    ix._values_gen = meta["values_gen"]
    ix._rating_gen = meta["rating_gen"]
    for key, descending, stamp in meta["orders"]:
        if key == "path":
            perm = arrays["path_order"]
            if isinstance(perm, array) and len(perm) == n:
                ix._path_order = (n, perm)
            continue
        perm = arrays[f"order.{key}.{int(descending)}.perm"]
        rank = arrays[f"order.{key}.{int(descending)}.rank"]
        if isinstance(perm, array) and isinstance(rank, array) and len(perm) == len(rank) == n:
            ix._orders[(key, descending)] = (tuple(stamp), perm, rank)
    ix.version = 1
    return ix
