"""Edits: what a key press or a CLI command changes, applied in one order every time:

    permission check -> store transaction (durable) -> index overlay -> XMP sidecar (if enabled)

and recorded on an undo stack that restores the exact previous values. The TUI and the CLI
both call the Editor, so a script and a key do the same thing.

An edit touching photos of both spaces writes two stores (two SQLite files cannot share a
transaction): if the second fails, the first is put back as it was, so nothing is half-done.

This module is the Editor's core: photo edits, sort orders, undo and other sessions' edits.
Album operations are its ``albums`` part (albums.py), moving rejects to #recycle is
recycle.py; putting the stores onto a fresh index is the store's (store/overlay.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence

from phototerm.library.edits import recycle
from phototerm.library.edits.albums import AlbumEdits
from phototerm.library.edits.recycle import RECYCLE, RecycleResult
from phototerm.library.edits.results import (
    MAX_NAME,
    EditResult,
    States,
    UndoStep,
    clean_name,
    fail,
    n_photos,
    quote_names,
    unique_names,
)
from phototerm.library.index import Index
from phototerm.library.metadata.sidecar import SidecarError, write_sidecar
from phototerm.library.photo import REJECTED, Photo
from phototerm.library.roles import Access, Identity
from phototerm.library.settings import Settings
from phototerm.library.store import PhotoState, Store, StoreError
from phototerm.library.store.overlay import apply_state
from phototerm.library.text import safe

__all__ = ["MAX_NAME", "RECYCLE", "UNDO_DEPTH", "EditResult", "Editor", "RecycleResult"]

UNDO_DEPTH = 100  # edits a person can step back through; each holds only what it replaced


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
            lambda s, p: PhotoState(rating, s.description, s.rotation, s.tags),
        )

    def reject(self, ids: Sequence[int]) -> EditResult:
        return self._edit(
            ids,
            lambda n: f"Rejected {n}",
            lambda s, p: PhotoState(REJECTED, s.description, s.rotation, s.tags),
        )

    def add_tags(self, ids: Sequence[int], tags: Iterable[str]) -> EditResult:
        new = unique_names(clean_name(t) for t in tags)
        if not new:
            return fail("No tag given")

        def change(state: PhotoState, photo: Photo) -> PhotoState:
            # The first edit of a photo's tags starts from the file's own tags.
            have = list(photo.tags if state.tags is None else state.tags)
            lower = {t.casefold() for t in have}
            tags = tuple(have + [t for t in new if t.casefold() not in lower])
            return PhotoState(state.rating, state.description, state.rotation, tags)

        return self._edit(ids, lambda n: f"Tagged {n} with {quote_names(new)}", change)

    def remove_tags(self, ids: Sequence[int], tags: Iterable[str]) -> EditResult:
        named = unique_names(clean_name(t) for t in tags)
        gone = {t.casefold() for t in named}
        if not gone:
            return fail("No tag given")

        def change(state: PhotoState, photo: Photo) -> PhotoState:
            have = photo.tags if state.tags is None else state.tags
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
            lambda s, p: PhotoState(s.rating, value, s.rotation, s.tags),
        )

    def rotate(self, ids: Sequence[int], degrees: int) -> EditResult:
        if degrees % 90:
            return fail("Rotation goes in steps of 90 degrees")
        way = "clockwise" if degrees > 0 else "counter-clockwise"
        return self._edit(
            ids,
            lambda n: f"Rotated {n} {abs(degrees)}° {way}",
            lambda s, p: PhotoState(s.rating, s.description, (s.rotation + degrees) % 360, s.tags),
        )

    def _edit(
        self,
        ids: Sequence[int],
        message: Callable[[str], str],
        change: Callable[[PhotoState, Photo], PhotoState],
    ) -> EditResult:
        """Apply ``change`` (stored state, Photo -> new state) to the photos ``ids``, all or
        nothing, and push one undo step holding every previous state."""
        targets: dict[str, dict[str, Photo]] = {}  # space -> rel -> Photo
        pids: dict[tuple[str, str], int] = {}
        for i in dict.fromkeys(ids):
            photo = self.index.get(i)
            targets.setdefault(photo.space, {})[photo.rel] = photo
            pids[photo.space, photo.rel] = i
        if not targets:
            return fail("No photo selected")
        for space in targets:  # every space first: a refusal must come before any write
            reason = self.access.why_not_edit(space)
            if reason:
                return fail(reason)
        try:
            before = {sp: self.stores[sp].get_states(rels) for sp, rels in targets.items()}
        except StoreError as exc:
            return fail(str(exc))
        after = {
            sp: {rel: change(before[sp][rel], photo) for rel, photo in rels.items()}
            for sp, rels in targets.items()
        }
        problem = self._put(after, before)
        if problem:
            return fail(problem)
        warnings = self._apply(after, before, pids)
        count = sum(len(r) for r in targets.values())
        text = message(n_photos(count))
        self._undo.append(UndoStep(text, before=before))
        return EditResult(count, text, warnings=warnings)

    def _put(self, after: States, before: States) -> str:
        """Write ``after`` to the stores; on a failure put back what was written. '' = done."""
        done: list[str] = []
        for space, states in after.items():
            try:
                self.stores[space].put_states(states)
            except StoreError as exc:
                for back in done:
                    try:
                        self.stores[back].put_states(before[back])
                    except StoreError:
                        pass  # the first error is the one to report; this one has no cure
                return str(exc)
            done.append(space)
        return ""

    def _apply(
        self, states: States, before: States, pids: dict[tuple[str, str], int] | None = None
    ) -> tuple[str, ...]:
        """Index overlay (and sidecars) for stored states that replaced ``before``."""
        changed: list[int] = []
        id_of = self.index.id_of
        for space, rels in states.items():
            old = before.get(space, {})
            for rel, state in rels.items():
                pid = pids.get((space, rel)) if pids else id_of(space, rel)
                if pid is not None:
                    apply_state(self.index, pid, state, old.get(rel))
                    changed.append(pid)
        return self._write_sidecars(changed) if self.write_sidecars else ()

    def _write_sidecars(self, ids: list[int]) -> tuple[str, ...]:
        # The store is the truth and already holds the edit: a sidecar that cannot be
        # written is a warning, not a failure of the edit.
        failed: list[str] = []
        for pid in ids:
            photo = self.index.get(pid)
            try:
                write_sidecar(photo.path, rating=photo.rating, tags=photo.tags)
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
            now = {sp: self.stores[sp].get_states(list(r)) for sp, r in step.before.items()}
            problem = self._put(step.before, now)
            if problem:
                return fail(problem)
            warnings = self._apply(step.before, now)
            count = sum(len(r) for r in step.before.values())
        else:
            count = 1
            warnings = ()
            problem = self.albums.undo(step)
            if problem:
                return fail(problem)
            self.albums.reload()
        self._undo.pop()
        return EditResult(count, f"Undone: {step.label}", warnings=warnings)

    # -- other sessions -----------------------------------------------------------------------

    def tokens(self) -> dict[str, int]:
        """Each store's change token the index is current to (what ``refresh`` starts from)."""
        return dict(self._tokens)

    def refresh(self) -> bool:
        """Apply what other sessions committed since the last call. Poll every 0.5-1 s;
        returns True when something changed (the view re-queries on index.version anyway)."""
        changed = False
        for space, store in self.stores.items():
            try:
                changes = store.changes_since(self._tokens[space])
            except StoreError:
                continue  # an unreadable store shows what it showed; its status says why
            self._tokens[space] = changes.token
            if not changes:
                continue
            changed = True
            states: Iterable[tuple[str, PhotoState]]
            if changes.everything:  # a reset, or too much happened: apply every stored row
                states = store.all_states()
            else:
                states = store.get_states(changes.rels).items() if changes.rels else ()
            for rel, state in states:
                pid = self.index.id_of(space, rel)
                if pid is not None:
                    apply_state(self.index, pid, state)
            if changes.everything or changes.albums:
                self.albums.reload()
        return changed

    # -- rejects -> #recycle (see recycle.py) ---------------------------------------------------

    def rejected(self, space: str) -> list[int]:
        return recycle.rejected(self.index, space)

    def recycle_rejects(self, space: str) -> RecycleResult:
        """Move the space's rejected photos (and their sidecars) into ``<root>/#recycle``,
        keeping their folders; a name already taken there gets a suffix. Nothing is deleted."""
        return recycle.recycle_rejects(self.index, self.access, space)
