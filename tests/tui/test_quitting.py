"""Quitting: ctrl+c quits like q, keys typed after q do nothing (no dialog, no traceback), and
a worker thread stuck in a system call never holds the way out."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SIZE, make_app, run, settle

from phototerm.tui.session import library_key


def test_ctrl_c_quits_like_q(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("right")
            place = app.current_session().cursor
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert not app.is_running
        # Like q, it saved where the user was.
        assert app.sessions.load(library_key(app.setup)).cursor == place

    run(scenario())


# Every key that opens something from the grid, and a few that edit or move.
AFTER_Q = ["e", "t", "a", "f", "s", "colon", "question_mark", "enter", "i", "w", "3", "x", "u"]


@pytest.mark.parametrize("after", ["e", "all"])
def test_keys_typed_after_q_open_nothing_and_raise_nothing(tmp_path: Path, after: str) -> None:
    """`q e` typed in one burst showed a NoMatches traceback from DescribeDialog.on_mount:
    the dialog was pushed onto an app already taking its screens down."""
    from test_search_ui import _burst

    keys = AFTER_Q if after == "all" else [after]

    async def scenario() -> None:
        app = make_app(tmp_path)
        pushed: list[object] = []  # screens pushed once the burst was sent
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            push = app.push_screen

            def watching(screen, *args, **kwargs):  # type: ignore[no-untyped-def]
                pushed.append(screen)
                return push(screen, *args, **kwargs)

            app.push_screen = watching  # type: ignore[method-assign]
            _burst(app, "q", *keys)
            for _ in range(10):
                await pilot.pause()
        assert pushed == []
        assert app.return_code == 0  # 1 when an exception reached Textual

    run(scenario())


def test_keys_after_q_in_the_viewer(tmp_path: Path) -> None:
    from test_search_ui import _burst

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            _burst(app, "q", "e", "t", "a", "i", "right", "escape", "question_mark")
            for _ in range(10):
                await pilot.pause()
        assert app.return_code == 0

    run(scenario())
