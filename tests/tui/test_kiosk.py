"""The kiosk (Pilot tests): the grid and the viewer of an album, the slideshow on a fake clock,
keys that are not bound at all, a palette and a help that offer only what works, and a
session that writes nothing."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from conftest import notes, run, screen_text
from kiosk_helpers import (
    ALBUM,
    FakeClock,
    album_library,
    delete_album,
    files,
    kiosk_app,
    open_for_edits,
    until,
)

from phototerm.tui.kiosk.grid_screen import KioskGridScreen
from phototerm.tui.kiosk.slide_screen import SlideScreen
from phototerm.tui.screens.help import HelpScreen

SIZE = (120, 40)

# Every key that edits, selects, copies, opens a dialog or leaves in the browser, and the
# keys Textual binds itself (suspend, quit, copy).
FORBIDDEN = [
    *"012345",
    "x",
    "t",
    "a",
    "e",
    "u",
    "r",
    "R",
    "y",
    "v",
    "ctrl+a",
    "f",
    "s",
    "slash",
    "colon",
    "w",
    "z",
    "ctrl+b",
    "ctrl+g",
    "ctrl+z",
    "ctrl+c",
    "ctrl+backslash",
    "ctrl+q",
    "ctrl+s",
    "tab",
    "S",  # sharing, and the share dialog's and the Shares list's keys
    "c",
    "ctrl+d",
    "ctrl+e",
    "ctrl+n",
    "ctrl+o",
    "ctrl+r",
]

KIOSK_ACTIONS = {
    "quit",
    "help",
    "command_palette",
    "cursor_up",
    "cursor_down",
    "cursor_left",
    "cursor_right",
    "cursor_page",
    "cursor_first",
    "cursor_last",
    "activate",
    "tile_bigger",
    "tile_smaller",
    "play",
    "toggle_info",
    "step",
    "play_pause",
    "close",
    "redraw",
}


def _state(app) -> list[tuple]:
    """What an edit would change on the index: ratings, tags, descriptions, rotations."""
    index = app.index
    return [
        (p.rating, p.tags, p.description, index.rotation(i))
        for i in range(len(index))
        for p in [index.get(i)]
    ]


def test_the_album_in_a_grid_and_one_photo_at_a_time(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    app = kiosk_app(root, album=ALBUM)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, KioskGridScreen))
            assert "phototerm kiosk · Album: Family · 4 photos" in screen_text(app)
            grid = app.screen.grid
            assert [app.index.get(grid.model.photo_id(p)).name for p in range(4)] == [
                f"IMG_{n:04d}.jpg" for n in range(4)
            ]  # the album's own order
            await pilot.press("right", "enter")
            screen = app.screen
            assert isinstance(screen, SlideScreen) and not screen.slides.playing
            await until(pilot, lambda: screen.slides.due is not None or screen.photo is not None)
            await until(pilot, lambda: "2 / 4" in screen_text(app))
            assert "IMG_0001.jpg" in screen_text(app)
            await pilot.press("right", "right")
            await until(pilot, lambda: "4 / 4" in screen_text(app))
            await pilot.press("escape")
            assert isinstance(app.screen, KioskGridScreen)
            assert app.screen.grid.cursor == 3  # back on the photo shown

    run(go())


def test_editing_keys_are_not_bound_do_nothing_and_nothing_is_written(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    before = files(tmp_path)
    app = kiosk_app(root, album=ALBUM)
    messages: list = []

    async def go() -> None:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await until(pilot, lambda: isinstance(app.screen, KioskGridScreen))
            state = _state(app)
            for screen_kind in (KioskGridScreen, SlideScreen):
                if screen_kind is SlideScreen:
                    await pilot.press("enter")
                screen = app.screen
                assert isinstance(screen, screen_kind)
                for key in FORBIDDEN:
                    assert key not in screen.active_bindings, key
                    await pilot.press(key)
                    assert app.screen is screen, f"{key} opened {app.screen}"
                    assert len(app.screen_stack) == (2 if screen_kind is KioskGridScreen else 3)
            grid = app.screen_stack[1].grid
            assert grid.selected == set() and grid.tile_size == "medium"
            assert _state(app) == state
            assert notes(messages) == []  # not even a refusal: the keys do nothing at all
            assert app.clipboard == ""
            assert not app.quitting  # ctrl+c, ctrl+q and ctrl+\ did not end it
        assert app.return_code in (None, 0)

    run(go())
    assert files(tmp_path) == before


def test_footer_help_and_palette_offer_only_what_works(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    app = kiosk_app(root, album=ALBUM)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, KioskGridScreen))
            titles: list[str] = []
            for step in ("grid", "slides"):
                if step == "slides":
                    await pilot.press("enter")
                screen = app.screen
                actions = {b.binding.action.split("(")[0] for b in screen.active_bindings.values()}
                assert actions <= KIOSK_ACTIONS, actions - KIOSK_ACTIONS
                titles += [c.title for c in app.get_system_commands(screen)]
            themes = [t for t in titles if t.startswith("Theme: ")]
            assert "Theme: phototerm" in themes and "Theme: darkroom" in themes
            others = sorted(set(titles) - set(themes))
            assert others == [
                "Back to the photos",
                "Help: every key",
                "Info panel",
                "Next photo",
                "Previous photo",
                "Quit",
                "Slideshow",
                "Slideshow: play or pause",
            ]
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            text = screen_text(app)
            assert "Nothing here changes, copies or saves anything" in text
            for word in ("Tags", "Rate", "Select", "Copy", "keymap", "sidebar", "Search"):
                assert word not in text, word
            for word in ("Quit", "Slideshow", "Play/Pause", "Bigger", "Info"):
                assert word in text, word
            await pilot.press("escape")
            footer = screen_text(app).splitlines()[-1]  # the viewer's (paused)
            assert footer.split()[:4] == ["q", "Quit", "?", "Help"]
            assert footer.split()[4:10] == ["→", "Next", "←", "Previous", "space", "Play/Pause"]
            await pilot.press("escape")
            footer = screen_text(app).splitlines()[-1]  # the grid's
            assert "space Slideshow" in footer
            for word in ("Select", "Tags", "Albums", "Undo", "Search", "Filter", "Copy"):
                assert word not in footer, word

    run(go())


def test_at_80x24_the_footer_still_says_how_to_quit_and_get_help(tmp_path: Path) -> None:
    app = kiosk_app(album_library(tmp_path), album=ALBUM)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, KioskGridScreen))
            await pilot.pause()
            grid_footer = screen_text(app).splitlines()[-1]
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SlideScreen))
            await pilot.pause()
            photo_footer = screen_text(app).splitlines()[-1]
            for footer in (grid_footer, photo_footer):
                assert footer.split()[:4] == ["q", "Quit", "?", "Help"], footer

    run(go())


def test_textual_writers_are_turned_off(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    os.chdir(tmp_path)  # where Textual would save a screenshot
    before = files(tmp_path)
    app = kiosk_app(root, album=ALBUM)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, KioskGridScreen))
            app.action_screenshot()
            assert app.deliver_screenshot() is None
            assert app.save_screenshot(path=str(tmp_path)) == ""
            app.copy_to_clipboard("/secret/path")
            app.open_url("https://example.org")
            assert app.clipboard == ""
            # The palette has no "Screenshot" to run: typing it and Enter finds nothing.
            await pilot.press("ctrl+p", *"Screenshot", "enter")
            await pilot.pause(0.3)
            await pilot.press("escape")

    run(go())
    assert files(tmp_path) == before


def test_the_kiosk_writes_only_the_cells_that_change(tmp_path: Path) -> None:
    """Over a guest's SSH link a slide costs the cells that differ (tui/output/)."""
    from textual.drivers.linux_driver import LinuxDriver

    app = kiosk_app(album_library(tmp_path), album=ALBUM)
    try:
        assert issubclass(app.driver_class, LinuxDriver)
        assert app.driver_class.__name__.startswith("Diffing")
    finally:
        # Never run, so never unmounted: what the app opened is closed here (its thumbnail
        # threads left running would make later tests in this process see a threaded one).
        app.library.close()
        app.thumbnails.close()


def test_the_slideshow_advances_on_the_fake_clock(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    clock = FakeClock()
    app = kiosk_app(root, album=ALBUM, slideshow=10.0, caption=True, clock=clock)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, SlideScreen))
            screen = app.screen
            assert screen.slides.playing
            shown: list[str] = []
            for _ in range(6):
                await until(pilot, lambda: screen.slides.due is not None)
                shown.append(screen.photo.name)
                clock.now += 9.9
                screen.tick()
                assert screen.slides.due is not None  # not yet
                clock.now += 0.1
                screen.tick()
            assert shown == [f"IMG_{n:04d}.jpg" for n in (0, 1, 2, 3, 0, 1)]
            await until(pilot, lambda: screen.slides.due is not None)
            # Playing: the photo and its caption (the date, and the place or the folder).
            lines = screen_text(app).splitlines()
            assert "1 June 2021 · 2021" in lines[-1]  # the last line: no footer while playing
            assert "Play/Pause" not in screen_text(app)  # no footer while it plays
            await pilot.press("space")  # pause: where it is and the keys
            assert not screen.slides.playing
            assert "⏸ 3 / 4" in screen_text(app) and "Play/Pause" in screen_text(app)
            clock.now += 1000
            screen.tick()
            assert screen.slides.current == screen.model.photo_id(2)

    run(go())


def test_a_photo_deleted_or_broken_mid_slideshow_is_skipped(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    clock = FakeClock()
    app = kiosk_app(root, album=ALBUM, slideshow=5.0, clock=clock)

    async def next_slide(pilot, screen) -> str:
        await until(pilot, lambda: screen.slides.due is not None)
        name = screen.photo.name
        clock.now += 5
        screen.tick()
        return name

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, SlideScreen))
            screen = app.screen
            first_round = [await next_slide(pilot, screen) for _ in range(4)]
            assert first_round == [f"IMG_{n:04d}.jpg" for n in range(4)]  # each one decoded
            os.remove(root / "2021" / "IMG_0001.jpg")  # deleted
            (root / "2021" / "IMG_0002.jpg").write_bytes(b"not a jpeg any more")  # broken
            second_round = [await next_slide(pilot, screen) for _ in range(3)]
            assert second_round == ["IMG_0000.jpg", "IMG_0003.jpg", "IMG_0000.jpg"]
            assert screen.waiting == ""

    run(go())


def test_nothing_to_show_waits_calmly_and_tries_again(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    keep = tmp_path / "kept"
    clock = FakeClock()
    app = kiosk_app(root, album=ALBUM, slideshow=5.0, clock=clock)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, SlideScreen))
            screen = app.screen
            await until(pilot, lambda: screen.slides.due is not None)
            shutil.move(root / "2021", keep)  # the NAS share went away
            clock.now += 5
            screen.tick()
            await until(pilot, lambda: bool(screen.waiting))
            await until(pilot, lambda: "No photo can be shown right now" in screen_text(app))
            assert "Trying again every 30 seconds." in screen_text(app)
            app.check_library()  # what the 30 s timer runs: still nothing
            await pilot.pause(0.3)
            assert screen.waiting
            shutil.move(keep, root / "2021")  # it is back
            app.check_library()
            await until(pilot, lambda: not screen.waiting and screen.slides.due is not None)

    run(go())


def test_a_vanished_album_says_so_and_is_retried(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    app = kiosk_app(root, album=ALBUM, slideshow=5.0, retry_every=0.2)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, SlideScreen))
            screen = app.screen
            await until(pilot, lambda: screen.slides.due is not None)
            delete_album(root, ALBUM)  # another session deletes it
            await until(pilot, lambda: "The album Family is not here right now" in screen_text(app))
            assert "Trying again every 0.2 seconds." in screen_text(app)
            assert screen.waiting and len(screen.slides) == 0
            await pilot.press("escape")  # the grid says it too
            await until(pilot, lambda: "The album Family is not here right now" in screen_text(app))
            from kiosk_helpers import make_album

            make_album(root, ALBUM, ["2021/IMG_0005.jpg", "2021/IMG_0004.jpg"])
            await until(pilot, lambda: "Album: Family · 2 photos" in screen_text(app))

    run(go())


def test_a_resize_draws_the_photo_again_at_the_new_size(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    app = kiosk_app(root, album=ALBUM, slideshow=5.0)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, SlideScreen))
            screen = app.screen
            canvas = screen.query_one("#photo-canvas")
            await until(pilot, lambda: len(canvas.strips) == canvas.size.height > 0)
            await pilot.resize_terminal(60, 20)
            await until(pilot, lambda: len(canvas.strips) == canvas.size.height == 20)
            assert canvas.size.width == 60
            await pilot.resize_terminal(*SIZE)
            await until(pilot, lambda: len(canvas.strips) == canvas.size.height == SIZE[1])

    run(go())


@pytest.mark.slow
def test_ten_thousand_slides_on_a_fast_clock_keep_memory_bounded(tmp_path: Path) -> None:
    """10,000 slides go by (12 photos, round and round). Python objects are counted after
    1,000 and after 10,000 slides; tracemalloc follows the last 2,000 (it slows every
    allocation down several times, too much for all 10,000 in the suite): what they
    allocated and still hold stays under a bound and does not grow from slide 9,000 to
    10,000; the decoded pictures kept stay under the kiosk's bound."""
    import gc
    import tracemalloc

    root = album_library(tmp_path, count=12, in_album=12)
    clock = FakeClock()
    app = kiosk_app(root, album=ALBUM, slideshow=1.0, caption=True, clock=clock)
    objects: dict[int, int] = {}
    held: dict[int, int] = {}  # bytes allocated since slide 8,000 and still held

    async def go() -> None:
        async with app.run_test(size=(40, 12)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, SlideScreen))
            screen = app.screen
            slides = screen.slides
            on_screen = asyncio.Event()
            shown_now = slides.shown

            def shown_and_told() -> None:  # the slide is on screen: the test goes on at once
                shown_now()
                on_screen.set()

            slides.shown = shown_and_told  # type: ignore[method-assign]
            await until(pilot, lambda: slides.due is not None)
            on_screen.set()
            try:
                for shown in range(1, 10_001):
                    await asyncio.wait_for(on_screen.wait(), 30)
                    on_screen.clear()
                    clock.now += 1.0
                    screen.tick()
                    if shown in (1_000, 9_000, 10_000):
                        await pilot.pause()
                        gc.collect()
                        objects[shown] = len(gc.get_objects())
                        held[shown] = tracemalloc.get_traced_memory()[0]
                    if shown == 8_000:
                        tracemalloc.start()
            finally:
                tracemalloc.stop()
            assert screen.waiting == "" and screen.failures == 0
            assert app.thumbnails.memory_count() <= 200  # the kiosk's bound on pictures

    run(go())
    print("kiosk memory: objects", objects, "held", held)
    assert objects[10_000] - objects[1_000] < 2_000, objects
    assert held[10_000] < 500_000, held
    assert held[10_000] - held[9_000] < 50_000, held  # 1,000 more slides: nothing kept


def test_a_slideshow_waits_for_an_empty_album_and_starts_when_photos_come(tmp_path: Path) -> None:
    root = album_library(tmp_path, in_album=0)
    app = kiosk_app(root, album=ALBUM, slideshow=5.0, retry_every=0.2)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, KioskGridScreen))
            text = screen_text(app)
            assert "No photos to show right now. Trying again every 0.2 seconds." in text
            with open_for_edits(root) as library:
                ids = [library.index.id_of("personal", f"2021/IMG_000{n}.jpg") for n in (4, 5)]
                assert library.editor.albums.add(ALBUM, ids).ok
            await until(pilot, lambda: isinstance(app.screen, SlideScreen))
            screen = app.screen
            assert screen.slides.playing
            await until(pilot, lambda: screen.photo is not None)
            assert screen.photo.name == "IMG_0004.jpg"

    run(go())


def test_paused_on_a_photo_that_is_gone_it_says_so(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    app = kiosk_app(root, album=ALBUM)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, KioskGridScreen))
            os.remove(root / "2021" / "IMG_0001.jpg")
            await pilot.press("enter")
            screen = app.screen
            await until(pilot, lambda: screen.photo is not None)
            await pilot.press("right")
            await until(pilot, lambda: "Not here any more: IMG_0001.jpg" in screen_text(app))
            assert "2 / 4" in screen_text(app)
            await pilot.press("space")  # play: on to the next one that is there
            await until(pilot, lambda: screen.photo is not None)
            assert screen.photo.name == "IMG_0002.jpg" and screen.slides.playing

    run(go())


def test_a_search_kiosk_shuffled(tmp_path: Path) -> None:
    import random

    root = album_library(tmp_path, count=8)
    app = kiosk_app(root, query="-IMG_0003", slideshow=3.0, shuffle=True, rng=random.Random(3))

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, SlideScreen))
            screen = app.screen
            names = sorted(app.index.get(i).name for i in screen.slides.order)
            assert names == [f"IMG_{n:04d}.jpg" for n in range(8) if n != 3]
            assert screen.slides.order != sorted(screen.slides.order)  # shuffled
            await pilot.press("escape")
            assert "phototerm kiosk · Search: -IMG_0003 · 7 photos" in screen_text(app)

    run(go())


def test_markup_and_escapes_in_names_are_shown_as_text(tmp_path: Path) -> None:
    from datetime import datetime

    from conftest import Shot, make_library
    from kiosk_helpers import make_album

    names = ["2021/[bold]x.jpg", "2021/\x1b]0;evil\x07.jpg"]
    root = make_library(
        tmp_path / "Photos", [Shot(n, datetime(2021, 1, 1 + i)) for i, n in enumerate(names)]
    )
    album = "[@click=app.quit]Trip"
    make_album(root, album, names)
    app = kiosk_app(root, album=album, caption=True)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, KioskGridScreen))
            assert "Album: [@click=app.quit]Trip · 2 photos" in screen_text(app)
            await pilot.press("enter")
            await until(pilot, lambda: "[bold]x.jpg" in screen_text(app))
            await pilot.press("right")
            await until(pilot, lambda: "]0;evil" in screen_text(app))
            assert "\x1b" not in screen_text(app) and "\x07" not in screen_text(app)
            assert not app.quitting

    run(go())
