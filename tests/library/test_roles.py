"""Roles in a space (roles.py): who has which, and what each allows, with injected identities.

Real users and real file permissions are in test_access_admin.py and tests/cli/test_roles_users.py.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from conftest import Shot, make_library

from phototerm.library import open_library
from phototerm.library.access.grants import (
    Grants,
    GrantsError,
    grants_path,
    parse_principal,
    read_grants,
    write_grants,
)
from phototerm.library.access.role import Role, parse_role
from phototerm.library.roles import Access, Identity, not_allowed, space_role
from phototerm.library.settings import Settings
from phototerm.library.spaces import resolve
from phototerm.library.store import Store

ALICE = Identity("alice", frozenset({"users", "family"}), 54321)
ROOT = Identity("root", frozenset({"root"}), 0)


def _space(tmp_path: Path, name: str = "photo", owner: int | None = None) -> Path:
    root = make_library(tmp_path / name, [Shot("2023/a.jpg", datetime(2023, 5, 1, 12))])
    if owner is not None:
        os.chown(root, owner, -1)
    return root


def _enabled(root: Path, grants: Grants) -> Path:
    (root / ".phototerm").mkdir(exist_ok=True)
    write_grants(str(root), grants)
    return root


def test_roles_are_ordered_and_named():
    assert Role.NONE < Role.VIEW < Role.DOWNLOAD < Role.UPLOAD < Role.MANAGE
    assert [r.word for r in Role] == ["none", "view", "download", "upload", "manage"]
    assert parse_role("Manage") is Role.MANAGE and parse_role("none") is None
    assert parse_role("admin") is None
    assert [r.writes for r in Role] == [False, False, False, True, True]


def test_root_and_the_owner_always_manage(tmp_path):
    shared = _space(tmp_path, owner=54321)
    assert space_role("shared", str(shared), ROOT).role is Role.MANAGE
    found = space_role("shared", str(shared), ALICE)  # alice owns it; no access.toml at all
    assert found.role is Role.MANAGE and found.how == "owner"
    personal = _space(tmp_path, "Photos", owner=54321)
    assert space_role("personal", str(personal), ALICE).role is Role.MANAGE


def test_another_users_personal_root_is_nobodys_but_theirs(tmp_path):
    personal = _space(tmp_path, "Photos", owner=12345)
    _enabled(personal, Grants({"alice": Role.MANAGE}))  # grants mean nothing in a Personal Space
    found = space_role("personal", str(personal), ALICE)
    assert found.role is Role.NONE
    assert found.reason == f"{personal} belongs to 12345, and only 12345 uses it"
    assert space_role("personal", str(personal), ROOT).role is Role.MANAGE


def test_before_enable_nobody_else_has_a_role(tmp_path):
    shared = _space(tmp_path)
    found = space_role("shared", str(shared), ALICE)
    assert found.role is Role.NONE
    assert "is not enabled; root or its owner (root) can enable it" in found.reason


def test_grants_of_the_user_and_their_groups_highest_wins(tmp_path):
    shared = _enabled(_space(tmp_path), Grants({"alice": Role.VIEW}, {"family": Role.UPLOAD}))
    found = space_role("shared", str(shared), ALICE)
    assert (found.role, found.how) == (Role.UPLOAD, "@family")
    write_grants(str(shared), Grants({"alice": Role.MANAGE}, {"family": Role.UPLOAD}))
    assert space_role("shared", str(shared), ALICE).role is Role.MANAGE
    bob = Identity("bob", frozenset({"family"}), 4242)
    assert space_role("shared", str(shared), bob).role is Role.UPLOAD
    carol = Identity("carol", frozenset({"users"}), 4343)
    found = space_role("shared", str(shared), carol)
    assert found.role is Role.NONE
    assert found.reason.endswith("root, its owner (root) or a manager (alice) can grant one")


@pytest.mark.parametrize(
    "text",
    [
        b"[users\nalice = 'view'",  # not TOML
        b"[users]\nalice = 'boss'\n",  # not a role
        b"[users]\nalice = 3\n",
        b"[people]\nalice = 'view'\n",  # not a table phototerm writes
        b"users = 'alice'\n",
        b"\xff\xfe[users]\n",  # not UTF-8
    ],
)
def test_a_broken_access_file_fails_closed(tmp_path, text):
    shared = _space(tmp_path)
    (shared / ".phototerm").mkdir()
    Path(grants_path(str(shared))).write_bytes(text)
    with pytest.raises(GrantsError, match="access.toml"):
        read_grants(str(shared))
    found = space_role("shared", str(shared), ALICE)
    assert found.role is Role.NONE and "only root and its owner (root) may use it" in found.reason
    assert space_role("shared", str(shared), ROOT).role is Role.MANAGE


def test_grants_round_trip_and_principals(tmp_path):
    shared = _space(tmp_path)
    (shared / ".phototerm").mkdir()
    grants = Grants({"alice": Role.VIEW}).with_role(parse_principal("@photos"), Role.MANAGE)
    write_grants(str(shared), grants)
    assert read_grants(str(shared)) == grants
    text = Path(grants_path(str(shared))).read_text()
    assert text == '[users]\nalice = "view"\n\n[groups]\nphotos = "manage"\n'
    assert grants.with_role(parse_principal("alice"), None) == Grants({}, {"photos": Role.MANAGE})
    assert grants.managers() == ["@photos"]
    for bad in ("", "@", "al ice", "a\x1b[2Jb", "@@x"):
        with pytest.raises(ValueError):
            parse_principal(bad)


def test_why_not_derives_from_the_role(tmp_path):
    shared = _enabled(_space(tmp_path), Grants({"alice": Role.VIEW}))
    with Store.open("shared", str(shared)) as store:
        access = Access(ALICE, {"shared": store})
        assert access.why_not_view("shared") == ""
        refusal = access.why_not_edit("shared", "rating")
        assert refusal == "Your role in the Shared Space is view: rating needs manage"
        assert not_allowed(refusal)
        assert access.why_not_download("shared") == (
            "Your role in the Shared Space is view: downloading originals needs download"
        )
        assert not_allowed(access.why_not_upload("shared"))
        assert access.why_not_manage("shared").endswith("moving files needs manage")
        # The role is read once per Access: a change applies at the next start.
        write_grants(str(shared), Grants({"alice": Role.MANAGE}))
        assert not access.can_edit("shared")
        assert Access(ALICE, {"shared": store}).can_edit("shared")


def test_a_read_only_store_is_not_a_role_refusal(tmp_path):
    shared = _enabled(_space(tmp_path), Grants({"alice": Role.MANAGE}))
    Store.open("shared", str(shared)).close()
    with Store.open("shared", str(shared), read_only=True) as store:
        reason = Access(ALICE, {"shared": store}).why_not_edit("shared")
        assert reason and not not_allowed(reason)


def test_resolve_turns_off_a_space_without_a_role(tmp_path):
    personal = _space(tmp_path, "Photos", owner=ALICE.uid)
    shared = _space(tmp_path)
    setup = resolve(Settings(), str(personal), str(shared), env={}, identity=ALICE)
    assert [s.name for s in setup.on] == ["personal"]
    assert setup.no_role == {"shared": str(shared)}
    assert dict(setup.off)["shared"].startswith(f"Shared Space is off: access to {shared} is")
    _enabled(shared, Grants({}, {"family": Role.VIEW}))
    setup = resolve(Settings(), str(personal), str(shared), env={}, identity=ALICE)
    assert [s.name for s in setup.on] == ["personal", "shared"] and not setup.no_role


def test_a_viewer_opens_the_store_read_only_and_writes_nothing(tmp_path):
    shared = _enabled(_space(tmp_path), Grants({"alice": Role.VIEW}))
    Store.open("shared", str(shared)).close()
    before = sorted(os.listdir(shared / ".phototerm"))
    stamp = os.stat(shared / ".phototerm" / "library.db").st_mtime_ns
    setup = resolve(Settings(), "", str(shared), env={}, identity=ALICE)
    with open_library(Settings(), setup, writable=True, cache_dir=str(tmp_path / "c")) as lib:
        assert not lib.stores["shared"].writable
        assert lib.editor is not None and lib.editor.identity == ALICE
        result = lib.editor.set_rating(lib.index.search(""), 4)
        assert not result.ok and not_allowed(result.message)
        assert result.message == "Your role in the Shared Space is view: editing needs manage"
    assert sorted(os.listdir(shared / ".phototerm")) == before
    assert os.stat(shared / ".phototerm" / "library.db").st_mtime_ns == stamp
