"""The browser's first start on a fresh cache, and later starts from the saved index.

A first start once showed part of the library for good ("140 / 140 shown" while `ls` gave
345). The stress test starts the browser on a fresh cache again and again, with random
delays in indexing and in the library screen's mounting, and checks that once indexing is
over the grid holds every photo. Set PHOTOTERM_STRESS_RUNS (e.g. 300) for the long run; the
default suite runs a few.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest
from conftest import SIZE, make_app, make_library, run, screen_lines, settle, standard_shots

from phototerm.library.index import Index
from phototerm.library.ingest import indexer
from phototerm.tui.screens import library as library_screen

RUNS = int(os.environ.get("PHOTOTERM_STRESS_RUNS", "6"))


def _slow_indexing(monkeypatch: pytest.MonkeyPatch, rng: random.Random) -> None:
    """Small batches, each put on the index after a random pause, and a screen whose
    mounting takes a random while: the orders in which the two can meet."""
    monkeypatch.setattr(indexer, "CHUNK", 2)
    add_many = Index.add_many

    def slow_add_many(self: Index, photos):  # type: ignore[no-untyped-def]
        time.sleep(rng.random() * 0.02)
        return add_many(self, photos)

    monkeypatch.setattr(Index, "add_many", slow_add_many)
    on_mount = library_screen.LibraryScreen.on_mount

    def slow_mount(self):  # type: ignore[no-untyped-def]
        time.sleep(rng.random() * 0.05)
        on_mount(self)

    monkeypatch.setattr(library_screen.LibraryScreen, "on_mount", slow_mount)


def test_after_indexing_the_grid_holds_every_photo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from phototerm.cli import main

    personal = make_library(tmp_path / "lib" / "Personal", standard_shots("personal"))
    assert main(["ls", "--personal", str(personal), "--shared", ""]) == 0
    listed = len(capsysbinary.readouterr().out.splitlines())  # what a script sees
    rng = random.Random(1234)
    _slow_indexing(monkeypatch, rng)
    short = []

    async def once(cache: Path) -> None:
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
        app = make_app(tmp_path, personal=personal)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            shown = len(app.library.model) if app.library.model is not None else -1
            if shown != listed:
                short.append(shown)

    for i in range(RUNS):
        cache = tmp_path / f"cache{i}"
        run(once(cache))
        shutil.rmtree(cache, ignore_errors=True)
    assert listed == 15 and short == []


def test_the_first_start_draws_the_grid_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Photos indexed from scratch in less than a second: one model, the whole library."""
    from phototerm.tui.widgets.grid import ThumbnailGrid

    personal = make_library(tmp_path / "lib" / "Personal", standard_shots("personal"))
    models: list[int] = []
    set_model = ThumbnailGrid.set_model

    def record(self, model, **kw):  # type: ignore[no-untyped-def]
        models.append(len(model))
        set_model(self, model, **kw)

    monkeypatch.setattr(ThumbnailGrid, "set_model", record)

    async def scenario() -> None:
        app = make_app(tmp_path, personal=personal)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)

    run(scenario())
    assert models == [15]


def test_a_second_start_shows_the_saved_index_and_changes_in_place(tmp_path: Path) -> None:
    personal = make_library(tmp_path / "lib" / "Personal", standard_shots("personal"))

    async def first() -> None:
        app = make_app(tmp_path, personal=personal)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert not app.from_snapshot

    run(first())
    # While closed: one photo is added, one removed.
    extra = standard_shots("personal")[0]
    extra.rel = "2021/Lake/IMG_new.jpg"
    make_library(personal, [extra])
    os.remove(personal / standard_shots("personal")[-1].rel)

    async def second() -> None:
        app = make_app(tmp_path, personal=personal)
        async with app.run_test(size=SIZE) as pilot:
            # The first model is the saved library, whole, before any walk.
            assert app.from_snapshot
            await pilot.pause()
            first_model = app.library.model
            assert first_model is not None and len(first_model) == 15
            cursor = app.library.grid.cursor_photo_id()
            await settle(pilot)
            model = app.library.model
            assert model is not None and len(model) == 15  # one in, one out
            names = {app.index.get(model.photo_id(p)).name for p in range(len(model))}
            assert "IMG_new.jpg" in names
            assert app.library.grid.cursor_photo_id() == cursor  # kept on its photo
            assert "15 / 15 shown" in "\n".join(screen_lines(app))

    run(second())


def test_a_snapshot_preloaded_before_the_app_is_the_one_shown(tmp_path: Path) -> None:
    # The command line starts loading the saved index before it imports Textual and hands
    # the load to the app, which uses it rather than loading the file a second time.
    from phototerm.library import load_settings, open_library, paths, resolve
    from phototerm.library.preload import Preload

    personal = make_library(tmp_path / "lib" / "Personal", standard_shots("personal"))
    settings = load_settings()
    setup = resolve(settings, str(personal), "", env={})
    with open_library(settings, setup):  # writes the snapshot
        pass
    preload = Preload(setup, str(paths.cache_dir()))
    loaded = preload.wait(10)
    assert loaded is not None and loaded.index is not None and loaded.problem == ""

    async def scenario() -> None:
        app = make_app(tmp_path, personal=personal, preload=preload)
        assert app._preload is preload
        async with app.run_test(size=SIZE) as pilot:
            assert app.from_snapshot
            await pilot.pause()
            assert len(app.library.model) == 15
            await settle(pilot)
            assert len(app.library.model) == 15

    run(scenario())
    # A preload of another library (or of another cache) is not taken for this one.
    other = Preload(resolve(settings, str(tmp_path / "lib"), "", env={}), str(paths.cache_dir()))
    app = make_app(tmp_path, personal=personal, preload=other)
    try:
        assert app._preload is not other and app._preload is not None
    finally:
        app.thumbnails.close()


# Run in a process of its own: multiprocessing's resource tracker is started once per
# process, and one started by an earlier test would hide a failure to start it.
_INDEX_IN_A_FRESH_PROCESS = """
import asyncio, sys
from multiprocessing import resource_tracker
from phototerm.library.ingest import indexer
from phototerm.library.settings import load_settings
from phototerm.library.spaces import resolve
from phototerm.tui.app import PhotoApp

indexer.CHUNK, indexer.POOL_MIN = 2, 2  # a pool, however small the library
settings = load_settings()
app = PhotoApp(resolve(settings, sys.argv[1], "", env={}), settings=settings)

async def scenario():
    async with app.run_test(size=(200, 50)) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if not app.indexing:
                break
        print(len(app.index), resource_tracker._resource_tracker._pid is not None)

asyncio.run(scenario())
"""


def test_the_browser_reads_files_in_worker_processes_from_inside_textual(tmp_path: Path) -> None:
    # Textual's capture of sys.stderr has no file descriptor (fileno() is -1), which the
    # resource tracker's spawn rejects ("bad value(s) in fds_to_keep"). The browser no
    # longer starts the tracker before Textual does (it cost every start ~40 ms): the
    # indexer starts it when it first needs a pool.
    import subprocess
    import sys

    personal = make_library(tmp_path / "lib" / "Personal", standard_shots("personal"))
    done = subprocess.run(
        [sys.executable, "-c", _INDEX_IN_A_FRESH_PROCESS, str(personal)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["15", "True"], done.stdout + done.stderr
