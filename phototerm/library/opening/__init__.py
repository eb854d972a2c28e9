"""Opening a library (``open_library``, open.py): the index loaded from its snapshot or built,
checked against the disk, the stores read onto it on a thread of their own (stores.py), an
Editor; the result is a ``Library`` (library.py)."""

from phototerm.library.opening.library import Library
from phototerm.library.opening.open import load_snapshot, open_library

__all__ = ["Library", "load_snapshot", "open_library"]
