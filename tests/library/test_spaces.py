from pathlib import Path

import pytest

from phototerm.library import paths
from phototerm.library.settings import Settings, load_settings, save_keys
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
    settings = Settings(personal=str(c), shared=str(c))
    setup = resolve(settings, str(a), None, env={"PHOTOTERM_SHARED": str(b)})
    assert [(s.name, s.root) for s in setup.on] == [("personal", str(a)), ("shared", str(b))]


def test_config_is_used_when_no_flag_or_env(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    setup = resolve(Settings(personal=str(tmp_path / "p"), shared=""), env={})
    assert [s.name for s in setup.on] == ["personal"]
    assert setup.off[0][0] == "shared" and "empty" in setup.off[0][1]


def test_missing_root_turns_the_space_off_with_a_reason(tmp_path: Path) -> None:
    setup = resolve(Settings(), str(tmp_path / "nope"), "", env={})
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
    loaded = load_settings()
    assert loaded == Settings(path=path, problems=loaded.problems)  # every default
    assert len(loaded.problems) == 1 and str(path) in loaded.problems[0]
    with pytest.raises(OSError):
        save_keys({"theme": "dark"})
    assert path.read_text() == "theme = [unclosed\n"


def test_save_keys_merges_and_round_trips() -> None:
    save_keys({"theme": "nord", "keymap": {"app.quit": "ctrl+q"}})
    save_keys({"tile_size": "large"})
    loaded = load_settings()
    assert (loaded.theme, loaded.tile_size, dict(loaded.keymap)) == (
        "nord",
        "large",
        {"app.quit": "ctrl+q"},
    )
    assert loaded.problems == ()


def test_each_bad_value_is_named_once_with_the_default_used() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(
        'personal = 5\nsidecars = true\ntile_size = "huge"\ncolor = "purple"\n'
        'advance_after_rating = "viewer"\nfavourite = 1\n[keymap]\n"app.quit" = ""\n'
    )
    loaded = load_settings()
    assert (loaded.personal, loaded.sidecars, loaded.tile_size, loaded.color) == (
        None,
        "off",
        "medium",
        "",
    )
    text = "\n".join(loaded.problems)
    assert len(loaded.problems) == 6, text
    assert "personal = 5 is not text" in text
    assert "sidecars = true is not one of off, write (using 'off')" in text
    assert "tile_size = 'huge' is not one of small, medium, large (using 'medium')" in text
    assert "color = 'purple'" in text and "using 'auto'" in text
    assert "unknown setting 'favourite'" in text
    assert "[keymap] app.quit needs a key string" in text


def test_colour_spellings_are_normalised() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text('color = "24bit"\n')
    assert load_settings().color == "truecolor"
    path.write_text('color = "auto"\n')
    assert load_settings().color == ""


def _save_many(prefix: str, path: str, count: int) -> None:
    for i in range(count):
        save_keys({f"{prefix}{i}": i}, Path(path))


def test_two_processes_saving_at_once_keep_every_key(tmp_path: Path) -> None:
    import multiprocessing
    import tomllib

    path = tmp_path / "config.toml"
    writers = [
        multiprocessing.Process(target=_save_many, args=(prefix, str(path), 40)) for prefix in "ab"
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    data = tomllib.loads(path.read_text())
    assert sorted(data) == sorted(f"{p}{i}" for p in "ab" for i in range(40))


def test_a_writer_that_never_lets_go_is_an_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl
    import os

    from phototerm.library import settings

    monkeypatch.setattr(settings, "LOCK_WAIT", 0.2)
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n')
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another writer, stuck
        with pytest.raises(OSError, match="locked by another writer"):
            save_keys({"theme": "dark"}, path)
    finally:
        os.close(fd)
    assert path.read_text() == 'theme = "nord"\n'
    save_keys({"theme": "dark"}, path)  # once it lets go
    assert load_settings(path).theme == "dark"
