"""The file permissions of a Shared Space's state folder (``<root>/.phototerm``) that follow
from its grants, worked out (``plan``) and then applied (``apply``).

phototerm is no daemon: each person's own processes read and write the store, so a role that
writes (upload, manage) must come with write permission, and no one else may have it:

- a group holding a write role owns the folder and its files, which are group-writable, and
  the folder is setgid (2775) so files created later (SQLite's journal, a rewritten
  access.toml) keep that group;
- a write role of a single user, or of a second group, is a POSIX ACL entry (an access entry
  and, on the folder, a default entry for files created later);
- nobody else may write: group write goes when the owning group holds no write role, ACL
  entries of principals without a write role go, and so does write permission for everyone.

ACL entries of users and groups that access.toml does not mention are left as they are (an
administrator's own, e.g. for backups). The plan says in words what each change is, and whether
the acting user may make it (only root or a file's owner may change its permissions).
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from collections.abc import Iterable
from dataclasses import dataclass

from phototerm.library.access import acl
from phototerm.library.access.acl import Acl
from phototerm.library.access.grants import ACCESS_FILE, Grants, Principal
from phototerm.library.access.role import Role
from phototerm.library.paths import space_data_dir
from phototerm.library.roles import Identity, owner_name
from phototerm.library.store import DB_NAME
from phototerm.library.text import safe

DIR_WRITE = 0o7  # rwx: create and remove files in the folder
FILE_WRITE = 0o6  # rw-


class NoAcl(Exception):
    """The plan needs ACL entries that this filesystem cannot keep (the message says what)."""


@dataclass(frozen=True, slots=True)
class Wanted:
    """What one path's permissions should be."""

    path: str
    gid: int
    mode: int  # permission bits (with setgid for the folder)
    users: dict[int, int]  # named ACL entries: uid -> bits
    groups: dict[int, int]  # gid -> bits
    default: Acl | None  # the folder's default ACL (None: none); files: unused
    is_dir: bool


@dataclass(frozen=True, slots=True)
class Change:
    wanted: Wanted
    text: str  # "/photo/.phototerm: group photos, mode 2775, ACL user alice rwx"
    owner: int  # who owns the path now (they, or root, may change it)
    gid_change: bool


def state_paths(root: str) -> list[str]:
    """The state folder and those of its files that exist, the folder first."""
    folder = str(space_data_dir(root))
    files = [os.path.join(folder, name) for name in (DB_NAME, ACCESS_FILE)]
    return [folder, *(f for f in files if os.path.lexists(f))]


def resolve(who: Principal) -> int | None:
    """The uid or gid of a principal, None when no such user or group exists (any more)."""
    try:
        return grp.getgrnam(who.name).gr_gid if who.is_group else pwd.getpwnam(who.name).pw_uid
    except KeyError:
        return None


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def plan(root: str, grants: Grants, touched: Iterable[Principal] = ()) -> list[Change]:
    """The changes that make the state folder's permissions follow ``grants``. ``touched``:
    principals the grants no longer mention whose entries must go too (a revoke). Raises
    NoAcl when the plan needs ACLs the filesystem does not keep."""
    paths = state_paths(root)
    if not os.path.isdir(paths[0]):
        return []
    owner = os.stat(root).st_uid
    managed_users: set[int] = set()
    managed_groups: set[int] = set()
    write_users: set[int] = set()
    write_groups: dict[int, str] = {}
    for who, role in [*grants.entries(), *((p, Role.NONE) for p in touched)]:
        ident = resolve(who)
        if ident is None:
            continue
        (managed_groups if who.is_group else managed_users).add(ident)
        if role.writes:
            if who.is_group:
                write_groups[ident] = who.name
            elif ident != owner:
                write_users.add(ident)
    folder_gid = os.stat(paths[0]).st_gid
    gid = folder_gid
    if write_groups and gid not in write_groups:
        gid = min(write_groups, key=lambda g: write_groups[g])
    group_writes = gid in write_groups
    acl_users = dict.fromkeys(write_users, DIR_WRITE)
    acl_groups = {g: DIR_WRITE for g in write_groups if g != gid}
    if (acl_users or acl_groups) and not acl.supported(paths[0]):
        names = [safe(owner_name(u)) for u in acl_users] + [
            "@" + safe(write_groups[g]) for g in acl_groups
        ]
        raise NoAcl(
            f"the filesystem of {safe(paths[0])} keeps no POSIX ACLs, so a write role cannot be "
            f"given to {', '.join(names)} on their own: make them members of a group that holds "
            "the role (usermod -aG GROUP USER), or give the role to that group"
        )
    changes: list[Change] = []
    for path in paths:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            continue  # never change what a link points to; access check reports it
        is_dir = stat.S_ISDIR(st.st_mode)
        bits = DIR_WRITE if is_dir else FILE_WRITE
        current = acl.read_acl(path)
        users = {
            u: p for u, p in (current.users if current else {}).items() if u not in managed_users
        }
        groups = {
            g: p for g, p in (current.groups if current else {}).items() if g not in managed_groups
        }
        users.update((u, bits) for u in acl_users)
        groups.update((g, bits) for g in acl_groups)
        old = st.st_mode & 0o7777
        if is_dir:
            mode = 0o700 | (0o2070 if group_writes else 0o050) | (old & 0o005)
        else:
            mode = 0o600 | (0o060 if group_writes else 0o040) | (old & 0o004)
        default = _default_acl(path, mode, users, groups, managed_users, managed_groups)
        wanted = Wanted(path, gid, mode, users, groups, default, is_dir)
        text = _differs(st, current, wanted)
        if text:
            changes.append(Change(wanted, f"{safe(path)}: {text}", st.st_uid, st.st_gid != gid))
    return changes


def _default_acl(
    path: str,
    mode: int,
    users: dict[int, int],
    groups: dict[int, int],
    managed_users: set[int],
    managed_groups: set[int],
) -> Acl | None:
    if not os.path.isdir(path):
        return None
    current = acl.read_acl(path, default=True)
    keep_u = {u: p for u, p in (current.users if current else {}).items() if u not in managed_users}
    keep_g = {
        g: p for g, p in (current.groups if current else {}).items() if g not in managed_groups
    }
    named_u = {**keep_u, **{u: p for u, p in users.items() if u not in keep_u}}
    named_g = {**keep_g, **{g: p for g, p in groups.items() if g not in keep_g}}
    if not named_u and not named_g:
        return None
    return Acl(7, (mode >> 3) & 7, mode & 7, named_u, named_g)


def _differs(st: os.stat_result, current: Acl | None, wanted: Wanted) -> str:
    """'' when ``st``/``current`` already are ``wanted``; else the new permissions in words."""
    named = current is not None and current.named
    group_obj = current.group_obj if current and named else (st.st_mode >> 3) & 7
    mask = (wanted.mode >> 3) & 7
    for bits in (*wanted.users.values(), *wanted.groups.values()):
        mask |= bits
    same = (
        st.st_gid == wanted.gid
        and st.st_mode & 0o7777 & ~0o070 == wanted.mode & ~0o070
        and group_obj == (wanted.mode >> 3) & 7
        and (current.users if current else {}) == wanted.users
        and (current.groups if current else {}) == wanted.groups
        and (not named or (st.st_mode >> 3) & 7 == mask)
    )
    if same and wanted.is_dir:
        now = acl.read_acl(wanted.path, default=True)
        same = _same_default(now, wanted.default)
    if same:
        return ""
    words = [f"group {safe(group_name(wanted.gid))}", f"mode {wanted.mode:o}"]
    entries = [f"user {safe(owner_name(u))} {_rwx(p)}" for u, p in sorted(wanted.users.items())]
    entries += [f"group {safe(group_name(g))} {_rwx(p)}" for g, p in sorted(wanted.groups.items())]
    if entries:
        also = " (and the default ACL for new files)" if wanted.is_dir else ""
        words.append("ACL " + ", ".join(entries) + also)
    elif current and current.named:
        words.append("no ACL entries")
    return ", ".join(words)


def _same_default(now: Acl | None, wanted: Acl | None) -> bool:
    if now is None or wanted is None:
        return now is None and wanted is None
    return (now.users, now.groups, now.group_obj, now.other) == (
        wanted.users,
        wanted.groups,
        wanted.group_obj,
        wanted.other,
    )


def _rwx(bits: int) -> str:
    return "".join(c if bits & b else "-" for c, b in (("r", 4), ("w", 2), ("x", 1)))


def who_cannot(changes: list[Change], actor: Identity) -> list[Change]:
    """The changes ``actor`` may not make: only root or a path's owner may change its
    permissions, and an owner may give it only a group they are a member of."""
    if actor.is_admin:
        return []
    return [
        c
        for c in changes
        if c.owner != actor.uid or (c.gid_change and group_name(c.wanted.gid) not in actor.groups)
    ]


def apply(changes: list[Change]) -> None:
    """Make the changes. Raises OSError (acl.AclUnsupported included)."""
    for change in changes:
        w = change.wanted
        os.chown(w.path, -1, w.gid, follow_symlinks=False)
        if w.users or w.groups:
            access = Acl((w.mode >> 6) & 7, (w.mode >> 3) & 7, w.mode & 7, w.users, w.groups)
            os.chmod(w.path, w.mode)
            acl.write_acl(w.path, access)  # sets the mode's group bits to the mask
        else:
            acl.write_acl(w.path, None)
            os.chmod(w.path, w.mode)
        if w.is_dir:
            acl.write_acl(w.path, w.default, default=True)
