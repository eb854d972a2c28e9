"""The in-memory index: columns per field (columns, records), search by row masks (masks,
evaluate), grouping and facets (facets). ``Index`` is the one class callers use."""

from phototerm.library.index.facets import GROUP_KEYS, Facets, Group
from phototerm.library.index.index import SORT_KEYS, Index

__all__ = ["GROUP_KEYS", "SORT_KEYS", "Facets", "Group", "Index"]
