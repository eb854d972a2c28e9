"""The viewer: Enter opens the cursor photo full size, next/prev, info panel, Esc back."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from conftest import Shot, make_app, make_library, run, screen_lines, screen_text, settle

from phototerm.tui.screens.library import LibraryScreen
from phototerm.tui.screens.viewer import ViewerScreen
from phototerm.tui.widgets.photoview import PhotoView, _Canvas

SIZE = (200, 50)


async def wait_for_photo(pilot, timeout: float = 15.0) -> _Canvas:
    """Until the viewer's canvas holds the rendered photo (or a message is shown)."""
    view = pilot.app.screen.query_one(PhotoView)
    canvas = view.query_one(_Canvas)
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        if view._wanted is not None and view._shown == view._wanted:
            break
    await pilot.pause()
    return canvas


def test_viewer_next_prev_info_and_back(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            model = library.model
            await pilot.press("right", "right")
            start = library.grid.cursor_photo_id()
            await pilot.press("enter")
            viewer = app.screen
            assert isinstance(viewer, ViewerScreen) and viewer.photo_id == start
            canvas = await wait_for_photo(pilot)
            # As large as the terminal allows: every line of the photo area is the picture.
            assert len(canvas.strips) == canvas.size.height == SIZE[1] - 2
            assert all(s.cell_length == canvas.size.width == SIZE[0] for s in canvas.strips)
            name = app.index.get(start).name
            assert f"3 / {len(model)}" in screen_lines(app)[0] and name in screen_lines(app)[0]

            await pilot.press("right")
            assert viewer.photo_id == model.photo_id(3)
            await pilot.press("l", "n")
            assert viewer.photo_id == model.photo_id(5)
            await pilot.press("left")
            assert viewer.photo_id == model.photo_id(4)
            await pilot.press("home")
            assert viewer.position == 0
            await pilot.press("left")  # already first: stays (a bell)
            assert viewer.position == 0
            await pilot.press("end")
            assert viewer.position == len(model) - 1

            await pilot.press("i")
            await pilot.pause()
            photo = app.index.get(viewer.photo_id)
            text = screen_text(app)
            for label in (
                "Taken",
                "Camera",
                "Lens",
                "Exposure",
                "ISO",
                "Focal",
                "GPS",
                "Size",
                "Path",
                "Rating",
            ):
                assert label in text
            assert photo.camera in text and "1/250 s f/4" in text and "50 mm" in text
            # The photo shrinks to make room for the panel.
            canvas = await wait_for_photo(pilot)
            assert canvas.size.width < SIZE[0]

            await pilot.press("left")
            last = viewer.photo_id
            await pilot.press("escape")
            assert isinstance(app.screen, LibraryScreen)
            assert library.grid.cursor_photo_id() == last  # back on the same photo
            # The info panel stays open for the next viewer (a preference of the session).
            await pilot.press("enter")
            assert app.screen.query_one("#viewer-info").display

    run(scenario())


def test_viewer_shows_gps_and_rating(tmp_path: Path) -> None:
    async def scenario() -> None:
        root = make_library(
            tmp_path / "p",
            [
                Shot("geo.jpg", datetime(2021, 5, 1, 10), gps=(48.8566, 2.3522), rating=4),
            ],
        )
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter", "i")
            await wait_for_photo(pilot)
            text = screen_text(app)
            assert "48.85660, 2.35220" in text
            assert "★★★★☆" in text
            assert "2021-05-01 10:00:00" in text

    run(scenario())


def test_viewer_on_a_broken_file_says_why(tmp_path: Path) -> None:
    async def scenario() -> None:
        root = make_library(tmp_path / "p", [Shot("fine.jpg", datetime(2020, 1, 1))])
        (root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            broken = app.index.id_of("personal", "broken.jpg")
            library.grid.move_to_photo(broken)
            await pilot.press("enter")
            await wait_for_photo(pilot)
            text = screen_text(app)
            assert "Cannot show broken.jpg" in text
            assert "⚠ damaged JPEG" in screen_lines(app)[0]  # the reason, in the caption
            await pilot.press("right")  # the next one renders normally
            canvas = await wait_for_photo(pilot)
            assert canvas.strips
            assert not app.screen.query_one("#photo-message").display

    run(scenario())


def test_viewer_on_a_truncated_jpeg_shows_what_decodes_and_why(tmp_path: Path) -> None:
    from PIL import Image

    from phototerm.library.metadata import reader as metadata
    from phototerm.samples import exifwrite

    async def scenario() -> None:
        root = make_library(tmp_path / "p", [Shot("fine.jpg", datetime(2020, 1, 1))])
        image = Image.effect_noise((1024, 768), 40).convert("RGB")
        exifwrite.write_jpeg(str(root / "cut.jpg"), image, {"model": "T"})
        data = (root / "cut.jpg").read_bytes()
        (root / "cut.jpg").write_bytes(data[: len(data) // 2])
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            cut = app.index.id_of("personal", "cut.jpg")
            assert app.index.get(cut).error == metadata.TRUNCATED_JPEG
            app.library.grid.move_to_photo(cut)
            await pilot.press("enter")
            canvas = await wait_for_photo(pilot)
            assert canvas.strips  # the part that decodes is drawn
            assert not app.screen.query_one("#photo-message").display
            assert "⚠ truncated JPEG" in screen_lines(app)[0]
            await pilot.press("i")
            await pilot.pause()
            assert "the file ends before the image does" in screen_text(app)

    run(scenario())


def test_viewer_follows_a_resize(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            canvas = await wait_for_photo(pilot)
            await pilot.resize_terminal(120, 40)
            for _ in range(100):
                await pilot.pause(0.05)
                if canvas.strips and canvas.strips[0].cell_length == 120:
                    break
            assert len(canvas.strips) == 38 and canvas.strips[0].cell_length == 120
            assert isinstance(app.screen.query_one(PhotoView), PhotoView)

    run(scenario())


def test_viewer_survives_rapid_keys(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter", *(["right"] * 10), *(["left"] * 3))
            await asyncio.sleep(0)
            viewer = app.screen
            assert viewer.position == 7
            canvas = await wait_for_photo(pilot)
            # The render that arrives last is the one for the photo now shown.
            view = viewer.query_one(PhotoView)
            assert view._shown is not None and view._shown.photo.rel == view.photo.rel
            assert canvas.strips

    run(scenario())
