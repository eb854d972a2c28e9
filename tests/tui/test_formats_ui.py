"""Pilot test of the browser over real HEIC, MP4 and DNG files: a video tile with its length, a
Live Photo and a RAW+JPEG pair as one tile each with their mark, a RAW without a preview as an
error tile with its reason, and a rating on a Live Photo landing on both of its files."""

from __future__ import annotations

from pathlib import Path

from conftest import make_app, run, screen_text, settle
from formats_fixtures import picture, write_dng, write_heic, write_mp4

from phototerm.library.store import Store

SIZE = (200, 50)


def library(root: Path) -> Path:
    folder = root / "Personal" / "2023"
    write_heic(folder / "IMG_0001.HEIC", size=(96, 64), orientation=6, taken="2023:05:14 10:20:30")
    write_mp4(folder / "IMG_0001.MOV", seconds=1.0, creation_time="2023-05-14T10:20:30Z")
    write_mp4(folder / "clip.mp4", seconds=75.0, fps=1, creation_time="2023-05-13T09:00:00Z")
    write_dng(folder / "DSC_0002.DNG", preview_size=(64, 48))
    picture((96, 64)).save(folder / "DSC_0002.JPG")
    write_dng(folder / "nopreview.dng", preview="none")
    return root / "Personal"


def test_grid_shows_lengths_pairs_and_raw_errors_and_rates_both_files(tmp_path: Path) -> None:
    personal = library(tmp_path / "lib")

    async def scenario() -> None:
        app = make_app(tmp_path, personal=personal)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            text = screen_text(app)
            assert "clip.mp4" in text and "▶1:15" in text  # the video's length, m:ss
            assert text.count("IMG_0001") == 1 and "LIVE" in text  # one tile for the pair
            assert text.count("DSC_0002") == 1 and "RAW+JPEG" in text
            assert "IMG_0001.MOV" not in text and "DSC_0002.DNG" not in text
            assert "no preview in this RAW" in text  # the error tile says why
            live = app.index.id_of("personal", "2023/IMG_0001.HEIC")
            assert live is not None
            # Put the cursor on the Live Photo by searching for it, then rate it.
            await pilot.press("slash", *"IMG_0001", "enter", "escape")
            await settle(pilot)
            assert app.library.grid.cursor_photo_id() == live
            await pilot.press("4")
            await pilot.press("i")
            await settle(pilot)
            text = screen_text(app)
            assert "photo, Live Photo" in text
            assert "▏ With " in text and "01.MOV" in text  # the other file (a wrapped path)

    run(scenario())
    # Both files' rows are in the store on disk when the key has returned.
    with Store.open("personal", str(personal), read_only=True) as store:
        states = store.get_states(["2023/IMG_0001.HEIC", "2023/IMG_0001.MOV"])
    assert states["2023/IMG_0001.HEIC"].rating == 4
    assert states["2023/IMG_0001.MOV"].rating == 4
