"""SGR (Select Graphic Rendition) states: parse ``ESC[...m`` parameters, write the shortest
sequence that turns one state into another.

Textual writes every segment as ``ESC[<style>m<text>ESC[0m``: a full style, then a reset. A
terminal keeps its SGR state between characters, so a run of cells needs only what differs
from the previous run (often just the foreground, or just the background, of a half-block
run). ``State`` is a canonical form (attributes, foreground, background) so that equal looks
compare equal however they were written (``ESC[1;31m`` or ``ESC[31m ESC[1m``).
"""

from __future__ import annotations

from typing import NamedTuple

# Codes that turn an attribute off, and the attributes each one clears.
_OFF = {
    "22": ("1", "2"),
    "23": ("3",),
    "24": ("4", "21"),
    "25": ("5", "6"),
    "27": ("7",),
    "28": ("8",),
    "29": ("9",),
    "55": ("53",),
}
_FG = {str(n) for n in (*range(30, 38), *range(90, 98))}
_BG = {str(n) for n in (*range(40, 48), *range(100, 108))}


class State(NamedTuple):
    """One SGR state: attribute codes (sorted, ';'-joined), foreground and background codes
    ('' = the terminal's default)."""

    attrs: str = ""
    fg: str = ""
    bg: str = ""

    @property
    def params(self) -> str:
        """The parameters that set this state after a reset ('' for the default state)."""
        return ";".join(part for part in self if part)


DEFAULT = State()


def _colour(parts: list[str], i: int) -> tuple[str | None, int]:
    """The extended colour at ``parts[i]`` ('38'/'48'/'58' already read): (canonical code
    without the 38/48 prefix, index after it); None when malformed."""
    if i < len(parts) and parts[i] == "5" and i + 1 < len(parts):
        return f"5;{int(parts[i + 1] or 0)}", i + 2
    if i < len(parts) and parts[i] == "2" and i + 3 < len(parts):
        r, g, b = (int(p or 0) for p in parts[i + 1 : i + 4])
        return f"2;{r};{g};{b}", i + 4
    return None, len(parts)


def _split(params: str) -> list[str]:
    """Parameters as a flat list; the colon form ``38:2::r:g:b`` (an empty colour-space id)
    becomes ``38;2;r;g;b``."""
    out: list[str] = []
    for param in params.split(";"):
        if ":" in param:
            sub = param.split(":")
            if len(sub) >= 3 and sub[1] == "2" and len(sub) == 6:
                sub = [sub[0], "2", *sub[3:]]  # drop the colour-space id
            out.extend(sub)
        else:
            out.append(param)
    return out


# Textual writes a reset after every segment, so the same (state, params) pairs come back
# thousands of times a frame: parsing each once is most of the cost of reading its output.
_APPLIED: dict[tuple[State, str], State] = {}
_APPLIED_MAX = 1 << 16


def apply(state: State, params: str) -> State:
    """The state after ``ESC[<params>m``. Unknown codes are kept as attributes (they are then
    written again with the state, never lost)."""
    key = (state, params)
    found = _APPLIED.get(key)
    if found is None:
        if len(_APPLIED) >= _APPLIED_MAX:
            _APPLIED.clear()
        found = _APPLIED[key] = _apply(state, params)
    return found


def _apply(state: State, params: str) -> State:
    attrs = set(state.attrs.split(";")) if state.attrs else set()
    fg, bg = state.fg, state.bg
    parts = _split(params)
    i = 0
    while i < len(parts):
        code = parts[i].lstrip("0") or "0"
        i += 1
        if code == "0":
            attrs.clear()
            fg = bg = ""
        elif code in _FG:
            fg = code
        elif code in _BG:
            bg = code
        elif code == "39":
            fg = ""
        elif code == "49":
            bg = ""
        elif code in ("38", "48", "58"):
            colour, i = _colour(parts, i)
            if colour is not None and code == "38":
                fg = "38;" + colour
            elif colour is not None and code == "48":
                bg = "48;" + colour
        elif code == "59":
            pass
        elif code in _OFF:
            attrs.difference_update(_OFF[code])
        else:
            attrs.add(code)
    return State(";".join(sorted(attrs, key=_attr_order)), fg, bg)


def _attr_order(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (1 << 30, code)


def transition(old: State | None, new: State) -> str:
    """The shortest sequence that turns ``old`` into ``new`` ('' when equal). ``old`` None
    means unknown: a reset is included."""
    if old == new:
        return ""
    full = f"\x1b[0;{new.params}m" if new.params else "\x1b[0m"
    if old is None:
        return full
    if old.attrs != new.attrs:
        old_set = set(old.attrs.split(";")) if old.attrs else set()
        new_set = set(new.attrs.split(";")) if new.attrs else set()
        if not old_set <= new_set:
            return full  # an attribute goes away: a reset is the one safe way
        added = [a for a in new.attrs.split(";") if a not in old_set]
    else:
        added = []
    parts = added
    if old.fg != new.fg:
        parts.append(new.fg or "39")
    if old.bg != new.bg:
        parts.append(new.bg or "49")
    delta = "\x1b[" + ";".join(parts) + "m"
    return delta if len(delta) < len(full) else full
