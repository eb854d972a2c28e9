"""The index's pair links as it stores them (see pairs.py for what a pair is and how the
links are worked out): each row's partner and role, and the folders whose links are stale."""

from __future__ import annotations

from array import array
from collections.abc import Iterable

RAW_JPEG, LIVE = 1, 2  # the primary's role
SECONDARY = 0x80  # bit of the secondary's role (with its pair's kind)


class Pairs:
    """The index's pair links: each row's partner and role, and which folders are stale."""

    __slots__ = ("_masks", "count", "dirty", "partner", "raw_jpeg", "role")

    def __init__(self) -> None:
        self.partner = array("I")  # row -> partner row (the row itself when unpaired)
        self.role = bytearray()  # row -> 0, RAW_JPEG or LIVE (primary), | SECONDARY
        self.dirty: set[int] = set()  # folder ids to settle
        self.raw_jpeg = True
        self.count = 0  # pairs formed
        self._masks: tuple[int, int, int] | None = None  # (n, paired rows, secondary rows)

    def touch(self, folder_ids: Iterable[int]) -> None:
        self.dirty.update(folder_ids)

    def nbytes(self) -> int:
        return 4 * len(self.partner) + len(self.role) + 60 * len(self.dirty)
