"""The in-memory index of every photo and video of the spaces: ``Index``, what callers use.

Designed for 1,000,000 records in well under 300 bytes each: the storage is columnar, with
no object per photo (columns.py). A record's id is its row and is never reused, unless the
index's owner compacts it (compaction.py: ``numbering`` goes up then). Searching
(query -> row mask -> sorted ids) is in evaluate.py, grouping and facets in facets.py.

Thread-safety: one writer at a time; every public method holds the index's lock, so a search
running in a worker thread sees either all or none of a batch.
"""

from __future__ import annotations

import math
import os
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import compress
from types import EllipsisType
from typing import TYPE_CHECKING

from phototerm.library.index import evaluate, masks, orders, pairs
from phototerm.library.index.columns import Columns
from phototerm.library.index.facets import GROUP_KEYS, Facets, Group, timeline_groups
from phototerm.library.index.facets import facets as _facets
from phototerm.library.index.facets import group as _group
from phototerm.library.index.records import NO_TZ, key_hash, short_f32, tags_of
from phototerm.library.photo import Photo
from phototerm.library.query import Query
from phototerm.library.query import parse as parse_query
from phototerm.library.values import fold as fold_text

if TYPE_CHECKING:  # the index is below the store: no import at run time
    from phototerm.library.store import OverlayRow

__all__ = ["GROUP_KEYS", "SORT_KEYS", "Facets", "Group", "Index"]

_FLIP = bytes([1, 0]) + bytes(254)  # a mask's bytes 0 <-> 1

SORT_KEYS = ("taken", "name", "size", "mtime", "rating", "path", "none")


class Index(Columns):
    """Columnar in-memory index: ids are ints, stable while the index lives."""

    # -- size -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._count

    @property
    def removed_rows(self) -> int:
        """Rows of removed photos the index still holds (until it is compacted)."""
        return self._n - self._count

    def __contains__(self, id: object) -> bool:
        return isinstance(id, int) and 0 <= id < self._n and self._live[id] == 1

    # -- adding and removing -------------------------------------------------------------

    def add(self, photo: Photo) -> int:
        with self._lock:
            try:
                row = self._put(photo)
            finally:
                self._flush()
            self._pairs.touch((self._folder[row],))
            self.version += 1
            return row

    def add_many(self, photos: Iterable[Photo]) -> list[int]:
        with self._lock:
            put, pending = self._put, self._pending
            ids = []
            try:
                for p in photos:
                    ids.append(put(p))
                    if len(pending) >= 4096:
                        self._flush()
            finally:
                self._flush()
                if ids:
                    self._pairs.touch(set(map(self._folder.__getitem__, ids)))
                    self.version += 1
            return ids

    def adopt(self, other: Index) -> None:
        """Become ``other`` (an index loaded from a snapshot), in place: whoever holds this
        index (the browser's widgets) sees the loaded photos. ``other`` must not be used
        afterwards."""
        with self._lock, other._lock:
            version, numbering = self.version, self.numbering
            lock = self._lock
            self.__dict__.update(other.__dict__)
            self._lock = lock
            self.version = version + 1
            self.numbering = numbering + 1  # ids held before mean nothing now

    def folder_files(self, space: str, folder: str) -> dict[str, tuple[int, int, float]]:
        """{rel: (id, size, mtime)} of the live photos of one folder (``folder`` relative to
        the space root, "" for the root itself), as they were when last read."""
        with self._lock:
            sid = self._space_ids.get(space)
            fid = None if sid is None else self._folders.ids.get((sid, folder))
            if fid is None:
                return {}
            prefix = folder + "/" if folder else ""
            live, size, mtime = self._live, self._size, self._mtime
            return {
                prefix + self._name_bytes(row).decode("utf-8", "surrogatepass"): (
                    row,
                    size[row],
                    mtime[row],
                )
                for row in self._folders.postings[fid]
                if live[row]
            }

    def folders(self) -> dict[str, list[str]]:
        """{space: its folders that hold live photos}, from the folder table alone."""
        with self._lock:
            out: dict[str, list[str]] = {name: [] for name in self._space_names}
            t = self._folders
            for fid, (sid, folder) in enumerate(t.values):
                if t.counts[fid] > 0:
                    out[self._space_names[sid]].append(folder)
            return {space: folders for space, folders in out.items() if folders}

    def folders_of(self, space: str) -> list[str]:
        """The folders of ``space`` that hold live photos."""
        with self._lock:
            sid = self._space_ids.get(space)
            t = self._folders
            return [
                folder for fid, (s, folder) in enumerate(t.values) if s == sid and t.counts[fid] > 0
            ]

    def clear_overlays(self, space: str) -> None:
        """Forget the store's values for every photo of ``space`` (before the store's rows
        are applied anew): each shows its file's own values again."""
        with self._lock:
            sid = self._space_ids.get(space)
            if sid is None:
                return
            overlays = self._overlays()
            rows = {row for overlay in overlays for row in overlay if self._space[row] == sid}
            for row in rows:
                self._count_tags(row, -1)
                for overlay in overlays:
                    overlay.pop(row, None)
                self._rating[row] = self._file_rating[row]
                if self._live[row]:
                    self._count_tags(row, +1)
                self._refresh_flags(row)
            if rows:
                self._rating_changed(rows)
                self.version += 1

    def move_many(self, space: str, pairs: Iterable[tuple[str, str]]) -> dict[int, int]:
        """Photos of ``space`` renamed or moved within it, as (from rel, to rel) in the order
        they happened: each goes to a new row at its new path with the same values and the
        store's overlays (rating, tags, description, rotation), its old row is removed, and
        the albums hold the new row where they held the old one. A from-path the index does
        not have is skipped; a to-path it has is replaced (the file was moved over it).
        Returns {old id: new id}."""
        moved: dict[int, int] = {}
        with self._lock:
            for old_rel, new_rel in pairs:
                row = self.id_of(space, old_rel)
                if row is None or old_rel == new_rel or not isinstance(new_rel, str):
                    continue
                photo = replace(
                    self.get(row),
                    rel=new_rel,
                    rating=self._file_rating[row] - 1,
                    description=self._description.get(row, ""),
                    tags=self._file_tags.get(row, ()),
                )
                overlays = self._take_overlays(row)
                self._drop(row)
                try:
                    new = self._put(photo)
                finally:
                    self._flush()
                self._give_overlays(new, overlays)
                # RAW+JPEG and Live Photo pairs are found by folder and name: both ends change
                self._pairs.touch((self._folder[row], self._folder[new]))
                for old, now in moved.items():  # moved twice in one batch: the first id
                    if now == row:
                        moved[old] = new
                moved[row] = new
            if moved:
                for name, members in self._albums.items():
                    if any(m in moved for m in members):
                        renamed = (moved.get(m, m) for m in members)
                        self._albums[name] = array("I", dict.fromkeys(renamed))
                self.version += 1
        return moved

    def remove(self, space: str, rel: str) -> bool:
        with self._lock:
            row = self.id_of(space, rel)
            if row is None:
                return False
            self._drop(row)
            self._pairs.touch((self._folder[row],))
            self.version += 1
            return True

    # -- lookups -----------------------------------------------------------------------------

    def id_of(self, space: str, rel: str) -> int | None:
        with self._lock:
            sid = self._space_ids.get(space)
            if sid is None or not isinstance(rel, str):
                return None
            folder, _, name = rel.rpartition("/")
            fid = self._folders.ids.get((sid, folder))
            if fid is None:
                return None
            name_b = name.encode("utf-8", "surrogatepass")
            row = self._find(fid, name_b, key_hash(fid, name_b))
            return row if row is not None and self._live[row] else None

    def id_of_path(self, path: str) -> int | None:
        if not isinstance(path, str):
            return None
        with self._lock:
            for rid in sorted(range(len(self._roots)), key=lambda r: -len(self._roots[r])):
                root = self._roots[rid]
                prefix = root if root.endswith("/") else root + "/"
                if path.startswith(prefix):
                    for sid in sorted(self._root_spaces.get(rid, ())):
                        row = self.id_of(self._space_names[sid], path[len(prefix) :])
                        if row is not None and self._roots[self._root[row]] == root:
                            return row
            return None

    def _check(self, id: int) -> None:
        if not (isinstance(id, int) and 0 <= id < self._n and self._live[id]):
            raise KeyError(id)

    def get(self, id: int) -> Photo:
        """The record with the store's overlays applied (rating, tags, description), and
        the file it is paired with (``pair``)."""
        with self._lock:
            self._check(id)
            pairs.settle(self)
            partner = self._pairs.partner[id]
            sid, folder = self._folders.values[self._folder[id]]
            name = self._name_bytes(id).decode("utf-8", "surrogatepass")
            make, model = self._cameras.values[self._camera[id]]
            taken = self._taken[id]
            lat = self._lat[id]
            tz = self._tz[id]
            return Photo(
                space=self._space_names[sid],
                root=self._roots[self._root[id]],
                rel=f"{folder}/{name}" if folder else name,
                kind=self._kinds[self._kind[id]],
                size=self._size[id],
                mtime=self._mtime[id],
                taken=None if taken == -math.inf else taken,
                tz_offset=None if tz == NO_TZ else tz,
                make=make,
                model=model,
                lens=self._lenses.values[self._lens[id]],
                iso=self._iso[id],
                fnumber=short_f32(self._fnumber[id]),
                exposure=short_f32(self._exposure[id]),
                focal=short_f32(self._focal[id]),
                width=self._width[id],
                height=self._height[id],
                orientation=self._orientation[id],
                lat=None if math.isnan(lat) else lat,
                lon=None if math.isnan(lat) else self._lon[id],
                description=self._ov_description.get(id, self._description.get(id, "")),
                rating=self._rating[id] - 1,
                error=self._error.get(id, ""),
                tags=self._ov_tags.get(id, self._file_tags.get(id, ())),
                duration=self._duration.get(id, 0.0),
                codec=self._codec.get(id, ""),
                pair=self._pair_rel(folder, partner) if partner != id else "",
            )

    def _pair_rel(self, folder: str, partner: int) -> str:
        name = self._name_bytes(partner).decode("utf-8", "surrogatepass")
        return f"{folder}/{name}" if folder else name

    def path(self, id: int) -> str:
        """The file's path (as ``get(id).path``, without making the whole record)."""
        with self._lock:
            self._check(id)
            _sid, folder = self._folders.values[self._folder[id]]
            name = self._name_bytes(id).decode("utf-8", "surrogatepass")
            root = self._roots[self._root[id]]
            return os.path.join(root, f"{folder}/{name}" if folder else name)

    def ids(self) -> list[int]:
        with self._lock:
            return masks.ids_of(bytes(self._live), self._count)

    # -- pairs (pairs.py) ---------------------------------------------------------------------

    def set_pairing(self, raw_jpeg: bool) -> None:
        """Whether a RAW and a JPEG of one name are one item (Live Photos always are)."""
        with self._lock:
            if self._pairs.raw_jpeg != bool(raw_jpeg):
                self._pairs.raw_jpeg = bool(raw_jpeg)
                self._pairs.touch(range(len(self._folders.values)))
                self.version += 1

    def pair_of(self, id: int) -> int | None:
        """The id of the file shown together with ``id`` (either way round), or None."""
        with self._lock:
            self._check(id)
            pairs.settle(self)
            partner = self._pairs.partner[id]
            return None if partner == id else partner

    def pair_kind(self, id: int) -> str:
        """ "RAW+JPEG", "LIVE" or ""."""
        with self._lock:
            self._check(id)
            pairs.settle(self)
            return pairs.KINDS.get(self._pairs.role[id] & ~pairs.SECONDARY, "")

    def with_pairs(self, ids: Iterable[int]) -> list[int]:
        """``ids`` and the files paired with them (what an edit of these items writes)."""
        with self._lock:
            pairs.settle(self)
            partner = self._pairs.partner
            out: dict[int, None] = {}
            for i in ids:
                out[i] = None
                if isinstance(i, int) and 0 <= i < len(partner):
                    out[partner[i]] = None
            return list(out)

    def shown_ids(self, ids: Iterable[int]) -> list[int]:
        """``ids`` as lists show them: a pair's secondary file stands for its primary."""
        with self._lock:
            pairs.settle(self)
            partner, role = self._pairs.partner, self._pairs.role
            out: dict[int, None] = {}
            for i in ids:
                if 0 <= i < len(role) and role[i] & pairs.SECONDARY:
                    i = partner[i]
                out[i] = None
            return list(out)

    def file_rating(self, id: int) -> int:
        """The rating the file itself carries (EXIF/XMP), whatever the store says."""
        with self._lock:
            self._check(id)
            return self._file_rating[id] - 1

    def file_tags(self, id: int) -> tuple[str, ...]:
        """The tags the file itself carries (XMP), whatever the store says."""
        with self._lock:
            self._check(id)
            return tuple(self._file_tags.get(id, ()))

    # -- overlays from the store ------------------------------------------------------------

    def set_override(
        self,
        id: int,
        *,
        rating: int | None | EllipsisType = ...,
        description: str | None | EllipsisType = ...,
        rotation: int | None | EllipsisType = ...,
    ) -> None:
        """Overlay store values; ``None`` drops an override (back to the file's value),
        ``...`` (the default) leaves it alone."""
        with self._lock:
            self._check(id)
            if rating is not ...:
                if rating is None:
                    self._ov_rating.pop(id, None)
                elif type(rating) is int and -1 <= rating <= 5:
                    self._ov_rating[id] = rating
                else:
                    raise ValueError(f"rating must be -1..5, not {rating!r}")
                self._rating[id] = self._ov_rating.get(id, self._file_rating[id] - 1) + 1
                self._rating_changed((id,))
            if description is not ...:
                if description is None:
                    self._ov_description.pop(id, None)
                else:
                    self._ov_description[id] = str(description)
            if rotation is not ...:
                if rotation is None or (type(rotation) is int and rotation % 360 == 0):
                    self._ov_rotation.pop(id, None)
                elif type(rotation) is int and rotation % 90 == 0:
                    self._ov_rotation[id] = rotation % 360
                else:
                    raise ValueError(f"rotation must be a multiple of 90, not {rotation!r}")
            self._refresh_flags(id)
            self.version += 1

    def set_tags(self, id: int, tags: Iterable[str] | None) -> None:
        """Overlay the photo's tags (``None`` drops the overlay: back to the file's tags)."""
        with self._lock:
            self._check(id)
            self._count_tags(id, -1)
            if tags is None:
                self._ov_tags.pop(id, None)
            else:
                self._ov_tags[id] = self._pool(tags_of(tags))
            self._count_tags(id, +1)
            self._refresh_flags(id)
            self.version += 1

    def apply_overlay(self, space: str, rows: Iterable[OverlayRow]) -> int:
        """Bulk form of set_override/set_tags for a fresh index: rows of
        (rel, rating, description, rotation, tags) as the store lists them, None = not set.
        Unknown paths and invalid values are skipped. Returns how many rows applied."""
        applied = 0
        rated: list[int] = []
        with self._lock:
            for rel, rating, description, rotation, tags in rows:
                row = self.id_of(space, rel)
                if row is None:
                    continue
                if isinstance(rating, int) and -1 <= rating <= 5:
                    self._ov_rating[row] = rating
                    self._rating[row] = rating + 1
                    rated.append(row)
                if description is not None:
                    self._ov_description[row] = str(description)
                if isinstance(rotation, int) and rotation % 360 and rotation % 90 == 0:
                    self._ov_rotation[row] = rotation % 360
                if tags is not None:
                    self._count_tags(row, -1)
                    self._ov_tags[row] = self._pool(tags_of(tags))
                    self._count_tags(row, +1)
                self._refresh_flags(row)
                applied += 1
            if applied:
                self._rating_changed(rated)
                self.version += 1
        return applied

    def rotation(self, id: int) -> int:
        return self._ov_rotation.get(id, 0)

    # -- albums -----------------------------------------------------------------------------

    def set_album(self, name: str, ids: Sequence[int]) -> None:
        """A normal album: its members in the order given (duplicates dropped)."""
        with self._lock:
            _album_name(name)
            members = dict.fromkeys(i for i in ids if isinstance(i, int) and 0 <= i < self._n)
            self._conditional.pop(name, None)
            self._albums[name] = array("I", members)
            self.version += 1

    def set_conditional_album(self, name: str, query: str) -> None:
        """A live album: every photo the query matches. Raises QueryError on bad text."""
        with self._lock:
            _album_name(name)
            parsed = parse_query(query)
            self._albums.pop(name, None)
            self._conditional[name] = parsed
            self.version += 1

    def drop_album(self, name: str) -> None:
        with self._lock:
            dropped = self._albums.pop(name, None) is not None
            if dropped or self._conditional.pop(name, None) is not None:
                self.version += 1

    def album_names(self) -> list[str]:
        with self._lock:
            return sorted([*self._albums, *self._conditional], key=lambda a: (fold_text(a), a))

    def album_query(self, name: str) -> str | None:
        """The query of a conditional album, None for a normal one (KeyError if unknown)."""
        with self._lock:
            if name in self._conditional:
                return self._conditional[name].text
            if name in self._albums:
                return None
            raise KeyError(name)

    def album_ids(self, name: str) -> list[int]:
        """Live members in album order (a conditional album: its search, by capture time)."""
        with self._lock:
            if name in self._albums:
                live = self._live
                return self.shown_ids(i for i in self._albums[name] if live[i])
            if name in self._conditional:
                return self.search(self._conditional[name])
            raise KeyError(name)

    # -- search -----------------------------------------------------------------------------

    def search(
        self,
        query: str | Query | None = None,
        *,
        sort: str = "taken",
        descending: bool = False,
        within: Sequence[int] | None = None,
    ) -> list[int]:
        """Ids matching ``query`` (the search language; raises QueryError on bad text),
        sorted by ``sort`` (ties by folder then name), optionally only among ``within``."""
        if sort not in SORT_KEYS:
            raise ValueError(f"unknown sort key {sort!r} (known: {', '.join(SORT_KEYS)})")
        parsed = query if isinstance(query, Query) else parse_query(query)
        with self._lock:
            return evaluate.search(self, parsed, sort, bool(descending), within)

    def count(self, query: str | Query | None = None, *, files: bool = False) -> int:
        """How many photos match (no sorting: cheaper than len(search(...))). ``files``:
        count files, each on its own (a pair's two files are two, each matched alone), as
        a summary of what is on disk does."""
        parsed = query if isinstance(query, Query) else parse_query(query)
        with self._lock:
            return evaluate.count(self, parsed, files=files)

    def search_files(self, query: str | Query | None = None) -> list[int]:
        """Ids of the files matching ``query`` each on its own (a pair's secondary file
        too), in path order: for reports about files (``phototerm index``'s problems)."""
        parsed = query if isinstance(query, Query) else parse_query(query)
        with self._lock:
            return evaluate.search_files(self, parsed)

    # -- grouping and facets --------------------------------------------------------------

    def group(self, ids: Sequence[int], by: str) -> list[Group]:
        """Consecutive runs of ``ids`` sharing a day / month / year / folder ("day" labels
        like "Saturday 14 July 2019", "Unknown date" for none); groups follow ids' order."""
        with self._lock:
            return _group(self, ids, by)

    def timeline(
        self, by: str, descending: bool
    ) -> tuple[array[int], list[Group], array[int]] | None:
        """Every photo by capture time and its day / month / year groups, as ``search`` and
        ``group`` would give them, in time independent of the library's size beyond one copy
        of a saved order (a first screen of a million photos; an array copy, not a list, so
        it is one memcpy), and the order's labels (a copy: they increase along the ids, so a
        position is found by bisecting on them). None when the shortcut does not apply
        (dates out of range); then search and group."""
        with self._lock:
            self._flush()
            n = self._n
            if n == 0 or self._count == 0 or by not in ("day", "month", "year"):
                return None
            pairs.settle(self)
            perm, labels = orders.sort_order(self, "taken", descending, n)
            # A copy: the order itself changes in place as photos come and go.
            if self._count == n:
                ids = perm[:]
            else:  # removed photos stay in the order, dead: leave them out
                ids = array(perm.typecode, compress(perm, map(self._live.__getitem__, perm)))
            unknown = self._days.get(0, 0)
            undated = ids[len(ids) - unknown :] if descending else ids[:unknown]
            # A day of 0 with a capture time (out of the calendar's range) sorts among the
            # dated photos: the groups would not follow the days then.
            if unknown and any(self._taken[row] != -math.inf for row in undated):
                return None
            if self._pairs.count:  # a pair's second file is not listed
                return self._timeline_without_secondaries(ids, labels, by, descending)
            return ids, timeline_groups(self, by, descending), labels[:]

    def _timeline_without_secondaries(
        self, ids: array[int], labels: array[int], by: str, descending: bool
    ) -> tuple[array[int], list[Group], array[int]]:
        """``timeline`` of a library with pairs: ``ids`` (the live order) less the
        secondaries (in C, one pass over it), the day counts less theirs (a step per pair)."""
        n = self._n
        _paired, secondary = pairs.pair_masks(self, n)
        hidden = masks.to_bytes(secondary, n)
        days = dict(self._days)
        day, live = self._day, self._live
        for row in masks.ids_of(hidden, self._pairs.count):
            if not live[row]:
                continue
            left = days[day[row]] - 1
            if left:
                days[day[row]] = left
            else:
                del days[day[row]]
        visible = hidden.translate(_FLIP)
        shown = array(ids.typecode, compress(ids, map(visible.__getitem__, ids)))
        return shown, timeline_groups(self, by, descending, days), labels[:]

    def facets(self) -> Facets:
        """Distinct cameras, lenses, folders per space, years, tags, ratings, with counts."""
        with self._lock:
            return _facets(self)

    def _tag_counts(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(self._tags_live.items(), key=lambda kv: (fold_text(kv[0]), kv[0])))

    def tag_names(self) -> list[str]:
        """Every tag some live photo carries (store overlay or file), by name."""
        with self._lock:
            return [t for t, _ in self._tag_counts()]

    def prepare_orders(self) -> None:
        """Compute the orders a start needs first (by capture time, both ways), so that a
        snapshot saved now carries them."""
        with self._lock:
            self._flush()
            if self._n:
                for descending in (False, True):
                    orders.sort_order(self, "taken", descending, self._n)

    def refresh_orders(self) -> None:
        """Bring the sort orders searches use up to date with the changes made so far (work
        in proportion to the changes), so that the next search finds them ready."""
        with self._lock:
            self._flush()
            orders.refresh(self)

    def drop_caches(self) -> None:
        """Forget derived data (sort orders, the name blob); rebuilt when next needed."""
        with self._lock:
            self._search_blob = bytearray(b"\n")
            self._search_rows = 0
            self._path_order = None
            self._orders.clear()
            self._fold_memo.clear()
            masks.clear_cache()

    # -- accounting -----------------------------------------------------------------------

    def memory_bytes(self) -> int:
        """Approximate bytes held: columns, blobs, tables, sparse dicts and caches."""
        with self._lock:
            total = 0
            for value in vars(self).values():
                if isinstance(value, array):
                    total += value.itemsize * value.buffer_info()[1]
                elif isinstance(value, bytearray):
                    total += len(value)
            for table in (self._folders, self._cameras, self._lenses, self._keys):
                total += table.nbytes()
            for d in (
                self._description,
                self._error,
                self._file_tags,
                self._ov_rating,
                self._ov_description,
                self._ov_rotation,
                self._ov_tags,
            ):
                total += 120 * len(d)  # dict entry + key int + value share
            total += sum(60 + len(s) for s in self._desc_values)
            total += 40 * len(self._days)
            total += sum(4 * len(a) + 100 for a in self._albums.values())
            if self._path_order is not None:
                total += 4 * len(self._path_order[1])
            total += sum(4 * (len(o[1]) + len(o[2])) for o in self._orders.values())
            total += masks.cache_bytes()
            return total


def _album_name(name: object) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("an album needs a name")
