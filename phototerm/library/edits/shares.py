"""Sharing, the Editor's ``shares`` part: an album's link (on, off, password, expiry, view or
download), its people (Viewer, Downloader, Provider) and every share the user made.

Each change is one transaction of the album's store that reads what it changes (the link or
the recipients as they are now), so two sessions sharing the same album at once both keep
their change. Making a share needs the manage role in the album's space. Revoking is
immediate: the share server reads the store on every request. Shares are not on the undo
stack: a revoked link cannot be "unrevoked" into a link someone may already have lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import EllipsisType

from phototerm.library.edits.albums import AlbumEdits
from phototerm.library.edits.results import quote_name
from phototerm.library.index import Index
from phototerm.library.photo import PERSONAL, SHARED
from phototerm.library.roles import Access
from phototerm.library.sharing.links import link_url, new_token
from phototerm.library.sharing.passwords import hash_password
from phototerm.library.sharing.people import Unreadable, cannot_read
from phototerm.library.spaces import LABELS
from phototerm.library.store import AlbumRecord, Recipient, ShareRecord, Store, StoreError
from phototerm.library.text import safe

KEEP = ...  # "leave as it is" for a link's password


@dataclass(frozen=True, slots=True)
class ShareResult:
    ok: bool
    message: str  # for a notification or the command line; names pass through safe()
    share: ShareRecord | None = None
    space: str = ""
    album: str = ""  # the album shared (its shown name)


def _fail(message: str) -> ShareResult:
    return ShareResult(False, message)


class ShareEdits:
    def __init__(
        self,
        index: Index,
        stores: Mapping[str, Store],
        access: Access,
        albums: AlbumEdits,
        refresh: Callable[[], bool],
    ) -> None:
        self.index = index
        self.stores = stores
        self.access = access
        self.albums = albums
        self.refresh = refresh

    # -- what there is --------------------------------------------------------------------------

    def all(self) -> list[tuple[str, ShareRecord]]:
        """Every share of the open stores, (space, record), oldest first per space."""
        out: list[tuple[str, ShareRecord]] = []
        for space, store in self.stores.items():
            try:
                out.extend((space, share) for share in store.shares.all())
            except StoreError:
                continue  # an unreadable store: its status says so elsewhere
        return out

    def of_album(self, album: str) -> tuple[ShareRecord | None, ShareRecord | None]:
        """(the album's link, its share with people); None where it has none."""
        entry = self._album(album)
        if entry is None:
            return None, None
        space, record = entry
        try:
            shares = self.stores[space].shares.of_album(record.name)
        except StoreError:
            return None, None
        link = next((s for s in shares if s.is_link), None)
        people = next((s for s in shares if not s.is_link), None)
        return link, people

    def find(self, share_id: int) -> tuple[str, ShareRecord] | None:
        """The share with this id: ids are per store, so the Shared Space's comes first only
        when the Personal Space has none."""
        for space in (PERSONAL, SHARED):
            store = self.stores.get(space)
            if store is None:
                continue
            try:
                share = store.shares.by_id(share_id)
            except StoreError:
                continue
            if share is not None:
                return space, share
        return None

    # -- links ------------------------------------------------------------------------------------

    def set_link(
        self,
        album: str,
        *,
        password: str | None | EllipsisType = None,
        expires: float | None = None,
        download: bool = False,
    ) -> ShareResult:
        """Turn the album's link on (or change it): ``password`` None for none, KEEP to keep
        the one it has; ``expires`` the moment it stops (see sharing/links.py)."""
        entry = self._album(album)
        if entry is None:
            return _fail(f"No album named {quote_name(album)}")
        space, record = entry
        refused = self.access.why_not_edit(space, "sharing")
        if refused:
            return _fail(refused)
        try:
            hashed = password if password is KEEP or password is None else hash_password(password)
        except ValueError as exc:
            return _fail(str(exc).capitalize())
        try:
            share, new = self.stores[space].shares.put_link(
                record.name,
                token=new_token(),
                expires=expires,
                password_hash=hashed,
                permission="download" if download else "view",
                created_by=self.access.identity.user,
            )
        except StoreError as exc:
            return _fail(str(exc))
        verb = "Made a link to" if new else "Changed the link of"
        return ShareResult(True, f"{verb} {quote_name(record.name)}", share, space, record.name)

    def link_selection(
        self,
        ids: Sequence[int],
        *,
        password: str | None = None,
        expires: float | None = None,
        download: bool = False,
        now: dt.datetime | None = None,
    ) -> ShareResult:
        """Share photos that are not an album as a link: they become an album of their own
        ("Shared 2026-12-01 14:03"), made with its link in one transaction, so the link has one
        stable target."""
        members = self.albums.members(ids)
        if not members:
            return _fail("No photo to share")
        spaces = {space for space, _rel in members}
        space = SHARED if spaces == {SHARED} else PERSONAL
        if space not in self.stores:
            return _fail(f"{LABELS[space]} is not open: these photos cannot be shared as a link")
        refused = self.access.why_not_edit(space, "sharing")
        if refused:
            return _fail(refused)
        try:
            hashed = None if password is None else hash_password(password)
        except ValueError as exc:
            return _fail(str(exc).capitalize())
        name = self._free_name(now or dt.datetime.now())
        link = ShareRecord(
            0,
            "album",
            new_token(),
            name,
            None,
            (now or dt.datetime.now()).timestamp(),
            expires,
            hashed,
            (),
            "download" if download else "view",
            self.access.identity.user,
        )
        try:
            self.stores[space].albums.put(AlbumRecord(name, members=members), shares=[link])
        except StoreError as exc:
            return _fail(str(exc))
        self.albums.reload()
        share = self.stores[space].shares.get(link.token)
        n = len(self.index.shown_ids(dict.fromkeys(ids)))  # a pair's two files are one photo
        photos = "1 photo" if n == 1 else f"{n} photos"
        return ShareResult(
            True, f"Shared {photos} as the album {quote_name(name)}", share, space, name
        )

    def _free_name(self, now: dt.datetime) -> str:
        base = f"Shared {now:%Y-%m-%d %H:%M}"
        self.refresh()
        name, n = base, 1
        while self.albums.shown_name(name) is not None:
            n += 1
            name = f"{base} ({n})"
        return name

    # -- people -------------------------------------------------------------------------------

    def share_with(self, album: str, who: Recipient) -> ShareResult:
        """Give a user or @group a role in the album (Shared Space albums only)."""
        return self._recipient(album, who.who, who.role)

    def unshare(self, album: str, who: str) -> ShareResult:
        return self._recipient(album, who, None)

    def _recipient(self, album: str, who: str, role: str | None) -> ShareResult:
        entry = self._album(album)
        if entry is None:
            return _fail(f"No album named {quote_name(album)}")
        space, record = entry
        if space != SHARED:
            return _fail(
                f"{quote_name(record.name)} is in your Personal Space, which nobody else can "
                "read: share it with a public link, or copy it to the Shared Space (phototerm "
                "import) for someone with the upload role there"
            )
        refused = self.access.why_not_edit(space, "sharing")
        if refused:
            return _fail(refused)
        try:
            share = self.stores[space].shares.put_recipient(
                record.name, who, role, token=new_token(), created_by=self.access.identity.user
            )
        except StoreError as exc:
            return _fail(str(exc))
        if role is None:
            message = f"{safe(who)} no longer shares {quote_name(record.name)}"
        else:
            message = f"Shared {quote_name(record.name)} with {safe(who)} ({role})"
        return ShareResult(True, message, share, space, record.name)

    def unreadable(self, album: str, people: Sequence[Recipient]) -> list[Unreadable]:
        """Which of ``people`` cannot read which photos of the album, and why (asked before
        a share with them is saved)."""
        entry = self._album(album)
        if entry is None:
            return []
        space, _record = entry
        shown = self.albums.shown_name(album) or album
        root = self.stores[space].root
        rels = [
            self.index.get(pid).rel
            for pid in self.index.album_ids(shown)
            if self.index.get(pid).space == space
        ]
        return cannot_read(people, root, rels)

    # -- revoking -----------------------------------------------------------------------------

    def revoke(self, share_id: int, space: str | None = None) -> ShareResult:
        """Delete a share: a link stops working at once (the server reads the store on every
        request); people no longer see the album under Shared with me."""
        if space is None:
            found = self.find(share_id)
            if found is None:
                return _fail(f"No share with id {share_id}")
            space = found[0]
        elif space not in self.stores:
            return _fail(f"{LABELS.get(space, space)} is not open")
        refused = self.access.why_not_edit(space, "revoking shares")
        if refused:
            return _fail(refused)
        try:
            gone = self.stores[space].shares.delete_id(share_id)
        except StoreError as exc:
            return _fail(str(exc))
        if gone is None:
            return _fail(f"No share with id {share_id}")
        what = "link" if gone.is_link else "share"
        album = quote_name(gone.album) if gone.album else "a photo"
        return ShareResult(True, f"Revoked the {what} of {album}", gone, space, gone.album or "")

    def url(self, public_url: str, share: ShareRecord) -> str:
        return link_url(public_url, share.token)

    # -- helpers ------------------------------------------------------------------------------

    def _album(self, name: str) -> tuple[str, AlbumRecord] | None:
        self.refresh()
        shown = self.albums.shown_name(name)
        if shown is None:
            return None
        space, record = self.albums.space_of(shown), self.albums.record(shown)
        if space is None or record is None:
            return None
        return space, record
