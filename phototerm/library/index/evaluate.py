"""Evaluating a parsed query over the Index's columns, and ordering what matched.

Column-wise: each filter turns into a row mask (see masks.py) without a Python loop over the
rows. Interned columns (folder, camera, lens) match each distinct value once, then set the
rows of the matching values from their postings. File names are matched in one cached,
folded blob (names.py). A result is ordered by a sort order (orders.py, kept up to date in
place): by sorting its ids by their labels (small results) or by walking the permutation
(large ones).

This module is the Index's own machinery and reads its private columns on purpose.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from typing import Any, TypeVar

from phototerm.library.index import masks, orders, pairs
from phototerm.library.index.columns import Columns
from phototerm.library.index.names import search_blob
from phototerm.library.index.records import DESC, ERROR, GPS, RAW, ROT, TAGS, Table
from phototerm.library.query import (
    Album,
    And,
    Codec,
    Everything,
    Flag,
    Folder,
    Months,
    Name,
    Node,
    Not,
    Or,
    Query,
    Range,
    Space,
    Substring,
    Tag,
    Text,
)
from phototerm.library.values import fold

F = TypeVar("F")  # the folded form of an interned value


def search(
    ix: Columns, q: Query, sort: str, descending: bool, within: Sequence[int] | None
) -> list[int]:
    n = ix._n
    if n == 0:
        return []
    pairs.settle(ix)
    ev = _Evaluator(ix, n)
    mask = pairs.shown(ix, ev.mask(q.node) & ev.live, n)
    if within is not None:
        if not isinstance(within, (list, tuple, range)):
            within = list(within)  # a generator would be used up by the checks
        mask &= int.from_bytes(_scatter_valid(n, within), "little")
        if sort == "none":
            mb = masks.to_bytes(mask, n)
            return [i for i in dict.fromkeys(within) if _valid(i, n) and mb[i]]
    return _ordered(ix, mask, n, sort, descending)


def count(ix: Columns, q: Query, files: bool = False) -> int:
    n = ix._n
    if n == 0:
        return 0
    pairs.settle(ix)
    ev = _Evaluator(ix, n, whole_pairs=not files)
    mask = ev.mask(q.node) & ev.live
    return masks.to_bytes(mask if files else pairs.shown(ix, mask, n), n).count(1)


def search_files(ix: Columns, q: Query) -> list[int]:
    """Files matching ``q`` each on its own, pairs or not, in path order."""
    n = ix._n
    if n == 0:
        return []
    ev = _Evaluator(ix, n, whole_pairs=False)
    return _ordered(ix, ev.mask(q.node) & ev.live, n, "path", False)


def _valid(i: object, n: int) -> bool:
    return isinstance(i, int) and 0 <= i < n


def _scatter_valid(n: int, ids: Sequence[int]) -> bytearray:
    try:
        if all(map(int.__instancecheck__, ids)) and (not ids or (min(ids) >= 0 and max(ids) < n)):
            return masks.scatter(n, ids)
    except TypeError:
        pass
    return masks.scatter(n, [i for i in ids if _valid(i, n)])


# -- masks ---------------------------------------------------------------------------------


class _Evaluator:
    def __init__(self, ix: Columns, n: int, whole_pairs: bool = True) -> None:
        self.ix = ix
        self.n = n
        self.live = int.from_bytes(ix._live, "little")
        self.guard: set[str] = set()  # conditional albums being evaluated (no recursion)
        self.paired = whole_pairs and bool(ix._pairs.count)

    def mask(self, node: Node) -> int:
        """Rows matching ``node``; a pair's two rows match together (pairs.py): each key is
        matched by either file, and NOT, AND and OR then keep the pair whole."""
        result = self._mask(node)
        if self.paired and not isinstance(node, Not | And | Or | Everything):
            result = pairs.closed(self.ix, result, self.n)
        return result

    def _mask(self, node: Node) -> int:
        ix, n = self.ix, self.n
        match node:
            case Everything():
                return self.live
            case Not(item):
                return self.live ^ (self.mask(item) & self.live)
            case And(items):
                result = self.live
                for item in sorted(items, key=_cost):
                    result &= self.mask(item)
                    if not result:
                        break
                return result
            case Or(items):
                result = 0
                for item in sorted(items, key=_cost):
                    result |= self.mask(item)
                return result
            case Text(needle):
                return self.text(needle)
            case Range():
                return self.range(node)
            case Months(months):
                return masks.byte_mask(ix._month, masks.table(months), n)
            case Substring(field, needle):
                if field == "lens":
                    return self.postings(ix._lenses, lambda f: needle in f)
                # a camera's folded forms: (make + model, display name, make, model)
                parts = {"camera": (0, 1), "make": (2,), "model": (3,)}[field]
                return self.postings(ix._cameras, lambda f: any(needle in f[i] for i in parts))
            case Folder(prefix):
                return self.postings(ix._folders, lambda f: f.startswith(prefix))
            case Name(pattern, glob):
                if not glob:
                    return self.name_substring(pattern)
                return masks.blob_row_mask(search_blob(ix, n), _glob_bytes(pattern), n)
            case Flag(flag):
                return self.flag(flag)
            case Space(space):
                sid = ix._space_ids.get(space)
                return 0 if sid is None else masks.byte_mask(ix._space, masks.table([sid]), n)
            case Tag(tag):
                return self.tagged(lambda t: t == tag)
            case Album(album):
                return self.albums(lambda name: name == album)
            case Codec(codec):
                rows = [r for r, c in ix._codec.items() if c.lower() == codec]
                return masks.ids_mask(n, rows) if rows else 0
        raise TypeError(f"not a query node: {node!r}")

    def fold(self, text: str) -> str:
        memo = self.ix._fold_memo
        out = memo.get(text)
        if out is None:
            if len(memo) > 100_000:
                memo.clear()
            out = memo[text] = fold(text)
        return out

    def range(self, node: Range) -> int:
        ix, n = self.ix, self.n
        field, lo, hi = node.field, node.lo, node.hi
        if field == "rating":
            accept = [
                v + 1 for v in range(-1, 6) if (lo is None or v >= lo) and (hi is None or v <= hi)
            ]
            return masks.byte_mask(ix._rating, masks.table(accept), n)
        if field == "duration":
            lo_open, hi_open = node.lo_open, node.hi_open
            rows = [
                r
                for r, d in ix._duration.items()
                if (lo is None or d > lo or (d == lo and not lo_open))
                and (hi is None or d < hi or (d == hi and not hi_open))
            ]
            return masks.ids_mask(n, rows) if rows else 0
        if field in ("iso", "size", "day"):
            column = {"iso": ix._iso, "size": ix._size, "day": ix._day}[field]
            lo_i = None if lo is None else int(lo)
            if field != "size":  # 0 = unknown never matches
                lo_i = max(lo_i or 1, 1)
            return masks.lane_range(column, n, lo_i, None if hi is None else int(hi))
        floats = {"f": ix._fnumber, "mm": ix._focal, "shutter": ix._exposure}[field]
        lo_b = 1 if lo is None else max(1, masks.f32_bits(lo) + node.lo_open)
        hi_b = None if hi is None else masks.f32_bits(hi) - node.hi_open
        return masks.lane_range(floats, n, lo_b, hi_b)

    def flag(self, flag: str) -> int:
        ix = self.ix
        if flag in ("photo", "video"):
            video = ix._kinds.index("video")
            accept = [video] if flag == "video" else [k for k in range(256) if k != video]
            return masks.byte_mask(ix._kind, masks.table(accept), self.n)
        bit = {
            "gps": GPS,
            "error": ERROR,
            "raw": RAW,
            "description": DESC,
            "tags": TAGS,
            "rotated": ROT,
        }[flag]
        return masks.byte_mask(ix._flags, masks.table(v for v in range(256) if v & bit), self.n)

    def postings(self, table: Table[Any, F], accept: Callable[[F], bool]) -> int:
        """Rows whose interned value's folded form is accepted (each value tested once)."""
        chosen = [i for i, f in enumerate(table.folded) if table.counts[i] > 0 and accept(f)]
        if not chosen:
            return 0
        buf = bytearray(self.n)
        setter = buf.__setitem__
        for i in chosen:
            deque(map(setter, table.postings[i], repeat(1)), maxlen=0)
        return int.from_bytes(buf, "little")

    def name_substring(self, needle: str) -> int:
        if not needle:
            return self.live
        return masks.blob_substring_mask(search_blob(self.ix, self.n), needle.encode(), self.n)

    def text(self, needle: str) -> int:
        """A free word: name, folder, camera, lens, description, tags, album names."""
        ix, n = self.ix, self.n
        if not needle:
            return self.live
        result = self.name_substring(needle)
        result |= self.postings(ix._folders, lambda f: needle in f)
        result |= self.postings(ix._cameras, lambda f: needle in f[0] or needle in f[1])
        result |= self.postings(ix._lenses, lambda f: needle in f)
        rows: list[int] = []
        wanted = {d for d in ix._desc_values if needle in self.fold(d)}
        if wanted:
            ov = ix._ov_description
            rows += [r for r, d in ix._description.items() if d in wanted and r not in ov]
        rows += [r for r, d in ix._ov_description.items() if needle in self.fold(d)]
        if rows:
            result |= masks.ids_mask(n, rows)
        return result | self.tagged(lambda t: needle in t) | self.albums(lambda a: needle in a)

    def tagged(self, accept: Callable[[str], bool]) -> int:
        """Rows carrying an (effective) tag whose folded form is accepted."""
        wanted = {t for t in self.ix._tags_live if accept(self.fold(t))}
        if not wanted:
            return 0
        return masks.ids_mask(
            self.n, (row for row, tags in self.ix.effective_tags() if not wanted.isdisjoint(tags))
        )

    def albums(self, accept: Callable[[str], bool]) -> int:
        ix, n = self.ix, self.n
        result = 0
        for name, members in ix._albums.items():
            if accept(self.fold(name)):
                result |= masks.ids_mask(n, members)
        for name, query in ix._conditional.items():
            if name not in self.guard and accept(self.fold(name)):
                self.guard.add(name)  # an album whose query names itself matches nothing more
                try:
                    result |= self.mask(query.node) & self.live
                finally:
                    self.guard.discard(name)
        return result


def _cost(node: Node) -> int:
    """Rough evaluation cost, cheapest first, so an AND can stop at an empty mask early."""
    match node:
        case Flag() | Space() | Months() | Everything():
            return 0
        case Range(field="rating"):
            return 0
        case Range():
            return 1
        case Substring() | Folder() | Tag() | Album() | Codec():
            return 2
        case Not(item):
            return _cost(item)
        case And(items) | Or(items):
            return max(map(_cost, items))
    return 3


def _glob_bytes(pattern: str) -> bytes:
    """A folded glob as a bytes regex over one UTF-8 row of the name blob."""
    out = []
    for c in pattern:
        if c == "*":
            out.append(b"[^\n]*")
        elif c == "?":  # one character: a lead byte and its continuation bytes
            out.append(b"[^\n\x80-\xbf][\x80-\xbf]*")
        else:
            out.append(re.escape(c.encode()))
    return b"".join(out)


def _ordered(ix: Columns, mask: int, n: int, sort: str, descending: bool) -> list[int]:
    mb = masks.to_bytes(mask, n)
    k = mb.count(1)
    if k == 0:
        return []
    if sort == "none":
        return masks.ids_of(mb, k)
    perm, labels = orders.sort_order(ix, sort, descending, n)
    # Sorting the ids by label costs k log k (measured: the better way up to ~n/5); reading
    # the order through the mask costs two passes over n.
    if k * 5 <= n:
        ids = masks.ids_of(mb, k)
        ids.sort(key=labels.__getitem__)
        return ids
    return list(compress(perm, map(mb.__getitem__, perm)))
