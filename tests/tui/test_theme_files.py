"""Theme files: the shipped themes, their colour rules, user themes, and broken files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from phototerm.library import paths
from phototerm.tui.theme_files import (
    BUILTIN,
    TEXTUAL,
    USER,
    VARIABLES,
    ThemeError,
    load_catalogue,
    parse_theme,
    phototerm_variables,
)

REPO = Path(__file__).resolve().parents[2]
SHIPPED = {"phototerm", "phototerm-mono", "phototerm-light", "darkroom", "high-contrast"}

MINIMAL = """\
dark = true
[colors]
primary = "#336699"
foreground = "#EEEEEE"
background = "#101010"
surface = "#181818"
panel = "#202020"
"""


def user_theme(name: str, text: str | bytes) -> Path:
    folder = paths.themes_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------- shipped themes


def test_every_shipped_theme_loads() -> None:
    catalogue = load_catalogue()
    assert catalogue.broken == ()
    assert {entry.name for entry in catalogue.entries} == SHIPPED
    assert all(entry.source == BUILTIN for entry in catalogue.entries)
    # every file of the repository's themes/ folder is one of them, under its own name
    files = {path.stem for path in (REPO / "themes").glob("*.toml")}
    assert files == SHIPPED


def test_phototerm_and_mono_keep_their_colours() -> None:
    catalogue = load_catalogue()
    expected = {
        "phototerm": (
            "#5FA8D3 #62B6CB #F4A259 #F4D35E #E76F51 #8AB17D #E6E6E6 #121212 #1B1B1B #262626"
        ),
        "phototerm-mono": (
            "#BBBBBB #999999 #DDDDDD #CCCCCC #FFFFFF #AAAAAA #E0E0E0 #000000 #111111 #222222"
        ),
    }
    fields = "primary secondary accent warning error success foreground background surface panel"
    for name, colours in expected.items():
        entry = catalogue.get(name)
        assert entry is not None
        theme = entry.theme
        assert [getattr(theme, f) for f in fields.split()] == colours.split()
        assert theme.dark and theme.variables == {}  # every phototerm variable derived


def _luminance(value: str) -> float:
    color = Color.parse(value)
    assert color.a == 1, f"{value} is not opaque"

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two opaque colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_ratios() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast("#123456", "#123456") == pytest.approx(1.0)


def test_high_contrast_meets_wcag_aa_for_every_text_on_every_background() -> None:
    entry = load_catalogue().get("high-contrast")
    assert entry is not None
    theme = entry.theme
    pt = phototerm_variables(theme)
    texts = {
        "foreground": theme.foreground,
        "accent": theme.accent,
        "warning": theme.warning,
        "error": theme.error,
        "success": theme.success,
        "caption": pt["pt-caption"],
        "rating-star": pt["pt-rating-star"],
        "reject-mark": pt["pt-reject-mark"],
        "selection": pt["pt-selection"],  # a caption too, when selected
    }
    backgrounds = {
        "background": theme.background,
        "surface": theme.surface,
        "panel": theme.panel,
        "tile-border": pt["pt-tile-border"],  # captions are drawn on it
    }
    failures = []
    for text_name, text in texts.items():
        assert text is not None, f"high-contrast leaves {text_name} to be derived"
        for back_name, back in backgrounds.items():
            assert back is not None
            ratio = contrast(text, back)
            if ratio < 4.5:
                failures.append(f"{text_name} {text} on {back_name} {back}: {ratio:.2f}")
    assert failures == []


def test_darkroom_surroundings_are_neutral_grey() -> None:
    entry = load_catalogue().get("darkroom")
    assert entry is not None
    theme = entry.theme
    pt = phototerm_variables(theme)
    # the background, surface and panel, and everything the grid paints around or behind a
    # thumbnail
    for value in (
        theme.background,
        theme.surface,
        theme.panel,
        pt["pt-tile-border"],
        pt["pt-placeholder"],
        pt["pt-error-tile"],
        pt["pt-cursor"],
    ):
        assert value is not None
        color = Color.parse(value)
        assert color.r == color.g == color.b, value


# ------------------------------------------------------------------------------ the format


def test_minimal_theme_gets_the_file_name_and_derived_variables() -> None:
    theme = parse_theme(MINIMAL.encode(), "mine")
    assert theme.name == "mine" and theme.dark
    assert theme.variables == {}
    pt = phototerm_variables(theme)
    assert set(pt) == {f"pt-{key}" for key in VARIABLES}
    assert pt["pt-tile-border"] == "#181818"  # the surface
    assert pt["pt-placeholder"] == "#202020"  # the panel


def test_variables_and_colours_are_normalised_and_prefixed() -> None:
    text = MINIMAL + '[variables]\ntile-border = "rgb(58, 58, 58)"\ncursor = "white"\n'
    theme = parse_theme(('name = "x"\n' + text).encode(), "file")
    assert theme.name == "x"
    assert theme.variables == {"pt-tile-border": "#3A3A3A", "pt-cursor": "#FFFFFF"}
    assert phototerm_variables(theme)["pt-tile-border"] == "#3A3A3A"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dark = true\n[colors\n", "line 2, column 8: not valid TOML"),
        ("colour = 1\n" + MINIMAL, "unknown key 'colour'"),
        (MINIMAL.replace('"#336699"', '"blurple"'), "colors.primary = 'blurple' is not a colour"),
        (MINIMAL.replace('"#336699"', "7"), "colors.primary = 7 is not a colour"),
        (MINIMAL.replace('surface = "#181818"\n', ""), "missing colors.surface"),
        (MINIMAL + "shadow = '#000000'\n", "unknown key 'colors.shadow'"),
        (MINIMAL + "[variables]\nglow = '#FFFFFF'\n", "unknown key 'variables.glow'"),
        (MINIMAL + "[variables]\ncursor = 'nope'\n", "variables.cursor = 'nope' is not a colour"),
        (MINIMAL.replace("dark = true", 'dark = "yes"'), "dark = 'yes' is not true or false"),
        ('name = "[bold]x"\n' + MINIMAL, "name '[bold]x' is not a theme name"),
        ('colors = "red"\n', "colors must be a table"),
    ],
)
def test_each_kind_of_broken_theme_is_named(text: str, expected: str) -> None:
    with pytest.raises(ThemeError) as caught:
        parse_theme(text.encode(), "t")
    assert expected in str(caught.value)


def test_not_utf8_is_named() -> None:
    with pytest.raises(ThemeError, match="not UTF-8"):
        parse_theme(b'name = "\xff"\n', "t")


def test_every_problem_of_a_file_is_named_at_once() -> None:
    text = "colours = 1\n[colors]\nprimary = 'nope'\n"
    with pytest.raises(ThemeError) as caught:
        parse_theme(text.encode(), "t")
    message = str(caught.value)
    assert "unknown key 'colours'" in message
    assert "colors.primary = 'nope'" in message
    assert "missing colors.foreground, colors.background, colors.surface, colors.panel" in message


# --------------------------------------------------------------------------- user themes


def test_user_theme_is_added_and_overrides_by_name() -> None:
    user_theme("mine.toml", MINIMAL)
    user_theme("darkroom.toml", 'name = "darkroom"\n' + MINIMAL)
    user_theme("nord.toml", MINIMAL)  # Textual's nord
    catalogue = load_catalogue()
    assert catalogue.broken == ()
    mine, darkroom, nord = (catalogue.get(n) for n in ("mine", "darkroom", "nord"))
    assert mine is not None and (mine.source, mine.replaces) == (USER, "")
    assert mine.path == str(paths.themes_dir() / "mine.toml")
    assert darkroom is not None and (darkroom.source, darkroom.replaces) == (USER, BUILTIN)
    assert darkroom.theme.primary == "#336699"
    assert nord is not None and nord.source == USER
    every = {entry.name: entry for entry in catalogue.with_textual(BUILTIN_THEMES)}
    assert every["nord"].replaces == TEXTUAL
    assert every["dracula"].source == TEXTUAL and every["dracula"].path == ""
    assert every["phototerm"].source == BUILTIN
    # phototerm's own come first in listings
    order = [entry.source for entry in catalogue.with_textual(BUILTIN_THEMES)]
    assert order == sorted(order, key=lambda source: source == TEXTUAL)


def test_broken_files_are_reported_and_the_others_still_load(tmp_path: Path) -> None:
    user_theme("good.toml", MINIMAL)
    user_theme("syntax.toml", "[colors\n")
    user_theme("darkroom.toml", 'name = "darkroom"\ndark = 3\n' + MINIMAL.split("\n", 1)[1])
    user_theme("binary.toml", b"\x00\xff\xfe garbage")
    user_theme("big.toml", "# " + "x" * 70_000 + "\n" + MINIMAL)
    user_theme("[bold]x.toml", MINIMAL)
    user_theme("café.toml", MINIMAL)  # any letters make a name
    folder = paths.themes_dir()
    os.symlink("loop.toml", folder / "loop.toml")
    (folder / "folder.toml").mkdir()
    os.mkfifo(folder / "fifo.toml")  # opening it for reading would block forever
    (folder / ".hidden.toml").write_text("not = [read")
    (folder / "notes.txt").write_text("not a theme")
    catalogue = load_catalogue()
    names = {entry.name for entry in catalogue.entries}
    assert names == SHIPPED | {"good", "café"}
    assert catalogue.get("darkroom").source == BUILTIN  # the broken override replaces nothing
    errors = {Path(bad.path).name: bad.error for bad in catalogue.broken}
    assert set(errors) == {
        "syntax.toml",
        "darkroom.toml",
        "binary.toml",
        "big.toml",
        "[bold]x.toml",
        "loop.toml",
        "folder.toml",
        "fifo.toml",
    }
    assert errors["syntax.toml"].startswith("line 1, column 8: not valid TOML")
    assert "dark = 3 is not true or false" in errors["darkroom.toml"]
    assert "the built-in 'darkroom' is used instead" in errors["darkroom.toml"]
    assert "not UTF-8" in errors["binary.toml"]
    assert "too large" in errors["big.toml"]
    assert "the file name '[bold]x' is not a theme name" in errors["[bold]x.toml"]
    assert "symbolic link loop" in errors["loop.toml"]
    assert errors["folder.toml"] == errors["fifo.toml"] == "not a regular file"
    assert all(m.startswith(f"theme file {folder}/") for m in catalogue.problems())
    assert all(m.endswith(" (ignored)") for m in catalogue.problems())
    assert catalogue.broken_named("darkroom") is not None


def test_non_utf8_file_name_is_shown_safely() -> None:
    folder = paths.themes_dir()
    folder.mkdir(parents=True)
    raw = os.path.join(os.fsencode(folder), b"caf\xe9\x1b[31m.toml")
    with open(raw, "w") as fh:
        fh.write(MINIMAL)
    (bad,) = load_catalogue().broken
    assert "\x1b" not in bad.message and "\udce9" not in bad.message
    assert "caf\ufffd\ufffd[31m.toml" in bad.path


def test_two_user_files_naming_one_theme() -> None:
    user_theme("a.toml", 'name = "same"\n' + MINIMAL)
    user_theme("b.toml", 'name = "same"\n' + MINIMAL)
    catalogue = load_catalogue()
    assert catalogue.get("same").path.endswith("a.toml")
    (bad,) = catalogue.broken
    assert bad.path.endswith("b.toml") and "already defined by" in bad.error


def test_unreadable_themes_folder_is_reported() -> None:
    folder = paths.themes_dir()
    folder.parent.mkdir(parents=True)
    os.symlink("themes", folder)  # a loop: listing it fails, as for a folder one cannot read
    catalogue = load_catalogue()
    assert {entry.name for entry in catalogue.entries} == SHIPPED
    (bad,) = catalogue.broken
    assert bad.source == USER and bad.folder
    assert bad.message.startswith(f"themes folder {folder}: cannot read it")


# ----------------------------------------------------------------------------------- wheel


def _wheel_build_args() -> list[str]:
    """Build without fetching anything when the interpreter can already build a wheel
    (setuptools 70.1+ builds wheels itself; older ones need the wheel package); otherwise
    let pip bring the build backend from the configured index, as ``pip install`` does."""
    import importlib.util

    try:
        import setuptools
    except ImportError:
        return []
    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    if (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None:
        return ["--no-build-isolation"]
    return []


@pytest.mark.slow
def test_the_wheel_holds_every_theme_file(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy, so the build leaves nothing in the checkout
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    for name in ("phototerm", "themes"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO / name, source / name)
    out = tmp_path / "wheel"
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(out)]
    done = subprocess.run(
        command + _wheel_build_args(), capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (wheel,) = out.glob("phototerm-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        held = set(archive.namelist())
    for theme in (REPO / "themes").glob("*.toml"):
        assert f"phototerm/themes/{theme.name}" in held
    assert "phototerm/themes/__init__.py" in held
    assert "phototerm/tui/phototerm.tcss" in held
    assert not any(name.startswith("themes/") for name in held)  # not a top-level package


def test_the_readme_example_is_the_shipped_darkroom_theme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Themes\n", 1)[1].split("\n## ", 1)[0]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    shipped = load_catalogue().get("darkroom")
    assert shipped is not None
    assert parse_theme(example.encode(), "example") == shipped.theme
