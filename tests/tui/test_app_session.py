"""Pilot tests of what the browser reads and keeps: the keymap, config problems, the saved
session and tile size, worker failures, and colour modes. Every test runs the real
PhotoApp on a generated library (see conftest)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import (
    SIZE,
    cursor_name,
    make_app,
    notes,
    run,
    screen_text,
    settle,
    write_config,
)

from phototerm.library.spaces import resolve
from phototerm.tui import terminal
from phototerm.tui.app import PhotoApp
from phototerm.tui.widgets.searchbar import SearchInput

# ------------------------------------------------------------------ keymap, config, session


def test_keymap_remaps_by_binding_id(tmp_path: Path) -> None:
    async def scenario() -> None:
        config = '[keymap]\n"library.search" = "ctrl+f"\n"grid.down" = "n"\n"no.such" = "x"\n'
        app = make_app(tmp_path, config=config)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            grid = app.library.grid
            await pilot.press("slash")
            assert not isinstance(app.focused, SearchInput)
            await pilot.press("ctrl+f")
            assert isinstance(app.focused, SearchInput)
            await pilot.press("escape", "escape")  # clear, then back to the grid
            assert app.focused is grid
            before = grid.cursor
            await pilot.press("n")
            assert grid.cursor > before
            assert any("no binding with id 'no.such'" in n for n in notes(messages))
            await pilot.press("question_mark")
            assert "^f" in screen_text(app)  # the help shows the remapped key

    run(scenario())


def test_config_problems_are_notifications(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, config="this is = = not toml\n")
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert any("using defaults" in n for n in notes(messages))
            assert len(app.library.model) == 15  # and the library still opens

    run(scenario())


def test_bad_settings_reported(tmp_path: Path) -> None:
    async def scenario() -> None:
        config = 'color = "ultraviolet"\ntheme = "nope"\ntile_size = "huge"\nkeymap = 3\n'
        app = make_app(tmp_path, config=config)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            text = "\n".join(notes(messages))
            assert "color = 'ultraviolet' is not auto, truecolor, 256 or 16" in text
            assert "unknown theme 'nope'" in text
            assert "tile_size = 'huge' is not one of small, medium, large" in text
            assert "[keymap] must be a table" in text
            assert app.theme == "phototerm" and app.tile_size == "medium"

    run(scenario())


def test_session_is_restored(tmp_path: Path) -> None:
    async def first() -> tuple[str, str]:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("s", "down", "down", "enter")  # name A-Z
            await pilot.press("slash", *"IMG", "enter")
            await pilot.press("right", "right", "down")
            await pilot.press("w")
            name, query = cursor_name(app), app.library.spec.query
            await pilot.press("q")
        return name, query

    name, query = run(first())
    state = json.loads(
        (Path(os.environ["XDG_STATE_HOME"]) / "phototerm" / "session.json").read_text()
    )
    assert len(state["libraries"]) == 1

    async def second() -> None:
        app = make_app(tmp_path, library=False, personal=tmp_path / "lib" / "Personal")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            assert library.spec.view == "folders"
            assert (library.spec.sort, library.spec.descending) == ("name", False)
            assert library.spec.query == query == "IMG"
            assert library.searchbar.value == "IMG"
            assert cursor_name(app) == name

    run(second())


def test_corrupt_session_is_moved_aside(tmp_path: Path) -> None:
    state = Path(os.environ["XDG_STATE_HOME"]) / "phototerm"
    state.mkdir(parents=True)
    (state / "session.json").write_bytes(b"\xff{not json")

    async def scenario() -> None:
        app = make_app(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert any("session.json was unreadable" in n for n in notes(messages))
            assert len(app.library.model) == 15

    run(scenario())
    assert (state / "session.json.bad").read_bytes() == b"\xff{not json"


def test_tile_size_is_persisted(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("plus")
            assert app.tile_size == "large"
            await pilot.press("q")

    run(scenario())
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "phototerm" / "config.toml"
    assert 'tile_size = "large"' in config.read_text()


def test_worker_failure_is_a_notification(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from phototerm.tui import opening

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(opening, "open_library", broken)

    async def scenario() -> None:
        app = make_app(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert any("RuntimeError: disk on fire" in n for n in notes(messages))
            assert app.is_running and not app.indexing
            assert "0 / 0 shown" in screen_text(app)

    run(scenario())


# ---------------------------------------------------------------------------- colours


@pytest.mark.parametrize(
    ("env", "config", "mode"),
    [
        ({"TERM": "xterm-256color"}, "", "256"),
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "", "truecolor"),
        ({"TERM": "xterm-256color", "PHOTOTERM_COLOR": "truecolor"}, "", "truecolor"),
        ({"TERM": "xterm-256color"}, 'color = "truecolor"\n', "truecolor"),
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, 'color = "16"\n', "16"),
        ({"TERM": "xterm", "PHOTOTERM_COLOR": "256"}, 'color = "16"\n', "256"),
        ({"TERM": "screen"}, "", "16"),
    ],
)
def test_colour_mode_reaches_textual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict, config: str, mode: str
) -> None:
    for var in ("TERM", "COLORTERM", "PHOTOTERM_COLOR", "TEXTUAL_COLOR_SYSTEM"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    write_config(config)
    from phototerm.library.settings import load_settings

    cfg = load_settings()
    assert terminal.detect(os.environ, cfg).mode == mode
    app = PhotoApp(resolve(cfg, "", "", env={}), settings=cfg, index_on_start=False)
    try:
        expected = {"truecolor": "truecolor", "256": "256", "16": "standard"}[mode]
        assert app.console.color_system == expected
    finally:
        app.thumbnails.close()  # never run, so never unmounted: its threads end here
    # The environment is left as it was.
    assert os.environ.get("COLORTERM") == env.get("COLORTERM")
    assert os.environ.get("TERM") == env.get("TERM")


def test_no_color_greys_the_chrome_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "phototerm-mono"
            assert not app.no_color  # Textual's own filter would grey the photos too
            assert app.color.no_color and app.color.mode == "truecolor"
            assert os.environ["NO_COLOR"] == "1"

    run(scenario())

    # An explicit theme wins over NO_COLOR (no-color.org: user configuration overrides).
    async def explicit() -> None:
        app = make_app(
            tmp_path, library=False, personal=tmp_path / "lib" / "Personal", theme="phototerm"
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "phototerm"

    run(explicit())
