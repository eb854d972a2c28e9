"""Storage of the columnar index: one column per field, no object per photo.

Each field is an ``array`` of machine numbers or a ``bytearray`` indexed by the record's id
(its row); strings that repeat (folders, cameras, lenses) are interned into small tables and
stored as ids; file names live in one UTF-8 blob; rare fields (descriptions, errors, tags,
the store's overrides) are sparse dicts. Rows are never reused: a removed row is only marked
dead, until its owner compacts the index (compaction.py). New rows are written in batches (see ``_flush``): at a million records the cost of
indexing is the Python code that runs per record, so it is kept short.
"""

from __future__ import annotations

import sys
import threading
from array import array
from collections.abc import Iterable, MutableSequence
from operator import itemgetter
from typing import Any, TypeAlias

from phototerm.library.index.pair_links import Pairs
from phototerm.library.index.records import (
    DESC,
    ROT,
    TAGS,
    KeyTable,
    Record,
    Table,
    clean,
    finite,
    key_hash,
    tags_of,
    text,
)
from phototerm.library.photo import PHOTO, VIDEO, Photo
from phototerm.library.query import Query
from phototerm.library.values import camera_texts
from phototerm.library.values import fold as fold_text

# A value column: an ``array`` of numbers or a ``bytearray``. The columns are written
# position by position from a Record, a pairing of types no static type can follow.
Column: TypeAlias = MutableSequence[Any]
# (space id, folder) -> its folded folder; (make, model) -> the folded forms ``camera:``,
# ``make:`` and ``model:`` match; lens -> its folded form.
FolderTable: TypeAlias = Table[tuple[int, str], str]
CameraTable: TypeAlias = Table[tuple[str, str], tuple[str, str, str, str]]
LensTable: TypeAlias = Table[str, str]
# When a sort order was computed (rows, value generation, rating generation), the order, and
# each row's position in it. Quoted: ``array`` takes no subscript at run time before 3.12.
SortOrder: TypeAlias = "tuple[tuple[int, ...], array[int], array[int]]"
# The per-row fields, by attribute name, for what walks them all (snapshot.py saves them,
# compaction.py keeps the live rows of each): the value columns, arrays of numbers then
# bytearrays (``_live`` and the names are apart), and the row-keyed sparse dicts.
ROW_ARRAYS = (
    "_taken",
    "_tz",
    "_size",
    "_mtime",
    "_day",
    "_iso",
    "_fnumber",
    "_exposure",
    "_focal",
    "_width",
    "_height",
    "_lat",
    "_lon",
    "_root",
    "_folder",
    "_camera",
    "_lens",
)
ROW_BYTES = (
    "_orientation",
    "_file_rating",
    "_rating",
    "_kind",
    "_space",
    "_month",
    "_flags",
)
ROW_DICTS = (
    "_description",
    "_error",
    "_file_tags",
    "_ov_rating",
    "_ov_description",
    "_ov_rotation",
    "_ov_tags",
    "_duration",
    "_codec",
)
LOG_LIMIT = 1 << 16  # changed rows remembered for the sort orders (see orders.py)
_NONE = object()  # "no overlay" among taken overlays (None is a value some of them hold)


class Columns:
    """The storage of the index: columns, tables, sparse fields, and writing one record.

    Index (index.py) adds the public API on top; evaluate.py and facets.py read these
    attributes directly, on purpose: they are the index's own machinery."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.version = 0
        self.numbering = 0  # goes up when ids are renumbered (compaction.py): old ones are stale
        self._n = 0  # rows ever added (ids are 0..n-1)
        self._count = 0  # live rows
        self._values_gen = 0  # bumps when a row's values change in place
        self._rating_gen = 0  # bumps when a row's effective rating changes
        # The rows behind the last bumps of each counter, so that sort orders catch up
        # with them in place (orders.py); trimmed when long (the orders are sorted again).
        self._values_log: list[int] = []
        self._rating_log: list[int] = []
        # small tables
        self._space_names: list[str] = []
        self._space_ids: dict[str, int] = {}
        self._roots: list[str] = []
        self._root_ids: dict[str, int] = {}
        self._root_spaces: dict[int, set[int]] = {}
        self._kinds: list[str] = [PHOTO, VIDEO]
        self._folders: FolderTable = Table(lambda key: fold_text(key[1]))
        self._cameras: CameraTable = Table(
            lambda key: (*camera_texts(*key), fold_text(key[0]), fold_text(key[1]))
        )
        self._lenses: LensTable = Table(lambda key: fold_text(key))
        # columns
        self._taken = array("d")  # wall-clock seconds, -inf = unknown
        self._tz = array("h")
        self._size = array("q")
        self._mtime = array("d")
        self._day = array("I")  # proleptic ordinal of the wall-clock day, 0 = unknown
        self._iso = array("I")
        self._fnumber = array("f")
        self._exposure = array("f")
        self._focal = array("f")
        self._width = array("I")
        self._height = array("I")
        self._lat = array("d")
        self._lon = array("d")
        self._root = array("H")
        self._folder = array("I")
        self._camera = array("I")
        self._lens = array("I")
        self._orientation = bytearray()
        self._file_rating = bytearray()  # rating + 1 (0 = rejected, 1 = unrated, 2..6)
        self._rating = bytearray()  # effective rating + 1
        self._kind = bytearray()
        self._space = bytearray()
        self._month = bytearray()  # 1..12, 0 = unknown
        self._flags = bytearray()
        self._live = bytearray()
        self._bind_columns()
        self._pending: list[tuple[float, ...]] = []  # a Record, then the deferred ids
        self._last_folder: tuple[int, str, int] = (-1, "", -1)  # (space id, folder, folder id)
        # (make, model, camera id)
        self._last_camera: tuple[str | None, str | None, int] = (None, None, -1)
        self._month_of: dict[int, int] = {}
        self._names = bytearray()  # each file name UTF-8 (surrogatepass) + b"\0"
        self._name_end = array("I", [0])  # name i is _names[_name_end[i]:_name_end[i+1]-1]
        self._keys = KeyTable()  # (folder, name) -> row
        # sparse fields
        self._description: dict[int, str] = {}
        self._desc_values: dict[str, int] = {}  # distinct file descriptions -> rows
        self._error: dict[int, str] = {}
        self._file_tags: dict[int, tuple[str, ...]] = {}
        self._ov_rating: dict[int, int] = {}
        self._ov_description: dict[int, str] = {}
        self._ov_rotation: dict[int, int] = {}
        self._ov_tags: dict[int, tuple[str, ...]] = {}
        self._duration: dict[int, float] = {}  # videos: seconds
        self._codec: dict[int, str] = {}  # videos: FFmpeg's codec name (interned)
        self._pairs = Pairs()  # RAW+JPEG and Live Photo links (pairs.py)
        self._tags_live: dict[str, int] = {}  # effective tag -> live rows carrying it
        self._tag_pool: dict[tuple[str, ...], tuple[str, ...]] = {}  # shared tuples
        self._days: dict[int, int] = {}  # day -> live rows (facets, month keys)
        # albums
        self._albums: dict[str, array[int]] = {}
        self._conditional: dict[str, Query] = {}
        # caches (rebuilt on demand, see evaluate.py)
        self._search_blob = bytearray(b"\n")
        self._search_rows = 0
        self._path_order: tuple[int, array[int]] | None = None  # (rows, order)
        self._orders: dict[tuple[str, bool], SortOrder] = {}  # (key, descending) -> order
        self._fold_memo: dict[str, str] = {}

    def _bind_columns(self) -> None:
        """The column groups that writing a record walks through; called again when the
        columns are replaced as a whole (an index loaded from a snapshot)."""
        # the columns records.clean() fills, in its order (the last, rating, is the file's)
        self._value_columns: tuple[Column, ...] = (
            self._taken,
            self._day,
            self._month,
            self._tz,
            self._size,
            self._mtime,
            self._iso,
            self._fnumber,
            self._exposure,
            self._focal,
            self._width,
            self._height,
            self._lat,
            self._lon,
            self._orientation,
            self._kind,
            self._flags,
            self._file_rating,
        )
        # the columns a new row's entries wait for in _pending (see _flush)
        self._deferred_columns: tuple[Column, ...] = (
            *self._value_columns,
            self._rating,
            self._camera,
            self._lens,
            self._root,
            self._space,
        )

    def _drop(self, row: int) -> None:
        """Mark ``row`` dead and take it out of every count and sparse field."""
        self._unslot(row)
        self._live[row] = 0
        self._count -= 1
        self._uncount(row)
        self._folders.counts[self._folder[row]] -= 1
        self._set_desc(row, "")
        self._error.pop(row, None)
        self._duration.pop(row, None)
        self._codec.pop(row, None)
        self._count_tags(row, -1)
        self._file_tags.pop(row, None)
        for overlay in self._overlays():
            overlay.pop(row, None)

    def _overlays(self) -> tuple[dict[int, Any], ...]:
        return (self._ov_rating, self._ov_description, self._ov_rotation, self._ov_tags)

    def _take_overlays(self, row: int) -> tuple[Any, ...]:
        """Take the store's values off ``row`` (it shows its file's own again) and return
        them, one per ``_overlays()`` dict (``_NONE`` where it had none)."""
        self._count_tags(row, -1)
        taken = tuple(d.pop(row, _NONE) for d in self._overlays())
        self._count_tags(row, +1)
        if self._rating[row] != self._file_rating[row]:
            self._rating[row] = self._file_rating[row]
            self._rating_changed((row,))
        self._refresh_flags(row)
        return taken

    def _give_overlays(self, row: int, values: tuple[Any, ...]) -> None:
        """Put what ``_take_overlays`` took on ``row`` instead of whatever it had."""
        self._count_tags(row, -1)
        for d, value in zip(self._overlays(), values):
            if value is _NONE:
                d.pop(row, None)
            else:
                d[row] = value
        self._count_tags(row, +1)
        rating = self._ov_rating.get(row, self._file_rating[row] - 1) + 1
        if self._rating[row] != rating:
            self._rating[row] = rating
            self._rating_changed((row,))
        self._refresh_flags(row)

    def _put(self, p: Photo) -> int:
        sid = self._space_ids.get(p.space)
        if sid is None:
            sid = self._space_ids[p.space] = len(self._space_names)
            self._space_names.append(p.space)
        folder, _, name = p.rel.rpartition("/")
        name_b = name.encode("utf-8", "surrogatepass")
        last = self._last_folder  # records come folder by folder: skip the lookup
        if last[0] == sid and last[1] == folder:
            fid = last[2]
        else:
            fid = self._folders.intern((sid, folder))
            self._last_folder = (sid, folder, fid)
        h = key_hash(fid, name_b)
        row = self._find(fid, name_b, h)
        values = clean(p, name, self._month_of, self._kind_id)
        make, model, lens = p.make, p.model, p.lens
        if make.__class__ is not str or model.__class__ is not str:
            make, model = text(make), text(model)
        if lens.__class__ is not str:
            lens = text(lens)
        cameras, lenses = self._cameras, self._lenses
        last_camera = self._last_camera
        if last_camera[0] == make and last_camera[1] == model:
            cid = last_camera[2]
        else:
            cid = cameras.intern((make, model))
            self._last_camera = (make, model, cid)
        lid = lenses.ids.get(lens)
        if lid is None:
            lid = lenses.intern(lens)
        rid = self._root_ids.get(p.root)
        if rid is None:
            rid = self._root_ids[p.root] = len(self._roots)
            self._roots.append(p.root)
            self._root_spaces[rid] = set()
        self._root_spaces[rid].add(sid)
        if row is not None:
            self._flush()
            self._root[row] = rid
            self._rewrite(row, p, values, cid, lid)
            return row
        row = self._n
        if p.description or p.error or p.tags or p.duration or p.codec:
            values = self._new_sparse(row, p, values)
        # nothing below can fail half-way: the row's entries go in together
        self._names += name_b
        self._names.append(0)
        self._name_end.append(len(self._names))
        self._folder.append(fid)  # what _find() reads is written now, the rest by _flush()
        self._live.append(1)
        self._pending.append((*values, values[-1], cid, lid, rid, sid))
        self._folders.counts[fid] += 1
        self._folders.postings[fid].append(row)
        cameras.counts[cid] += 1
        cameras.postings[cid].append(row)
        lenses.counts[lid] += 1
        lenses.postings[lid].append(row)
        day = values[1]
        self._days[day] = self._days.get(day, 0) + 1
        self._n = row + 1
        self._count += 1
        self._slot(row, h)
        return row

    def _flush(self) -> None:
        """Append the pending new rows to the value columns, one C-level extend per column
        (four times faster than appending each value of each row)."""
        pending = self._pending
        if pending:
            for j, col in enumerate(self._deferred_columns):
                col.extend(map(itemgetter(j), pending))
            pending.clear()

    def _new_sparse(self, row: int, p: Photo, values: Record) -> Record:
        """Sparse fields of a new row; returns ``values`` with the DESC/TAGS flags set."""
        flags = values[16]
        desc = text(p.description)
        if desc:
            self._set_desc(row, desc)
            flags |= DESC
        error = text(p.error)
        if error:
            self._error[row] = sys.intern(error)
        self._set_video(row, p)
        tags = self._pool(tags_of(p.tags))
        if tags:
            self._file_tags[row] = tags
            self._count_tags(row, +1)
            flags |= TAGS
        return (*values[:16], flags, values[17])

    def _set_video(self, row: int, p: Photo) -> None:
        """A video's duration and codec (sparse: most rows are photos)."""
        duration = finite(p.duration, 0.0)
        if duration > 0:
            self._duration[row] = duration
        else:
            self._duration.pop(row, None)
        codec = text(p.codec)
        if codec:
            self._codec[row] = sys.intern(codec)
        else:
            self._codec.pop(row, None)

    def _rewrite(self, row: int, p: Photo, values: Record, cid: int, lid: int) -> None:
        """New values for an existing row (same space and path); overlays stay."""
        self._uncount(row)
        for col, v in zip(self._value_columns, values):
            col[row] = v
        self._rating[row] = self._ov_rating.get(row, values[-1] - 1) + 1
        for table, col, new_id in (
            (self._cameras, self._camera, cid),
            (self._lenses, self._lens, lid),
        ):
            if col[row] != new_id:
                table.postings[col[row]].remove(row)
                table.postings[new_id].append(row)
                col[row] = new_id
            table.counts[new_id] += 1
        day = values[1]
        self._days[day] = self._days.get(day, 0) + 1
        self._write_sparse(row, p)
        self._values_changed((row,))
        self._rating_changed((row,))

    def _values_changed(self, rows: Iterable[int]) -> None:
        """Rows whose sort values (capture time, size, mtime) changed in place."""
        log = self._values_log
        before = len(log)
        log.extend(rows)
        self._values_gen += len(log) - before
        if len(log) > LOG_LIMIT:
            log.clear()  # the orders behind it are sorted again when next used

    def _rating_changed(self, rows: Iterable[int]) -> None:
        """Rows whose effective rating changed (the store's or the file's)."""
        log = self._rating_log
        before = len(log)
        log.extend(rows)
        self._rating_gen += len(log) - before
        if len(log) > LOG_LIMIT:
            log.clear()

    def _write_sparse(self, row: int, p: Photo) -> None:
        self._set_desc(row, text(p.description))
        error = text(p.error)
        if error:
            self._error[row] = sys.intern(error)
        else:
            self._error.pop(row, None)
        self._set_video(row, p)
        self._count_tags(row, -1)
        tags = self._pool(tags_of(p.tags))
        if tags:
            self._file_tags[row] = tags
        else:
            self._file_tags.pop(row, None)
        self._count_tags(row, +1)
        self._refresh_flags(row)

    def _pool(self, tags: tuple[str, ...]) -> tuple[str, ...]:
        return self._tag_pool.setdefault(tags, tags) if tags else ()

    def _count_tags(self, row: int, delta: int) -> None:
        """Add (+1) or take out (-1) the row's effective tags from the live tag counts."""
        for tag in self._ov_tags.get(row, self._file_tags.get(row, ())):
            left = self._tags_live.get(tag, 0) + delta
            if left > 0:
                self._tags_live[tag] = left
            else:
                self._tags_live.pop(tag, None)

    def _kind_id(self, kind: object) -> int:
        if not isinstance(kind, str):
            return 0
        if kind not in self._kinds:
            if len(self._kinds) >= 255:
                return 0
            self._kinds.append(kind)
        return self._kinds.index(kind)

    def _uncount(self, row: int) -> None:
        """Take ``row``'s camera, lens and day out of the live counts (before a rewrite or a
        removal; the folder never changes for a row)."""
        self._cameras.counts[self._camera[row]] -= 1
        self._lenses.counts[self._lens[row]] -= 1
        day = self._day[row]
        left = self._days.get(day, 0) - 1
        if left > 0:
            self._days[day] = left
        else:
            self._days.pop(day, None)

    def _set_desc(self, row: int, desc: str) -> None:
        old = self._description.pop(row, None)
        if old is not None:
            left = self._desc_values[old] - 1
            if left:
                self._desc_values[old] = left
            else:
                del self._desc_values[old]
        if desc:
            # Cameras write the same text into thousands of files: share one string.
            desc = sys.intern(desc)
            self._desc_values[desc] = self._desc_values.get(desc, 0) + 1
            self._description[row] = desc

    def _refresh_flags(self, row: int) -> None:
        flags = self._flags[row] & ~(DESC | TAGS | ROT)
        if self._ov_description.get(row, self._description.get(row, "")):
            flags |= DESC
        if self._ov_tags.get(row, self._file_tags.get(row, ())):
            flags |= TAGS
        if self._ov_rotation.get(row, 0):
            flags |= ROT
        self._flags[row] = flags

    # -- the (space, rel) -> id hash table ------------------------------------------------

    def _name_bytes(self, row: int) -> bytes:
        return bytes(self._names[self._name_end[row] : self._name_end[row + 1] - 1])

    def _find(self, fid: int, name_b: bytes, h: int) -> int | None:
        keys = self._keys
        if not keys.slots[h & (len(keys.slots) - 1)]:
            return None  # the usual answer for a new record, without building a closure
        folder, ends, names, live = self._folder, self._name_end, self._names, self._live
        return self._keys.find(
            h,
            lambda r: (
                folder[r] == fid and live[r] == 1 and names[ends[r] : ends[r + 1] - 1] == name_b
            ),
        )

    def _slot(self, row: int, h: int) -> None:
        if not self._keys.insert(h, row):  # full: rebuild from every live row (this one too)
            live, folder = self._live, self._folder
            self._keys.rebuild(
                4 * self._count,
                (
                    (key_hash(folder[r], name_b), r)
                    for r, name_b in enumerate(self._raw_names(self._n))
                    if live[r]
                ),
            )

    def _unslot(self, row: int) -> None:
        self._keys.delete(key_hash(self._folder[row], self._name_bytes(row)), row)

    def _raw_names(self, n: int) -> list[bytes]:
        """File names of rows 0..n-1 as stored bytes (split in C when no name holds a NUL)."""
        parts = bytes(self._names[: self._name_end[n]]).split(b"\0")
        if len(parts) == n + 1:
            parts.pop()
            return parts
        return [self._name_bytes(r) for r in range(n)]

    def effective_tags(self) -> Iterable[tuple[int, tuple[str, ...]]]:
        """(id, tags) of every live photo that has tags, store overlay first."""
        ov = self._ov_tags
        for row, tags in ov.items():
            if tags:
                yield row, tags
        for row, tags in self._file_tags.items():
            if row not in ov:
                yield row, tags
