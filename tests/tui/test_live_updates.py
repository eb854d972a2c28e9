"""The browser while photos arrive on disk: the grid updates around the cursor, which stays
on its photo (at its place on screen) as does the selection, moves included; the status
line says how many new photos wait; an album another session deletes while it is shown
leaves the view calmly."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from conftest import SIZE, Shot, make_app, make_library, notes, run, screen_text, settle, write_shot

from phototerm.library.store import Store
from phototerm.tui import model as views

CONFIG = "[watch]\nsettle = 0.2\n"


def shots(n: int, day: int = 1) -> list[Shot]:
    return [
        Shot(f"2020/{day}/IMG_{i:03d}.jpg", datetime(2020, 1, day, 8 + i % 10, i)) for i in range(n)
    ]


async def until(pilot: Any, check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def test_the_grid_updates_while_cursor_and_selection_stay_put(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", shots(40))

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root, config=CONFIG)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library, grid = app.library, app.library.grid
            assert library.spec.view == views.TIMELINE and library.spec.descending
            for key in ("down", "down", "right", "space", "right"):  # select one, move on
                await pilot.press(key)
            await pilot.pause()
            cursor = grid.cursor_photo_id()
            selected = set(grid.selected)
            row_on_screen = grid._layout.origin(grid.cursor)[1] - grid.scroll_offset.y
            assert cursor is not None and len(selected) == 1 and grid.cursor > 0
            # newer photos: they come first in the Timeline, before the cursor's
            for i in range(12):
                write_shot(root, Shot(f"2021/NEW_{i:02d}.jpg", datetime(2021, 6, 1, 9, i)))
            await until(pilot, lambda: len(library.model or ()) == 52)
            await pilot.pause()
            assert grid.cursor_photo_id() == cursor  # the same photo
            assert grid.selected == selected
            assert grid.cursor > 12  # ... further down the grid now
            assert grid._layout.origin(grid.cursor)[1] - grid.scroll_offset.y == row_on_screen
            # the cursor's photo renamed on disk: the cursor and the selection follow it
            moving = app.index.get(cursor)
            os.rename(moving.path, os.path.join(root, "2020", "renamed.jpg"))
            (selected_id,) = selected
            os.rename(app.index.get(selected_id).path, os.path.join(root, "2020", "selected.jpg"))
            await until(pilot, lambda: app.index.id_of("personal", "2020/selected.jpg") is not None)
            await until(pilot, lambda: grid.cursor_photo_id() != cursor)
            assert app.index.get(grid.cursor_photo_id()).rel == "2020/renamed.jpg"  # type: ignore[arg-type]
            assert {app.index.get(i).rel for i in grid.selected} == {"2020/selected.jpg"}
            assert len(library.model or ()) == 52

    run(scenario())


def test_the_status_line_says_how_many_new_photos_wait(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", shots(5))

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root, config="[watch]\nsettle = 1.5\n")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for i in range(3):
                write_shot(root, Shot(f"new/N{i}.jpg", datetime(2022, 1, 1, 9, i)))
            await until(pilot, lambda: "indexing 3 new photos" in screen_text(app), 10)
            await until(pilot, lambda: len(app.library.model or ()) == 8)
            await until(pilot, lambda: "indexing" not in screen_text(app), 5)

    run(scenario())


def test_an_album_deleted_by_another_session_leaves_the_view_calmly(tmp_path: Path) -> None:
    root = make_library(tmp_path / "lib", shots(6))
    messages: list[Any] = []

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root, config=CONFIG)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            editor = app.edits.editor
            assert editor is not None
            assert editor.albums.create("Trip", app.index.ids()[:3]).ok
            app.edits.edited(None, albums=True)
            app.library.open_album("Trip")
            await pilot.pause()
            assert app.library.spec.view == views.ALBUM and len(app.library.model or ()) == 3
            other = Store.open("personal", str(root))  # another session
            other.albums.delete("Trip")
            other.close()
            await until(pilot, lambda: app.library.spec.view == views.TIMELINE, 10)
            assert app.library.spec.album is None
            assert len(app.library.model or ()) == 6
            assert any("The album 'Trip' is gone" in n for n in notes(messages))
            assert app.return_code is None  # still running, no error

    run(scenario())


def test_news_of_the_disk_while_the_screen_is_taken_down_is_dropped(tmp_path: Path) -> None:
    # The watcher and the indexer post from other threads: their messages can arrive while
    # the library screen's widgets are being removed (quitting), and must not crash the app.
    from phototerm.library.ingest.indexer import IndexProgress
    from phototerm.tui.widgets.statusbar import StatusBar

    root = make_library(tmp_path / "lib", shots(3))

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root, config=CONFIG)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            await library.query_one(StatusBar).remove()
            library.show_waiting(5)
            library.show_progress(IndexProgress(1, 3, "reading"))
            library.show_progress(None)
            await pilot.pause()
            assert library.is_mounted

    run(scenario())


def test_a_photo_removed_before_the_grid_refreshes_draws_as_gone(tmp_path: Path) -> None:
    """Between a photo leaving the index and the grid's next refresh (up to REFRESH_EVERY),
    a tile drawn for the first time must not ask the index for it and crash."""
    root = make_library(tmp_path / "lib", [shot for day in (1, 2, 3, 4) for shot in shots(55, day)])

    async def go() -> None:
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            grid = app.library.grid
            model = grid.model
            last = model.photo_id(len(model) - 1)
            rel = app.index.get(last).rel
            assert app.index.remove("personal", rel)  # the grid has not refreshed yet
            await pilot.press("end")  # the last tiles are drawn for the first time
            await pilot.pause()
            assert app.is_running
            assert "removed" in screen_text(app)
            app.library.index_changed(keep_photo=True)  # what the next refresh does
            await settle(pilot)
            assert len(grid.model) == 219
            assert "removed" not in screen_text(app)

    run(go())
