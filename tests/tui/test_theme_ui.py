"""Pilot tests of themes in the running browser: start-up choice and problems, the palette's
"Theme: NAME" entries and Textual's own picker (saved to config.toml, or not in a session
that must not remember), and phototerm's $pt-* variables reaching the grid."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from conftest import (
    SIZE,
    Shot,
    cursor_name,
    make_app,
    make_library,
    notes,
    run,
    screen_text,
    settle,
    write_config,
)
from rich.color import Color as RichColor
from textual.color import Color

from phototerm.library import paths
from phototerm.library.settings import load_settings
from phototerm.tui import theme_files

GOOD = """\
dark = true
[colors]
primary = "#336699"
foreground = "#EEEEEE"
background = "#101010"
surface = "#181818"
panel = "#202020"
[variables]
tile-border = "#2B2B2B"
"""


def user_theme(name: str, text: str) -> Path:
    folder = paths.themes_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)
    await pilot.pause()


def grid_background(app: Any) -> str:
    return app.library.grid.styles.background.hex


def config_text() -> str:
    path = paths.config_file()
    return path.read_text() if path.exists() else ""


async def choose_in_palette(pilot: Any, text: str, title: str) -> None:
    """Type ``text`` into the open command palette and run the entry shown as ``title``."""
    await pilot.press(*text)
    await until(pilot, lambda: title in screen_text(pilot.app))
    await pilot.press("enter")
    await pilot.pause()


# --------------------------------------------------------------------------- live switch


def test_palette_theme_entry_switches_live_and_is_saved(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, config='tile_size = "large"\n')
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "phototerm"
            assert grid_background(app) == "#1B1B1B"
            assert config_text() == 'tile_size = "large"\n'  # choosing at start-up saves nothing
            titles = [c.title for c in app.get_system_commands(app.screen)]
            for name in ("phototerm", "phototerm-light", "darkroom", "high-contrast", "nord"):
                assert f"Theme: {name}" in titles
            await pilot.press("ctrl+p")
            await choose_in_palette(pilot, "darkroom", "Theme: darkroom")
            assert app.theme == "darkroom"
            await until(pilot, lambda: grid_background(app) == "#3A3A3A")  # $pt-tile-border
            # the letterbox of every tile is drawn with the new colour too
            assert app.library.grid._background() == (0x3A, 0x3A, 0x3A)
            saved = load_settings()
            assert (saved.theme, saved.tile_size, saved.problems) == ("darkroom", "large", ())

    run(scenario())


def test_textual_theme_picker_choice_is_saved_the_same_way(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.action_change_theme()  # Textual's own "Theme" palette entry
            await pilot.pause()
            await choose_in_palette(pilot, "nord", "nord")
            assert app.theme == "nord"
            assert load_settings().theme == "nord"
            # Textual's themes get phototerm's variables derived from their colours
            surface = app.current_theme.to_color_system().generate()["surface"]
            await until(pilot, lambda: grid_background(app) == surface)

    run(scenario())


def test_a_session_that_must_not_remember_leaves_config_alone(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, config='theme = "darkroom"\n', remember_theme=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "darkroom"
            helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
            assert helps["Theme: high-contrast"].endswith("(for this session)")
            await pilot.press("ctrl+p")
            await choose_in_palette(pilot, "high-contrast", "Theme: high-contrast")
            assert app.theme == "high-contrast"
            app.action_change_theme()
            await pilot.pause()
            await choose_in_palette(pilot, "gruvbox", "gruvbox")
            assert app.theme == "gruvbox"
        assert config_text() == 'theme = "darkroom"\n'

    run(scenario())


def test_a_read_only_session_does_not_remember_by_default(tmp_path: Path) -> None:
    app = make_app(tmp_path, library=False, read_only=True, index_on_start=False)
    assert app.remember_theme is False
    assert make_app(tmp_path, library=False, index_on_start=False).remember_theme is True


def test_a_theme_that_cannot_be_saved_is_still_used_and_said(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, config="this is = = not toml\n")
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            app.theme = "darkroom"
            await pilot.pause()
            assert app.theme == "darkroom"
            assert any(n.startswith("Could not save the theme") for n in notes(messages))
        assert config_text() == "this is = = not toml\n"  # never overwritten

    run(scenario())


# ------------------------------------------------------------------------- start-up


def test_broken_theme_files_are_reported_at_start_up(tmp_path: Path) -> None:
    user_theme("good.toml", GOOD)
    user_theme("syntax.toml", "dark = true\n[colors\n")
    user_theme("colour.toml", GOOD.replace('"#336699"', '"blurple"'))

    async def scenario() -> None:
        app = make_app(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            text = "\n".join(notes(messages))
            assert "syntax.toml: line 2, column 8: not valid TOML" in text
            assert "colour.toml: colors.primary = 'blurple' is not a colour" in text
            assert app.theme == "phototerm"
            assert "good" in app.available_themes
            assert "syntax" not in app.available_themes
            app.theme = "good"
            await until(pilot, lambda: grid_background(app) == "#2B2B2B")

    run(scenario())


def test_theme_flag_naming_a_broken_or_unknown_theme_falls_back(tmp_path: Path) -> None:
    user_theme("mine.toml", "[colors]\nprimary = 1\n")

    async def scenario(requested: str, expected: str) -> None:
        app = make_app(tmp_path, library=False, theme=requested)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert app.theme == "phototerm"
            assert any(expected in n for n in notes(messages)), notes(messages)

    run(scenario("mine", "--theme: theme 'mine' is broken"))
    run(scenario("nope", "--theme: unknown theme 'nope'"))
    write_config('theme = "mine"\n')
    run(scenario("", "config theme: theme 'mine' is broken"))


def test_user_file_overrides_a_built_in_theme(tmp_path: Path) -> None:
    user_theme("darkroom.toml", GOOD)

    async def scenario() -> None:
        app = make_app(tmp_path, theme="darkroom")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.current_theme.primary == "#336699"
            assert grid_background(app) == "#2B2B2B"

    run(scenario())


def test_missing_built_in_themes_are_said_and_textual_dark_used(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(theme_files, "BUILTIN_PACKAGE", "phototerm.no_such_themes")

    async def scenario() -> None:
        app = make_app(tmp_path, library=False)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert app.theme == "textual-dark"
            told = [n for n in notes(messages) if n.startswith("themes folder phototerm.no_such")]
            assert len(told) == 1 and told[0].endswith("; reinstall phototerm")

    run(scenario())


# ------------------------------------------------------------------------------- marks


def test_stars_and_reject_marks_take_the_theme_colours(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, theme="high-contrast")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            grid = app.library.grid
            rated = next(p for p in range(2, len(grid.model)) if grid.model.photo(p).rating > 0)
            await pilot.press("right", "x")  # reject the second photo
            await until(pilot, lambda: grid.model.photo(1).rating == -1)
            await pilot.press("left", "left")  # the cursor away from both captions
            star = grid._caption(rated)[1].style.color
            cross = grid._caption(1)[1].style.color
            assert star == RichColor.parse(Color.parse("#FFD60A").hex)
            assert cross == RichColor.parse(Color.parse("#FF8080").hex)

    run(scenario())


def test_a_live_switch_repaints_the_whole_grid_in_the_new_colours(tmp_path: Path) -> None:
    shots = [
        Shot(f"2023/IMG_{n}.jpg", datetime(2023, 5, 1, 9 + n), size=(240, 320)) for n in range(4)
    ]
    personal = make_library(tmp_path / "lib", shots)  # portrait: letterboxed in every tile

    def backgrounds(app: Any) -> set[str]:
        grid = app.library.grid
        colours = set()
        for y in range(grid.size.height):
            for segment in grid.render_line(y):
                if segment.style is not None and segment.style.bgcolor is not None:
                    colours.add(segment.style.bgcolor.get_truecolor().hex.upper())
        return colours

    async def scenario() -> None:
        app = make_app(tmp_path, personal=personal)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "#1B1B1B" in backgrounds(app)  # phototerm's surface around the pictures
            app.theme = "darkroom"
            await settle(pilot)
            after = backgrounds(app)
            assert "#3A3A3A" in after and "#1B1B1B" not in after

    run(scenario())


def test_textual_themes_of_every_kind_can_be_switched_to(tmp_path: Path) -> None:
    """Textual's themes, the ANSI ones included (their colours are terminal palette names and
    'transparent'): phototerm's variables derived from them are valid CSS, and the grid draws
    with each. (Every theme would take a second each on a loaded machine.)"""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for name in ("ansi-dark", "ansi-light", "textual-light"):
                app.theme = name
                await pilot.pause()
                assert app.theme == name
                assert cursor_name(app) in screen_text(app)
            assert load_settings().theme == name  # the last one chosen

    run(scenario())
