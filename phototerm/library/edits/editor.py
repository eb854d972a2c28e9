"""Edits: what a key press or a CLI command changes, applied in one order every time:

    permission check -> store transaction (durable) -> index overlay -> XMP sidecar (if enabled)

and recorded on an undo stack. The TUI and the CLI both call the Editor, so a script and a
key do the same thing.

Every edit is a read-modify-write inside ONE write transaction of the store
(``Store.update_states``; the album methods likewise): the photo's state is read after the
write lock is taken, so two sessions editing the same photos at once take turns and neither
overwrites the other's edit with an old value. Undo works the same way and takes back only
its own edit (edits/revert.py says how, field by field).

An edit touching photos of both spaces writes two stores (two SQLite files cannot share a
transaction): if the second fails, the first is taken back, so nothing is half-done.

This module is the Editor's core: photo edits, sort orders, undo and other sessions' edits.
Album operations are its ``albums`` part (albums.py), moving rejects to #recycle is
recycle.py; putting the stores onto a fresh index is the store's (store/overlay.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeAlias

from phototerm.library.edits import recycle
from phototerm.library.edits.albums import AlbumEdits
from phototerm.library.edits.recycle import RECYCLE, RecycleResult
from phototerm.library.edits.results import (
    MAX_NAME,
    EditResult,
    UndoStep,
    clean_name,
    fail,
    n_photos,
    quote_names,
    unique_names,
)
from phototerm.library.edits.revert import revert
from phototerm.library.index import Index
from phototerm.library.photo import REJECTED
from phototerm.library.roles import Access, Identity
from phototerm.library.settings import Settings
from phototerm.library.store import PhotoState, Store, StoreError
from phototerm.library.store.moves import rekey
from phototerm.library.store.overlay import apply_state
from phototerm.library.text import safe

if TYPE_CHECKING:
    from phototerm.library.edits.shares import ShareEdits

__all__ = ["MAX_NAME", "RECYCLE", "UNDO_DEPTH", "EditResult", "Editor", "RecycleResult"]

UNDO_DEPTH = 100  # edits a person can step back through; each holds only what it replaced

# A store's read-modify-write step: (rel, stored state) -> new state; see Store.update_states.
Change: TypeAlias = Callable[[str, PhotoState], PhotoState]
# What one store's update replaced: (before, after), rel -> state.
Replaced: TypeAlias = tuple[dict[str, PhotoState], dict[str, PhotoState]]


class Editor:
    def __init__(
        self,
        index: Index,
        stores: Mapping[str, Store],
        identity: Identity | None = None,
        settings: Settings | None = None,
        *,
        tokens: Mapping[str, int] | None = None,
    ) -> None:
        """``tokens``: the stores' change tokens from before their rows were read onto the
        index (default: now), so the first ``refresh`` catches up what others did since."""
        self.index = index
        self.stores = dict(stores)
        self.identity = identity or Identity.current()
        self.access = Access(self.identity, self.stores)
        self.write_sidecars = settings is not None and settings.write_sidecars
        self._undo: deque[UndoStep] = deque(maxlen=UNDO_DEPTH)
        self._tokens = (
            dict(tokens)
            if tokens is not None
            else {name: s.change_token() for name, s in self.stores.items()}
        )
        self.albums = AlbumEdits(index, self.stores, self.access, self._undo, self.refresh)

    @cached_property
    def shares(self) -> ShareEdits:
        """Shares and links, made on first use: what a command that shares nothing (``ls``)
        would otherwise import for nothing (tokens, password hashing, users and groups)."""
        from phototerm.library.edits.shares import ShareEdits

        return ShareEdits(self.index, self.stores, self.access, self.albums, self.refresh)

    # -- photo edits --------------------------------------------------------------------------

    def set_rating(self, ids: Sequence[int], rating: int) -> EditResult:
        if not -1 <= rating <= 5:
            return fail(f"A rating is -1 (rejected) or 0 to 5, not {rating}")
        if rating == REJECTED:
            return self.reject(ids)
        stars = f"{rating} star" if rating == 1 else f"{rating} stars"
        return self._edit(
            ids,
            (lambda n: f"Cleared the rating of {n}")
            if rating == 0
            else (lambda n: f"Rated {n} {stars}"),
            lambda s, _files: PhotoState(rating, s.description, s.rotation, s.tags),
        )

    def reject(self, ids: Sequence[int]) -> EditResult:
        return self._edit(
            ids,
            lambda n: f"Rejected {n}",
            lambda s, _files: PhotoState(REJECTED, s.description, s.rotation, s.tags),
        )

    def add_tags(self, ids: Sequence[int], tags: Iterable[str]) -> EditResult:
        new = unique_names(clean_name(t) for t in tags)
        if not new:
            return fail("No tag given")

        def change(state: PhotoState, file_tags: tuple[str, ...]) -> PhotoState:
            # The first edit of a photo's tags starts from the file's own tags.
            have = list(file_tags if state.tags is None else state.tags)
            lower = {t.casefold() for t in have}
            tags = tuple(have + [t for t in new if t.casefold() not in lower])
            return PhotoState(state.rating, state.description, state.rotation, tags)

        # Only the photos that lack a tag are edited and counted, as in remove_tags: "Tagged
        # 3 photos" must not count photos that already carried it (the effective tags).
        wanted = {t.casefold() for t in new}
        lacking = [
            i
            for i in dict.fromkeys(ids)
            if not wanted <= {t.casefold() for t in self.index.get(i).tags}
        ]
        if ids and not lacking:
            count = len(dict.fromkeys(ids))
            return EditResult(0, f"Already tagged {quote_names(new)}: {n_photos(count)}")
        return self._edit(lacking, lambda n: f"Tagged {n} with {quote_names(new)}", change)

    def remove_tags(self, ids: Sequence[int], tags: Iterable[str]) -> EditResult:
        named = unique_names(clean_name(t) for t in tags)
        gone = {t.casefold() for t in named}
        if not gone:
            return fail("No tag given")

        def change(state: PhotoState, file_tags: tuple[str, ...]) -> PhotoState:
            have = file_tags if state.tags is None else state.tags
            tags = tuple(t for t in have if t.casefold() not in gone)
            return PhotoState(state.rating, state.description, state.rotation, tags)

        # Only the photos that carry a tag are edited and counted: "Removed 'x' from 3
        # photos" must not count photos that never had it (index.get: the effective tags).
        carriers = [
            i
            for i in dict.fromkeys(ids)
            if any(t.casefold() in gone for t in self.index.get(i).tags)
        ]
        if ids and not carriers:
            return EditResult(0, f"No photo carried {quote_names(named)}")  # nothing to undo
        return self._edit(carriers, lambda n: f"Removed {quote_names(named)} from {n}", change)

    def set_description(self, ids: Sequence[int], text: str) -> EditResult:
        value = safe(text).strip()
        return self._edit(
            ids,
            (lambda n: f"Described {n}")
            if value
            else (lambda n: f"Cleared the description of {n}"),
            lambda s, _files: PhotoState(s.rating, value, s.rotation, s.tags),
        )

    def rotate(self, ids: Sequence[int], degrees: int) -> EditResult:
        if degrees % 90:
            return fail("Rotation goes in steps of 90 degrees")
        way = "clockwise" if degrees > 0 else "counter-clockwise"
        return self._edit(
            ids,
            lambda n: f"Rotated {n} {abs(degrees)}° {way}",
            lambda s, _files: PhotoState(
                s.rating, s.description, (s.rotation + degrees) % 360, s.tags
            ),
        )

    def _edit(
        self,
        ids: Sequence[int],
        message: Callable[[str], str],
        change: Callable[[PhotoState, tuple[str, ...]], PhotoState],
    ) -> EditResult:
        """Apply ``change`` (stored state, the file's own tags -> new state) to the photos
        ``ids``, all or nothing, and push one undo step holding what it replaced.

        ``change`` sees each photo's state as stored at the moment of the write: it runs
        inside the store's write transaction (``Store.update_states``), so an edit another
        session committed a moment ago is built upon, never overwritten."""
        targets: dict[str, dict[str, int]] = {}  # space -> rel -> photo id
        # A pair (RAW+JPEG, Live Photo) is one item: both files' rows are written, in the
        # same transaction (a pair never spans two spaces).
        for i in self.index.with_pairs(dict.fromkeys(ids)):
            photo = self.index.get(i)
            targets.setdefault(photo.space, {})[photo.rel] = i
        if not targets:
            return fail("No photo selected")
        for space in targets:  # every space first: a refusal must come before any write
            reason = self.access.why_not_edit(space)
            if reason:
                return fail(reason)
        work: dict[str, tuple[list[str], Change]] = {}
        for space, rels in targets.items():
            # Read before the store's lock is taken: the index has its own lock.
            files = {rel: self.index.file_tags(pid) for rel, pid in rels.items()}
            work[space] = (list(rels), _with_file_tags(change, files))
        done, problem = self._update(work)
        if problem:
            return fail(problem)
        before = {sp: b for sp, (b, _a) in done.items()}
        after = {sp: a for sp, (_b, a) in done.items()}
        pids = {(sp, rel): pid for sp, rels in targets.items() for rel, pid in rels.items()}
        warnings = self._apply(after, before, pids)
        count = len(self.index.shown_ids(ids))
        text = message(n_photos(count))
        self._undo.append(UndoStep(text, before=before, after=after))
        return EditResult(count, text, warnings=warnings)

    def _update(self, work: dict[str, tuple[list[str], Change]]) -> tuple[dict[str, Replaced], str]:
        """Run each space's read-modify-write (one transaction per store: two SQLite files
        cannot share one). When a store fails, the spaces already written are taken back the
        same way, so nothing is half-done. Returns ({space: (before, after)}, '') or
        ({}, why)."""
        done: dict[str, Replaced] = {}
        for space, (rels, change) in work.items():
            try:
                done[space] = self.stores[space].update_states(rels, change)
            except StoreError as exc:
                for back, (before, after) in done.items():
                    files = self._file_tags(back, before)
                    try:
                        self.stores[back].update_states(before, _reverting(before, after, files))
                    except StoreError:
                        pass  # the first error is the one to report; this one has no cure
                return {}, str(exc)
        return done, ""

    def _file_tags(self, space: str, rels: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The files' own tags of these photos (those still in the index)."""
        out: dict[str, tuple[str, ...]] = {}
        for rel in rels:
            pid = self.index.id_of(space, rel)
            if pid is not None:
                out[rel] = self.index.file_tags(pid)
        return out

    def _apply(
        self,
        states: Mapping[str, Mapping[str, PhotoState]],
        before: Mapping[str, Mapping[str, PhotoState]],
        pids: dict[tuple[str, str], int] | None = None,
    ) -> tuple[str, ...]:
        """Index overlay (and sidecars) for stored states that replaced ``before``."""
        changed: list[tuple[int, PhotoState]] = []
        id_of = self.index.id_of
        for space, rels in states.items():
            old = before.get(space, {})
            for rel, state in rels.items():
                pid = pids.get((space, rel)) if pids else id_of(space, rel)
                if pid is not None:
                    apply_state(self.index, pid, state, old.get(rel))
                    changed.append((pid, state))
        return self._write_sidecars(changed) if self.write_sidecars else ()

    def _write_sidecars(self, changed: list[tuple[int, PhotoState]]) -> tuple[str, ...]:
        # The store is the truth and already holds the edit: a sidecar that cannot be
        # written is a warning, not a failure of the edit. Its values come from the stored
        # state (over the file's own), not from the index, which may not have caught up yet
        # with another session's edit of the same photo.
        from phototerm.library.metadata.sidecar import SidecarError, write_sidecar

        failed: list[str] = []
        for pid, state in changed:
            path = self.index.get(pid).path
            rating = state.rating if state.rating is not None else self.index.file_rating(pid)
            tags = state.tags if state.tags is not None else self.index.file_tags(pid)
            try:
                write_sidecar(path, rating=rating, tags=tags)
            except SidecarError as exc:
                failed.append(str(exc))
        if not failed:
            return ()
        return (f"Sidecar not written for {n_photos(len(failed))}: {failed[0]}",)

    # -- per-view sort orders (not undoable: choosing a sort is not an edit of photos) ------

    def sort_order(self, space: str, view: str) -> tuple[str, bool] | None:
        store = self.stores.get(space)
        try:
            return store.sort_order(view) if store else None
        except StoreError:
            return None

    def set_sort_order(self, space: str, view: str, key: str, descending: bool) -> EditResult:
        """Remember a view's sort (``view`` like "folder:2023/Paris" or "album:Trip") in the
        store of the space the view belongs to."""
        reason = self.access.why_not_edit(space)
        if reason:
            return fail(reason)
        try:
            self.stores[space].set_sort_order(view, key, descending)
        except StoreError as exc:
            return fail(str(exc))
        return EditResult(1, f"Sorted by {key}{' (descending)' if descending else ''}")

    # -- undo -------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    def undo_photos(self) -> list[tuple[str, str]]:
        """(space, rel) of the photos the next undo puts back (none for an album edit), so a
        view can go back to the photo it changed."""
        if not self._undo:
            return []
        return [(space, rel) for space, rels in self._undo[-1].before.items() for rel in rels]

    def undo(self) -> EditResult:
        if not self._undo:
            return fail("Nothing to undo")
        step = self._undo[-1]  # popped only once undone: a refused undo can be tried again
        spaces = list(step.before) or [step.album_space]
        for space in spaces:
            reason = self.access.why_not_edit(space)
            if reason:
                return fail(reason)
        if step.before:
            work: dict[str, tuple[list[str], Change]] = {}
            for space, before in step.before.items():
                after, files = step.after[space], self._file_tags(space, before)
                work[space] = (list(before), _reverting(before, after, files))
            done, problem = self._update(work)
            if problem:
                return fail(problem)
            now = {sp: b for sp, (b, _a) in done.items()}
            restored = {sp: a for sp, (_b, a) in done.items()}
            warnings = self._apply(restored, now)
            count = self._items(step.before)
        else:
            count = 1
            warnings = ()
            problem = self.albums.undo(step)
            if problem:
                return fail(problem)
            self.albums.reload()
        self._undo.pop()
        return EditResult(count, f"Undone: {step.label}", warnings=warnings)

    # -- files moved on disk -------------------------------------------------------------------

    def photos_moved(self, space: str, pairs: Sequence[tuple[str, str]]) -> list[str]:
        """Photos of ``space`` renamed or moved on disk (rel before, rel after, in order), the
        index already following them: the stores' rows follow too (store/moves.py), and so
        does the undo stack, so an undo still finds the photo it changed. Returns a line per
        store that could not be written."""
        problems = rekey(self.stores, space, pairs)
        renamed = _followed(pairs)
        for step in list(self._undo):  # (the watcher's thread: an edit may push meanwhile)
            for states in (step.before, step.after):
                rels = states.get(space)
                if rels and not renamed.keys().isdisjoint(rels):
                    states[space] = {renamed.get(rel, rel): st for rel, st in rels.items()}
        return problems

    def _items(self, rels: Mapping[str, Iterable[str]]) -> int:
        """How many items (a pair counts once) these files of each space are."""
        ids = [self.index.id_of(space, rel) for space, names in rels.items() for rel in names]
        known = [i for i in ids if i is not None]
        return len(self.index.shown_ids(known)) + (len(ids) - len(known))

    # -- other sessions -----------------------------------------------------------------------

    def tokens(self) -> dict[str, int]:
        """Each store's change token the index is current to (what ``refresh`` starts from)."""
        return dict(self._tokens)

    def refresh(self) -> bool:
        """Apply what other sessions committed since the last call. Poll every 0.5-1 s;
        returns True when something changed (the view re-queries on index.version anyway)."""
        return self.catch_up().changed

    def catch_up(self, *, photos: bool = False) -> CaughtUp:
        """``refresh``, saying what changed. With ``photos``, the result lists the photos
        whose rating, tags, description, rotation or albums now show something else (a
        change that leaves them as they were, as a move's re-keying, is not listed)."""
        result = CaughtUp()
        for space, store in self.stores.items():
            try:
                changes = store.changes_since(self._tokens[space])
            except StoreError:
                continue  # an unreadable store shows what it showed; its status says why
            if not changes:
                self._tokens[space] = changes.token
                continue
            states: list[tuple[str, PhotoState]]
            try:
                if changes.everything:  # a reset, or too much happened: every stored row
                    states = list(store.all_states())
                else:
                    states = list(store.get_states(changes.rels).items()) if changes.rels else []
            except StoreError:
                continue  # as above; the token stays, so a later poll tries again
            self._tokens[space] = changes.token
            result.changed = True
            for rel, state in states:
                pid = self.index.id_of(space, rel)
                if pid is None:
                    continue
                before = self._shown(pid) if photos else None
                apply_state(self.index, pid, state)
                if photos and self._shown(pid) != before:
                    result.photos.append((space, rel))
            if changes.everything or changes.albums:
                members = self._members() if photos else {}
                self.albums.reload()
                if photos:
                    after = self._members()
                    for pid in {*members, *after}:
                        if members.get(pid) != after.get(pid) and pid in self.index:
                            photo = self.index.get(pid)
                            result.photos.append((photo.space, photo.rel))
        result.photos = list(dict.fromkeys(result.photos))
        return result

    def _shown(self, pid: int) -> tuple[object, ...]:
        photo = self.index.get(pid)
        return photo.rating, photo.description, photo.tags, self.index.rotation(pid)

    def _members(self) -> dict[int, frozenset[str]]:
        """photo id -> the normal albums it is in (a conditional album follows the rest)."""
        out: dict[int, set[str]] = {}
        for name in self.index.album_names():
            try:
                if self.index.album_query(name) is None:
                    for pid in self.index.album_ids(name):
                        out.setdefault(pid, set()).add(name)
            except KeyError:
                continue
        return {pid: frozenset(names) for pid, names in out.items()}

    # -- rejects -> #recycle (see recycle.py) ---------------------------------------------------

    def rejected(self, space: str) -> list[int]:
        return recycle.rejected(self.index, space)

    def recycle_rejects(self, space: str) -> RecycleResult:
        """Move the space's rejected photos (and their sidecars) into ``<root>/#recycle``,
        keeping their folders; a name already taken there gets a suffix. Nothing is deleted."""
        return recycle.recycle_rejects(self.index, self.access, space)


@dataclass(slots=True)
class CaughtUp:
    """What ``Editor.catch_up`` applied: anything at all, and which photos show otherwise."""

    changed: bool = False
    photos: list[tuple[str, str]] = field(default_factory=list)  # (space, rel)


def _followed(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """{rel before: rel after} of a series of moves in order (a -> b then b -> c: a is at c;
    a swap through a third name swaps)."""
    at: dict[str, str] = {}  # where a file is now -> where it was before the series
    for old, new in pairs:
        first = at.pop(old, old)
        at.pop(new, None)  # a file moved over another: that one is gone
        at[new] = first
    return {first: now for now, first in at.items() if first != now}


def _with_file_tags(
    change: Callable[[PhotoState, tuple[str, ...]], PhotoState],
    files: dict[str, tuple[str, ...]],
) -> Change:
    def step(rel: str, state: PhotoState) -> PhotoState:
        return change(state, files[rel])

    return step


def _reverting(
    before: dict[str, PhotoState],
    after: dict[str, PhotoState],
    files: dict[str, tuple[str, ...]],
) -> Change:
    """The store step that takes back the edit ``before`` -> ``after`` (see revert.py)."""

    def step(rel: str, now: PhotoState) -> PhotoState:
        return revert(now, before[rel], after[rel], files.get(rel, ()))

    return step
