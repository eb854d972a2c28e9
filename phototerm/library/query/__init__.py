"""The search language: text -> tree (parser, keys) -> meaning (nodes), with a slow reference
matcher (reference) that the index's column-wise evaluation is tested against."""

from phototerm.library.query.nodes import (
    KEYS,
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
    QueryError,
    Range,
    Space,
    Substring,
    Tag,
    Text,
)
from phototerm.library.query.parser import parse, terms

__all__ = [
    "KEYS",
    "Album",
    "And",
    "Codec",
    "Everything",
    "Flag",
    "Folder",
    "Months",
    "Name",
    "Node",
    "Not",
    "Or",
    "Query",
    "QueryError",
    "Range",
    "Space",
    "Substring",
    "Tag",
    "Text",
    "parse",
    "terms",
]
