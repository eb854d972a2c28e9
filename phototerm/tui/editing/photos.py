"""Photo edits from the TUI: ratings, rejects, rotation, tags, descriptions, undo, and "Move
rejected photos to #recycle", each carried out through the Editor and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from phototerm.library.spaces import LABELS
from phototerm.library.text import safe
from phototerm.tui.dialogs.confirm import ConfirmDialog
from phototerm.tui.dialogs.describe import DescribeDialog
from phototerm.tui.dialogs.tags import TagDialog, TagState
from phototerm.tui.editing.context import EditContext

if TYPE_CHECKING:  # the library's edits, stores and sharing load once it is open
    from phototerm.library.edits import Editor
    from phototerm.library.edits.results import EditResult

FEW = 200  # up to this many photos, reading each is cheaper than scanning every tag


class PhotoEdits:
    def __init__(self, context: EditContext) -> None:
        self.context = context

    def _run(
        self, ids: Sequence[int], edit: Callable[[Editor], EditResult], doing: str = "editing"
    ) -> bool:
        context = self.context
        if not ids:
            context.notify("No photo here", warning=True)
            return False
        reason = context.refusal(ids, doing)
        if reason:
            context.notify(reason, warning=True)
            return False
        editor = context.editor
        assert editor is not None  # no refusal: the library is open
        ok = context.report(edit(editor))
        if ok:  # albums too: a conditional album's count follows ratings and tags
            context.edited(ids, albums=True)
        return ok

    def _may_open(self, ids: Sequence[int], nothing: str, doing: str) -> bool:
        """Whether a dialog editing ``ids`` may open (else say why not)."""
        if not ids:
            self.context.notify(nothing, warning=True)
            return False
        reason = self.context.refusal(ids, doing)
        if reason:
            self.context.notify(reason, warning=True)
            return False
        return True

    def rate(self, ids: Sequence[int], rating: int) -> bool:
        doing = "rejecting" if rating == -1 else "rating"
        return self._run(ids, lambda e: e.set_rating(ids, rating), doing)

    def rotate(self, ids: Sequence[int], degrees: int) -> bool:
        return self._run(ids, lambda e: e.rotate(ids, degrees), "rotating")

    def undo(self) -> list[int]:
        """Undo the last edit; returns the ids of the photos it put back (none for an album
        edit, or when nothing was undone), for the view to go back to them."""
        editor = self.context.editor
        if editor is None:
            return []
        places = editor.undo_photos()
        if not self.context.report(editor.undo()):
            return []
        self.context.edited(None, albums=True)
        index = self.context.index
        found = (index.id_of(space, rel) for space, rel in places)
        return [photo_id for photo_id in found if photo_id is not None]

    # ------------------------------------------------------------------------ dialogs

    def open_tags(self, ids: Sequence[int]) -> None:
        if not self._may_open(ids, "No photo to tag", "tagging"):
            return
        ids = list(ids)
        index = self.context.index

        def state() -> TagState:
            return TagState(len(ids), self.carried(ids), tuple(index.tag_names()))

        def apply(action: str, tag: str) -> bool:
            if action == "add":
                return self._run(ids, lambda e: e.add_tags(ids, [tag]), "tagging")
            return self._run(ids, lambda e: e.remove_tags(ids, [tag]), "tagging")

        self.context.app.push_screen(TagDialog(self.context.what(ids), state, apply))

    def carried(self, ids: Sequence[int]) -> dict[str, int]:
        """How many of ``ids`` carry each tag (keyed by the first spelling met)."""
        index = self.context.index
        counts: dict[str, int] = {}
        spelling: dict[str, str] = {}
        if len(ids) <= FEW:
            tag_lists: Iterable[tuple[str, ...]] = (index.get(i).tags for i in ids)
        else:
            wanted = set(ids)
            tag_lists = (tags for row, tags in index.effective_tags() if row in wanted)
        for tags in tag_lists:
            for tag in {t.casefold(): t for t in tags}.values():
                name = spelling.setdefault(tag.casefold(), tag)
                counts[name] = counts.get(name, 0) + 1
        return counts

    def open_describe(self, ids: Sequence[int]) -> None:
        if not self._may_open(ids, "No photo to describe", "describing"):
            return
        ids = list(ids)
        index = self.context.index
        # Offer the description they share, if they do (looked at for a few photos only).
        found = {index.get(i).description for i in ids} if len(ids) <= FEW else set()
        current = next(iter(found)) if len(found) == 1 else ""

        def done(text: str | None) -> None:
            if text is None:
                return
            if len(found) == 1 and safe(text).strip() == safe(current).strip():
                self.context.notify("The description is unchanged")
                return
            self._run(ids, lambda e: e.set_description(ids, text), "describing")

        self.context.app.push_screen(DescribeDialog(self.context.what(ids), safe(current)), done)

    # ------------------------------------------------------------------------ recycle

    def recycle(self) -> None:
        """ "Move rejected photos to #recycle": count, check the right to manage, confirm."""
        context = self.context
        editor = context.editor
        if editor is None:
            return
        counts = {s: len(editor.rejected(s)) for s in context.stores}
        if not any(counts.values()):
            context.notify("No rejected photos (x rejects one; rating:-1 lists them)")
            return
        allowed: dict[str, int] = {}
        for space, n in counts.items():
            if not n:
                continue
            reason = editor.access.why_not_manage(space, "moving rejects to #recycle")
            if reason:
                label = LABELS.get(space, space)
                context.notify(
                    f"Cannot move the rejected photos of the {label}: {reason}", warning=True
                )
            else:
                allowed[space] = n

        def done(yes: bool | None) -> None:
            if not yes:
                return
            for space in allowed:
                result = editor.recycle_rejects(space)
                context.notify(result.message, warning=not result.ok)
                for error in result.errors[:3]:
                    context.notify(error, warning=True)
            context.edited(None, albums=True, removed=True)  # their ids are gone: re-query

        if allowed:
            message = self._recycle_question(allowed)
            dialog = ConfirmDialog("Move rejected photos", message, yes="Move", no="Cancel")
            context.app.push_screen(dialog, done)

    def _recycle_question(self, allowed: dict[str, int]) -> str:
        from phototerm.library.edits.recycle import RECYCLE

        stores = self.context.stores
        total = sum(allowed.values())
        lines = [
            f"Move {total:,} rejected photo{'s' if total != 1 else ''} to {RECYCLE}?",
            "",
            *(
                f"{LABELS.get(s, s)}: {n:,}, into {safe(stores[s].root)}/{RECYCLE}"
                for s, n in allowed.items()
            ),
            "",
            (
                "Nothing is deleted: the files (and their sidecars) move into the recycle bin, "
                "where they can be restored; phototerm stops showing them."
            ),
        ]
        return "\n".join(lines)
