"""The browser compacting its index while photos come and go (tui/compaction.py): the swap
waits while the viewer is open, and afterwards the cursor and the selection are on the same
photos and a rating key rates the photo under the cursor, on disk."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import SIZE, Shot, make_app, make_library, run, settle

from phototerm.library.index import compaction
from phototerm.library.store import PhotoState, Store
from phototerm.tui import compaction as tui_compaction
from phototerm.tui import model as views
from phototerm.tui.screens.library import LibraryScreen
from phototerm.tui.screens.viewer import ViewerScreen

CONFIG = "[watch]\nsettle = 0.2\n"


async def until(pilot: Any, check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def test_cursor_selection_and_a_rating_stay_on_their_photos_across_a_compaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compaction, "FLOOR", 4)
    monkeypatch.setattr(tui_compaction, "QUIET", 0.1)
    monkeypatch.setattr(tui_compaction, "RETRY", 0.1)
    # "a" is walked first: its photos hold the first rows, and removing them renumbers the rest
    shots = [Shot(f"a/OLD_{i:02d}.jpg", datetime(2019, 1, 1, 8, i)) for i in range(24)]
    shots += [Shot(f"b/IMG_{i:02d}.jpg", datetime(2020, 1, 1, 8 + i % 10, i)) for i in range(16)]
    root = make_library(tmp_path / "lib", shots)

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root, config=CONFIG)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            index, library, grid = app.index, app.library, app.library.grid
            for key in ("right", "space", "right", "right", "space", "right"):
                await pilot.press(key)
            await pilot.pause()
            cursor = grid.cursor_photo_id()
            assert cursor is not None
            cursor_rel = index.get(cursor).rel
            selected = {index.get(i).rel for i in grid.selected}
            assert len(selected) == 2 and cursor_rel.startswith("b/")
            assert all(rel.startswith("b/") for rel in selected)
            await pilot.press("enter")  # the viewer holds ids: no swap while it is open
            await until(pilot, lambda: isinstance(app.screen, ViewerScreen))
            for shot in shots[:24]:
                os.remove(root / str(shot.rel))
            await until(pilot, lambda: len(index) == 16)
            assert compaction.due(index)
            await pilot.pause(0.4)  # several QUIET periods: nothing is built behind the viewer
            assert app.compactor._waiting is None and not app.compactor._building
            # a copy built just before the viewer opened waits for it to close
            app.compactor.built(compaction.compacted(index))
            await pilot.pause(0.4)  # a few retries
            assert app.compactor._waiting is not None
            assert app.compactor.swapped == 0 and index.removed_rows == 24
            assert library.model is not None
            # a model of the old numbering that the swap does not reach (as a message queued
            # with a model replaced meanwhile would hold)
            unreached = views.IndexModel(index, list(library.model.ids), [], 0)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, LibraryScreen))
            await until(pilot, lambda: app.compactor.swapped >= 1)
            await pilot.pause(0.4)  # and no second one: nothing left to gain
            assert app.compactor.swapped == 1
            assert index.removed_rows == 0 and index.numbering == 1
            now = grid.cursor_photo_id()
            assert now is not None and now != cursor  # renumbered ...
            assert index.get(now).rel == cursor_rel  # ... and on the same photo
            assert {index.get(i).rel for i in grid.selected} == selected
            assert library.model is not None and len(library.model) == 16
            assert library.model_is_current()
            assert [index.get(i).rel for i in library.model.ids] == [
                index.get(i).rel for i in index.search(None, sort="taken", descending=True)
            ]
            app.post_message(LibraryScreen.PhotoActivated(unreached, 0))  # opens nothing
            await pilot.pause(0.1)
            assert isinstance(app.screen, LibraryScreen)
            await pilot.press("enter")  # the model the screen holds: its photo, renumbered
            await until(pilot, lambda: isinstance(app.screen, ViewerScreen))
            viewer = app.screen
            assert isinstance(viewer, ViewerScreen)
            assert viewer.photo_id == now and index.get(viewer.photo_id).rel == cursor_rel
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, LibraryScreen))
            await pilot.press("escape")  # the selection off: the key rates the cursor's photo
            await pilot.press("4")
            await pilot.pause()
            store = Store.open("personal", str(root))
            try:
                states = store.get_states(f"b/IMG_{i:02d}.jpg" for i in range(16))
            finally:
                store.close()
            rated = {rel: s for rel, s in states.items() if s != PhotoState()}
            assert rated == {cursor_rel: PhotoState(4)}
            assert index.get(now).rating == 4

    run(scenario())
