"""Sort orders of the index, kept up to date in place as photos come, change and go.

An order is ``perm``, the rows in order (ties by space, folder and file name), and
``labels``, one number per row that increases along ``perm``: sorting a small result by
label orders it, and a row is found in ``perm`` by bisecting on labels. Labels are spread
out (``relabel``), so a row placed between two others takes a label between theirs and no
other row's label changes: adding a photo to a million-photo index costs a few bisections
(log n key comparisons) and one move of the array's tail, not a new sort (about a second).
When photos keep arriving at one place and the gap there is used up, the labels of a
stretch around it are spread again (``_relabel_around``), not the whole order's.

What changed since an order was made is read from the index itself: rows are only ever
appended (the rows past the order's count are new), and the rows whose values changed in
place are logged (``Columns._values_log``, ``_rating_log``). A removed row stays where it
is: it is dead, and every search masks dead rows out. An order too far behind (more rows to
place than ``n / REBUILD_SHARE``, or logs that no longer reach back) is sorted again whole.

``ix._orders`` maps (key, descending) to (stamp, perm, labels), the stamp being the counters
the order is current to; ``ix._path_order`` is (rows, perm), the tie-break every order
starts from. Both are saved in the index snapshot as they are.

This module is the Index's own machinery and reads its private columns on purpose.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Sequence
from itertools import compress
from typing import Any

from phototerm.library.index.columns import Columns
from phototerm.library.index.names import name_key, search_blob

MAX_CACHED = 4  # orders kept besides the path order; each costs 8 bytes per row
LOW = 1 << 30  # where a relabelled order's labels start: room below for rows put first
SPAN = 1 << 31  # and the width they are spread over: room above for rows put last
TOP = (1 << 32) - 1
REBUILD_SHARE = 16  # more than n / REBUILD_SHARE rows to place: sort the whole order again
FEW = 64  # up to this many rows are put in one by one; more are merged in one pass

VALUE_KEYS = ("taken", "size", "mtime", "rating")

Key = tuple[Any, Any]  # (the sort value, the path key that breaks ties)


def stamp(ix: Columns, key: str, n: int) -> tuple[int, ...]:
    """The counters an order of ``key`` is current to (see the module docstring)."""
    if key in ("name", "path"):
        return (n,)  # a row's name and path never change
    return (n, ix._values_gen, ix._rating_gen if key == "rating" else 0)


def sort_order(ix: Columns, key: str, descending: bool, n: int) -> tuple[array[int], array[int]]:
    """(perm, labels) of ``key``, brought up to date with the index first."""
    cache = ix._orders
    now = stamp(ix, key, n)
    hit = cache.pop((key, descending), None)
    if hit is not None:
        old, perm, labels = hit
        if old != now:
            caught = _catch_up(ix, key, descending, perm, labels, old, n)
            if caught is None:
                hit = None
            else:
                perm = caught
        if hit is not None:
            cache[(key, descending)] = (now, perm, labels)  # most recently used last
            return perm, labels
    perm = _sorted(ix, key, descending, n)
    labels = array("I", bytes(4 * n))
    relabel(perm, labels)
    cache[(key, descending)] = (now, perm, labels)
    while len(cache) > MAX_CACHED:
        del cache[next(iter(cache))]
    return perm, labels


def refresh(ix: Columns) -> None:
    """Bring every cached order up to date now (after a batch of changes), so the next
    search pays nothing for it."""
    n = ix._n
    path_order(ix, n)
    for key, descending in list(ix._orders):
        sort_order(ix, key, descending, n)


def relabel(perm: array[int], labels: array[int]) -> None:
    """Spread the labels of ``perm`` evenly over [LOW, LOW + SPAN)."""
    gap = max(1, SPAN // (len(perm) + 1))
    deque(map(labels.__setitem__, perm, range(LOW + gap, LOW + gap * (len(perm) + 1), gap)), 0)


def path_order(ix: Columns, n: int) -> array[int]:
    """Rows ordered by space, folder, file name: the tie-break of every sort."""
    cached = ix._path_order
    if cached is not None and cached[0] == n:
        return cached[1]
    if cached is not None and cached[0] < n and (n - cached[0]) * REBUILD_SHARE <= max(n, 1024):
        perm = cached[1]
        placed = _placed(ix, "path", False, perm, range(cached[0], n))
        if len(placed) <= FEW:
            for p, row in reversed(placed):
                perm.insert(p, row)
        else:
            perm = _merged(perm, placed)
    else:
        perm = _path_sorted(ix, n)
    ix._path_order = (n, perm)
    return perm


# -- building an order whole ---------------------------------------------------------------


def _path_sorted(ix: Columns, n: int) -> array[int]:
    t = ix._folders
    spaces = ix._space_names
    order = sorted(range(len(t.values)), key=lambda f: (spaces[t.values[f][0]], t.values[f][1]))
    frank = array("I", bytes(4 * len(order)))
    for r, f in enumerate(order):
        frank[f] = r
    folder_rank = array("I", map(frank.__getitem__, ix._folder[:n]))
    names = ix._raw_names(n)
    rows = sorted(range(n), key=names.__getitem__)
    rows.sort(key=folder_rank.__getitem__)
    return array("I", rows)


def _sorted(ix: Columns, key: str, descending: bool, n: int) -> array[int]:
    base = path_order(ix, n)
    if key == "path":
        return array("I", reversed(base)) if descending else array("I", base)
    keys: Sequence[bytes] | Sequence[float]
    if key == "name":
        keys = bytes(search_blob(ix, n)[1:-1]).split(b"\n")
    else:
        keys = _column(ix, key)
    # sorted() is stable, also with reverse=True: ties keep the path order.
    return array("I", sorted(base, key=keys.__getitem__, reverse=descending))


def _column(ix: Columns, key: str) -> Sequence[float]:
    columns: dict[str, Sequence[float]] = {
        "taken": ix._taken,
        "size": ix._size,
        "mtime": ix._mtime,
        "rating": ix._rating,
    }
    return columns[key]


# -- bringing an order up to date ------------------------------------------------------------


def _catch_up(
    ix: Columns,
    key: str,
    descending: bool,
    perm: array[int],
    labels: array[int],
    old: tuple[int, ...],
    n: int,
) -> array[int] | None:
    """``perm`` with the rows added or changed since ``old`` in their places (a new array
    or ``perm`` itself), ``labels`` updated; None when it is cheaper, or only possible, to
    sort again."""
    changed = _changed_rows(ix, key, old, n)
    if changed is None:
        return None
    new, moved = changed
    if (len(new) + len(moved)) * REBUILD_SHARE > max(n, 1024):
        return None
    if moved:
        perm = _without(perm, labels, moved)
    if len(labels) < n:
        labels.frombytes(bytes(4 * (n - len(labels))))
    rows = [*moved, *new]
    if not rows:
        return perm
    placed = _placed(ix, key, descending, perm, rows)
    if len(placed) <= FEW:
        _insert_few(perm, labels, placed)
        return perm
    perm = _merged(perm, placed)
    relabel(perm, labels)
    return perm


def _changed_rows(
    ix: Columns, key: str, old: tuple[int, ...], n: int
) -> tuple[range, list[int]] | None:
    """(rows added, rows whose sort value changed) since the stamp ``old``."""
    old_n = old[0]
    if old_n > n or len(old) != len(stamp(ix, key, n)):
        return None
    moved: set[int] = set()
    if key not in ("name", "path"):
        logs = [(old[1], ix._values_log, ix._values_gen)]
        if key == "rating":
            logs.append((old[2], ix._rating_log, ix._rating_gen))
        for gen, log, now in logs:
            start = now - len(log)
            if not start <= gen <= now:
                return None  # the log was trimmed since
            moved.update(log[gen - start :])
    return range(old_n, n), sorted(r for r in moved if r < old_n)


def _without(perm: array[int], labels: array[int], rows: list[int]) -> array[int]:
    """``perm`` without ``rows`` (found by their labels)."""
    positions = sorted(_position_of(perm, labels, row) for row in rows)
    if len(positions) <= FEW:
        for p in reversed(positions):
            del perm[p]
        return perm
    keep = bytearray(b"\x01") * len(perm)
    for p in positions:
        keep[p] = 0
    return array("I", compress(perm, keep))


def _position_of(perm: array[int], labels: array[int], row: int) -> int:
    lo, hi = 0, len(perm)
    label = labels[row]
    while lo < hi:
        mid = (lo + hi) // 2
        if labels[perm[mid]] < label:
            lo = mid + 1
        else:
            hi = mid
    if lo >= len(perm) or perm[lo] != row:
        raise ValueError(f"row {row} is not where its label says")  # an index bug, not data
    return lo


def _placed(
    ix: Columns, key: str, descending: bool, perm: array[int], rows: Sequence[int]
) -> list[tuple[int, int]]:
    """(position in ``perm`` before which it goes, row) for each of ``rows``, in order."""
    keyof = _key_function(ix, key)
    keyed = [(keyof(r), r) for r in rows]
    if key == "path":
        keyed.sort(key=lambda kr: kr[0][0], reverse=descending)
    else:
        keyed.sort(key=lambda kr: kr[0][1])  # ties by path first, then (stable) by value
        keyed.sort(key=lambda kr: kr[0][0], reverse=descending)
    out: list[tuple[int, int]] = []
    lo = 0
    for k, row in keyed:
        lo = _bisect(perm, lo, k, keyof, descending, key == "path")
        out.append((lo, row))
    return out


def _bisect(
    perm: array[int],
    lo: int,
    k: Key,
    keyof: Callable[[int], Key],
    descending: bool,
    by_path: bool,
) -> int:
    """The first position from ``lo`` on whose row sorts after ``k``."""
    hi = len(perm)
    value, path = k
    while lo < hi:
        mid = (lo + hi) // 2
        v, p = keyof(perm[mid])
        if by_path:
            before = v > value if descending else v < value
        elif v == value:
            before = p < path
        else:
            before = v > value if descending else v < value
        if before:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _key_function(ix: Columns, key: str) -> Callable[[int], Key]:
    """row -> (its sort value, its path key): what the whole order was sorted by."""
    folders, spaces, folder_of = ix._folders.values, ix._space_names, ix._folder
    name_bytes = ix._name_bytes

    def path_key(row: int) -> tuple[str, str, bytes]:
        sid, folder = folders[folder_of[row]]
        return spaces[sid], folder, name_bytes(row)

    if key == "path":
        return lambda row: (path_key(row), None)
    if key == "name":
        return lambda row: (name_key(ix, row), path_key(row))
    column = _column(ix, key)
    return lambda row: (column[row], path_key(row))


def _insert_few(perm: array[int], labels: array[int], placed: list[tuple[int, int]]) -> None:
    """Put a few rows in (each a move of the array's tail) and label them between their
    neighbours; a gap used up spreads the labels of a stretch around it, the whole order
    only when no stretch has room."""
    for p, row in reversed(placed):
        perm.insert(p, row)
    finals = [p + i for i, (p, _row) in enumerate(placed)]
    gap = max(1, SPAN // (len(perm) + 1))
    i = 0
    while i < len(finals):
        j = i  # a run of rows put side by side
        while j + 1 < len(finals) and finals[j + 1] == finals[j] + 1:
            j += 1
        first, count = finals[i], j - i + 1
        below = labels[perm[first - 1]] if first > 0 else None
        above = labels[perm[first + count]] if first + count < len(perm) else None
        if below is None and above is None:
            relabel(perm, labels)
            return
        if above is None:
            assert below is not None
            step = min(gap, (TOP - below) // (count + 1))
            start = below
        elif below is None:
            step = min(gap, above // (count + 1))
            start = above - step * (count + 1)
        else:
            step = min(gap, (above - below) // (count + 1))
            start = below
        if step == 0:
            if not _relabel_around(perm, labels, first, count, set(finals[j + 1 :])):
                relabel(perm, labels)
                return
        else:
            for k in range(count):
                labels[perm[first + k]] = start + step * (k + 1)
        i = j + 1


def _relabel_around(
    perm: array[int], labels: array[int], first: int, count: int, unlabelled: set[int]
) -> bool:
    """Spread the labels of the smallest stretch of ``perm`` around positions ``first`` ..
    ``first + count`` that has room, so that a gap used up (photos put again and again at
    one place) costs a stretch a few times the rows put there, not the whole order (about
    65 ms at a million). A bigger stretch is asked for more room per row, so that the next
    rows put there find it. ``unlabelled``: positions of rows not labelled yet (put in by
    this same batch), which cannot bound a stretch. False: no stretch short of the whole
    order has room."""
    n = len(perm)
    gap = max(1, SPAN // (n + 1))
    k = 1
    while True:
        half = (count + 2) << k
        lo, hi = max(0, first - half), min(n, first + count + half)
        while hi < n and hi in unlabelled:
            hi += 1
        if lo == 0 and hi == n:
            return False
        floor = labels[perm[lo - 1]] if lo > 0 else 0
        ceiling = labels[perm[hi]] if hi < n else TOP + 1
        step = (ceiling - floor) // (hi - lo + 1)
        if step >= max(4, gap >> (k // 2)):
            deque(map(labels.__setitem__, perm[lo:hi], range(floor + step, ceiling, step)), 0)
            return True
        k += 1


def _merged(perm: array[int], placed: list[tuple[int, int]]) -> array[int]:
    """A new array: ``perm`` with each placed row before its position (one pass)."""
    out = array("I")
    view = memoryview(perm).cast("B")
    prev = 0
    for p, row in placed:
        if p > prev:
            out.frombytes(view[4 * prev : 4 * p])
            prev = p
        out.append(row)
    out.frombytes(view[4 * prev :])
    view.release()
    return out
