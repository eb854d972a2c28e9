"""Optional decoders: which are installed, and what a file needs that Pillow cannot read.

pillow-heif (HEIC, HEIF, AVIF), rawpy (RAW previews) and PyAV (videos) come with the extras
``phototerm[heif]``, ``[raw]`` and ``[video]``. Without one, such files are still indexed
with what exifread and the file's header say, and their tiles say which extra would show
their pictures: a missing extra is never an error.
"""

from __future__ import annotations

import importlib.util
from functools import cache

from phototerm.library.photo import HEIF_EXTENSIONS, RAW_EXTENSIONS, VIDEO_EXTENSIONS, extension

HEIF, RAW, VIDEO = "heif", "raw", "video"
MODULES = {HEIF: "pillow_heif", RAW: "rawpy", VIDEO: "av"}


@cache
def installed(extra: str) -> bool:
    """Whether the extra's decoder can be imported (looked up once, nothing imported)."""
    try:
        return importlib.util.find_spec(MODULES[extra]) is not None
    except (ImportError, ValueError):
        return False


def extra_for(name: str) -> str | None:
    """The extra whose decoder shows this file's picture, None when Pillow needs none."""
    ext = extension(name)
    if ext in HEIF_EXTENSIONS:
        return HEIF
    if ext in RAW_EXTENSIONS:
        return RAW
    if ext in VIDEO_EXTENSIONS:
        return VIDEO
    return None


def missing(name: str) -> str | None:
    """The extra this file needs and that is not installed, else None."""
    extra = extra_for(name)
    return extra if extra is not None and not installed(extra) else None


NOTE_PREFIX = "install phototerm["  # how every hint starts (a note, not an error)


def install_hint(extra: str) -> str:
    return f"{NOTE_PREFIX}{extra}] to see previews"
