"""Pairs: two files of one shot, shown and edited as one item.

- RAW+JPEG: a RAW file and a JPEG of the same name in the same folder (``IMG_1.CR2`` and
  ``IMG_1.JPG``), when pairing them is on (the ``pair_raw_jpeg`` setting);
- Live Photos: a HEIC or JPEG still and a ``.MOV`` of the same name in the same folder.

The still (the JPEG, the HEIC) is the pair's *primary*: searches list it, the grid shows it;
the other file is its *secondary*, hidden from every list but reachable from the primary
(``Index.pair_of``, ``Photo.pair``). A pair matches a search key when either of its files
does (``type:raw`` finds RAW+JPEG pairs, ``duration:`` and ``type:video`` Live Photos).

Names are compared exactly (``IMG_1`` and ``img_1`` are two shots), extensions in any case.
A name with several candidates pairs the first of each kind by file name; RAW+JPEG is
formed before a Live Photo, so ``IMG_1.JPG``, ``IMG_1.CR2`` and ``IMG_1.MOV`` are a RAW+JPEG
pair and a movie on its own.

Pairs are worked out per folder, lazily: adding or removing rows marks their folders, and
the next search (or lookup) settles the marked folders only. A loaded snapshot carries the
links, so a start settles nothing.
"""

from __future__ import annotations

from phototerm.library.index import masks
from phototerm.library.index.columns import Columns
from phototerm.library.index.pair_links import LIVE, RAW_JPEG, SECONDARY, Pairs
from phototerm.library.photo import RAW_EXTENSIONS, extension

KINDS = {RAW_JPEG: "RAW+JPEG", LIVE: "LIVE"}

_JPEG = frozenset({"jpg", "jpeg"})
_LIVE_STILLS = ("heic", "heif", "jpg", "jpeg")  # in the order a still is chosen
_LIVE_MOVIES = frozenset({"mov"})
_ANY = masks.table(range(1, 256))
_SECONDARIES = masks.table(v for v in range(256) if v & SECONDARY)


def settle(ix: Columns) -> None:
    """Work out the pairs of the folders marked since the last call (under the index lock)."""
    pairs: Pairs = ix._pairs
    n = ix._n
    grown = len(pairs.role) < n
    if grown:  # new rows: unpaired until their folder is settled
        pairs.partner.extend(range(len(pairs.partner), n))
        pairs.role.extend(bytes(n - len(pairs.role)))
    if not pairs.dirty:
        if grown:
            pairs._masks = None
        return
    dirty, pairs.dirty = pairs.dirty, set()
    postings, live = ix._folders.postings, ix._live
    for fid in dirty:
        if not 0 <= fid < len(postings):
            continue
        rows = postings[fid]
        for row in rows:
            _unlink(pairs, row)
        names = [(row, ix._name_bytes(row).decode("utf-8", "surrogatepass")) for row in rows]
        for primary, secondary, kind in pair_names(
            [(row, name) for row, name in names if live[row]], pairs.raw_jpeg
        ):
            pairs.partner[primary], pairs.partner[secondary] = secondary, primary
            pairs.role[primary], pairs.role[secondary] = kind, kind | SECONDARY
            pairs.count += 1
    pairs._masks = None


def _unlink(pairs: Pairs, row: int) -> None:
    if pairs.role[row]:
        if pairs.role[row] & SECONDARY:
            pairs.count -= 1
        pairs.role[row] = 0
    pairs.partner[row] = row


def pair_names(rows: list[tuple[int, str]], raw_jpeg: bool) -> list[tuple[int, int, int]]:
    """(primary, secondary, kind) among one folder's (row, file name)s (see the module doc)."""
    stems: dict[str, list[tuple[str, str, int]]] = {}
    for row, name in rows:
        ext = extension(name)
        if ext:
            stems.setdefault(name[: -len(ext) - 1], []).append((ext, name, row))
    out: list[tuple[int, int, int]] = []
    for group in stems.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda item: item[1])
        used: set[int] = set()
        if raw_jpeg:
            jpeg = next((row for ext, _n, row in group if ext in _JPEG), None)
            raw = next((row for ext, _n, row in group if ext in RAW_EXTENSIONS), None)
            if jpeg is not None and raw is not None:
                out.append((jpeg, raw, RAW_JPEG))
                used.update((jpeg, raw))
        movie = next((row for ext, _n, row in group if ext in _LIVE_MOVIES), None)
        if movie is None:
            continue
        for wanted in _LIVE_STILLS:
            still = next((row for ext, _n, row in group if ext == wanted and row not in used), None)
            if still is not None:
                out.append((still, movie, LIVE))
                break
    return out


def pair_masks(ix: Columns, n: int) -> tuple[int, int]:
    """(rows in a pair, secondary rows) as row masks (see masks.py); cached until a settle."""
    pairs: Pairs = ix._pairs
    cached = pairs._masks
    if cached is not None and cached[0] == n:
        return cached[1], cached[2]
    if not pairs.count:
        paired = secondary = 0
    else:
        paired = masks.byte_mask(pairs.role, _ANY, n)
        secondary = masks.byte_mask(pairs.role, _SECONDARIES, n)
    pairs._masks = (n, paired, secondary)
    return paired, secondary


def closed(ix: Columns, mask: int, n: int) -> int:
    """``mask`` with the partner of every paired row in it: a pair matches as one."""
    paired, _secondary = pair_masks(ix, n)
    inside = mask & paired
    if not inside:
        return mask
    rows = masks.ids_of(masks.to_bytes(inside, n))
    partner = ix._pairs.partner
    return mask | masks.ids_mask(n, map(partner.__getitem__, rows))


def shown(ix: Columns, mask: int, n: int) -> int:
    """``mask`` without the secondaries: each pair is listed by its primary."""
    _paired, secondary = pair_masks(ix, n)
    return mask & ~secondary if secondary else mask
