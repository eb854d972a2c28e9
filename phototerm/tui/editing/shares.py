"""Sharing from the TUI: the share dialog (``S``) on an album or the selection, the list of
every share the user made ("Shares", sidebar and palette), and "Shared with me". Each change
goes through the Editor's ``shares`` part, at once (revoking included), and is reported.

``AlbumShare`` is what the share dialog works on and asks; it keeps the album being shared,
which a selection becomes when its link is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import EllipsisType
from typing import TYPE_CHECKING

from phototerm.library.photo import SHARED
from phototerm.library.text import safe
from phototerm.tui import model as views
from phototerm.tui.dialogs.share import LinkState, ShareDialog
from phototerm.tui.dialogs.shares import ShareRow, SharesDialog
from phototerm.tui.editing.context import EditContext
from phototerm.tui.model import ViewSpec

if TYPE_CHECKING:  # the library's edits, stores and sharing load once it is open
    from phototerm.library.edits import Editor
    from phototerm.library.edits.shares import ShareResult
    from phototerm.library.sharing.people import SharedWithMe, Unreadable
    from phototerm.library.store import Recipient, ShareRecord


class AlbumShare:
    """An album (or photos that become one when shared as a link), as the share dialog sees
    it (dialogs/share.py's ShareTarget)."""

    def __init__(
        self, context: EditContext, public_url: str, album: str | None, ids: Sequence[int]
    ) -> None:
        self.context = context
        self.public_url = public_url
        self.album = album
        self.ids = list(ids)

    @property
    def editor(self) -> Editor:
        editor = self.context.editor
        assert editor is not None  # the dialog opens only once the library is open
        return editor

    def title(self) -> str:
        if self.album is not None:
            return f"Share '{safe(self.album, 60)}'"
        return f"Share {self.context.what(self.ids)}"

    def space(self) -> str | None:
        return self.editor.albums.space_of(self.album) if self.album is not None else None

    def people_allowed(self) -> str:
        """'' when the album can be shared with people; else why not, and what to do."""
        if self.album is None:
            return (
                "Photos that are not an album are shared by link (they become an album of "
                "their own); to share with people, make an album in the Shared Space first."
            )
        if self.space() != SHARED:
            return (
                "This album is in your Personal Space, which nobody else can read: share it by "
                "link, or import its photos into the Shared Space (phototerm import) for "
                "someone with the upload role there."
            )
        return ""

    def shares(self) -> tuple[ShareRecord | None, ShareRecord | None]:
        if self.album is None:
            return None, None
        return self.editor.shares.of_album(self.album)

    def link(self) -> LinkState:
        link, _people = self.shares()
        if link is None:
            return LinkState(False)
        from phototerm.library.sharing.links import expiry_day, link_url

        return LinkState(
            True,
            link_url(self.public_url, link.token),
            link.password_hash is not None,
            expiry_day(link.expires) or "",
            link.permission == "download",
        )

    def people(self) -> tuple[Recipient, ...]:
        _link, people = self.shares()
        return people.recipients if people is not None else ()

    def save_link(
        self, password: str | None | EllipsisType, expires: float | None, download: bool
    ) -> ShareResult:
        from phototerm.library.edits.shares import KEEP

        if self.album is None:
            result = self.editor.shares.link_selection(
                self.ids,
                password=None if password is KEEP else password,  # type: ignore[arg-type]
                expires=expires,
                download=download,
            )
            if result.ok:
                self.album = result.album
        else:
            result = self.editor.shares.set_link(
                self.album, password=password, expires=expires, download=download
            )
        self._told(result)
        return result

    def revoke_link(self) -> ShareResult:
        from phototerm.library.edits.shares import ShareResult

        link, _people = self.shares()
        if link is None:
            return ShareResult(False, "This album has no link")
        result = self.editor.shares.revoke(link.id, self.space())
        self._told(result)
        return result

    def check_person(self, who: str, role: str) -> tuple[Recipient | None, str]:
        from phototerm.library.sharing.people import BadRecipient, recipient

        try:
            return recipient(who, role), ""
        except BadRecipient as exc:
            return None, str(exc)

    def unreadable(self, person: Recipient) -> list[Unreadable]:
        assert self.album is not None
        return self.editor.shares.unreadable(self.album, [person])

    def add_person(self, person: Recipient) -> ShareResult:
        assert self.album is not None
        result = self.editor.shares.share_with(self.album, person)
        self._told(result)
        return result

    def remove_person(self, who: str) -> ShareResult:
        assert self.album is not None
        result = self.editor.shares.unshare(self.album, who)
        self._told(result)
        return result

    @staticmethod
    def complete(prefix: str) -> list[str]:
        from phototerm.library.sharing.people import completions

        return completions(prefix)

    def _told(self, result: ShareResult) -> None:
        self.context.report_line(result.message, ok=result.ok)
        if result.ok:
            self.context.edited(None, albums=True)


class ShareEdits:
    """``view``: what the library shows now (an album there is what ``S`` shares)."""

    def __init__(
        self, context: EditContext, view: Callable[[], ViewSpec | None], public_url: str
    ) -> None:
        self.context = context
        self.view = view
        self.public_url = public_url

    def open_dialog(self, ids: Sequence[int], *, whole_album: bool) -> None:
        """Share the album shown (``whole_album``: no selection in an album view), else the
        photos ``ids``."""
        context = self.context
        spec = self.view()
        album = (
            spec.album if whole_album and spec is not None and spec.view == views.ALBUM else None
        )
        if album is None and not ids:
            context.notify("No photo to share", warning=True)
            return
        reason = context.refusal(ids, "sharing") if album is None else self._album_refusal(album)
        if reason:
            context.notify(reason, warning=True)
            return
        target = AlbumShare(context, self.public_url, album, ids)
        context.app.push_screen(ShareDialog(target))

    def _album_refusal(self, album: str) -> str:
        editor = self.context.editor
        if editor is None:
            return self.context.edits_refused("sharing") or self.context.not_open
        space = editor.albums.space_of(album)
        if space is None:
            return f"No album named '{safe(album, 60)}'"
        return editor.access.why_not_edit(space, "sharing")

    # -- every share --------------------------------------------------------------------------

    def rows(self) -> list[ShareRow]:
        editor = self.context.editor
        if editor is None:
            return []
        from phototerm.library.sharing.links import expiry_day, link_url

        out = []
        for space, share in editor.shares.all():
            people = ", ".join(f"{r.who} ({r.role})" for r in share.recipients)
            out.append(
                ShareRow(
                    share.id,
                    space,
                    share.album or "(a photo)",
                    link_url(self.public_url, share.token) if share.is_link else "",
                    people,
                    share.permission,
                    share.password_hash is not None,
                    expiry_day(share.expires) or "",
                    share.expired(),
                    share.last_opened,
                )
            )
        return out

    def open_list(self) -> None:
        if self.context.editor is None:
            self.context.notify(self.context.not_open, warning=True)
            return
        self.context.app.push_screen(SharesDialog(self.rows(), self._revoke, self.rows))

    def _revoke(self, row: ShareRow) -> str:
        editor = self.context.editor
        if editor is None:
            return self.context.not_open
        result = editor.shares.revoke(row.id, row.space)
        self.context.report_line(result.message, ok=result.ok)
        if result.ok:
            self.context.edited(None, albums=True)
            return ""
        return result.message

    # -- shared with me -----------------------------------------------------------------------

    def tell_if_unreadable(self, shown: str) -> None:
        """When ``shown`` is an album shared with this person and they cannot read some of
        its photos (the file permissions decide), say so, and whom to ask."""
        editor = self.context.editor
        if editor is None:
            return
        from phototerm.library.sharing.people import cannot_open

        for item in self.shared_with_me():
            if editor.albums.shown_in(item.space, item.share.album or "") != shown:
                continue
            try:
                ids = self.context.index.album_ids(shown)
            except KeyError:
                return
            count, examples = cannot_open(self.context.index.get(i).path for i in ids)
            if count:
                owner = f"ask {safe(item.owner)}, who shared it, or" if item.owner else "ask"
                self.context.notify(
                    f"You cannot read {count} of the {len(ids)} photos of '{safe(shown, 60)}' "
                    f"(file permissions, e.g. {safe(examples[0], 80)}): {owner} the "
                    "administrator to let you read them",
                    warning=True,
                )
            return

    def shared_with_me(self) -> list[SharedWithMe]:
        editor = self.context.editor
        if editor is None:
            return []
        from phototerm.library.sharing.people import shared_with

        return shared_with(editor.identity, editor.stores)
