"""Who is acting, and what they may do to a space.

Small on purpose, but real: the Editor asks ``Access.can_edit`` before every edit and
``Access.can_manage`` before moving files, so Synology-like roles (view < download < upload
< manage) can answer these two questions without touching callers.

The rules:
- the Personal Space may be edited by its owner (the owner of its root folder) or by root;
- the Shared Space may be edited by anyone whose session could open its store for writing;
- managing a space (moving files into ``#recycle``) also needs write permission on its root;
  for the Personal Space only its owner (or root) manages it.
A store opened read-only (kiosk, view-only user, read-only filesystem, damaged store) makes its
space read-only whoever asks.
"""

from __future__ import annotations

import grp
import os
import pwd
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from phototerm.library.photo import PERSONAL
from phototerm.library.spaces import LABELS

if TYPE_CHECKING:
    from phototerm.library.store import StoreStatus


class _StoreLike(Protocol):  # what Access needs of a Store
    root: str

    @property
    def writable(self) -> bool: ...

    @property
    def status(self) -> StoreStatus: ...


@dataclass(frozen=True, slots=True)
class Identity:
    user: str
    groups: frozenset[str] = field(default_factory=frozenset)
    uid: int = -1

    @classmethod
    def current(cls) -> Identity:
        """The OS user running phototerm, with all their groups."""
        uid = os.getuid()
        try:
            entry = pwd.getpwuid(uid)
            user, gid = entry.pw_name, entry.pw_gid
        except KeyError:  # a uid without a passwd entry (containers): still an identity
            user, gid = str(uid), os.getgid()
        gids = set(os.getgroups()) | {gid}
        names = set()
        for g in gids:
            try:
                names.add(grp.getgrgid(g).gr_name)
            except KeyError:
                names.add(str(g))
        return cls(user, frozenset(names), uid)

    @property
    def is_admin(self) -> bool:
        return self.uid == 0


class Access:
    """Answers "may this identity do X to space S" for the spaces that are open."""

    def __init__(self, identity: Identity, stores: Mapping[str, _StoreLike]) -> None:
        self.identity = identity
        self.stores = stores

    def why_not_edit(self, space: str) -> str:
        """'' when the identity may edit ``space``, else a one-line reason."""
        label = LABELS.get(space, space)
        store = self.stores.get(space)
        if store is None:
            return f"{label} is not open"
        if not store.writable:
            return store.status.message or f"{label} is read-only"
        if space == PERSONAL and not self._owns(store.root):
            return f"{label} belongs to another user: only its owner edits it"
        return ""

    def can_edit(self, space: str) -> bool:
        return not self.why_not_edit(space)

    def why_not_manage(self, space: str) -> str:
        """'' when the identity may move files of ``space`` (recycle), else a reason."""
        reason = self.why_not_edit(space)
        if reason:
            return reason
        label = LABELS.get(space, space)
        root = self.stores[space].root
        if not os.access(root, os.W_OK | os.X_OK):
            return f"{label}: no write permission on its folder, so files cannot be moved"
        if space != PERSONAL and not (
            self.identity.is_admin or self._owns(root) or self._group_writes(root)
        ):
            return f"{label}: only its managers may move files"
        return ""

    def can_manage(self, space: str) -> bool:
        return not self.why_not_manage(space)

    def _owns(self, root: str) -> bool:
        if self.identity.is_admin:
            return True
        try:
            return os.stat(root).st_uid == self.identity.uid
        except OSError:
            return False

    def _group_writes(self, root: str) -> bool:
        # Stand-in for the "manage" role: a member of the group that may write the root.
        try:
            st = os.stat(root)
            group = grp.getgrgid(st.st_gid).gr_name
        except (OSError, KeyError):
            return False
        return bool(st.st_mode & 0o020) and group in self.identity.groups
