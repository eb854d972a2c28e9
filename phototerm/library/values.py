"""Value encodings shared by the index and the search language, below both.

Text folding (case- and accent-insensitive matching compares folded forms), the float32
rounding the index stores apertures and shutter speeds with, and day ordinals of wall-clock
times. The index stores values this way and the language compares against them, so both
must round the same way: that is why they live here, not in either.
"""

from __future__ import annotations

import math
import re
import struct
import unicodedata
from datetime import date

# ---------------------------------------------------------------------------------------------
# Text folding: case- and accent-insensitive matching compares folded forms.

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def fold(text: str) -> str:
    """Case-folded, accents stripped, controls turned into spaces (never raises)."""
    if text.isascii():
        text = text.lower()
        return text if text.isprintable() else _CONTROLS.sub(" ", text)
    text = _SURROGATES.sub("\ufffd", text)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return _CONTROLS.sub(" ", text)


def camera_texts(make: str, model: str) -> tuple[str, str]:
    """The two folded forms ``camera:`` matches: "make model" and the display name."""
    make, model = make.strip(), model.strip()
    display = model if make and model.lower().startswith(make.split()[0].lower()) else ""
    full = f"{make} {model}".strip()
    return fold(full), fold(display or full)


# ---------------------------------------------------------------------------------------------
# Numbers shared by the index and the reference matcher, so both round the same way.


def f32(value: float) -> float:
    """``value`` rounded to float32 (as the index stores apertures, focal lengths, shutter)."""
    return struct.unpack("<f", struct.pack("<f", f32_storable(value)))[0]


def f32_storable(value: float) -> float:
    """Non-negative, finite value that struct can pack as float32 (0 for junk)."""
    if not isinstance(value, (int, float)):
        return 0.0
    try:
        value = float(value)
    except OverflowError:
        return _F32_MAX
    if math.isnan(value) or value <= 0:
        return 0.0
    return min(value, _F32_MAX)


_F32_MAX = 3.4028234663852886e38


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
MAX_ORDINAL = date.max.toordinal()


def day_of(taken: float | None) -> int:
    """Proleptic ordinal of the wall-clock day of ``taken`` (0 = unknown)."""
    if taken is None or not isinstance(taken, (int, float)) or not math.isfinite(taken):
        return 0
    day = EPOCH_ORDINAL + math.floor(taken / 86400)
    return day if 1 <= day <= MAX_ORDINAL else 0


def camera_name(make: str, model: str) -> str:
    """As people say it: "Canon EOS R6", not "Canon Canon EOS R6"."""
    make, model = make.strip(), model.strip()
    if make and model.lower().startswith(make.split()[0].lower()):
        return model
    return f"{make} {model}".strip()
