"""Row masks for the columnar index, computed at C speed without numpy.

A mask is a Python ``int`` holding one byte per row (row i = byte i, little-endian), each
byte 0 or 1. AND/OR/XOR of masks are single big-int operations. Masks come from:

- byte columns (``bytearray``), through ``bytes.translate`` with a 256-entry table;
- 32/64-bit numeric columns (``array``), by SWAR ("SIMD within a register") arithmetic on the
  column read as one big integer: every lane's top bit is kept clear (values are stored
  non-negative), so ``((X | H) - C) & H`` leaves the top bit of a lane set exactly where the
  lane's value is >= c, with no borrow crossing lanes. Non-negative float32 values compare
  like their bit patterns, so the same code serves apertures and focal lengths;
- lists of row ids (postings, sparse fields), scattered into a ``bytearray`` by ``map`` over
  ``bytearray.__setitem__``, which runs the loop in C;
- per-row regex matches over a text blob (see ``blob_substring_mask`` and ``blob_row_mask``).

Measured on a 2-core machine at 1M rows: translate ~1 ms, a 32-bit range ~15 ms, a 64-bit
range ~30 ms, against ~60 ms for a ``map`` of a Python comparison over the column.
"""

from __future__ import annotations

import math
import re
import struct
from array import array
from collections import deque
from collections.abc import Iterable
from itertools import compress, repeat

_H_CACHE: dict[tuple[int, int], int] = {}


def to_bytes(mask: int, n: int) -> bytes:
    return mask.to_bytes(n, "little")


def byte_mask(column: bytes | bytearray, table: bytes, n: int) -> int:
    """Mask of rows whose byte value v has ``table[v] == 1``."""
    data = column if len(column) == n else column[:n]
    return int.from_bytes(data.translate(table), "little")


def table(accept: Iterable[int]) -> bytes:
    """A translate table mapping the accepted byte values to 1, others to 0."""
    t = bytearray(256)
    for v in accept:
        if 0 <= v < 256:
            t[v] = 1
    return bytes(t)


def _guards(width: int, n: int) -> int:
    """An int whose lanes have only their top bit set (cached for the current n)."""
    key = (width, n)
    h = _H_CACHE.get(key)
    if h is None:
        lane = (1 << (8 * width - 1)).to_bytes(width, "little")
        h = int.from_bytes(lane * n, "little")
        if width == 4:  # the common width (dates, ISO, apertures): keep one, for the current n
            _H_CACHE.clear()
            _H_CACHE[key] = h
    return h


def clear_cache() -> None:
    _H_CACHE.clear()


def cache_bytes() -> int:
    return sum((h.bit_length() + 7) // 8 for h in _H_CACHE.values())


def _ge(x: int, c: int, width: int, n: int, h: int) -> int:
    """Lane-form mask (top bit per lane) of lanes with value >= c."""
    if c <= 0:
        return h
    if c >= 1 << (8 * width - 1):
        return 0
    return ((x | h) - int.from_bytes(c.to_bytes(width, "little") * n, "little")) & h


def lane_range(column: array[int] | array[float], n: int, lo: int | None, hi: int | None) -> int:
    """Mask of rows with lo <= value <= hi (integer codes; None = open end).

    ``column`` holds non-negative values below 2**(bits-1): 'I'/'i' (32 bits), 'q'/'Q' (64)
    or 'f' float32 bit patterns compared as integers (the caller converts bounds).
    """
    width = column.itemsize
    if lo is not None and hi is not None and lo > hi:
        return 0
    data = column if len(column) == n else column[:n]
    x = int.from_bytes(data, "little")
    h = _guards(width, n)
    g = _ge(x, lo, width, n, h) if lo is not None else h
    if hi is not None:
        g ^= g & _ge(x, hi + 1, width, n, h)
    return lanes_to_mask(g, width, n)


def lanes_to_mask(g: int, width: int, n: int) -> int:
    top = g.to_bytes(n * width, "little")[width - 1 :: width]  # 0x80 or 0x00 per row
    return int.from_bytes(top.translate(_TOP_BIT), "little")


_TOP_BIT = table([0x80])

_F32_MAX_BITS = 0x7F800000  # +inf


def f32_bits(value: float) -> int:
    """Bit pattern of ``value`` rounded to float32 (non-negative values only)."""
    try:
        value = float(value)
        if math.isnan(value) or value <= 0:
            return 0
        return struct.unpack("<I", struct.pack("<f", value))[0]
    except OverflowError:
        return _F32_MAX_BITS


def scatter(n: int, ids: Iterable[int]) -> bytearray:
    """A byte-per-row buffer with 1 at the given rows (ids must be < n)."""
    buf = bytearray(n)
    deque(map(buf.__setitem__, ids, repeat(1)), maxlen=0)
    return buf


def ids_mask(n: int, ids: Iterable[int]) -> int:
    return int.from_bytes(scatter(n, ids), "little")


def ids_of(mask_bytes: bytes, count: int | None = None) -> list[int]:
    """Row ids whose byte is 1, ascending."""
    n = len(mask_bytes)
    if count is None:
        count = mask_bytes.count(1)
    if count == 0:
        return []
    if count * 4 < n:  # sparse: the regex engine skips zeros faster than compress walks them
        return [m.start() for m in _ONE.finditer(mask_bytes)]
    return list(compress(range(n), mask_bytes))


_ONE = re.compile(b"\x01")

# A blob is b"\n" + b"".join(row + b"\n" for each row); rows never contain \n or \x01.
_KEEP_MARKS = bytes(b for b in range(256) if b not in (0x01, 0x0A))
_MARKS = table([0x01])


def blob_substring_mask(blob: bytes | bytearray, needle: bytes, n: int) -> int:
    """Rows of the blob containing ``needle``: the match and the rest of its row, up to and
    including the row's newline, become \\x01; deleting every other byte but newlines leaves
    exactly one byte per row after the leading newline."""
    marked = re.sub(re.escape(needle) + b"[^\n]*\n", b"\x01", blob)
    return int.from_bytes(marked.translate(None, _KEEP_MARKS)[1:].translate(_MARKS), "little")


def blob_row_mask(blob: bytes | bytearray, row_pattern: bytes, n: int) -> int:
    """Rows of the blob that ``row_pattern`` (a regex over one whole row) matches: the row's
    leading newline and its text become \\x01, so each row keeps one marker byte."""
    marked = re.sub(b"\n(?:" + row_pattern + b")(?=\n)", b"\x01", blob)
    return int.from_bytes(marked.translate(None, _KEEP_MARKS)[:-1].translate(_MARKS), "little")
