"""The first frame is the whole screen: tiles laid out for the size they are drawn at, the
footer's keys and the status line's focus badge in it, nothing moved a frame later."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SIZE, make_app, run, screen_lines, settle

from phototerm.tui.screens.help import HelpScreen
from phototerm.tui.screens.library import LibraryScreen
from phototerm.tui.widgets import grid as grid_module
from phototerm.tui.widgets.keys_footer import KeysFooter
from phototerm.tui.widgets.statusbar import StatusBar


def test_the_first_tiles_are_laid_out_for_the_size_they_are_drawn_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[tuple[int, int]] = []  # (layout width, the grid's content width) per line
    build_line = grid_module.ThumbnailGrid._build_line

    def recording(self, line):  # type: ignore[no-untyped-def]
        drawn.append((self._layout_width(), self._content_width()))
        return build_line(self, line)

    monkeypatch.setattr(grid_module.ThumbnailGrid, "_build_line", recording)
    app = make_app(tmp_path)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)

    run(go())
    assert drawn
    assert all(layout == width for layout, width in drawn), drawn[:3]


def test_the_library_screen_is_the_bottom_of_the_stack_with_its_focus_badge(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    badges: list[str] = []

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen_stack[0], LibraryScreen)
            status = app.screen.query_one(StatusBar)
            badges.append(str(status.query_one("#status-focus").render()))
            await settle(pilot)

    run(go())
    assert badges == ["PHOTOS"]


def test_the_footer_lists_the_keys_and_a_click_presses_one(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            footer = app.screen.query_one(KeysFooter)
            line = screen_lines(app)[-1]
            for words in ("q Quit", "? Help", "/ Search", "^p Commands"):
                assert words in line, line
            assert line.rstrip().endswith("^p Commands")
            help_at = line.index("? Help")
            await pilot.click(KeysFooter, offset=(help_at + 1, 0))
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            assert footer.is_mounted

    run(go())


def test_the_footer_shows_a_remapped_palette_key(tmp_path: Path) -> None:
    app = make_app(tmp_path, config='[keymap]\n"app.commands" = "ctrl+k"\n')

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            line = screen_lines(app)[-1]
            assert line.rstrip().endswith("^k Commands"), line
            assert "^p" not in line

    run(go())


def test_a_narrow_footer_keeps_whole_keys_and_the_palette_key(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            line = screen_lines(app)[-1]
            assert len(line) <= 80
            assert line.rstrip().endswith("^p Commands"), line
            before = line[: line.index("▏")].rstrip()
            # every key shown is shown whole: the last one ends with its description
            assert before.split()[-1] in {"Quit", "Help", "Open", "Bigger", "Smaller", "Select"}

    run(go())
