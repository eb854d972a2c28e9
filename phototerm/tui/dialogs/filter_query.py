"""The filter dialog's fields and the search language, both ways.

``build_query`` writes the query a set of fields means; ``read_query`` reads a query back into
the fields that can express it, leaving the rest as words, so the dialog reopens on the filter
it wrote. Both use the library's parser (``query.terms`` splits a query into its top-level
AND terms, as written). A field that is set replaces the terms of the words that say the same
thing (a ``rating:`` term when a rating is chosen): applying never appends a second rating.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import cast

from phototerm.library.query import Folder, Or, QueryError, Space, Substring, parse, terms
from phototerm.tui.dialogs.jump import parse_date
from phototerm.tui.model import quote

RATINGS = [
    ("rated 1 star or more", "rating:>=1"),
    ("2 stars or more", "rating:>=2"),
    ("3 stars or more", "rating:>=3"),
    ("4 stars or more", "rating:>=4"),
    ("5 stars", "rating:5"),
    ("unrated", "rating:0"),
    ("rejected", "rating:-1"),
]
TYPES = [("photos", "type:photo"), ("videos", "type:video")]
GPS = [("with GPS position", "has:gps"), ("without GPS position", "-has:gps")]

# The keys each field speaks for: a term of the words using one of them gives way to the field.
FIELD_KEYS = {
    "dates": ("date",),
    "type": ("type",),
    "rating": ("rating",),
    "camera": ("camera",),
    "lens": ("lens",),
    "folder": ("folder", "space"),
    "gps": ("has:gps",),
}
_KEY = re.compile(r"^(?:-|NOT\s+)*([A-Za-z]+):")


@dataclass(frozen=True, slots=True)
class FilterChoice:
    words: str = ""
    date_from: str = ""
    date_to: str = ""
    type: str | None = None  # a query term from TYPES
    rating: str | None = None
    camera: str | None = None
    lens: str | None = None
    folder: tuple[str, str] | None = None  # (space, folder)
    gps: str | None = None


def build_query(choice: FilterChoice, *, both_spaces: bool = True) -> str:
    """The search-language text for a choice (also used by tests and the palette)."""
    parts: list[str] = _kept_words(choice)
    start, end = choice.date_from, choice.date_to
    if start and end:
        parts.append(f"date:{start}" if start == end else f"date:{start}..{end}")
    elif start:
        parts.append(f"date:{start}..")
    elif end:
        parts.append(f"date:..{end}")
    for term in (choice.type, choice.rating):
        if term:
            parts.append(term)
    if choice.camera:
        parts.append(f"camera:{quote(choice.camera)}")
    if choice.lens:
        parts.append(f"lens:{quote(choice.lens)}")
    if choice.folder is not None:
        space, folder = choice.folder
        if both_spaces:
            parts.append(f"space:{space}")
        if folder:
            parts.append(f"folder:{quote(folder)}")
    if choice.gps:
        parts.append(choice.gps)
    return " ".join(parts)


def _kept_words(choice: FilterChoice) -> list[str]:
    """The words' terms, without those a field that is set replaces. Words that do not parse
    are kept as typed (the search bar will point at the mistake)."""
    words = choice.words.strip()
    if not words:
        return []
    try:
        parts = terms(words)
    except QueryError:
        return [words]
    set_fields = {
        "dates": bool(choice.date_from or choice.date_to),
        "type": bool(choice.type),
        "rating": bool(choice.rating),
        "camera": bool(choice.camera),
        "lens": bool(choice.lens),
        "folder": choice.folder is not None,
        "gps": bool(choice.gps),
    }
    replaced = {key for field, on in set_fields.items() if on for key in FIELD_KEYS[field]}
    kept = [part for part in parts if _speaks_for(part) not in replaced]
    return [_grouped(part) for part in kept] if any(set_fields.values()) else kept


def _speaks_for(part: str) -> str:
    """The key a term is about ("rating", "has:gps"; '' for words and groups)."""
    match = _KEY.match(part)
    if match is None:
        return ""
    key = match.group(1).lower()
    if key == "has" and part[match.end() :].strip().lower() == "gps":
        return "has:gps"
    return key


def _grouped(part: str) -> str:
    """An OR among other terms needs its parentheses: ``a OR b rating:3`` is ``a OR (b ...)``."""
    try:
        node = parse(part).node
    except QueryError:
        return part
    if not isinstance(node, Or) or not any(c.isspace() for c in part):
        return part  # one term (type:photo|video has no space in it)
    if part.startswith("(") and part.endswith(")"):
        try:
            if parse(part[1:-1]).node == node:
                return part  # already one group
        except QueryError:
            pass
    return f"({part})"


def read_query(
    text: str,
    *,
    cameras: Iterable[str] = (),
    lenses: Iterable[str] = (),
    folders: Iterable[tuple[str, str]] = (),
    both_spaces: bool = True,
) -> FilterChoice:
    """The fields ``text`` fills, as far as they can say it; every other term stays in the
    words, in its place. ``cameras``, ``lenses`` and ``folders`` are the dialog's options (a
    field can only show one of them). Two terms for one field (``rating:>=3 rating:>=4``)
    stay words: one field cannot say both."""
    try:
        parts = terms(text)
    except QueryError:
        return FilterChoice(words=text.strip())
    found: dict[str, list[tuple[int, object]]] = {}
    spaces: list[tuple[int, str]] = []
    for n, part in enumerate(parts):
        field, value = _field_of(part, cameras, lenses, folders)
        if field == "space":
            spaces.append((n, str(value)))
        elif field:
            found.setdefault(field, []).append((n, value))
    choice = FilterChoice()
    used: set[int] = set()
    for field, hits in found.items():
        if len(hits) != 1:
            continue
        n, value = hits[0]
        if field == "folder":
            pair = _folder_with_space(cast(list[tuple[str, str]], value), spaces, both_spaces)
            if pair is None:
                continue
            (space_n, space), folder = pair
            if space_n is not None:
                used.add(space_n)
            choice = replace(choice, folder=(space, folder))
        elif field == "dates":
            start, end = cast(tuple[str, str], value)
            choice = replace(choice, date_from=start, date_to=end)
        else:
            choice = _with(choice, field, str(value))
        used.add(n)
    words = " ".join(part for n, part in enumerate(parts) if n not in used)
    return replace(choice, words=words)


def _with(choice: FilterChoice, field: str, value: str) -> FilterChoice:
    """The choice with one of its one-value fields (type, rating, camera, lens, gps) set."""
    if field == "type":
        return replace(choice, type=value)
    if field == "rating":
        return replace(choice, rating=value)
    if field == "camera":
        return replace(choice, camera=value)
    if field == "lens":
        return replace(choice, lens=value)
    return replace(choice, gps=value)


def _folder_with_space(
    options: list[tuple[str, str]], spaces: Sequence[tuple[int, str]], both_spaces: bool
) -> tuple[tuple[int | None, str], str] | None:
    """((index of the space term or None, space), folder) for a folder term, when the
    dialog's folder list can show it: with its one ``space:`` term, or alone when the dialog
    does not write one (a single space) and only one space has that folder."""
    if len(spaces) == 1:
        n, space = spaces[0]
        match = [folder for s, folder in options if s == space]
        return ((n, space), match[0]) if match else None
    if not spaces and not both_spaces and len(options) == 1:
        space, folder = options[0]
        return (None, space), folder
    return None


def _field_of(
    part: str,
    cameras: Iterable[str],
    lenses: Iterable[str],
    folders: Iterable[tuple[str, str]],
) -> tuple[str, object]:
    """(field, value) a term fills, or ('', None) when no field can say it."""
    node = parse(part).node
    for field, options in (("type", TYPES), ("rating", RATINGS), ("gps", GPS)):
        for _label, term in options:
            if node == parse(term).node:
                return field, term
    if isinstance(node, Substring) and node.field in ("camera", "lens"):
        values = cameras if node.field == "camera" else lenses
        for value in values:
            if node == parse(f"{node.field}:{quote(value)}").node:
                return node.field, value
        return "", None
    if isinstance(node, Folder):
        matches = [
            (space, folder)
            for space, folder in folders
            if node == parse(f"folder:{quote(folder)}").node
        ]
        return ("folder", matches) if matches else ("", None)
    if isinstance(node, Space):
        return "space", node.space
    dates = _dates(part)
    return ("dates", dates) if dates is not None else ("", None)


def _dates(part: str) -> tuple[str, str] | None:
    """(from, to) of a date term the From/To fields can show: ``date:A``, ``date:A..B``,
    ``date:A..``, ``date:..B``, ``date:>=A``, ``date:<=B`` (YYYY, YYYY-MM or YYYY-MM-DD)."""
    key, colon, value = part.partition(":")
    if not colon or key.lower() != "date" or value.startswith('"'):
        return None
    if value.startswith(">="):
        start, end = value[2:], ""
    elif value.startswith("<="):
        start, end = "", value[2:]
    elif ".." in value:
        start, _, end = value.partition("..")
    else:
        start = end = value
    if not start and not end:
        return None
    out = []
    for text in (start, end):
        normal = parse_date(text) if text else ""
        if normal is None:
            return None
        out.append(normal)
    return out[0], out[1]
