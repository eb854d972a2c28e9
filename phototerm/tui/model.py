"""What the grid shows: the GridModel the grid engineer's ThumbnailGrid reads.

``ViewSpec`` says what the user asked for (spaces, Timeline/Folders/album, query, sort); ``build``
turns it into a ``IndexModel`` with ``Index.search`` + ``Index.group``. Nothing here imports
Textual: the library screen builds models, the grid reads them, tests check them directly.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from phototerm.library.index import Group, Index
from phototerm.library.index.compaction import NONE, Renumbering
from phototerm.library.photo import Photo
from phototerm.library.spaces import LABELS
from phototerm.library.text import safe
from phototerm.tui.widgets.grid_model import REMOVED_PHOTO

if TYPE_CHECKING:  # the library's edits load once it is open
    from phototerm.library.edits import Editor

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")

TIMELINE = "timeline"
FOLDERS = "folders"
ALBUM = "album"
SHARED_WITH_ME = "shared"
RECENT = "recent"  # "Recently added": the newest files by modification time
RECENT_DAYS = 30  # ... those changed within this many days of the newest one
ALBUM_ORDER = "album"  # a sort key of album views only: the order the album keeps


@dataclass(frozen=True, slots=True)
class ViewSpec:
    spaces: tuple[str, ...]  # spaces that are on and shown
    view: str = TIMELINE
    grouping: str = "day"  # Timeline headers: day | month | year
    folder: tuple[str, str] | None = None  # (space, folder rel) in Folders; None = every folder
    album: str | None = None
    query: str = ""
    sort: str = "taken"
    descending: bool = True

    def with_(self, **changes: object) -> ViewSpec:
        return replace(self, **changes)  # type: ignore[arg-type]


class IndexModel:
    """A snapshot of search results. The Index may grow later; a new model replaces this one."""

    def __init__(
        self,
        index: Index,
        ids: Sequence[int],
        sections: Sequence[Group],
        total: int,
        *,
        labels: Sequence[int] | None = None,
    ):
        """``ids``: a list, or an array (a copy of the index's order);
        ``labels``: a number per id that increases along ``ids`` (the sort order's labels),
        so a lookup bisects instead of building a table: a million-photo model answers at
        once."""
        self.index = index
        self.ids = ids
        self._sections = list(sections)
        self.total = total  # photos in scope before the query (for "shown / total")
        self.since: float | None = None  # Recently added: the oldest modification time in it
        self._labels = labels
        self._positions: dict[int, int] | None = None
        self.numbering = index.numbering  # the index's numbering its ids belong to

    def renumbered(self, new: Renumbering) -> Renumbered:
        """This model's ids and labels under the ids of a compacted index, without changing
        it (it only reads: another thread may make them ahead of ``renumber``)."""
        labels = self._labels
        if labels is not None:
            labels = new.per_new_id(labels if isinstance(labels, array) else array("I", labels))
        ids = new.translate(self.ids)
        return Renumbered(self, ids, labels, NONE not in ids)

    def renumber(self, new: Renumbering, ready: Renumbered | None = None) -> bool:
        """The same photos in the same places, under the ids of a compacted index (in place:
        whoever holds this model sees them); ``ready``: ``renumbered`` made ahead for this
        model. False when some photo was gone already (its place holds NONE, an id no photo
        has: the model must be built again)."""
        if ready is None or ready.model is not self:
            ready = self.renumbered(new)
        self.ids, self._labels = ready.ids, ready.labels
        self._positions = None
        self.numbering = self.index.numbering
        return ready.whole

    def __len__(self) -> int:
        return len(self.ids)

    def sections(self) -> Sequence[Group]:
        return self._sections

    def photo_id(self, pos: int) -> int:
        return self.ids[pos]

    def photo(self, pos: int) -> Photo:
        try:
            return self.index.get(self.ids[pos])
        except KeyError:
            # Removed from disk since this model was made: the next refresh (a fraction of
            # a second later) drops it; until then it is drawn as what it is.
            return REMOVED_PHOTO

    def rotation(self, pos: int) -> int:
        """The store's view rotation for the tile (the grid asks for it when present)."""
        return self.index.rotation(self.ids[pos])

    def position_of(self, photo_id: int) -> int | None:
        labels = self._labels
        if labels is not None:
            if isinstance(photo_id, int) and 0 <= photo_id < len(labels):
                pos = bisect_left(self.ids, labels[photo_id], key=labels.__getitem__)
                return pos if pos < len(self.ids) and self.ids[pos] == photo_id else None
            return None
        if self._positions is None:  # built on first use: most models are never asked
            self._positions = {pid: pos for pos, pid in enumerate(self.ids)}
        return self._positions.get(photo_id)


@dataclass(frozen=True, slots=True)
class Renumbered:
    """A model's ids and labels under a compacted index's ids (``IndexModel.renumbered``)."""

    model: IndexModel
    ids: Sequence[int]
    labels: Sequence[int] | None
    whole: bool  # every photo was still there (no NONE among the ids)


@dataclass(frozen=True, slots=True)
class AlbumInfo:
    """One album as the sidebar and the album dialog list it."""

    name: str  # as the index knows it (the shown name)
    count: int  # live photos in it now
    conditional: bool = False
    query: str = ""  # a conditional album's search


def album_infos(index: Index) -> list[AlbumInfo]:
    """Every album of the index, by name, with its count (a conditional album is counted by
    its search, which is cheaper than listing it)."""
    out = []
    for name in index.album_names():
        try:
            query = index.album_query(name)
            if query is None:
                out.append(AlbumInfo(name, len(index.album_ids(name))))
            else:
                out.append(AlbumInfo(name, index.count(query), True, query))
        except (KeyError, ValueError):  # dropped meanwhile, or a query this version refuses
            out.append(AlbumInfo(name, 0))
    return out


def album_sort(editor: Editor | None, name: str | None) -> tuple[str, bool]:
    """How an album opens (sort key, descending): its remembered sort, else its own order (a
    conditional album: newest first, as the Timeline)."""
    record = editor.albums.record(name) if editor is not None and name else None
    if editor is None or record is None:
        return ALBUM_ORDER, False
    space = editor.albums.space_of(name or "") or ""
    stored = editor.sort_order(space, f"album:{record.name}")
    if stored is not None:
        return stored
    return ("taken", True) if record.conditional else (ALBUM_ORDER, False)


def title(spec: ViewSpec, model: IndexModel | None = None) -> str:
    """What the view is called in the status line: "Timeline by day", "Folders: Personal/a",
    "Recently added (since 2024-05-01)"."""
    if spec.view == RECENT:
        since = model.since if model is not None else None
        day = _local_day(since) if since is not None else None
        return f"Recently added (since {day})" if day else "Recently added"
    if spec.view == FOLDERS:
        if spec.folder is None:
            return "Folders"
        space, folder = spec.folder
        return f"Folders: {LABELS[space].split()[0]}/{safe(folder)}".rstrip("/")
    if spec.view == ALBUM:
        return f"Album: {safe(spec.album or '')}"
    if spec.view == SHARED_WITH_ME:
        return "Shared with me"
    if spec.sort != "taken":
        return "Timeline"
    return f"Timeline by {spec.grouping}"


def empty_reason(
    spec: ViewSpec, model: IndexModel, *, spaces_on: bool, indexing: bool, album_exists: bool
) -> str:
    """Why the view shows nothing, in a line for the empty grid ('' when it shows photos)."""
    if len(model):
        return ""
    if not spaces_on:
        return "No space is on (the sidebar's Spaces say why)"
    if not spec.spaces:
        return "Every space is hidden: turn one on under Spaces in the sidebar"
    if spec.view == SHARED_WITH_ME:
        return "Nothing is shared with you yet"
    if model.total and spec.query:
        return f"No photos match {safe(spec.query, 120)}"
    if indexing:
        return "Looking for photos…"
    if spec.view == ALBUM:
        return (
            "This album is empty"
            if album_exists
            else f"No album named {safe(spec.album or '', 60)}"
        )
    if spec.view == FOLDERS and spec.folder is not None:
        return "No photos in this folder"
    return "No photos found"


def scope_query(spec: ViewSpec, all_spaces: Sequence[str]) -> str | None:
    """The part of the search that the sidebar decides (spaces, folder), in the search language.

    Returns None when nothing at all can be shown (every space off).
    """
    parts: list[str] = []
    spaces = [s for s in spec.spaces if s in all_spaces]
    if not spaces:
        return None
    if len(spaces) < len(all_spaces):
        parts.append(" OR ".join(f"space:{s}" for s in spaces))
        if len(spaces) > 1:
            parts[-1] = f"({parts[-1]})"
    if spec.view == FOLDERS and spec.folder is not None:
        space, folder = spec.folder
        parts.append(f"space:{space}")
        if folder:
            parts.append(f"folder:{quote(folder)}")
    return " ".join(parts)


def quote(value: str) -> str:
    """A search-language value: bare when it is a plain word, else a quoted phrase.

    Control characters become spaces and lone surrogates U+FFFD, exactly as the language's
    folding does before matching, so the query still matches and the text is safe to show.
    """
    value = _SURROGATES.sub("\ufffd", _CONTROLS.sub(" ", value))
    if (
        value
        and all(c.isalnum() or c in "-_./*" for c in value)
        and value.upper() not in ("AND", "OR", "NOT")
    ):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(index: Index, spec: ViewSpec, all_spaces: Sequence[str]) -> IndexModel:
    """Run the view. Raises query.QueryError for a bad user query (the caller shows it)."""
    scope = scope_query(spec, all_spaces)
    if scope is None or spec.view == SHARED_WITH_ME:
        return IndexModel(index, [], [], 0)
    if spec.view == TIMELINE and not scope and not spec.query and spec.sort == "taken":
        # The whole library by date: the index has it without a search (a first screen).
        fast = index.timeline(spec.grouping, spec.descending)
        if fast is not None:
            order, groups, labels = fast
            return IndexModel(index, order, groups, len(order), labels=labels)
    within: list[int] | None  # the photos in scope (None: all of them)
    if spec.view == RECENT:
        recent, since = recently_added(index, scope)
        ids = index.search(
            spec.query or None, sort=spec.sort, descending=spec.descending, within=recent
        )
        model = IndexModel(index, ids, [], len(recent))
        model.since = since
        return model
    if spec.view == ALBUM:
        if spec.album is None or spec.album not in index.album_names():
            return IndexModel(index, [], [], 0)
        members = index.album_ids(spec.album)
        if scope:  # keep the album's order: search() would sort
            keep = set(index.search(scope, within=members))
            members = [m for m in members if m in keep]
        if spec.sort == ALBUM_ORDER:
            matched = set(index.search(spec.query or None, within=members))
            ids = [m for m in members if m in matched]
            return IndexModel(index, ids[::-1] if spec.descending else ids, [], len(members))
        within = members
    else:
        within = index.search(scope) if scope else None
        if spec.view == FOLDERS and spec.folder is not None and spec.folder[1]:
            within = in_folder(index, within, spec.folder)
    total = len(index) if within is None else len(within)
    sort = "taken" if spec.sort == ALBUM_ORDER else spec.sort  # album order outside an album
    ids = index.search(spec.query or None, sort=sort, descending=spec.descending, within=within)
    if spec.view == FOLDERS:
        ids, sections = by_folder(index, ids)
    elif spec.view == TIMELINE and sort == "taken":
        sections = index.group(ids, spec.grouping)
    else:
        sections = []  # headers by date make no sense when sorted by name or size
    return IndexModel(index, ids, sections, total)


def recently_added(index: Index, scope: str) -> tuple[list[int], float | None]:
    """The photos of ``scope`` whose file changed within RECENT_DAYS of the newest file, newest
    first, and the oldest modification time among them (None when there are none).

    Measured from the newest file, not from today: a library nobody added to for a while
    still shows its last import (the status line says since when)."""
    ids = index.search(scope or None, sort="mtime", descending=True)
    if not ids:
        return [], None
    cutoff = index.get(ids[0]).mtime - RECENT_DAYS * 86400
    lo, hi = 0, len(ids)  # the first position older than the cutoff (mtimes descend)
    while lo < hi:
        mid = (lo + hi) // 2
        if index.get(ids[mid]).mtime >= cutoff:
            lo = mid + 1
        else:
            hi = mid
    return ids[:lo], index.get(ids[lo - 1]).mtime


def _local_day(stamp: float) -> str | None:
    """The day of a file time (a real instant, unlike capture times) where the user is."""
    try:
        return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d")
    except (OverflowError, OSError, ValueError):
        return None


def in_folder(index: Index, ids: Sequence[int] | None, folder: tuple[str, str]) -> list[int]:
    """Only the photos of ``folder`` and its subfolders.

    ``folder:`` in the search language matches any prefix ("2019" also finds "2019-old");
    the folder runs of a path-sorted list tell the real folders apart.
    """
    ordered = index.search(None, sort="path", within=ids)
    space, base = folder
    keep: list[int] = []
    for group in index.group(ordered, "folder"):
        group_space, _, path = group.key.partition(":")
        if group_space == space and (path == base or path.startswith(base + "/")):
            keep.extend(ordered[group.start : group.start + group.count])
    return keep


def by_folder(index: Index, ids: list[int]) -> tuple[list[int], list[Group]]:
    """Photos folder by folder (folders in path order), each folder in the order of ``ids``."""
    rank = {pid: n for n, pid in enumerate(ids)}
    by_path = index.search(None, sort="path", within=ids)
    out: list[int] = []
    sections: list[Group] = []
    for group in index.group(by_path, "folder"):
        run = sorted(by_path[group.start : group.start + group.count], key=rank.__getitem__)
        sections.append(Group(group.key, group.label, len(out), len(run)))
        out.extend(run)
    return out, sections


def day_of(photo: Photo) -> str | None:
    """YYYY-MM-DD of the capture, wall clock (see Photo.taken)."""
    if photo.taken is None:
        return None
    try:
        return datetime.fromtimestamp(photo.taken, UTC).strftime("%Y-%m-%d")
    except (OverflowError, OSError, ValueError):
        return None


def find_date(model: IndexModel, target: str, descending: bool) -> tuple[int, bool] | None:
    """Position of the first photo (in display order) of ``target`` (YYYY, YYYY-MM, YYYY-MM-DD).

    The model must be sorted by capture time. Returns (position, exact); when no photo has that
    date, the nearest one in display order after it (exact False). None for an empty model.
    """
    n = len(model)
    if n == 0:
        return None
    # Photos without a date sit at one end; search only the dated run.
    lo, hi = 0, n
    while lo < hi and day_of(model.photo(lo)) is None:
        lo += 1
    while hi > lo and day_of(model.photo(hi - 1)) is None:
        hi -= 1
    if lo == hi:
        return None
    width = len(target)

    def before(pos: int) -> bool:  # is the photo at pos still before the target?
        day = (day_of(model.photo(pos)) or "")[:width]
        return day > target if descending else day < target

    first, last = lo, hi
    while first < last:
        mid = (first + last) // 2
        if before(mid):
            first = mid + 1
        else:
            last = mid
    pos = min(first, hi - 1)
    exact = (day_of(model.photo(pos)) or "")[:width] == target
    return pos, exact
