"""An empty grid says why it is empty, and the status line keeps the total it was cut from."""

from __future__ import annotations

from pathlib import Path

from conftest import SIZE, make_app, run, screen_lines, screen_text, settle


def test_a_search_that_finds_nothing_keeps_the_total_and_says_so(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"camera:leica", "enter")
            await pilot.pause()
            assert len(app.library.model) == 0
            status = screen_lines(app)[-2]
            assert "0 / 15 shown" in status, status
            assert "No photos match camera:leica" in screen_text(app)
            # The line goes away with the search.
            await pilot.press("slash", "escape")
            await pilot.pause()
            assert "15 / 15 shown" in screen_lines(app)[-2]
            assert "No photos match" not in screen_text(app)

    run(scenario())


def test_an_empty_album_says_it_is_empty(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            editor = app.edits.editor
            assert editor is not None
            assert editor.albums.create("Nothing yet", []).ok
            app.edits.edited(None, albums=True)
            await pilot.pause()
            app.library.open_album("Nothing yet")
            await pilot.pause()
            assert "This album is empty" in screen_text(app)
            assert "0 / 0 shown" in screen_lines(app)[-2]

    run(scenario())


def test_a_hostile_query_in_the_empty_line_is_plain_text(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("slash", *'"[bold]x[@click=app.quit]"', "enter")
            await pilot.pause()
            assert app.library.spec.query == '"[bold]x[@click=app.quit]"'
            assert 'No photos match "[bold]x[@click=app.quit]"' in screen_text(app)

    run(scenario())
