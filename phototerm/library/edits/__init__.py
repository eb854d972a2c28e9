"""Edits: what a key or a CLI command changes, through one ``Editor`` (editor), with album
edits (albums), moving rejects to #recycle (recycle) and the results they report (results)."""

from phototerm.library.edits.editor import UNDO_DEPTH, Editor
from phototerm.library.edits.recycle import RECYCLE, RecycleResult
from phototerm.library.edits.results import MAX_NAME, EditResult, clean_name

__all__ = [
    "MAX_NAME",
    "RECYCLE",
    "UNDO_DEPTH",
    "EditResult",
    "Editor",
    "RecycleResult",
    "clean_name",
]
