"""Thumbnails someone else already made: Synology's ``@eaDir`` and the freedesktop cache.

Both are upright already (their makers applied the orientation). Synology's are used while
not older than the photo (an edited photo has a stale one); an ``@eaDir`` thumbnail reached
through a link is used only while the link stays inside the space. freedesktop thumbnails
(shared with file managers) are valid when their ``Thumb::MTime`` is the file's mtime.
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import quote

from PIL import Image

from phototerm.library.files.links import stays_inside
from phototerm.library.files.regular import open_regular
from phototerm.library.pictures.budget import too_large
from phototerm.library.pictures.decoding import Box, TooLargeToPreview, covers, decode

SYNOLOGY_NAMES = ("SYNOPHOTO_THUMB_SM.jpg", "SYNOPHOTO_THUMB_M.jpg")
FREEDESKTOP_SIZES = (("normal", 128), ("large", 256), ("x-large", 512), ("xx-large", 1024))


def freedesktop_uri(path: str) -> str:
    """The file URI exactly as GLib escapes it (the thumbnail spec hashes this string)."""
    return "file://" + quote(os.fsencode(os.path.abspath(path)), safe="/!$&'()*+,-.:=@_~")


def freedesktop_name(path: str) -> str:
    return hashlib.md5(freedesktop_uri(path).encode("ascii")).hexdigest() + ".png"


def synology(path: str, mtime: float, box: Box, real_root: str) -> Image.Image | None:
    folder, name = os.path.split(path)
    for thumb_name in SYNOLOGY_NAMES:
        thumb = os.path.join(folder, "@eaDir", name, thumb_name)
        try:
            if os.stat(thumb).st_mtime < mtime:
                continue  # older than the photo: the photo was edited since
            # The photos' rule for links: followed only while they stay in the space.
            if not stays_inside(thumb, real_root):
                continue
            with open_regular(thumb) as fh, Image.open(fh) as im:
                if not covers(im.size, box) and thumb_name != SYNOLOGY_NAMES[-1]:
                    continue
                return decode(im, box)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            continue
        except TooLargeToPreview:
            continue  # not what Synology writes: the photo itself will say
    return None


def freedesktop(folder: str, path: str, mtime: float, box: Box) -> Image.Image | None:
    if not folder:
        return None
    name = freedesktop_name(path)
    for size_folder, edge in FREEDESKTOP_SIZES:
        if edge < max(box) and size_folder != FREEDESKTOP_SIZES[-1][0]:
            continue
        thumb = os.path.join(folder, size_folder, name)
        try:
            with open_regular(thumb) as fh, Image.open(fh) as im:
                if too_large(im.width, im.height, im.mode, "transparency" in im.info):
                    continue  # not a thumbnail a file manager wrote
                im.load()
                stamp = getattr(im, "text", {}).get("Thumb::MTime") or im.info.get("Thumb::MTime")
                if stamp is None or int(str(stamp).strip()) != int(mtime):
                    continue  # stale or unverifiable: the spec says regenerate, we skip
                return im.copy()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            continue
    return None
