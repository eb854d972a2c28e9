"""The system config (``/etc/phototerm/config.toml``, or PHOTOTERM_SYSTEM_CONFIG) and the
application privilege it grants: ``[app] allow``. It fails closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from phototerm.library.roles import Identity, kiosk_account, not_allowed, why_not_use
from phototerm.library.settings import (
    SYSTEM_CONFIG,
    KioskConfig,
    SystemConfig,
    load_system_config,
    system_config_path,
)

ALICE = Identity("alice", frozenset({"users", "photos"}), 1001)
BOB = Identity("bob", frozenset({"users"}), 1002)
ROOT = Identity("root", frozenset({"root"}), 0)


def _config(tmp_path: Path, text: str | bytes) -> SystemConfig:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return load_system_config(path)


def test_where_it_is_read_from(monkeypatch):
    monkeypatch.delenv("PHOTOTERM_SYSTEM_CONFIG")
    assert system_config_path() == Path(SYSTEM_CONFIG) == Path("/etc/phototerm/config.toml")
    assert system_config_path({"PHOTOTERM_SYSTEM_CONFIG": "/x/y.toml"}) == Path("/x/y.toml")
    assert system_config_path({"PHOTOTERM_SYSTEM_CONFIG": ""}) == Path(SYSTEM_CONFIG)


def test_no_file_or_no_app_table_lets_everyone_in(tmp_path):
    missing = load_system_config(tmp_path / "absent.toml")
    assert missing.app_allow is None and not missing.problem
    assert why_not_use(BOB, missing) == ""
    assert why_not_use(BOB, _config(tmp_path, "")) == ""


def test_allow_names_users_and_groups(tmp_path):
    config = _config(tmp_path, '[app]\nallow = ["carol", "@photos"]\n')
    assert config.app_allow == ("carol", "@photos")
    assert why_not_use(ALICE, config) == ""  # through @photos
    assert why_not_use(Identity("carol", frozenset(), 1003), config) == ""
    refusal = why_not_use(BOB, config)
    assert not_allowed(refusal)
    assert refusal == (
        "phototerm is not enabled for bob on this machine: an administrator can add bob (or "
        f"one of your groups as @group) to [app] allow in {tmp_path / 'config.toml'}"
    )
    assert why_not_use(ROOT, config) == ""  # root always may
    assert why_not_use(BOB, _config(tmp_path, "[app]\nallow = []\n"))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[app\nallow = []", "is not valid TOML"),
        (b"\xff[app]", "is not valid TOML"),
        ('[app]\nallow = "alice"\n', "[app] allow must be a list"),
        ("[app]\nallow = [1]\n", "[app] allow must be a list"),
        ('[app]\nallow = [""]\n', "[app] allow must be a list"),
        ('[app]\nalow = ["alice"]\n', "unknown key 'alow'"),
        ("[app]\n", "[app] needs allow"),
        (
            '[kiosque]\nusers = ["x"]\n',
            "unknown entry 'kiosque' (this phototerm knows [app], [kiosk])",
        ),
        ("[kiosk]\n", "[kiosk] needs users"),
        ('[kiosk]\nusers = "guest"\n', "[kiosk] users must be a list of user names"),
        ("[kiosk]\ngroups = [2]\n", "[kiosk] groups must be a list of group names"),
        ('[kiosk]\ngroups = ["@lobby"]\n', "plain names"),
        ('[kiosk]\nusers = ["guest"]\nalbum = ""\n', "[kiosk] album must be a non-empty text"),
        ('[kiosk]\nusers = ["guest"]\nquery = 3\n', "[kiosk] query must be a non-empty text"),
        (
            '[kiosk]\nusers = ["guest"]\nalbum = "A"\nquery = "b"\n',
            "[kiosk] has both album and query",
        ),
        ('[kiosk]\nusers = ["guest"]\nslideshow = "10"\n', "[kiosk] slideshow must be a number"),
        ('[kiosk]\nusers = ["guest"]\nslideshow = 0.5\n', "from 1 to 86400"),
        ('[kiosk]\nusers = ["guest"]\nslideshow = true\n', "[kiosk] slideshow must be"),
        ('[kiosk]\nusers = ["guest"]\nshuffle = true\n', "[kiosk] has an unknown key 'shuffle'"),
        ('app = "alice"\n', "unknown entry 'app'"),
    ],
)
def test_a_config_that_cannot_be_trusted_denies_everyone_but_root(tmp_path, text, problem):
    config = _config(tmp_path, text)
    assert problem in config.problem and str(tmp_path / "config.toml") in config.problem
    refusal = why_not_use(ALICE, config)
    assert not_allowed(refusal) and refusal.endswith(
        "only root may use phototerm until it is fixed"
    )
    assert why_not_use(ROOT, config) == ""


def test_a_config_that_cannot_be_read_fails_closed(tmp_path):
    folder = tmp_path / "config.toml"
    folder.mkdir()  # readable by nobody as a file, even root
    config = load_system_config(folder)
    assert config.problem.startswith(f"cannot read {folder}: ")
    assert why_not_use(BOB, config) and why_not_use(ROOT, config) == ""


def test_kiosk_lists_accounts_by_name_and_group(tmp_path):
    config = _config(
        tmp_path,
        '[app]\nallow = ["carol"]\n[kiosk]\nusers = ["bob", "root"]\ngroups = ["photos"]\n'
        'album = "Family"\nslideshow = 12\n',
    )
    assert config.kiosk == KioskConfig(("bob", "root"), ("photos",), "Family", None, 12.0)
    assert kiosk_account(BOB, config)  # by name
    assert kiosk_account(ALICE, config)  # through the group photos
    assert kiosk_account(ROOT, config)  # root too, when listed
    assert not kiosk_account(Identity("carol", frozenset({"users"}), 1003), config)
    assert not kiosk_account(ROOT, _config(tmp_path, '[kiosk]\nusers = ["guest"]\n'))


def test_no_kiosk_table_or_a_broken_file_lists_no_kiosk_account(tmp_path):
    assert load_system_config(tmp_path / "absent.toml").kiosk is None
    assert not kiosk_account(BOB, _config(tmp_path, '[app]\nallow = ["bob"]\n'))
    # A file that cannot be trusted lists nobody; it refuses everyone but root instead.
    broken = _config(tmp_path, '[kiosk]\nusers = ["bob"]\nslideshow = -1\n')
    assert broken.problem and broken.kiosk is None
    assert not kiosk_account(BOB, broken) and not_allowed(why_not_use(BOB, broken))
