"""Sharing with people of this machine: who they are, what they can read, what is shared with
the person running phototerm.

phototerm is no daemon: a recipient opens an album with their own processes, so they must be
able to read the photos through the filesystem. ``cannot_read`` says before saving which
recipients cannot read which photos, and why (a folder on the way they cannot enter, a photo
they cannot read), worked out from mode bits and ACLs as ``access check`` does, without anyone
logging in. Private shares are for Shared Space albums only: nobody else reads a home folder.
"""

from __future__ import annotations

import grp
import os
import pwd
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from phototerm.library.access.acl import R, X
from phototerm.library.access.check import Grantee, grantee
from phototerm.library.access.grants import Principal, parse_principal
from phototerm.library.access.role import Role
from phototerm.library.photo import SHARED
from phototerm.library.roles import Identity
from phototerm.library.store import ROLES, Recipient, ShareRecord, Store
from phototerm.library.text import safe

# A share role is what the recipient may do with the album: look (viewer), also copy the
# originals (downloader), also add photos (provider: a Shared Space album they can write).
ROLE_WORDS = {"viewer": "Viewer", "downloader": "Downloader", "provider": "Provider"}
EXAMPLES = 3  # photos named per recipient who cannot read some


class BadRecipient(ValueError):
    """Not a user or group of this machine, or not a share role (the message says which)."""


def recipient(who: str, role: str) -> Recipient:
    """A checked recipient: ``who`` an existing user or ``@group``, ``role`` a share role."""
    role = role.strip().lower()
    if role not in ROLES:
        raise BadRecipient(f"{safe(role)!r} is not a share role ({', '.join(ROLES)})")
    try:
        principal = parse_principal(who.strip())
    except ValueError as exc:
        raise BadRecipient(str(exc)) from exc
    if grantee(principal, Role.VIEW) is None:
        kind = "group" if principal.is_group else "user"
        raise BadRecipient(f"no {kind} named {safe(principal.name)!r} on this machine")
    return Recipient(str(principal), role)


def completions(prefix: str, limit: int = 8) -> list[str]:
    """Users and @groups of this machine starting with ``prefix`` (for the share dialog).
    System accounts (uid below 1000, except root's groups) are left out of users."""
    group = prefix.startswith("@")
    text = prefix[1:] if group else prefix
    if group:
        names = sorted({f"@{g.gr_name}" for g in grp.getgrall() if g.gr_name.startswith(text)})
    else:
        names = sorted(
            {u.pw_name for u in pwd.getpwall() if u.pw_uid >= 1000 and u.pw_name.startswith(text)}
        )
        names += sorted({f"@{g.gr_name}" for g in grp.getgrall() if g.gr_name.startswith(text)})
    return names[:limit]


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A recipient who cannot read some of the photos: how many, a few of them, and why."""

    who: str
    count: int
    examples: tuple[str, ...]  # "2023/IMG_1.jpg: cannot enter 2023" (safe for display)

    def line(self) -> str:
        more = f" (and {self.count - len(self.examples)} more)" if self.count > EXAMPLES else ""
        photos = "1 photo" if self.count == 1 else f"{self.count} photos"
        return f"{safe(self.who)} cannot read {photos}: {'; '.join(self.examples)}{more}"


def cannot_read(
    recipients: Iterable[Recipient], root: str, rels: Iterable[str]
) -> list[Unreadable]:
    """For each recipient, the photos (relative to the space's ``root``) their processes
    cannot read through the filesystem, with why. A group is checked as a member with no
    other group."""
    rels = list(rels)
    out: list[Unreadable] = []
    for person in recipients:
        who = grantee(
            Principal("group" if person.is_group else "user", person.who.lstrip("@")), Role.VIEW
        )
        if who is None:
            out.append(Unreadable(person.who, len(rels), ("no such user or group",)))
            continue
        reasons = [r for r in (_why_not(who, root, rel) for rel in rels) if r]
        if reasons:
            out.append(Unreadable(person.who, len(reasons), tuple(reasons[:EXAMPLES])))
    return out


def _why_not(person: Grantee, root: str, rel: str) -> str:
    """Why ``person`` cannot read the photo ``rel`` of ``root`` ('' when they can)."""
    path = os.path.join(root, rel)
    folder = os.path.dirname(path)
    parts = [folder]
    while folder != os.path.dirname(folder):
        folder = os.path.dirname(folder)
        parts.append(folder)
    for step in reversed(parts):
        if not person.may(step, X):
            return f"{safe(rel, 80)}: cannot enter {safe(step, 80)}"
    if not person.may(path, R):
        return f"{safe(rel, 80)}: no read permission"
    return ""


def cannot_open(paths: Iterable[str]) -> tuple[int, list[str]]:
    """How many of ``paths`` the person running phototerm cannot read (the kernel's answer
    for this process), and the first few of them: a recipient is told when an album shared
    with them holds photos the file permissions keep from them."""
    count = 0
    examples: list[str] = []
    for path in paths:
        if not os.access(path, os.R_OK):
            count += 1
            if len(examples) < EXAMPLES:
                examples.append(path)
    return count, examples


@dataclass(frozen=True, slots=True)
class SharedWithMe:
    """An album another person shared with the person running phototerm."""

    space: str
    share: ShareRecord
    role: str  # the highest role any recipient entry gives them
    owner: str  # who made the share ('' when the store does not say)


def shared_with(identity: Identity, stores: Mapping[str, Store]) -> list[SharedWithMe]:
    """The shares of the open Shared Space naming ``identity`` or one of their groups (their
    own shares left out), newest first."""
    out: list[SharedWithMe] = []
    store = stores.get(SHARED)
    if store is None:
        return out
    mine = {identity.user, *(f"@{g}" for g in identity.groups)}
    for share in store.shares.all():
        if share.album is None or share.created_by == identity.user:
            continue
        roles = [r.role for r in share.recipients if r.who in mine]
        if roles and not share.expired():
            best = max(roles, key=ROLES.index)
            out.append(SharedWithMe(SHARED, share, best, share.created_by or ""))
    out.sort(key=lambda s: -s.share.created)
    return out
