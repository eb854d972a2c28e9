"""The folded file-name blob that word and ``name:`` searches match, and that sorting by
name reads: b"\\n" + folded name + b"\\n" for every row, in row order.

Rows are only ever appended, so the blob only grows at its end: the rows past what it holds
are folded when it is next asked for. Part of the index's machinery (evaluate.py, orders.py).
"""

from __future__ import annotations

from phototerm.library.index.columns import Columns
from phototerm.library.values import fold

# Folding of pure-ASCII name chunks in one C pass: A-Z lower-cased, controls to spaces, and
# the NUL that ends each stored name to the blob's newline.
_ASCII_FOLD = bytes(
    0x0A if b == 0 else 0x20 if b < 0x20 or b == 0x7F else b + 32 if 65 <= b <= 90 else b
    for b in range(256)
)


def search_blob(ix: Columns, n: int) -> bytearray:
    """The blob of rows 0..n-1 (see the module docstring)."""
    rows = ix._search_rows
    if rows < n:
        blob, ends, names = ix._search_blob, ix._name_end, ix._names
        for a in range(rows, n, 4096):
            b = min(n, a + 4096)
            chunk = bytes(names[ends[a] : ends[b]])
            if chunk.isascii() and chunk.count(0) == b - a:
                blob += chunk.translate(_ASCII_FOLD)
                continue
            for r in range(a, b):
                name = names[ends[r] : ends[r + 1] - 1].decode("utf-8", "surrogatepass")
                blob += fold(name).encode()
                blob.append(0x0A)
        ix._search_rows = n
    return ix._search_blob


def name_key(ix: Columns, row: int) -> bytes:
    """One row's folded name, as the blob holds it (what sorting by name compares)."""
    return fold(ix._name_bytes(row).decode("utf-8", "surrogatepass")).encode()
