"""``phototerm access enable | grant | revoke``: a Shared Space's grants and the file permissions
that go with them (perms.py), changed together, or not at all.

Everything is worked out and checked before anything is written: an unknown user, a role the
acting user may not give, a permission only root could change, a filesystem without the ACLs a
grant needs. Each refusal says who can do it instead.

``enable`` (root or the owner of the root folder) creates ``.phototerm/``, the store and
access.toml, owned by the root's owner so no grantee owns them. ``grant`` and ``revoke`` need
the manage role; the permissions they change may only be changed by root or the state files'
owner, so a manager who is neither can give the roles that write nothing (view, download).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from phototerm.library.access import perms
from phototerm.library.access.check import grantee_problems
from phototerm.library.access.grants import (
    Grants,
    GrantsError,
    Principal,
    grants_path,
    read_grants,
    write_grants,
)
from phototerm.library.access.role import Role
from phototerm.library.paths import space_data_dir
from phototerm.library.photo import SHARED
from phototerm.library.roles import Access, Identity, owner_name
from phototerm.library.spaces import SpaceRoot
from phototerm.library.store import DB_NAME, open_store
from phototerm.library.text import safe


class AccessRefused(Exception):
    """Not allowed: the acting user's role or ownership does not allow it (exit 3)."""


class AccessFailed(Exception):
    """Refused or failed for another reason: not enabled, a broken file, no ACLs (exit 1)."""


class AccessBadInput(Exception):
    """An unknown user or group (exit 2)."""


@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)  # what changed, one line each
    notes: list[str] = field(default_factory=list)  # what is still worth knowing


def _owner(root: str) -> tuple[int, int]:
    st = os.stat(root)
    return st.st_uid, st.st_gid


def _may_administer(root: str, actor: Identity, what: str) -> None:
    uid, _ = _owner(root)
    if not (actor.is_admin or actor.uid == uid):
        raise AccessRefused(
            f"only root or the owner of {safe(root)} ({safe(owner_name(uid))}) can {what}"
        )


def _grants(root: str) -> Grants:
    try:
        grants = read_grants(root)
    except GrantsError as exc:
        raise AccessFailed(
            f"{exc}; phototerm does not rewrite it: fix it, or move it aside and run "
            "phototerm access enable"
        ) from None
    if grants is None:
        raise AccessFailed(
            f"access to {safe(root)} is not enabled: root or its owner runs phototerm access "
            "enable first"
        )
    return grants


# -- enable ------------------------------------------------------------------------------------


def enable(root: str, actor: Identity) -> Outcome:
    """Create the state folder, the store and an empty access.toml where missing, owned by the
    root's owner; then the permissions the grants call for. Running it again repairs both."""
    root = os.path.abspath(root)
    _may_administer(root, actor, "enable access")
    owner_uid, root_gid = _owner(root)
    out = Outcome()
    folder = str(space_data_dir(root))
    created: set[str] = set()
    if not os.path.isdir(folder):
        os.mkdir(folder, 0o755)
        os.chmod(folder, 0o755)  # whatever the umask
        created.add(folder)
        out.done.append(f"created {safe(folder)}")
    try:
        grants = read_grants(root)
    except GrantsError as exc:
        raise AccessFailed(f"{exc}; fix it, or move it aside and run this again") from None
    db = os.path.join(folder, DB_NAME)
    if not os.path.lexists(db):
        created.add(db)
    store = open_store(SpaceRoot(SHARED, root))
    try:
        if store.status.message:
            out.notes.append(store.status.message)
    finally:
        store.close()
    if grants is None:
        grants = Grants()
        write_grants(root, grants)
        created.add(grants_path(root))
        out.done.append(f"created {safe(grants_path(root))} (nobody has a role yet)")
    for path in perms.state_paths(root):
        st = os.lstat(path)
        if actor.is_admin:
            # What root made gets the group of the folder it is in; the rest keeps its group.
            gid = (
                (root_gid if path == folder else os.stat(folder).st_gid) if path in created else -1
            )
            if st.st_uid != owner_uid or (gid != -1 and st.st_gid != gid):
                os.chown(path, owner_uid, gid, follow_symlinks=False)
                if path not in created:
                    out.done.append(f"{safe(path)}: owner {safe(owner_name(owner_uid))}")
        elif st.st_uid != owner_uid:
            out.notes.append(
                f"{safe(path)} belongs to {safe(owner_name(st.st_uid))}, not the owner of "
                f"{safe(root)}: root can give it back (chown {safe(owner_name(owner_uid))} "
                f"{safe(path)})"
            )
    _sync(root, grants, actor, out)
    if not out.done:
        out.done.append(f"access to {safe(root)} was already enabled; nothing changed")
    return out


def _sync(root: str, grants: Grants, actor: Identity, out: Outcome) -> None:
    """The permissions ``grants`` call for, as far as ``actor`` may set them (the rest noted)."""
    try:
        planned = perms.plan(root, grants)
    except perms.NoAcl as exc:
        out.notes.append(str(exc))
        return
    refused = perms.who_cannot(planned, actor)
    for change in refused:
        out.notes.append(f"not changed (only root or its owner may): {change.text}")
    doable = [c for c in planned if c not in refused]
    perms.apply(doable)
    out.done.extend(c.text for c in doable)


# -- grant and revoke ---------------------------------------------------------------------------


def check_principal(who: Principal) -> None:
    """AccessBadInput when no such user or group exists."""
    if perms.resolve(who) is None:
        kind = "group" if who.is_group else "user"
        raise AccessBadInput(f"no {kind} named {safe(who.name)!r} on this machine")


def grant(root: str, actor: Identity, who: Principal, role: Role) -> Outcome:
    root = os.path.abspath(root)
    check_principal(who)
    grants = _grants(root)
    _need_manage(root, actor)
    out = Outcome()
    uid, _ = _owner(root)
    if not who.is_group and (perms.resolve(who) in (0, uid)):
        why = "is root" if perms.resolve(who) == 0 else f"owns {safe(root)}"
        out.notes.append(f"{safe(who.name)} {why} and always has manage; nothing changed")
        return out
    before = grants.get(who)
    if before is role:
        out.done.append(f"{safe(str(who))} already has {role.word}; nothing changed")
        return _change(root, actor, grants, grants, (), out, who, role)
    after = grants.with_role(who, role)
    was = f" (was {before.word})" if before is not Role.NONE else ""
    out.done.append(f"{safe(str(who))}: {role.word}{was}")
    return _change(root, actor, grants, after, (who,), out, who, role)


def revoke(root: str, actor: Identity, who: Principal) -> Outcome:
    root = os.path.abspath(root)
    grants = _grants(root)
    before = grants.get(who)
    if before is Role.NONE:
        check_principal(who)  # a typo is an error; a real user without a grant is not
        out = Outcome()
        out.done.append(f"{safe(str(who))} has no role in {safe(root)}; nothing changed")
        return out
    _need_manage(root, actor)
    out = Outcome()
    out.done.append(f"{safe(str(who))}: no role (was {before.word})")
    if perms.resolve(who) is None:
        out.notes.append(
            f"{safe(str(who))} no longer exists on this machine: any ACL entry for it must be "
            "removed by number (getfacl shows it)"
        )
    return _change(root, actor, grants, grants.with_role(who, None), (who,), out, who, None)


def _need_manage(root: str, actor: Identity) -> None:
    refusal = Access(actor, {}, roots={SHARED: root}).why_not(
        SHARED, Role.MANAGE, "changing access"
    )
    if refusal:
        raise AccessRefused(refusal)


def _change(
    root: str,
    actor: Identity,
    before: Grants,
    after: Grants,
    touched: tuple[Principal, ...],
    out: Outcome,
    who: Principal,
    role: Role | None,
) -> Outcome:
    """Check the whole change, then write access.toml and the permissions."""
    try:
        planned = perms.plan(root, after, touched)
    except perms.NoAcl as exc:
        raise AccessFailed(str(exc)) from None
    refused = perms.who_cannot(planned, actor)
    if refused:
        owner = safe(owner_name(refused[0].owner))
        command = f"phototerm access {'grant' if role else 'revoke'} {safe(str(who))}"
        command += f" {role.word}" if role else ""
        raise AccessRefused(
            f"this changes the permissions of {safe(refused[0].wanted.path)}, which only root "
            f"or its owner ({owner}) may change: ask them to run `{command} --shared "
            f"{safe(root)}`"
        )
    if after != before:
        uid, _ = _owner(root)
        folder_gid = os.stat(space_data_dir(root)).st_gid
        write_grants(root, after, owner=(uid, folder_gid) if actor.is_admin else None)
        planned = perms.plan(root, after, touched)  # access.toml is a new file now
    perms.apply(planned)
    out.done.extend(change.text for change in planned)
    out.notes.extend(_role_problems(root, who, after.get(who)))
    return out


def _role_problems(root: str, who: Principal, role: Role) -> list[str]:
    """What keeps ``who`` from using ``role``: the root folder and the state files only
    (``access check`` walks every photo)."""
    return [] if role is Role.NONE else grantee_problems(root, who, role)
