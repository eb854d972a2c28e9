"""The one rule for symbolic links inside a space: a link is followed only when what it
leads to stays inside the space's root.

The scanner applies it to photos, folders and XMP sidecars, the metadata reader to the
sidecars it looks for itself, the thumbnails to Synology's ``@eaDir`` pictures, and
recycling to the links it moves. A link that leads out (``p.jpg.xmp -> /etc/shadow``,
``#recycle -> /elsewhere``) is never opened nor written through.
"""

from __future__ import annotations

import os

OUTSIDE = "symbolic link leads outside the space; not followed"


def inside(path: str, root: str) -> bool:
    """Whether the absolute, normalised ``path`` is ``root`` or below it."""
    return path == root or path.startswith(root.rstrip("/") + "/")


def stays_inside(path: str, real_root: str) -> bool:
    """Whether ``path``, every link on the way resolved, is inside ``real_root`` (itself
    already resolved with ``os.path.realpath``)."""
    return inside(os.path.realpath(path), real_root)
