"""Quitting: ctrl+c quits like q, keys typed after q do nothing (no dialog, no traceback), and
a worker thread stuck in a system call never holds the way out."""

from __future__ import annotations

from pathlib import Path

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
