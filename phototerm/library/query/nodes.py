"""The search language's tree: what a query means, independent of any index.

Every node is immutable and hashable; texts inside are already folded (``values.fold``).
``parser.parse`` builds a tree, ``index.evaluate`` runs it column-wise over the index and
``reference.matches`` runs it on one Photo (the semantics the tests hold the index to).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

MAX_LENGTH = 10_000  # characters; a conditional album or a typed line is far shorter
MAX_DEPTH = 64  # nesting of parentheses and NOTs


class QueryError(ValueError):
    """A malformed query. ``position`` is a 0-based offset into the text."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} at column {self.position + 1}"


# Keys of the language, in the order the documentation lists them.
KEYS = (
    "rating",
    "type",
    "camera",
    "make",
    "model",
    "lens",
    "iso",
    "f",
    "mm",
    "shutter",
    "size",
    "duration",
    "codec",
    "date",
    "year",
    "month",
    "folder",
    "space",
    "has",
    "is",
    "name",
    "tag",
    "album",
)


@dataclass(frozen=True, slots=True)
class Everything:
    pass


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Text:
    """Free word or quoted phrase: substring of name, folder, camera, lens, description,
    tags or the name of an album the photo is in."""

    needle: str


@dataclass(frozen=True, slots=True)
class Range:
    """``field`` in [lo, hi] (None = open end). Fields: iso, f, mm, shutter, size, rating,
    duration (seconds), day (proleptic ordinal). Bounds are inclusive; exclusive ones are converted by the parser
    for integer fields and flagged with ``lo_open``/``hi_open`` for float fields."""

    field: str
    lo: float | None
    hi: float | None
    lo_open: bool = False
    hi_open: bool = False


@dataclass(frozen=True, slots=True)
class Months:
    months: frozenset[int]


@dataclass(frozen=True, slots=True)
class Substring:
    field: str  # camera | make | model | lens
    needle: str


@dataclass(frozen=True, slots=True)
class Codec:
    """A video's codec by FFmpeg's name ("h264", "hevc"), lower-case, aliases resolved."""

    codec: str


@dataclass(frozen=True, slots=True)
class Folder:
    prefix: str


@dataclass(frozen=True, slots=True)
class Name:
    pattern: str
    glob: bool  # False: substring


@dataclass(frozen=True, slots=True)
class Flag:
    flag: str  # photo video raw gps error description tags rotated


@dataclass(frozen=True, slots=True)
class Space:
    space: str


@dataclass(frozen=True, slots=True)
class Tag:
    tag: str


@dataclass(frozen=True, slots=True)
class Album:
    album: str


Node: TypeAlias = (
    Everything
    | Not
    | And
    | Or
    | Text
    | Range
    | Months
    | Substring
    | Codec
    | Folder
    | Name
    | Flag
    | Space
    | Tag
    | Album
)


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    node: Node

    @property
    def is_everything(self) -> bool:
        return isinstance(self.node, Everything)
