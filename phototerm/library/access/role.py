"""The roles a person can have in a space, weakest first (Synology Photos' levels).

Each role includes the ones before it: view (browse, search, ``ls``), download (also export
originals), upload (also ``phototerm import``), manage (also rate, tag, describe, rotate,
albums, recycle, access changes). ``NONE`` means the space is off for that person.
"""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    NONE = 0
    VIEW = 1
    DOWNLOAD = 2
    UPLOAD = 3
    MANAGE = 4

    @property
    def word(self) -> str:
        """The name people write in access.toml and on the command line."""
        return self.name.lower()

    @property
    def writes(self) -> bool:
        """Whether the role writes into the space (its files or its ``.phototerm``)."""
        return self >= Role.UPLOAD


ROLE_WORDS = tuple(r.word for r in Role if r is not Role.NONE)  # what a grant may name


def parse_role(text: str) -> Role | None:
    """The role a word names ("view", "Manage"), or None; "none" is not a role to grant."""
    word = text.strip().lower()
    return next((r for r in Role if r is not Role.NONE and r.word == word), None)
