from pathlib import Path

import pytest

from phototerm.library import config, paths
from phototerm.library.spaces import resolve


@pytest.fixture(autouse=True)
def _xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PHOTOTERM_PERSONAL", raising=False)
    monkeypatch.delenv("PHOTOTERM_SHARED", raising=False)


def test_flags_win_over_env_and_config(tmp_path: Path) -> None:
    a, b, c = (tmp_path / n for n in "abc")
    for d in (a, b, c):
        d.mkdir()
    cfg = config.Config({"personal": str(c), "shared": str(c)})
    setup = resolve(str(a), None, cfg, env={"PHOTOTERM_SHARED": str(b)})
    assert [(s.name, s.root) for s in setup.on] == [("personal", str(a)), ("shared", str(b))]


def test_config_is_used_when_no_flag_or_env(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    cfg = config.Config({"personal": str(tmp_path / "p"), "shared": ""})
    setup = resolve(None, None, cfg, env={})
    assert [s.name for s in setup.on] == ["personal"]
    assert setup.off[0][0] == "shared" and "empty" in setup.off[0][1]


def test_missing_root_turns_the_space_off_with_a_reason(tmp_path: Path) -> None:
    setup = resolve(str(tmp_path / "nope"), "", config.Config({}), env={})
    assert setup.on == ()
    reasons = dict(setup.off)
    assert "not a folder" in reasons["personal"]
    assert "empty" in reasons["shared"]


def test_xdg_paths_follow_the_environment(tmp_path: Path) -> None:
    assert paths.config_file() == tmp_path / "config" / "phototerm" / "config.toml"
    assert paths.cache_dir() == tmp_path / "cache" / "phototerm"


def test_corrupt_config_is_reported_and_never_rewritten(tmp_path: Path) -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text("theme = [unclosed\n")
    loaded = config.load()
    assert loaded.data == {} and loaded.problems and str(path) in loaded.problems[0]
    with pytest.raises(OSError):
        config.save_keys({"theme": "dark"})
    assert path.read_text() == "theme = [unclosed\n"


def test_save_keys_merges_and_round_trips() -> None:
    config.save_keys({"theme": "nord", "keymap": {"quit": "ctrl+q"}})
    config.save_keys({"tile_size": "large"})
    data = config.load().data
    assert data == {"theme": "nord", "keymap": {"quit": "ctrl+q"}, "tile_size": "large"}
