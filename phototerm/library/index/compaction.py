"""Compaction: the index without the rows of removed photos, its ids renumbered.

A removed photo's row stays in the index, dead (columns.py): ids never change under a caller.
A long session with churn (a phone sync renaming files, an import deleting temporary ones,
moves, which put a photo on a new row) would grow every column, mask and sort order without
bound. ``compacted`` makes a copy holding only the live rows, in row order, numbered
0..count-1, with the ``Renumbering`` {old id: new id}; ``swap`` puts it in place of the
index, whose callers then hold ids that mean OTHER photos: only an owner who remaps every id
it holds in the same step may swap (see "Why a swap is safe" below).

Building it
-----------
Under the index's lock, only copies are taken (``copies``: arrays and bytearrays, one memcpy
each; dicts) after the pending rows are flushed and the pair links settled; every structure is
then rebuilt from the copies without the lock (``build``), in C-level passes of at most ``CHUNK`` rows (so a
UI thread waiting for the GIL waits for one chunk, not for a whole column):

- value columns, ``_live`` and the pair links' roles: ``itertools.compress`` by the live mask;
- file names: the blob split at its NULs, compressed, joined; ``_name_end`` accumulated;
- ``_keys``: a slot's place depends on the folder id and the name, not on the row, so every
  slot keeps its place and only the row it holds is translated (tombstones stay tombstones:
  they keep probe chains intact);
- folder, camera and lens postings: translated, dead rows dropped (table ids, values and
  live counts are unchanged);
- sparse dicts (descriptions, errors, tags, overlays, durations, codecs) and album members:
  keys translated, dead ones dropped (an album's order kept);
- pair links: partners translated (settled first, so every link joins live rows);
- sort orders: ``perm`` walked through the live mask and translated, ``labels`` compressed:
  the labels still increase along the order, so the first search afterwards finds its order
  ready rather than sorting again. An order that was behind only by rows added at the end
  stays behind by the same rows (renumbered), and catches up as before; one behind by value
  changes is dropped (the values and rating logs are emptied: their rows are old ids), and is
  sorted again when next asked for. The folded-name blob is split and compressed likewise.

Swapping
--------
``swap`` takes the index's lock and puts the copy's fields in place (the ``Index`` object
stays, so everyone holding it sees the compacted index) only if ``version`` has not moved
since the copies were taken; otherwise it returns None and the copy is thrown away (a later
try makes a new one). ``version`` and ``numbering`` go up by one: ``numbering`` tells any
holder of ids that they are from an earlier numbering.

Why a swap is safe
------------------
An old id may name a different live photo after a swap, which is worse than a dead id (a
KeyError). So the index never compacts itself: its owner does, at a moment when it knows
every id outside the index and can remap them in the same step:

- the browser (tui/compaction.py) swaps on its UI thread, in one handler that also remaps the
  library screen's model, cursor, selection and info panel, only while no other screen (the
  viewer, a dialog holding ids in a closure) is open, with the library's watcher quiet (its
  lock held: a batch resolves paths to ids and uses them at once, see opening/live.py). Edits
  run on the UI thread, so none is half done; thumbnails are keyed by path, not id.
- ``phototerm watch`` holds no ids (it prints paths): its LiveLibrary swaps between batches.
- a snapshot saved with compaction (opening/library.py) saves the copy and swaps nothing.

Trigger (``due``): more than ``FLOOR`` dead rows and more than a quarter of all rows dead.
The floor keeps small libraries from compacting for a handful of removals (at a million rows
a copy takes ~85 ms under the lock and ~2.5 s to build, measured in ``bench --only watch``); the quarter bounds what churn costs in memory and search time
(every mask and order walks dead rows too) to a third over a compacted index.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, islice
from operator import sub
from typing import Any

from phototerm.library.index import masks, pairs
from phototerm.library.index.columns import ROW_ARRAYS, ROW_BYTES, ROW_DICTS, Columns
from phototerm.library.index.index import Index
from phototerm.library.index.records import KeyTable

__all__ = [
    "FLOOR",
    "NONE",
    "Compacted",
    "Renumbering",
    "build",
    "compacted",
    "copies",
    "due",
    "swap",
]

FLOOR = 4096  # dead rows below which compacting is never due
SHARE = 4  # ... and it is due once more than 1 / SHARE of all rows are dead
CHUNK = 1 << 16  # rows per C-level pass (a few ms): the GIL is let go between passes
NONE = 0xFFFFFFFF  # in a renumbering's table: the old row is dead
BLOB_PIECE = 1 << 20  # bytes of the folded-name blob handled in one C-level pass

# Row-keyed sparse dicts: keys translated, dead ones dropped.
_SPARSE = ROW_DICTS
# Fields that do not depend on rows, taken over as they are (copied: the source goes on).
_KEPT = (
    "_space_names",
    "_space_ids",
    "_roots",
    "_root_ids",
    "_kinds",
    "_desc_values",
    "_tags_live",
    "_tag_pool",
    "_days",
    "_conditional",
    "_month_of",
    "_fold_memo",
    "_values_gen",
    "_rating_gen",
    "_last_folder",
    "_last_camera",
)
# Value columns rebuilt by compress (every per-row array or bytearray but the names).
_COLUMNS = (*ROW_ARRAYS, *ROW_BYTES)
# Every attribute of an Index, handled here one way or another (a test holds this list to
# ``vars(Index())``: a field added to the index must be added here too).
HANDLED = frozenset(
    {
        *_SPARSE,
        *_KEPT,
        *_COLUMNS,
        "_lock",
        "version",
        "numbering",
        "_n",
        "_count",
        "_live",
        "_names",
        "_name_end",
        "_keys",
        "_folders",
        "_cameras",
        "_lenses",
        "_root_spaces",
        "_pairs",
        "_albums",
        "_orders",
        "_path_order",
        "_search_blob",
        "_search_rows",
        "_values_log",
        "_rating_log",
        "_pending",
        "_value_columns",
        "_deferred_columns",
    }
)


def due(ix: Index) -> bool:
    """Whether ``ix`` holds enough dead rows to be worth compacting (see the module doc)."""
    dead = ix.removed_rows
    return dead > FLOOR and dead * SHARE > len(ix) + dead


class Renumbering(Mapping[int, int]):
    """{old id: new id} of the live rows of a compacted index (a dead old id is not in it).

    Held as one array indexed by old id (4 bytes an old row, rather than a dict's ~100)."""

    __slots__ = ("_count", "_keep", "_new")

    def __init__(self, new_of: array[int], count: int, keep: bytes) -> None:
        self._new = new_of  # old id -> new id, NONE for a dead row
        self._count = count
        self._keep = keep  # one byte per old id: 1 = live

    def __getitem__(self, old: int) -> int:
        if isinstance(old, int) and 0 <= old < len(self._new):
            new = self._new[old]
            if new != NONE:
                return new
        raise KeyError(old)

    def __contains__(self, old: object) -> bool:
        return isinstance(old, int) and 0 <= old < len(self._new) and self._new[old] != NONE

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[int]:
        return compress(range(len(self._new)), map(NONE.__ne__, self._new))

    @property
    def old_rows(self) -> int:
        """Rows of the index before (its ``_n`` then)."""
        return len(self._new)

    def ids(self, old: Iterable[int]) -> list[int]:
        """``old`` ids translated, in their order, the dead (or unknown) ones left out."""
        new, top = self._new, len(self._new)
        out = [new[i] if isinstance(i, int) and 0 <= i < top else NONE for i in old]
        return [i for i in out if i != NONE]

    def translate(self, old: Sequence[int]) -> Sequence[int]:
        """Old ids (an array, or a list) translated, dead ones to ``NONE``, in C-level passes:
        an array for an array, a list for anything else."""
        if isinstance(old, array):
            return _translate(old, self._new)
        get = self._new.__getitem__
        out: list[int] = []
        for a in range(0, len(old), CHUNK):
            out.extend(map(get, old[a : a + CHUNK]))
        return out

    def per_new_id(self, values: array[int]) -> array[int]:
        """``values`` indexed by old id (one per old row, or fewer) as indexed by new id:
        those of the dead rows left out (a sort order's labels, say)."""
        return _compress(values, self._keep[: len(values)])


@dataclass(slots=True)
class Compacted:
    """A compacted copy of an index, and what it takes to swap it in."""

    index: Index
    renumbering: Renumbering
    version: int  # the source's version when the copies were taken


def compacted(ix: Index) -> Compacted:
    """A copy of ``ix`` holding only its live rows (see the module docstring). Holds the
    index's lock only while taking copies; ``ix`` itself is not changed."""
    return build(copies(ix))


def copies(ix: Index) -> dict[str, Any]:
    """The first half of ``compacted``, under the index's lock: what the build reads."""
    with ix._lock:
        ix._flush()
        pairs.settle(ix)  # every link joins live rows: partners translate cleanly
        return _copies(ix)


def build(src: dict[str, Any]) -> Compacted:
    """The second half of ``compacted``, holding no lock: the copy made from ``src``."""
    return Compacted(*_build(src))


def swap(ix: Index, done: Compacted) -> Renumbering | None:
    """Put ``done`` in place of ``ix`` (the same object, compacted) if ``ix`` has not changed
    since ``done`` was made from it; None (nothing done) if it has. The caller must remap every
    id it holds with the renumbering returned, before anything else reads them."""
    new = done.index
    with ix._lock, new._lock:
        if ix.version != done.version or len(done.renumbering._new) != ix._n:
            return None
        lock, version, numbering = ix._lock, ix.version, ix.numbering
        ix.__dict__.update(new.__dict__)
        ix._lock = lock
        ix.version = version + 1
        ix.numbering = numbering + 1
        new.__dict__.clear()  # the copy must not be used: its fields are the index's now
        masks.clear_cache()  # guards sized for the old row count
    return done.renumbering


# -- taking copies (under the lock) -------------------------------------------------------------


def _copies(ix: Columns) -> dict[str, Any]:
    """What the build reads, as copies: arrays are one memcpy each, dicts one C-level copy."""
    src: dict[str, Any] = {name: getattr(ix, name)[:] for name in (*_COLUMNS, "_live")}
    src.update(
        version=ix.version,
        numbering=ix.numbering,
        n=ix._n,
        count=ix._count,
        names=bytes(ix._names),
        name_end=ix._name_end[:],
        slots=ix._keys.slots[:],
        keys_used=ix._keys.used,
        tables={
            name: (
                list(t.values),
                dict(t.ids),
                list(t.counts),
                [p[:] for p in t.postings],
                list(t.folded),
            )
            for name, t in (
                ("_folders", ix._folders),
                ("_cameras", ix._cameras),
                ("_lenses", ix._lenses),
            )
        },
        root_spaces={rid: set(s) for rid, s in ix._root_spaces.items()},
        sparse={name: dict(getattr(ix, name)) for name in _SPARSE},
        kept={name: _copy(getattr(ix, name)) for name in _KEPT},
        albums={name: members[:] for name, members in ix._albums.items()},
        partner=ix._pairs.partner[:],
        role=bytearray(ix._pairs.role),
        pairs=(ix._pairs.raw_jpeg, ix._pairs.count, set(ix._pairs.dirty)),
        orders={
            key: (stamp, perm[:], labels[:]) for key, (stamp, perm, labels) in ix._orders.items()
        },
        path_order=None if ix._path_order is None else (ix._path_order[0], ix._path_order[1][:]),
        blob=bytes(ix._search_blob),
        blob_rows=ix._search_rows,
    )
    return src


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value  # numbers, tuples: immutable


# -- building (without the lock) ----------------------------------------------------------------


def _build(src: dict[str, Any]) -> tuple[Index, Renumbering, int]:
    n, count = src["n"], src["count"]
    live: bytearray = src["_live"]
    keep = bytes(live)
    new_of = array("I", bytes([0xFF]) * (4 * n))
    old_ids: list[int] = []
    for a in range(0, n, CHUNK):
        old_ids.extend(compress(range(a, min(n, a + CHUNK)), keep[a : a + CHUNK]))
    for a in range(0, count, CHUNK):
        deque(map(new_of.__setitem__, old_ids[a : a + CHUNK], range(a, min(count, a + CHUNK))), 0)
    renumbering = Renumbering(new_of, count, keep)

    ix = Index()
    ix.numbering = src["numbering"]
    for name in _COLUMNS:
        setattr(ix, name, _compress(src[name], keep))
    ix._live = bytearray(b"\x01") * count
    ix._bind_columns()
    ix._n = ix._count = count
    for name, value in src["kept"].items():
        setattr(ix, name, value)
    ix._root_spaces = src["root_spaces"]
    _names(ix, src, keep)
    ix._keys = _keys(src["slots"], src["keys_used"], old_ids, n)
    del old_ids
    for name, (values, ids, counts, postings, folded) in src["tables"].items():
        table = getattr(ix, name)
        table.values, table.ids, table.counts, table.folded = values, ids, counts, folded
        table.postings = [_live_only(_translate(p, new_of)) for p in postings]
    for name, d in src["sparse"].items():
        setattr(ix, name, _rekeyed(d, new_of))
    ix._albums = {name: _live_only(_translate(m, new_of)) for name, m in src["albums"].items()}
    _pair_links(ix, src, keep, new_of)
    _sort_orders(ix, src, live, new_of)
    _name_blob(ix, src, keep)
    return ix, renumbering, src["version"]


def _compress(column: Any, keep: bytes) -> Any:
    """``column`` (an array or a bytearray) with the rows ``keep`` marks, in chunks."""
    out = array(column.typecode) if isinstance(column, array) else bytearray()
    for a in range(0, len(keep), CHUNK):
        out.extend(compress(column[a : a + CHUNK], keep[a : a + CHUNK]))
    return out


def _translate(old: array[int], new_of: array[int]) -> array[int]:
    """Old ids (each < len(new_of)) to new ones, NONE for dead rows."""
    out = array("I")
    get = new_of.__getitem__
    for a in range(0, len(old), CHUNK):
        out.extend(map(get, old[a : a + CHUNK]))
    return out


def _live_only(ids: array[int]) -> array[int]:
    if NONE not in ids:
        return ids
    out = array("I")
    for a in range(0, len(ids), CHUNK):
        out.extend(filter(NONE.__ne__, ids[a : a + CHUNK]))
    return out


def _rekeyed(d: dict[int, Any], new_of: array[int]) -> dict[int, Any]:
    """A row-keyed dict under the new ids (dead rows' entries dropped, order kept)."""
    keys, values = list(d), list(d.values())
    out: dict[int, Any] = {}
    get = new_of.__getitem__
    for a in range(0, len(keys), CHUNK):
        out.update(zip(map(get, keys[a : a + CHUNK]), values[a : a + CHUNK]))
    out.pop(NONE, None)
    return out


def _names(ix: Index, src: dict[str, Any], keep: bytes) -> None:
    """The names blob and its ends, for the kept rows only (CHUNK rows at a time)."""
    n, names, ends = src["n"], src["names"], src["name_end"]
    out = bytearray()
    for a in range(0, n, CHUNK):
        b = min(n, a + CHUNK)
        parts = names[ends[a] : ends[b]].split(b"\0")
        if len(parts) == b - a + 1:  # no name holds a NUL: split in C
            parts.pop()
        else:
            parts = [names[ends[r] : ends[r + 1] - 1] for r in range(a, b)]
        kept = list(compress(parts, keep[a:b]))
        if kept:
            out += b"\0".join(kept)
            out.append(0)
    ix._names = out
    new_ends = array("I", [0])
    for a in range(0, n, CHUNK):
        b = min(n, a + CHUNK)
        lengths = map(sub, ends[a + 1 : b + 1], ends[a:b])  # each name + its NUL
        sums = accumulate(compress(lengths, keep[a:b]), initial=new_ends[-1])
        new_ends.extend(islice(sums, 1, None))  # the first is the end already there
    ix._name_end = new_ends


def _keys(slots: array[int], used: int, old_ids: list[int], n: int) -> KeyTable:
    """The (folder, name) -> row table with each slot where it was, holding the new row.

    A slot holds row + 1, EMPTY (0) or TOMB: each is translated through a table indexed by
    slot value (tombstones, which no table index reaches, are set aside and put back)."""
    tomb = KeyTable.TOMB
    tombs: list[int] = []
    at = -1
    try:
        while True:
            at = slots.index(tomb, at + 1)
            tombs.append(at)
    except ValueError:
        pass
    for p in tombs:
        slots[p] = 0
    # slot value -> new slot value; a dead row is never in the table (removing a photo takes
    # its slot), but if it were it must become a tombstone, not EMPTY (probe chains)
    lut = array("I", [tomb]) * (n + 1)
    lut[0] = 0
    for a in range(0, len(old_ids), CHUNK):
        chunk = old_ids[a : a + CHUNK]
        deque(map(lut.__setitem__, map((1).__add__, chunk), range(a + 1, a + 1 + len(chunk))), 0)
    table = KeyTable()
    table.slots = _translate(slots, lut)
    for p in tombs:
        table.slots[p] = tomb
    table.used = used
    return table


def _pair_links(ix: Index, src: dict[str, Any], keep: bytes, new_of: array[int]) -> None:
    raw_jpeg, count, dirty = src["pairs"]
    partner, role = src["partner"], src["role"]
    p = ix._pairs
    p.raw_jpeg, p.dirty = raw_jpeg, dirty
    p.partner = _translate(_compress(partner, keep[: len(partner)]), new_of)
    p.role = _compress(role, keep[: len(role)])
    p.count = count
    if NONE in p.partner:  # a link to a dead row (never after a settle): unlink that row
        for row in [r for r, q in enumerate(p.partner) if q == NONE]:
            if p.role[row] & pairs.SECONDARY:
                p.count -= 1
            p.partner[row], p.role[row] = row, 0
    p._masks = None


def _sort_orders(ix: Index, src: dict[str, Any], live: bytearray, new_of: array[int]) -> None:
    """Each order remapped (see the module docstring); rows below the order's count that are
    live become the new count."""
    keep = bytes(live)
    gens = (src["kept"]["_values_gen"], src["kept"]["_rating_gen"])
    for (key, descending), (stamp, perm, labels) in src["orders"].items():
        if len(stamp) > 1 and (stamp[1] != gens[0] or (key == "rating" and stamp[2] != gens[1])):
            continue  # behind by value changes, whose log is gone: sorted again when asked for
        old_n = stamp[0]
        new_stamp = (keep[:old_n].count(1), *stamp[1:])
        new_perm = _translate(_live_in_order(perm, live), new_of)
        new_labels = _compress(labels, keep[: len(labels)])
        ix._orders[(key, descending)] = (new_stamp, new_perm, new_labels)
    if src["path_order"] is not None:
        rows, perm = src["path_order"]
        ix._path_order = (keep[:rows].count(1), _translate(_live_in_order(perm, live), new_of))


def _live_in_order(perm: array[int], live: bytearray) -> array[int]:
    """The rows of ``perm`` that are live, in ``perm``'s order."""
    out = array("I")
    alive = live.__getitem__
    for a in range(0, len(perm), CHUNK):
        chunk = perm[a : a + CHUNK]
        out.extend(compress(chunk, map(alive, chunk)))
    return out


def _name_blob(ix: Index, src: dict[str, Any], keep: bytes) -> None:
    """The folded-name blob of the kept rows, cut into pieces of about ``BLOB_PIECE`` bytes at
    row ends (each piece split, compressed and joined in C)."""
    rows, blob = src["blob_rows"], src["blob"]
    if rows == 0 or blob.count(b"\n") != rows + 1:
        return  # none yet, or not the blob expected: made again when next needed
    out = bytearray(b"\n")
    row, start = 0, 1
    while start < len(blob):
        end = blob.find(b"\n", min(len(blob) - 1, start + BLOB_PIECE))  # a row's end
        parts = blob[start:end].split(b"\n")
        kept = list(compress(parts, keep[row : row + len(parts)]))
        if kept:
            out += b"\n".join(kept)
            out.append(0x0A)
        row += len(parts)
        start = end + 1
    ix._search_blob = out
    ix._search_rows = keep[:rows].count(1)
