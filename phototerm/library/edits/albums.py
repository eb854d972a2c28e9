"""Album edits: create (normal or conditional), add, remove, rename, delete, cover, and their
undo. ``Editor.albums`` is one of these.

Every operation checks the acting identity's right to edit the album's space, writes one
store transaction, then re-reads the albums into the index. Albums are edited as they are
now: each operation first applies what other sessions committed (``refresh``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

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
        return self._album_edit(
            space,
            None,
            name,
            lambda store: store.albums.put(record),
            f"Created {kind} {quote_name(name)}{extra}",
            len(members),
        )

    def add(self, name: str, ids: Sequence[int]) -> EditResult:
        entry, err = self._editable_album(name, normal=True)
        if entry is None:
            return err
        space, record = entry
        members = self._members(ids)
        problem = _check_members(space, members)
        if problem:
            return fail(problem)
        have = set(record.members)
        new = [m for m in members if m not in have]
        msg = f"Added {n_photos(len(new))} to {quote_name(record.name)}"
        if len(new) < len(members):
            msg += f" ({len(members) - len(new)} already in it)"
        return self._album_edit(
            space,
            record,
            record.name,
            lambda s: s.albums.add_members(record.name, new),
            msg,
            len(new),
        )

    def remove(self, name: str, ids: Sequence[int]) -> EditResult:
        entry, err = self._editable_album(name, normal=True)
        if entry is None:
            return err
        space, record = entry
        have = set(record.members)
        members = [m for m in self._members(ids) if m in have]
        return self._album_edit(
            space,
            record,
            record.name,
            lambda s: s.albums.remove_members(record.name, members),
            f"Removed {n_photos(len(members))} from {quote_name(record.name)}",
            len(members),
        )

    def rename(self, old: str, new: str) -> EditResult:
        entry, err = self._editable_album(old)
        if entry is None:
            return err
        space, record = entry
        new = clean_name(new)
        problem = self._name_problem(new, keep_id=record.id)
        if problem:
            return fail(problem)
        return self._album_edit(
            space,
            record,
            new,
            lambda s: s.albums.rename(record.name, new),
            f"Renamed album {quote_name(record.name)} to {quote_name(new)}",
            1,
        )

    def delete(self, name: str) -> EditResult:
        entry, err = self._editable_album(name)
        if entry is None:
            return err
        space, record = entry
        # Its share links go with it (``AlbumStore.delete``): keep them for undo.
        shares = [s for s in self.stores[space].shares.all() if s.album == record.name]
        return self._album_edit(
            space,
            record,
            None,
            lambda s: s.albums.delete(record.name),
            f"Deleted album {quote_name(record.name)} (its photos are kept)",
            1,
            shares,
        )

    def set_cover(self, name: str, photo_id: int | None) -> EditResult:
        entry, err = self._editable_album(name)
        if entry is None:
            return err
        space, record = entry
        cover = None
        if photo_id is not None:
            photo = self.index.get(photo_id)
            cover = (photo.space, photo.rel)
        return self._album_edit(
            space,
            record,
            record.name,
            lambda s: s.albums.set_cover(record.name, cover),
            f"Set the cover of {quote_name(record.name)}",
            1,
        )

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

    def _members(self, ids: Sequence[int]) -> list[tuple[str, str]]:
        out = []
        for i in dict.fromkeys(ids):
            photo = self.index.get(i)
            out.append((photo.space, photo.rel))
        return out

    def _album_edit(
        self,
        space: str,
        before: AlbumRecord | None,
        after: str | None,
        write: Callable[[Store], object],
        message: str,
        count: int,
        shares: Iterable[ShareRecord] = (),
    ) -> EditResult:
        """Write one album change to ``space``'s store. Only a change that was stored
        reaches the index and the undo stack: a failed write says why and changes nothing."""
        try:
            write(self.stores[space])
        except StoreError as exc:
            return fail(str(exc))
        self.reload()
        self._undo.append(
            UndoStep(
                message,
                album_space=space,
                album_before=before,
                album_after=after,
                shares=list(shares),
            )
        )
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

    def _shown(self, space: str, name: str) -> str:
        return next(
            (k for k, (s, r) in self._albums.items() if s == space and r.name == name), name
        )

    def undo(self, step: UndoStep) -> str:
        """Put the album back as ``step`` recorded it; '' when done, else why not."""
        store = self.stores[step.album_space]
        try:
            if step.album_before is None:  # undo a create
                if step.album_after and store.albums.get(step.album_after):
                    store.albums.delete(step.album_after)
            else:
                current = store.albums.get(step.album_after) if step.album_after else None
                # A copy: put_album writes the new id into its record, and the step must stay
                # as recorded in case this undo fails and is tried again.
                store.albums.put(
                    replace(step.album_before), replace=current.name if current else None
                )
                for share in step.shares:
                    store.shares.restore(share)
        except StoreError as exc:
            return str(exc)
        return ""


def _check_members(space: str, members: list[tuple[str, str]]) -> str:
    if space == SHARED and any(s == PERSONAL for s, _ in members):
        return (
            "An album of the Shared Space cannot hold photos of your Personal Space "
            "(others could not see them)"
        )
    return ""
