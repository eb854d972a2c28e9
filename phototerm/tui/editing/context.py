"""What photo edits and album edits share: the app they report to, the index, the library
once it is open, and the answers both need (may these photos be edited, and if not, why).

Edits run inline on the UI thread: a 500-photo edit is one store transaction (~100 ms, fsync
included), so the notification is shown only once the edit is on disk, edits apply in the
order of the keys, and nothing is in flight when the app quits. After an edit the app is
told with a ``PhotosEdited`` message; what shows photos repaints itself from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message

from phototerm.library.index import Index
from phototerm.library.roles import Access, Identity, Role, not_allowed
from phototerm.library.spaces import LABELS
from phototerm.library.text import safe
from phototerm.tui.messages import PhotosEdited

if TYPE_CHECKING:  # the library's edits, stores and sharing load once it is open
    from phototerm.library.edits import Editor
    from phototerm.library.edits.results import EditResult
    from phototerm.library.opening import Library
    from phototerm.library.store import Store


class EditContext:
    def __init__(
        self, app: App[Any], index: Index, *, read_only: bool, roles: Access | None = None
    ) -> None:
        """``roles``: the roles in the spaces shown, known before the library is open (the
        keys that need another role are hidden from the first frame on)."""
        self.app = app
        self.index = index
        self.read_only = read_only  # the session was opened read-only
        self.roles = roles or Access(Identity.current(), {})
        self.library: Library | None = None  # until the library is open, every edit waits
        self.not_open = "The library is still opening"  # why there is no Editor (yet)

    @property
    def editor(self) -> Editor | None:
        return None if self.library is None else self.library.editor

    @property
    def stores(self) -> Mapping[str, Store]:
        return {} if self.library is None else self.library.stores

    # ------------------------------------------------------------------------ reporting

    def notify(self, message: str, *, warning: bool = False) -> None:
        self.app.notify(
            message,
            severity="warning" if warning else "information",
            timeout=8 if warning else 4,
            markup=False,
        )

    def report_line(self, message: str, *, ok: bool) -> None:
        self.notify(message, warning=not ok)

    def report(self, result: EditResult) -> bool:
        self.notify(result.message, warning=not result.ok)
        for warning in result.warnings:
            self.notify(warning, warning=True)
        return result.ok

    def tell(self, message: Message) -> None:
        self.app.post_message(message)

    def edited(
        self, ids: Sequence[int] | None, *, albums: bool = False, removed: bool = False
    ) -> None:
        """Tell the app what changed, so every screen repaints it."""
        shown = None if ids is None else tuple(ids)
        self.tell(PhotosEdited(shown, albums=albums, removed=removed))

    def catch_up(self) -> None:
        """Apply what other sessions committed since the last look (polled by the app)."""
        editor = self.editor
        if editor is not None and editor.refresh():
            self.edited(None, albums=True)

    # ------------------------------------------------------------------------ rights

    def read_only_spaces(self) -> list[str]:
        """The spaces that cannot be edited (none known until the library is open)."""
        editor = self.editor
        if editor is None:
            return []
        return [s for s in self.stores if not editor.access.can_edit(s)]

    def edits_refused(self, doing: str = "editing") -> str:
        """'' when the role in some space shown lets this person edit; else why not ("Your
        role in the Shared Space is view: rating needs manage"). The keys, the help and the
        palette hide every edit then."""
        spaces = list(self.roles.roots)
        if not spaces:
            return ""
        refusals = [self.roles.why_not(space, Role.MANAGE, doing) for space in spaces]
        return "" if not all(refusals) else refusals[0]

    def refusal(self, ids: Sequence[int], doing: str = "editing") -> str:
        """Why these photos cannot be edited ('' when they can): the role in their space
        first ("Your role in the Shared Space is view: rating needs manage"), else "Shared
        Space is read-only: <reason>" for the first space that refuses."""
        editor = self.editor
        if editor is None:
            return self.edits_refused(doing) or self.not_open
        stores = self.stores
        refusing = [s for s in stores if not editor.access.can_edit(s)]
        if not refusing:
            return ""
        if len(stores) > 1:  # which spaces do these photos belong to?
            spaces = {self.index.get(i).space for i in ids}
            refusing = [s for s in refusing if s in spaces]
        for space in refusing:
            label = LABELS.get(space, space)
            reason = editor.access.why_not_edit(space, doing)
            if not_allowed(reason):
                return reason
            if self.read_only:
                return f"{label} is read-only: this session was opened read-only"
            if reason.startswith(f"{label} is read-only"):
                return reason
            return f"{label} is read-only: {reason}"
        return ""

    def what(self, ids: Sequence[int]) -> str:
        if len(ids) == 1:
            return safe(self.index.get(ids[0]).name, 60)
        return f"{len(ids):,} photos"
