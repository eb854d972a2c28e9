"""Who is acting, and what they may do to a space.

``Access.role(space)`` is the one answer every other question derives from (``why_not_view``,
``why_not_download``, ``why_not_upload``, ``why_not_edit``, ``why_not_manage``); the Editor asks
before every edit, the command line and the browser before they offer one. The rules
(``space_role``):

- root (uid 0) and the owner of a space's root folder always have manage;
- Personal Space: nobody else has a role (a personal root of another user is off, with a note
  naming its owner);
- Shared Space: the highest of the user's own grant and their groups' grants in
  ``<root>/.phototerm/access.toml`` (see access/grants.py). Before ``phototerm access enable``
  wrote that file nobody else has one; a file that cannot be read gives nobody else one either.

A role is what phototerm lets a person do; the file permissions are what their processes can
do (phototerm is no daemon). ``why_not_edit`` also needs a store this session could open for
writing, ``why_not_manage`` also write permission on the root (files are moved there).

The application privilege (the system config's ``[app] allow``) is asked once per process:
``why_not_use``; so is whether the person is a kiosk account (``[kiosk] users`` and
``groups``), who gets the read-only kiosk and nothing else: ``kiosk_account``.
"""

from __future__ import annotations

import grp
import os
import pwd
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from phototerm.library.access.grants import GrantsError, read_grants
from phototerm.library.access.role import Role
from phototerm.library.photo import LABELS, PERSONAL
from phototerm.library.text import safe

if TYPE_CHECKING:
    from phototerm.library.settings import SystemConfig

__all__ = [
    "Access",
    "Identity",
    "Refusal",
    "Role",
    "SpaceRole",
    "kiosk_account",
    "not_allowed",
    "owner_name",
    "space_role",
    "why_not_use",
]


class _StatusLike(Protocol):  # what Access needs of a StoreStatus
    @property
    def message(self) -> str: ...


class _StoreLike(Protocol):  # what Access needs of a Store (no import: store/ needs spaces)
    root: str

    @property
    def writable(self) -> bool: ...

    @property
    def status(self) -> _StatusLike: ...


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


class Refusal(str):
    """A ``why_not_*`` answer that refuses because of who is asking (their role, or the
    application privilege), not because of the state of a store or a disk: the command line
    exits 3 for these, 1 for the others. Behaves as the message it is."""

    __slots__ = ()


def not_allowed(reason: str) -> bool:
    """Whether a refusal is about the role (exit 3) rather than the state of things (exit 1)."""
    return isinstance(reason, Refusal)


def owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


@dataclass(frozen=True, slots=True)
class SpaceRole:
    role: Role
    reason: str = ""  # for Role.NONE: why, and who can grant a role (without the space's name)
    how: str = ""  # how the role was given: "root", "owner", "alice", "@photos"


def space_role(space: str, root: str, identity: Identity) -> SpaceRole:
    """The role ``identity`` has in the space rooted at ``root``: the rules of this module."""
    if identity.is_admin:
        return SpaceRole(Role.MANAGE, how="root")
    shown = safe(root)
    try:
        owner = os.stat(root).st_uid
    except OSError as exc:
        return SpaceRole(Role.NONE, f"cannot look at {shown}: {exc.strerror}")
    if owner == identity.uid:
        return SpaceRole(Role.MANAGE, how="owner")
    who = safe(owner_name(owner))
    if space == PERSONAL:
        return SpaceRole(Role.NONE, f"{shown} belongs to {who}, and only {who} uses it")
    try:
        grants = read_grants(root)
    except GrantsError as exc:
        return SpaceRole(Role.NONE, f"{exc}, so only root and its owner ({who}) may use it")
    if grants is None:
        return SpaceRole(
            Role.NONE,
            f"access to {shown} is not enabled; root or its owner ({who}) can enable it "
            "(phototerm access enable) and grant you a role",
        )
    role = grants.role_of(identity.user, identity.groups)
    if role is Role.NONE:
        managers = ", ".join(safe(m) for m in grants.managers())
        granters = f"root, its owner ({who}) or a manager ({managers})" if managers else ""
        return SpaceRole(
            Role.NONE,
            f"you ({safe(identity.user)}) have no role in {shown}; "
            f"{granters or f'root or its owner ({who})'} can grant one",
        )
    if grants.users.get(identity.user, Role.NONE) is role:
        return SpaceRole(role, how=identity.user)
    group = min(g for g, r in grants.groups.items() if r is role and g in identity.groups)
    return SpaceRole(role, how=f"@{group}")


class Access:
    """Answers "may this identity do X to space S" for the spaces that are open (``stores``),
    or, before any store is open, for space roots (``roots``: name -> folder). Roles are read
    once, at the first question: a change of access applies at the next start."""

    def __init__(
        self,
        identity: Identity,
        stores: Mapping[str, _StoreLike],
        *,
        roots: Mapping[str, str] | None = None,
    ) -> None:
        self.identity = identity
        self.stores = stores
        self.roots = dict(roots or {})
        self._roles: dict[str, SpaceRole] = {}

    # -- the role ------------------------------------------------------------------------------

    def role_of(self, space: str) -> SpaceRole:
        known = self._roles.get(space)
        if known is not None:
            return known
        store = self.stores.get(space)
        root = store.root if store is not None else self.roots.get(space)
        if root is None:
            return SpaceRole(Role.NONE, "it is not open")
        found = self._roles[space] = space_role(space, root, self.identity)
        return found

    def role(self, space: str) -> Role:
        return self.role_of(space).role

    def why_not(self, space: str, need: Role, doing: str) -> str:
        """'' when the role in ``space`` is at least ``need``; else a Refusal such as "Your
        role in the Shared Space is view: rating needs manage"."""
        found = self.role_of(space)
        if found.role >= need:
            return ""
        label = LABELS.get(space, space)
        if found.role is Role.NONE:
            return Refusal(f"{label}: {found.reason}")
        return Refusal(f"Your role in the {label} is {found.role.word}: {doing} needs {need.word}")

    def why_not_view(self, space: str, doing: str = "browsing") -> str:
        return self.why_not(space, Role.VIEW, doing)

    def why_not_download(self, space: str, doing: str = "downloading originals") -> str:
        return self.why_not(space, Role.DOWNLOAD, doing)

    def why_not_upload(self, space: str, doing: str = "adding photos") -> str:
        return self.why_not(space, Role.UPLOAD, doing)

    # -- edits: the role, and a store that can be written ---------------------------------------

    def why_not_edit(self, space: str, doing: str = "editing") -> str:
        """'' when the identity may edit ``space``'s store (ratings, tags, albums...), else a
        one-line reason: the role first, then the store."""
        label = LABELS.get(space, space)
        store = self.stores.get(space)
        if store is None:
            return f"{label} is not open"
        refused = self.why_not(space, Role.MANAGE, doing)
        if refused:
            return refused
        if not store.writable:
            return store.status.message or f"{label} is read-only"
        return ""

    def can_edit(self, space: str) -> bool:
        return not self.why_not_edit(space)

    def why_not_manage(self, space: str, doing: str = "moving files") -> str:
        """'' when the identity may also move files of ``space`` (recycle), else a reason."""
        reason = self.why_not_edit(space, doing)
        if reason:
            return reason
        label = LABELS.get(space, space)
        if not os.access(self.stores[space].root, os.W_OK | os.X_OK):
            return f"{label}: no write permission on its folder, so files cannot be moved"
        return ""

    def can_manage(self, space: str) -> bool:
        return not self.why_not_manage(space)


def why_not_use(identity: Identity, system: SystemConfig) -> str:
    """'' when ``identity`` may use phototerm on this machine (the system config's ``[app]
    allow``; root always may), else a Refusal naming the file."""
    if identity.is_admin:
        return ""
    where = safe(str(system.path))
    if system.problem:
        return Refusal(f"{system.problem}: only root may use phototerm until it is fixed")
    allow = system.app_allow
    if allow is None:
        return ""
    users = {a for a in allow if not a.startswith("@")}
    groups = {a[1:] for a in allow if a.startswith("@")}
    if identity.user in users or identity.groups & groups:
        return ""
    return Refusal(
        f"phototerm is not enabled for {safe(identity.user)} on this machine: an administrator "
        f"can add {safe(identity.user)} (or one of your groups as @group) to [app] allow in "
        f"{where}"
    )


def kiosk_account(identity: Identity, system: SystemConfig) -> bool:
    """Whether the system config's ``[kiosk]`` lists ``identity`` (by name or by one of their
    groups; root too, when listed): such an account gets the kiosk and nothing else. A
    config that cannot be trusted lists nobody, and refuses everyone but root anyway
    (``why_not_use``)."""
    kiosk = system.kiosk
    if system.problem or kiosk is None:
        return False
    return kiosk.lists(identity.user, identity.groups)
