"""``phototerm access check``: where a Shared Space's file permissions and its grants disagree.

A mismatch is one of:
- someone without a write role can write the state folder, the store or access.toml (a
  world-writable library.db, a group that holds no write role, an ACL entry, an owner);
- a grantee cannot read the photos (a folder they cannot enter, a photo they cannot read), or
  the state files they need to open the store;
- a grantee with a write role cannot write what it needs: the state folder and the store, and
  the root folder (``import`` copies photos there, recycling moves them into ``#recycle``).

Photos every user of the machine can read are a note, not a mismatch: on a family NAS that is
often what people want, and phototerm cannot stop a user with a shell from reading a file the
permissions let them read.

Permissions are worked out from the mode bits and POSIX ACLs (acl.allowed), for each user
granted a role (with all their groups) and for each group granted one (as a member with no
other group), so the check needs no one to log in.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from dataclasses import dataclass, field

from phototerm.library.access import acl
from phototerm.library.access.acl import R, W, X
from phototerm.library.access.grants import Grants, GrantsError, Principal, read_grants
from phototerm.library.access.perms import group_name, state_paths
from phototerm.library.access.role import Role
from phototerm.library.ingest.scanner import MEDIA_EXTENSIONS, skipped
from phototerm.library.paths import space_data_dir
from phototerm.library.roles import owner_name
from phototerm.library.text import safe

EXAMPLES = 3  # paths named per problem


@dataclass
class Report:
    mismatches: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Grantee:
    who: Principal
    role: Role
    uid: int | None  # None: a group, checked as a member with no other group
    gids: frozenset[int]

    @property
    def label(self) -> str:
        kind = "group " if self.who.is_group else ""
        return f"{kind}{safe(self.who.name)} ({self.role.word})"

    def may(self, path: str, want: int) -> bool:
        try:
            st = os.lstat(path)
        except OSError:
            return False
        return acl.allowed(st, acl.read_acl(path), self.uid, self.gids, want)


def grantee(who: Principal, role: Role) -> Grantee | None:
    """The uid and groups to check ``who`` with; None when no such user or group exists."""
    try:
        if who.is_group:
            return Grantee(who, role, None, frozenset({grp.getgrnam(who.name).gr_gid}))
        entry = pwd.getpwnam(who.name)
    except KeyError:
        return None
    gids = frozenset(os.getgrouplist(entry.pw_name, entry.pw_gid))
    return Grantee(who, role, entry.pw_uid, gids)


def check(root: str) -> Report:
    root = os.path.abspath(root)
    report = Report()
    try:
        grants = read_grants(root)
    except GrantsError as exc:
        report.mismatches.append(f"{exc}: nobody but root and the owner has a role until fixed")
        grants = Grants()
    if grants is None:
        report.notes.append(
            f"access to {safe(root)} is not enabled (phototerm access enable): only root and "
            "its owner have a role"
        )
        grants = Grants()
    people: list[Grantee] = []
    for who, role in grants.entries():
        found = grantee(who, role)
        if found is None:
            kind = "group" if who.is_group else "user"
            report.notes.append(
                f"{kind} {safe(who.name)} ({role.word}) does not exist on this machine: its "
                f"grant does nothing (phototerm access revoke {safe(str(who))})"
            )
        else:
            people.append(found)
    report.mismatches += _unwanted_writers(root, grants)
    for person in people:
        report.mismatches += _needs(root, person)
    _walk(root, people, report)
    return report


def grantee_problems(root: str, who: Principal, role: Role) -> list[str]:
    """What keeps ``who`` from using ``role``, looking at the root folder and the state files
    only (quick enough to say right after a grant)."""
    person = grantee(who, role)
    return [] if person is None else _needs(root, person)


# -- who may write the state files --------------------------------------------------------------


class _Writers:
    """Who holds a write role: root, the root's owner, and the grants' write roles (a user's
    groups count)."""

    def __init__(self, root: str, grants: Grants) -> None:
        self.grants = grants
        self.owner = os.stat(root).st_uid
        self._primary: dict[int, list[str]] = {}
        for entry in pwd.getpwall():
            self._primary.setdefault(entry.pw_gid, []).append(entry.pw_name)

    def user(self, uid: int) -> bool:
        if uid in (0, self.owner):
            return True
        try:
            entry = pwd.getpwuid(uid)
        except KeyError:
            return False
        groups = frozenset(group_name(g) for g in os.getgrouplist(entry.pw_name, entry.pw_gid))
        return self.grants.role_of(entry.pw_name, groups).writes

    def group(self, gid: int) -> bool:
        """The group holds a write role, or each of its members does."""
        name = group_name(gid)
        if self.grants.groups.get(name, Role.NONE).writes:
            return True
        try:
            members = set(grp.getgrgid(gid).gr_mem)
        except KeyError:
            return False
        members.update(self._primary.get(gid, []))
        uids = []
        for member in members:
            try:
                uids.append(pwd.getpwnam(member).pw_uid)
            except KeyError:
                continue
        return all(self.user(u) for u in uids)


def _unwanted_writers(root: str, grants: Grants) -> list[str]:
    writers = _Writers(root, grants)
    out: list[str] = []
    for path in state_paths(root):
        shown = safe(path)
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            out.append(f"{shown} is a symbolic link: whoever can change it decides what it opens")
            continue
        current = acl.read_acl(path)
        mask = 7 if current is None or current.mask is None else current.mask
        if st.st_mode & 0o002:
            out.append(f"everyone can write {shown}")
        if not writers.user(st.st_uid):
            out.append(
                f"{shown} belongs to {safe(owner_name(st.st_uid))}, who has no write role (an "
                "owner can always change its permissions)"
            )
        group_bits = current.group_obj & mask if current and current.named else st.st_mode >> 3
        if group_bits & W and not writers.group(st.st_gid):
            out.append(
                f"group {safe(group_name(st.st_gid))} can write {shown} and holds no write role"
            )
        if current is not None:
            for uid, bits in sorted(current.users.items()):
                if bits & mask & W and not writers.user(uid):
                    out.append(
                        f"{safe(owner_name(uid))} can write {shown} (ACL entry) and has no "
                        "write role"
                    )
            for gid, bits in sorted(current.groups.items()):
                if bits & mask & W and not writers.group(gid):
                    out.append(
                        f"group {safe(group_name(gid))} can write {shown} (ACL entry) and "
                        "holds no write role"
                    )
    return out


# -- what each grantee needs ----------------------------------------------------------------------


def _needs(root: str, person: Grantee) -> list[str]:
    out: list[str] = []
    folder = str(space_data_dir(root))
    ancestors = []
    parent = os.path.dirname(root)
    while True:
        ancestors.append(parent)
        if os.path.dirname(parent) == parent:
            break
        parent = os.path.dirname(parent)
    blocked = next((a for a in reversed(ancestors) if not person.may(a, X)), None)
    if blocked is not None:
        return [f"{person.label} cannot reach {safe(root)}: no way through {safe(blocked)}"]
    needs: list[tuple[str, int, str]] = [(root, R | X, "cannot open {}")]
    for path in state_paths(root):
        needs.append((path, R | X if path == folder else R, "cannot read {}"))
    if person.role.writes:
        needs.append((root, W | X, "cannot write into {} (import and #recycle need it)"))
        for path in state_paths(root):
            needs.append((path, W | X if path == folder else R | W, "cannot write {}"))
    for path, want, problem in needs:
        if os.path.lexists(path) and not person.may(path, want):
            out.append(f"{person.label} {problem.format(safe(path))}")
    return out


# -- the photos --------------------------------------------------------------------------------------


def _walk(root: str, people: list[Grantee], report: Report) -> None:
    """Every folder and photo under ``root``: which grantees cannot read them, and whether
    everyone can."""
    blocked: list[list[str]] = [[] for _ in people]
    counts = [0] * len(people)
    seen = 0
    everyone = True
    start = frozenset(i for i, p in enumerate(people) if p.may(root, R | X))
    stack = [(root, start)]
    while stack:
        folder, reach = stack.pop()
        try:
            with os.scandir(folder) as entries:
                found = list(entries)
        except OSError as exc:
            report.notes.append(f"could not look into {safe(folder)}: {exc.strerror}")
            continue
        for entry in found:
            if skipped(entry.name):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if not is_dir and not (
                stat.S_ISREG(st.st_mode)
                and os.path.splitext(entry.name)[1][1:].lower() in MEDIA_EXTENSIONS
            ):
                continue  # links are walked as their targets; other files are not photos
            seen += 1
            want = R | X if is_dir else R
            public = 0o005 if is_dir else 0o004  # r-x, r-- for others
            everyone = everyone and st.st_mode & public == public
            entry_acl = acl.read_acl(entry.path)
            ok = set()
            for i in reach:
                person = people[i]
                if acl.allowed(st, entry_acl, person.uid, person.gids, want):
                    ok.add(i)
                else:
                    counts[i] += 1
                    if len(blocked[i]) < EXAMPLES:
                        blocked[i].append(entry.path)
            if is_dir:
                stack.append((entry.path, frozenset(ok)))
    for i, person in enumerate(people):
        if counts[i]:
            examples = ", ".join(safe(p) for p in blocked[i])
            report.mismatches.append(
                f"{person.label} cannot read {counts[i]:,} of the {seen:,} folders and photos "
                f"under {safe(root)} (a folder they cannot enter hides all it holds), e.g. "
                f"{examples}"
            )
    if everyone and seen:
        report.notes.append(
            f"every user of this machine can read the photos under {safe(root)}, with a role "
            f"or without (their permissions allow it): fine for a family NAS; chmod -R o-rwx "
            f"{safe(root)} keeps them to their owner and group"
        )
