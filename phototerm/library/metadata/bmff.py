"""ISO base media files (HEIC, AVIF, MP4, MOV, CR3): whether the file holds all its boxes.

A file cut short (a copy interrupted, an upload that stopped) keeps its header: the
metadata reads fine and only the picture or the movie is missing. Its top-level boxes say
how long each is, so walking them (an 8- or 16-byte read per box, a handful of boxes) tells
whether the last one ends past the end of the file.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

MAX_BOXES = 10_000  # top-level boxes walked before giving up (a file has a handful)


def truncated(fh: BinaryIO) -> bool:
    """Whether a top-level box of the file ends past its end. Never raises for odd
    content: what cannot be walked is not called truncated."""
    end = fh.seek(0, os.SEEK_END)
    pos = 0
    for _ in range(MAX_BOXES):
        if pos >= end:
            return False
        fh.seek(pos)
        header = fh.read(16)
        if len(header) < 8:
            return True  # a box header cut in two
        size = struct.unpack(">I", header[:4])[0]
        if size == 1:  # a 64-bit size follows the type
            if len(header) < 16:
                return True
            size = struct.unpack(">Q", header[8:16])[0]
            if size < 16:
                return False  # not a box size: not ours to judge
        elif size == 0:
            return False  # the box runs to the end of the file
        elif size < 8:
            return False
        pos += size
        if pos > end:
            return True
    return False
