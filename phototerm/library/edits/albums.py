"""Album edits: create (normal or conditional), add, remove, rename, delete, cover, and their
undo. ``Editor.albums`` is one of these.

Every operation checks the acting identity's right to edit the album's space, writes one
store transaction that reads what it changes (the members it adds or removes, the cover or
the album it replaces), then re-reads the albums into the index. Its undo is built from what
that transaction replaced, so it takes back this edit and nothing another session did since.
Names are checked against the albums as they are now: each operation first applies what
other sessions committed (``refresh``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TypeAlias, TypeVar

from phototerm.library.edits.results import (
    MAX_NAME,
    EditResult,
    UndoStep,
    clean_name,
    fail,
    n_photos,
    quote_name,
)
from phototerm.library.index import Index
from phototerm.library.photo import PERSONAL, SHARED
from phototerm.library.roles import Access
from phototerm.library.store import AlbumRecord, ShareRecord, Store, StoreError
from phototerm.library.store.overlay import album_table, album_to_index

T = TypeVar("T")
# What a stored album change means for the person: (message, count, undo step).
Outcome: TypeAlias = tuple[str, int, Callable[[Store], object]]


class AlbumEdits:
    """The albums of the open stores, as shown (a name used in both spaces shows the Shared
    Space's as "Name (Shared Space)"), and every change to them."""

    def __init__(
        self,
        index: Index,
        stores: Mapping[str, Store],
        access: Access,
        history: deque[UndoStep],
        refresh: Callable[[], bool],
    ) -> None:
        self.index = index
        self.stores = stores
        self.access = access
        self._undo = history  # shared with the Editor: one undo stack for every edit
        self.refresh = refresh  # the Editor's: what other sessions committed, albums included
        # shown name -> (space, record), as the index has them
        self._albums: dict[str, tuple[str, AlbumRecord]] = album_table(stores)

    # -- looking up -------------------------------------------------------------------------

    def names(self) -> list[str]:
        return sorted(self._albums, key=str.casefold)

    def shown_name(self, name: str) -> str | None:
        """The album's name as shown (and as the index knows it), found case-insensitively."""
        if name in self._albums:
            return name
        folded = clean_name(name).casefold()
        return next((k for k in self._albums if k.casefold() == folded), None)

    def record(self, name: str) -> AlbumRecord | None:
        entry = self._find_album(name)
        return entry[1] if entry else None

    def space_of(self, name: str) -> str | None:
        entry = self._find_album(name)
        return entry[0] if entry else None

    def cover(self, name: str) -> int | None:
        """The cover photo's id: the chosen cover, else the first member found."""
        entry = self._find_album(name)
        if entry is None:
            return None
        space, record = entry
        if record.cover:
            pid = self.index.id_of(*record.cover)
            if pid is not None:
                return pid
        ids = self.index.album_ids(self._shown(space, record.name))
        return ids[0] if ids else None

    # -- operations -------------------------------------------------------------------------

    def create(self, name: str, ids: Sequence[int] = (), *, space: str | None = None) -> EditResult:
        return self._create(name, None, ids, space)

    def create_conditional(self, name: str, query: str, *, space: str | None = None) -> EditResult:
        try:
            self.index.search(query)  # a bad query is refused before anything is stored
        except ValueError as exc:
            return fail(f"Bad query: {exc}")
        return self._create(name, query, (), space)

    def _create(
        self, name: str, query: str | None, ids: Sequence[int], space: str | None
    ) -> EditResult:
        name = clean_name(name)
        problem = self._name_problem(name)
        if problem:
            return fail(problem)
        if space is None:
            space = next((s for s in (PERSONAL, SHARED) if self.access.can_edit(s)), None)
            if space is None:
                return fail(
                    "No space can be edited here: "
                    + "; ".join(self.access.why_not_edit(s) for s in self.stores)
                    or "no space is open"
                )
        reason = self.access.why_not_edit(space)
        if reason:
            return fail(reason)
        members = self._members(ids)
        problem = _check_members(space, members)
        if problem:
            return fail(problem)
        record = AlbumRecord(name, query, members)
        kind = "conditional album" if query is not None else "album"
        extra = f" with {n_photos(len(members))}" if members else ""
        message = f"Created {kind} {quote_name(name)}{extra}"
        return self._album_edit(
            space,
            lambda store: store.albums.put(record),
            lambda _: (message, len(members), lambda store: _delete_if_there(store, name)),
        )

    def add(self, name: str, ids: Sequence[int]) -> EditResult:
        entry, err = self._editable_album(name, normal=True)
        if entry is None:
            return err
        space, record = entry
        album = record.name
        members = self._members(ids)
        problem = _check_members(space, members)
        if problem:
            return fail(problem)

        def outcome(added: list[tuple[str, str]]) -> Outcome:
            count, wanted = self._items(added), self._items(members)
            msg = f"Added {n_photos(count)} to {quote_name(album)}"
            if count < wanted:
                msg += f" ({wanted - count} already in it)"
            return msg, count, lambda store: store.albums.remove_members(album, added)

        return self._album_edit(
            space, lambda store: store.albums.add_members(album, members), outcome
        )

    def remove(self, name: str, ids: Sequence[int]) -> EditResult:
        entry, err = self._editable_album(name, normal=True)
        if entry is None:
            return err
        space, record = entry
        album = record.name
        members = self._members(ids)

        def outcome(removed: list[tuple[str, str, int]]) -> Outcome:
            count = self._items([(space, rel) for space, rel, _at in removed])
            return (
                f"Removed {n_photos(count)} from {quote_name(album)}",
                count,
                lambda store: store.albums.restore_members(album, removed),
            )

        return self._album_edit(
            space, lambda store: store.albums.remove_members(album, members), outcome
        )

    def rename(self, old: str, new: str) -> EditResult:
        entry, err = self._editable_album(old)
        if entry is None:
            return err
        space, record = entry
        album = record.name
        new = clean_name(new)
        problem = self._name_problem(new, keep_id=record.id)
        if problem:
            return fail(problem)
        return self._album_edit(
            space,
            lambda store: store.albums.rename(album, new),
            lambda _: (
                f"Renamed album {quote_name(album)} to {quote_name(new)}",
                1,
                lambda store: store.albums.rename(new, album),
            ),
        )

    def delete(self, name: str) -> EditResult:
        entry, err = self._editable_album(name)
        if entry is None:
            return err
        space, record = entry
        album = record.name

        def outcome(deleted: tuple[AlbumRecord, list[ShareRecord]]) -> Outcome:
            was, shares = deleted
            # A copy each time: put() writes the new id into its record, and the step must
            # stay as recorded in case this undo fails and is tried again.
            return (
                f"Deleted album {quote_name(album)} (its photos are kept)",
                1,
                lambda store: store.albums.put(replace(was), shares=shares),
            )

        # Its share links go with it (``AlbumStore.delete`` returns them for the undo).
        return self._album_edit(space, lambda store: store.albums.delete(album), outcome)

    def set_cover(self, name: str, photo_id: int | None) -> EditResult:
        entry, err = self._editable_album(name)
        if entry is None:
            return err
        space, record = entry
        album = record.name
        cover = None
        if photo_id is not None:
            photo = self.index.get(photo_id)
            cover = (photo.space, photo.rel)

        def outcome(previous: tuple[str, str] | None) -> Outcome:
            return (
                f"Set the cover of {quote_name(album)}",
                1,
                lambda store: store.albums.set_cover(album, previous, unless_changed_from=cover),
            )

        return self._album_edit(space, lambda store: store.albums.set_cover(album, cover), outcome)

    # -- shared steps -----------------------------------------------------------------------

    def _find_album(self, name: str) -> tuple[str, AlbumRecord] | None:
        shown = self.shown_name(name)
        return None if shown is None else self._albums[shown]

    def _name_problem(self, name: str, keep_id: int | None = None) -> str:
        """Why an album cannot be given ``name`` ('' when it can). ``keep_id``: the album
        being renamed, which may keep its own name in another case."""
        if not name or len(name) > MAX_NAME:
            return f"An album name is 1 to {MAX_NAME} characters"
        self.refresh()  # another session may have taken the name meanwhile
        clash = self._find_album(name)
        if clash and (keep_id is None or clash[1].id != keep_id):
            return f"An album named {quote_name(name)} already exists"
        return ""

    def _editable_album(
        self, name: str, normal: bool = False
    ) -> tuple[tuple[str, AlbumRecord] | None, EditResult]:
        self.refresh()  # edit the album as it is now, whatever other sessions did to it
        entry = self._find_album(name)
        if entry is None:
            return None, fail(f"No album named {quote_name(name)}")
        if normal and entry[1].conditional:
            return None, fail(
                f"{quote_name(entry[1].name)} is a conditional album: "
                "its photos come from its search"
            )
        reason = self.access.why_not_edit(entry[0])
        if reason:
            return None, fail(reason)
        return entry, EditResult(0, "")

    def members(self, ids: Sequence[int]) -> list[tuple[str, str]]:
        """(space, rel) of the photos ``ids``, each once, in order: an album's members."""
        return self._members(ids)

    def _members(self, ids: Sequence[int]) -> list[tuple[str, str]]:
        """(space, rel) of the photos ``ids`` and of the files paired with them: a pair
        (RAW+JPEG, Live Photo) goes into an album whole."""
        out = []
        for i in self.index.with_pairs(dict.fromkeys(ids)):
            photo = self.index.get(i)
            out.append((photo.space, photo.rel))
        return out

    def _items(self, members: Sequence[tuple[str, str]]) -> int:
        """How many items (a pair counts once) these (space, rel) files are."""
        ids = [self.index.id_of(space, rel) for space, rel in members]
        known = [i for i in ids if i is not None]
        return len(self.index.shown_ids(known)) + (len(ids) - len(known))

    def _album_edit(
        self,
        space: str,
        write: Callable[[Store], T],
        outcome: Callable[[T], Outcome],
    ) -> EditResult:
        """Write one album change to ``space``'s store: ``write`` is one transaction that
        reads what it changes and returns what it replaced; ``outcome`` turns that into the
        message, the count and the undo. Only a change that was stored reaches the index and
        the undo stack: a failed write says why and changes nothing."""
        try:
            replaced = write(self.stores[space])
        except StoreError as exc:
            return fail(str(exc))
        message, count, undo = outcome(replaced)
        self.reload()
        self._undo.append(UndoStep(message, album_space=space, album_undo=undo))
        return EditResult(count, message)

    def reload(self) -> None:
        """Re-read the albums; only those that changed go to the index again (an album of
        thousands of photos costs thousands of lookups)."""
        old = self._albums
        self._albums = album_table(self.stores)
        for gone in set(old) - set(self._albums):
            self.index.drop_album(gone)
        for shown, entry in self._albums.items():
            if old.get(shown) != entry:
                album_to_index(self.index, shown, entry[1])

    def photos_arrived(self, photos: set[tuple[str, str]]) -> None:
        """Photos (space, rel) new on the index: the albums that list them show them now."""
        for shown, (_space, record) in self._albums.items():
            if not photos.isdisjoint(record.members):
                album_to_index(self.index, shown, record)

    def shown_in(self, space: str, name: str) -> str | None:
        """The name the album ``name`` of ``space`` is shown by (None: no such album)."""
        return next(
            (k for k, (s, r) in self._albums.items() if s == space and r.name == name), None
        )

    def _shown(self, space: str, name: str) -> str:
        return next(
            (k for k, (s, r) in self._albums.items() if s == space and r.name == name), name
        )

    def undo(self, step: UndoStep) -> str:
        """Take back the album edit ``step`` recorded; '' when done, else why not."""
        if step.album_undo is None:
            return ""
        try:
            step.album_undo(self.stores[step.album_space])
        except StoreError as exc:
            return str(exc)
        return ""


def _delete_if_there(store: Store, name: str) -> None:
    """The undo of a create: the album goes, unless another session deleted it already."""
    if store.albums.get(name) is not None:
        store.albums.delete(name)


def _check_members(space: str, members: list[tuple[str, str]]) -> str:
    if space == SHARED and any(s == PERSONAL for s, _ in members):
        return (
            "An album of the Shared Space cannot hold photos of your Personal Space "
            "(others could not see them)"
        )
    return ""
