"""phototerm at 80x24, many terminals' default: what must stay on screen."""

from __future__ import annotations

from conftest import make_app, run, screen_lines, settle

from phototerm.tui.widgets.grid_layout import GridLayout
from phototerm.tui.widgets.statusbar import Status, status_line

SMALL = (80, 24)


def test_at_80x24_the_sidebar_folds_and_three_tiles_fit_centred(tmp_path) -> None:
    app = make_app(tmp_path)

    async def go() -> None:
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            library = app.library
            assert not library.sidebar.display
            grid = library.grid
            assert grid._layout.cols >= 3
            left = grid._layout.left
            right = grid._content_width() - left - (grid._layout.cols * 25 - 1)
            assert abs(left - right) <= 1  # centred
            footer = screen_lines(app)[-1]
            assert footer.lstrip().startswith("q Quit") and "? Help" in footer[:20]
            await pilot.press("ctrl+b")  # asked for, the sidebar shows
            await pilot.pause()
            assert library.sidebar.display
        wide = make_app(tmp_path / "wide")
        async with wide.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            assert wide.library.sidebar.display

    run(go())


def test_remapped_quit_keeps_its_place_in_the_footer(tmp_path) -> None:
    app = make_app(tmp_path, config='[keymap]\n"app.quit" = "ctrl+q"\n')

    async def go() -> None:
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            footer = screen_lines(app)[-1]
            assert footer.lstrip().startswith("^q Quit"), footer

    run(go())


def test_the_status_line_drops_the_sort_then_the_spaces_but_keeps_the_counts() -> None:
    status = Status("Personal + Shared", "Timeline by day", "camera:canon", 345, 345, 12,
                    "taken", True)  # fmt: skip
    wide = status_line(status, 200).plain
    assert "sorted by" in wide and "Personal" in wide and "12 selected" in wide
    narrow = status_line(status, 80).plain
    assert len(narrow) <= 80
    assert "345 / 345 shown" in narrow and "12 selected" in narrow
    assert "sorted by" not in narrow
    tiny = status_line(status, 50).plain
    assert "12 selected" in tiny and "345 / 345 shown" in tiny


def test_tiles_are_centred_and_clicks_find_them() -> None:
    layout = GridLayout(10, (), 79, (24, 9))
    assert layout.cols == 3 and layout.left == 2
    assert layout.origin(1) == (2 + 25, 0)
    assert layout.pos_at(1, 3) is None  # the margin
    assert layout.pos_at(2, 3) == 0 and layout.pos_at(28, 3) == 1


def test_narrowing_the_terminal_gives_the_keys_back_to_the_photos(tmp_path) -> None:
    """The sidebar had the focus and folds away: the grid takes it, arrows keep working."""
    app = make_app(tmp_path)

    async def go() -> None:
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            library = app.library
            library.set_focus(library.sidebar.entry_tree)
            await pilot.pause()
            await pilot.resize_terminal(*SMALL)
            await pilot.pause()
            await pilot.pause()
            assert not library.sidebar.display
            assert app.focused is library.grid
            await pilot.press("right")
            assert library.grid.cursor == 1

    run(go())
