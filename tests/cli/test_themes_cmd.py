"""`phototerm themes [--json]`: every theme with its source, every broken file with its error."""

from __future__ import annotations

import json

import pytest

from phototerm.cli import main
from phototerm.library import paths

GOOD = """\
[colors]
primary = "#336699"
foreground = "#EEEEEE"
background = "#101010"
surface = "#181818"
panel = "#202020"
"""


@pytest.fixture
def user_themes() -> None:
    folder = paths.themes_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(GOOD)
    (folder / "nord.toml").write_text(GOOD)
    (folder / "bad.toml").write_text("[colors]\nprimary = 'blurple'\n")
    (folder / "[bold]x.toml").write_text(GOOD)


def test_lists_themes_with_their_source_and_broken_files(user_themes, capsys) -> None:
    assert main(["themes"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    by_name = {line.split()[0]: line for line in lines if line and not line.startswith(" ")}
    assert by_name["phototerm"].split()[1] == "built-in"
    assert by_name["phototerm"].endswith("phototerm.toml")
    assert "user file  " in by_name["mine"] and by_name["mine"].endswith("mine.toml")
    assert "user file, replaces the Textual one" in by_name["nord"]
    assert by_name["dracula"].split()[1:] == ["Textual"]
    assert lines.index(by_name["phototerm"]) < lines.index(by_name["dracula"])  # ours first
    assert "Broken theme files (ignored):" in out
    assert "bad.toml: colors.primary = 'blurple' is not a colour" in out
    assert "missing colors.foreground" in out
    assert "[bold]x.toml: the file name '[bold]x' is not a theme name" in out


def test_json_lists_the_same(user_themes, capsys) -> None:
    assert main(["themes", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    themes = {theme["name"]: theme for theme in document["themes"]}
    assert themes["darkroom"]["source"] == "built-in"
    assert themes["darkroom"]["path"].endswith("darkroom.toml")
    assert themes["phototerm-light"]["dark"] is False
    assert themes["mine"]["source"] == "user" and themes["mine"]["replaces"] is None
    assert themes["nord"]["source"] == "user" and themes["nord"]["replaces"] == "textual"
    assert themes["dracula"] == {
        "name": "dracula",
        "source": "textual",
        "path": None,
        "dark": True,
        "replaces": None,
    }
    broken = {bad["path"].rsplit("/", 1)[1]: bad for bad in document["broken"]}
    assert set(broken) == {"bad.toml", "[bold]x.toml"}
    assert broken["bad.toml"]["source"] == "user" and broken["bad.toml"]["name"] == "bad"
    assert "is not a colour" in broken["bad.toml"]["error"]
    assert broken["[bold]x.toml"]["name"] is None
    assert not any(bad["folder"] for bad in document["broken"])


def test_without_user_themes_nothing_is_broken(capsys) -> None:
    assert main(["themes", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["broken"] == []
    sources = {theme["name"]: theme["source"] for theme in document["themes"]}
    assert {name for name, source in sources.items() if source == "built-in"} == {
        "phototerm",
        "phototerm-mono",
        "phototerm-light",
        "darkroom",
        "high-contrast",
    }
