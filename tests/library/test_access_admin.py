"""``access enable | grant | revoke | check`` in the library: the grants and the file
permissions (group, setgid, POSIX ACLs) kept in step, with real users and groups.

Runs as root (the users must exist for names to mean anything, and only root may give files
away); skipped otherwise.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from phototerm.library.access import acl, admin, check, perms
from phototerm.library.access.acl import Acl, R, W, X
from phototerm.library.access.grants import Grants, grants_path, parse_principal, read_grants
from phototerm.library.access.role import Role
from phototerm.library.roles import Identity
from phototerm.library.store import Store

ROOT = Identity("root", frozenset({"root"}), 0)


def _identity(name: str) -> Identity:
    entry = pwd.getpwnam(name)
    groups = {grp.getgrgid(g).gr_name for g in os.getgrouplist(name, entry.pw_gid)}
    return Identity(name, frozenset(groups), entry.pw_uid)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _state(root: Path) -> tuple[Path, Path, Path]:
    folder = root / ".phototerm"
    return folder, folder / "library.db", folder / "access.toml"


def _share(root: Path, group: str) -> None:
    """The README's set-up of the photos: the group owns them, may write, keeps the group."""
    gid = grp.getgrnam(group).gr_gid
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".phototerm"]
        os.chown(dirpath, -1, gid)
        os.chmod(dirpath, 0o2775)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), -1, gid)
            os.chmod(os.path.join(dirpath, name), 0o664)


def _getfacl(path: Path) -> str:
    if shutil.which("getfacl") is None:
        pytest.skip("getfacl is not installed (Debian package acl)")
    done = subprocess.run(
        ["getfacl", "-p", "-n", str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_enable_creates_the_state_owned_by_the_roots_owner(unix_users):
    root = unix_users.library()
    alice = pwd.getpwnam(unix_users.alice)
    os.chown(root, alice.pw_uid, alice.pw_gid)
    out = admin.enable(str(root), ROOT)
    folder, db, access = _state(root)
    for path in (folder, db, access):
        assert (os.stat(path).st_uid, os.stat(path).st_gid) == (alice.pw_uid, alice.pw_gid)
    assert _mode(folder) == 0o755 and _mode(db) == 0o644 and _mode(access) == 0o644
    assert read_grants(str(root)) == Grants()
    assert f"created {folder}" in out.done
    assert admin.enable(str(root), ROOT).done == [
        f"access to {root} was already enabled; nothing changed"
    ]
    bob = _identity(unix_users.bob)
    with pytest.raises(admin.AccessRefused, match=r"only root or the owner of .* can enable"):
        admin.enable(str(root), bob)


def test_a_group_with_a_write_role_owns_the_state_folder(unix_users):
    root = unix_users.library()
    admin.enable(str(root), ROOT)
    group = parse_principal("@" + unix_users.photos)
    out = admin.grant(str(root), ROOT, group, Role.MANAGE)
    folder, db, access = _state(root)
    gid = grp.getgrnam(unix_users.photos).gr_gid
    assert out.done[0] == f"@{unix_users.photos}: manage"
    assert all(os.stat(p).st_gid == gid for p in (folder, db, access))
    assert _mode(folder) == 0o2775 and _mode(db) == 0o664 and _mode(access) == 0o664
    assert os.stat(access).st_uid == 0  # rewritten by root, still the owner's
    # The photos are root's and not group-writable: the grant says what managers lack.
    assert any("cannot write into" in n and str(root) in n for n in out.notes)
    out = admin.grant(str(root), ROOT, group, Role.VIEW)  # a read role: no group write
    assert _mode(folder) == 0o755 and _mode(db) == 0o644
    assert out.done[0] == f"@{unix_users.photos}: view (was manage)"
    admin.revoke(str(root), ROOT, group)
    assert read_grants(str(root)) == Grants()


def test_a_users_write_role_is_an_acl_entry_that_revoke_removes(unix_users, monkeypatch):
    root = unix_users.library()
    admin.enable(str(root), ROOT)
    folder, db, access = _state(root)
    alice = parse_principal(unix_users.alice)
    uid = pwd.getpwnam(unix_users.alice).pw_uid
    if not acl.supported(str(folder)):
        with pytest.raises(admin.AccessFailed, match="make them members of a group"):
            admin.grant(str(root), ROOT, alice, Role.UPLOAD)
        assert read_grants(str(root)) == Grants()
        return
    admin.grant(str(root), ROOT, alice, Role.UPLOAD)
    text = _getfacl(folder)  # what setfacl's own tools read back from our xattrs
    assert f"user:{uid}:rwx" in text and f"default:user:{uid}:rwx" in text
    assert "mask::rwx" in text and "group::r-x" in text
    assert f"user:{uid}:rw-" in _getfacl(db) and f"user:{uid}:rw-" in _getfacl(access)
    person = check.grantee(alice, Role.UPLOAD)
    assert person is not None and person.may(str(db), R | W) and person.may(str(folder), W | X)
    bob = check.grantee(parse_principal(unix_users.bob), Role.VIEW)
    assert bob is not None and not bob.may(str(db), W)
    admin.revoke(str(root), ROOT, alice)
    for path in (folder, db):
        assert f":{uid}:" not in _getfacl(path)
    assert acl.read_acl(str(folder), default=True) is None
    assert not person.may(str(db), W)


def test_without_acls_a_user_is_told_to_join_a_group(unix_users, monkeypatch):
    """The branch a filesystem without POSIX ACLs takes (forced here: this one has them)."""
    root = unix_users.library()
    admin.enable(str(root), ROOT)
    before = Path(grants_path(str(root))).read_bytes()
    monkeypatch.setattr(acl, "supported", lambda path: False)
    with pytest.raises(admin.AccessFailed) as caught:
        admin.grant(str(root), ROOT, parse_principal(unix_users.alice), Role.MANAGE)
    assert "keeps no POSIX ACLs, so a write role cannot be given to" in str(caught.value)
    assert "make them members of a group that holds the role (usermod -aG GROUP USER)" in str(
        caught.value
    )
    assert Path(grants_path(str(root))).read_bytes() == before  # nothing written
    admin.grant(str(root), ROOT, parse_principal(unix_users.alice), Role.VIEW)  # reads: fine


def test_a_manager_who_is_not_the_owner_gives_only_roles_that_write_nothing(unix_users):
    root = unix_users.library()
    admin.enable(str(root), ROOT)
    admin.grant(str(root), ROOT, parse_principal("@" + unix_users.photos), Role.MANAGE)
    bob = _identity(unix_users.bob)  # a member of photos: manage, not the owner
    before = Path(grants_path(str(root))).read_bytes()
    with pytest.raises(admin.AccessRefused) as caught:
        admin.grant(str(root), bob, parse_principal(unix_users.carol), Role.UPLOAD)
    assert str(caught.value) == (
        f"this changes the permissions of {root}/.phototerm, which only root or its owner "
        f"(root) may change: ask them to run `phototerm access grant {unix_users.carol} upload "
        f"--shared {root}`"
    )
    assert Path(grants_path(str(root))).read_bytes() == before
    carol = _identity(unix_users.carol)
    with pytest.raises(admin.AccessRefused, match="you .* have no role"):
        admin.grant(str(root), carol, parse_principal(unix_users.carol), Role.VIEW)


def test_unknown_names_and_a_broken_file(unix_users):
    root = unix_users.library()
    with pytest.raises(admin.AccessFailed, match="is not enabled"):
        admin.grant(str(root), ROOT, parse_principal(unix_users.alice), Role.VIEW)
    admin.enable(str(root), ROOT)
    with pytest.raises(admin.AccessBadInput, match="no user named 'ptnobody-here'"):
        admin.grant(str(root), ROOT, parse_principal("ptnobody-here"), Role.VIEW)
    with pytest.raises(admin.AccessBadInput, match="no group named"):
        admin.revoke(str(root), ROOT, parse_principal("@ptnogroup-here"))
    assert admin.revoke(str(root), ROOT, parse_principal(unix_users.alice)).done == [
        f"{unix_users.alice} has no role in {root}; nothing changed"
    ]
    Path(grants_path(str(root))).write_text("[users]\nalice = 'boss'\n")
    with pytest.raises(admin.AccessFailed, match="phototerm does not rewrite it"):
        admin.grant(str(root), ROOT, parse_principal(unix_users.alice), Role.VIEW)
    assert Path(grants_path(str(root))).read_text() == "[users]\nalice = 'boss'\n"


def test_check_finds_writers_without_a_role_and_is_clean_after_a_revoke(unix_users):
    root = unix_users.library()
    _share(root, unix_users.photos)
    admin.enable(str(root), ROOT)
    admin.grant(str(root), ROOT, parse_principal("@" + unix_users.photos), Role.MANAGE)
    admin.grant(str(root), ROOT, parse_principal(unix_users.alice), Role.VIEW)
    report = check.check(str(root))
    assert report.mismatches == []
    assert report.notes == [
        (
            f"every user of this machine can read the photos under {root}, with a role or without "
            f"(their permissions allow it): fine for a family NAS; chmod -R o-rwx {root} keeps "
            "them to their owner and group"
        )
    ]
    _folder, db, _access = _state(root)
    os.chmod(db, 0o666)  # world-writable: anyone could rewrite everyone's ratings
    report = check.check(str(root))
    assert report.mismatches == [f"everyone can write {db}"]
    admin.revoke(str(root), ROOT, parse_principal(unix_users.alice))
    assert check.check(str(root)).mismatches == []
    assert _mode(db) == 0o664


def test_check_names_what_a_grantee_cannot_read_or_write(unix_users):
    root = unix_users.library()
    admin.enable(str(root), ROOT)
    admin.grant(str(root), ROOT, parse_principal(unix_users.alice), Role.VIEW)
    private = root / "2023"
    os.chmod(private, 0o700)
    report = check.check(str(root))
    assert report.mismatches == [
        (
            f"{unix_users.alice} (view) cannot read 1 of the 4 folders and photos under {root} (a "
            f"folder they cannot enter hides all it holds), e.g. {private}"
        )
    ]
    assert not report.notes  # not every photo is public now
    os.chmod(private, 0o755)
    folder, db, _access = _state(root)
    carol = pwd.getpwnam(unix_users.carol).pw_uid
    if acl.supported(str(folder)):
        # An administrator's own ACL entry: grant and revoke leave it, check reports it.
        entry = acl.read_acl(str(db)) or Acl.from_mode(os.stat(db).st_mode)
        acl.write_acl(str(db), Acl(entry.user_obj, entry.group_obj, entry.other, {carol: 6}, {}))
        admin.grant(str(root), ROOT, parse_principal(unix_users.bob), Role.VIEW)
        current = acl.read_acl(str(db))
        assert current is not None and current.users == {carol: 6}
        assert check.check(str(root)).mismatches == [
            f"{unix_users.carol} can write {db} (ACL entry) and has no write role"
        ]
        acl.write_acl(str(db), None)
    os.chown(db, carol, -1)
    assert check.check(str(root)).mismatches == [
        (
            f"{db} belongs to {unix_users.carol}, who has no write role (an owner can always "
            "change its permissions)"
        )
    ]


def test_allowed_follows_the_posix_acl_algorithm(tmp_path):
    path = tmp_path / "f"
    path.write_text("x")
    os.chown(path, 1000, 2000)
    os.chmod(path, 0o640)
    st = os.stat(path)
    plain = None
    assert acl.allowed(st, plain, 1000, frozenset(), R | W)  # the owner
    assert acl.allowed(st, plain, 1001, frozenset({2000}), R)  # the group
    assert not acl.allowed(st, plain, 1001, frozenset({2000}), W)
    assert not acl.allowed(st, plain, 1001, frozenset(), R)  # others
    assert acl.allowed(st, plain, 0, frozenset(), R | W)  # root
    with_acl = Acl(6, 4, 0, {1001: 7}, {3000: 6}, mask=4)  # the mask caps named entries
    assert acl.allowed(st, with_acl, 1001, frozenset(), R)
    assert not acl.allowed(st, with_acl, 1001, frozenset(), W)
    assert not acl.allowed(st, with_acl, 1002, frozenset({3000}), W)
    assert acl.allowed(st, with_acl, None, frozenset({3000}), R)  # a group, as a member
    decoded = Acl.decode(with_acl.encode())
    assert decoded == with_acl


def test_the_plan_is_empty_once_applied(unix_users):
    root = unix_users.library()
    admin.enable(str(root), ROOT)
    grants = Grants({unix_users.alice: Role.MANAGE}, {unix_users.photos: Role.UPLOAD})
    if not acl.supported(str(root)):
        pytest.skip("this filesystem keeps no POSIX ACLs")
    perms.apply(perms.plan(str(root), grants))
    assert perms.plan(str(root), grants) == []


def test_enable_gives_the_state_back_to_the_owner(unix_users):
    """A store made before access was enabled (by whoever edited first) is the owner's again."""
    root = unix_users.library()
    folder, db, _access = _state(root)
    folder.mkdir()
    Store.open("shared", str(root)).close()
    carol = pwd.getpwnam(unix_users.carol)
    os.chown(db, carol.pw_uid, carol.pw_gid)
    os.chmod(db, 0o666)
    alice = _identity(unix_users.alice)
    os.chown(root, alice.uid, -1)  # alice owns the Shared Space, but may not chown
    out = admin.enable(str(root), alice)
    assert f"{db} belongs to {unix_users.carol}, not the owner of {root}" in " ".join(out.notes)
    assert os.stat(db).st_uid == carol.pw_uid
    out = admin.enable(str(root), ROOT)
    assert f"{db}: owner {unix_users.alice}" in out.done
    assert f"{db}: group {grp.getgrgid(os.stat(db).st_gid).gr_name}, mode 644" in out.done
    assert os.stat(db).st_uid == alice.uid and _mode(db) == 0o644
    assert check.check(str(root)).mismatches == []
