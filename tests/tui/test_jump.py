"""Jump to date (`:`): the day's header comes to the top of the grid; leaving Folders or a
sort by something else to get there is said, not done silently."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from conftest import SIZE, Shot, make_app, make_library, notes, run, screen_lines, settle

from phototerm.tui.widgets.grid import ThumbnailGrid


def grid_lines(app) -> list[str]:
    grid = app.library.query_one(ThumbnailGrid)
    region = grid.region
    return [
        line[region.x : region.x + region.width]
        for line in screen_lines(app)[region.y : region.y + region.height]
    ]


def days_library(tmp_path: Path) -> Path:
    """One photo a day for 30 days of June 2022: far more days than a screen shows."""
    start = datetime(2022, 6, 1, 10)
    shots = [
        Shot(f"2022/IMG_{n:03d}.jpg", start + timedelta(days=n), color=(40 + 6 * n, 120, 160))
        for n in range(30)
    ]
    return make_library(tmp_path / "lib", shots)


def test_the_days_header_is_at_the_top(tmp_path: Path) -> None:
    root = days_library(tmp_path)

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            for target, header in (
                ("2022-06-10", "Friday 10 June 2022"),  # below the screen: scrolls down
                ("2022-06-25", "Saturday 25 June 2022"),  # above it: scrolls up
                ("2022-06-14", "Tuesday 14 June 2022"),
            ):
                await pilot.press("colon", *target, "enter")
                await pilot.pause()
                photo = app.index.get(library.grid.cursor_photo_id())
                assert photo.name == f"IMG_{int(target[-2:]) - 1:03d}.jpg"
                first = grid_lines(app)[0]
                assert first.strip() == header, (target, grid_lines(app)[:3])

    run(scenario())


def test_leaving_folders_or_another_sort_is_said(tmp_path: Path) -> None:
    root = days_library(tmp_path)

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            library = app.library
            await pilot.press("w")  # Folders
            assert library.spec.view == "folders"
            await pilot.press("colon", *"2022-06-20", "enter")
            assert library.spec.view == "timeline"
            said = [n for n in notes(messages) if "Timeline by date" in n]
            assert said and "Folders" in said[-1], notes(messages)
            count = len(said)
            await pilot.press("colon", *"2022-06-03", "enter")  # already there: nothing said
            assert len([n for n in notes(messages) if "Timeline by date" in n]) == count
            await pilot.press("s", "down", "down", "enter")  # sorted by name
            assert library.spec.sort == "name"
            await pilot.press("colon", *"2022-06-12", "enter")
            assert library.spec.sort == "taken"
            said = [n for n in notes(messages) if "Timeline by date" in n]
            assert len(said) == count + 1
            assert app.index.get(library.grid.cursor_photo_id()).name == "IMG_011.jpg"

    run(scenario())
