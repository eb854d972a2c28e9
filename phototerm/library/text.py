"""The one sanitiser for every string shown to a person.

File names, folder names and EXIF strings are untrusted: they may carry terminal escape
sequences (window title, OSC 52 clipboard writes), bidi overrides that reorder what is shown,
or bytes that are not UTF-8 (surrogate escapes from os.fsdecode). ``safe()`` returns plain
text that is harmless to print. It does not escape Rich markup: the TUI never parses these
strings as markup (it builds ``Text``/``Content`` objects), and the CLI prints plain text.
"""

from __future__ import annotations

import re

# C0 controls (but not tab, shown as a space), DEL, C1 controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidi embeddings/overrides/isolates and other invisible format characters that reorder or hide.
_BIDI = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Lone surrogates: surrogate-escaped bytes of a non-UTF-8 name, or garbage from EXIF.
_SURROGATE = re.compile(r"[\ud800-\udfff]")

REPLACEMENT = "\ufffd"


def safe(value: object, limit: int | None = None) -> str:
    """Printable, single-line form of an untrusted value.

    - bytes are decoded as UTF-8 with replacement characters;
    - surrogate escapes (undecodable bytes in file names) become U+FFFD;
    - control characters and bidi overrides become U+FFFD (tab and newlines a space);
    - with ``limit``, the result is cut to that many characters with an ellipsis.
    """
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value).decode("utf-8", "replace")
    else:
        text = str(value)
    if text.isascii() and text.isprintable():
        out = text
    else:
        out = text.replace("\t", " ").replace("\r\n", " ").replace("\n", " ")
        out = _SURROGATE.sub(REPLACEMENT, out)
        out = _CONTROL.sub(REPLACEMENT, out)
        out = _BIDI.sub(REPLACEMENT, out)
    if limit is not None and len(out) > limit:
        out = out[: max(0, limit - 1)] + "…"
    return out


def clean_metadata(value: object) -> str:
    """Normalise an EXIF text value for storage: bytes decoded, NULs and padding trimmed.

    Storage keeps the characters (so search still matches them); display goes through safe().
    Surrogates are replaced here because stored metadata must survive JSON and SQLite.
    """
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value).split(b"\x00", 1)[0].decode("utf-8", "replace")
    else:
        text = str(value).split("\x00", 1)[0]
    text = _SURROGATE.sub(REPLACEMENT, text)
    return text.strip()
