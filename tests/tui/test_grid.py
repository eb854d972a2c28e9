"""ThumbnailGrid with Pilot: navigation, pages, selection, resize, messages, hostile names."""

from __future__ import annotations

import asyncio
import functools
import os
from dataclasses import dataclass
from typing import ClassVar

import pytest
from PIL import Image
from textual.app import App, ComposeResult
from textual.binding import Binding

from phototerm.library import extras
from phototerm.library.photo import VIDEO, Photo
from phototerm.library.thumbnails import ThumbnailService
from phototerm.samples import exifwrite
from phototerm.tui.widgets.grid import TILE_SIZES, ThumbnailGrid

SIZE = (200, 50)


def sync(test):
    """Run an async test with asyncio.run (no async pytest plugin in the venv)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


COLS = 8  # medium tiles (24 + 1 gap) in 199 columns (the scrollbar takes one)
HOSTILE = ["[bold]x.jpg", "[@click=app.quit]x.jpg", "esc\x1b[2J\x1b]0;t\x07.jpg"]


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    start: int
    count: int


class Model:
    def __init__(self, photos: list[Photo], groups: list[Group] | None = None) -> None:
        self.photos = photos
        self.groups = groups or []
        self.ids = [1000 + i for i in range(len(photos))]

    def __len__(self) -> int:
        return len(self.photos)

    def sections(self):
        return self.groups

    def photo_id(self, pos: int) -> int:
        return self.ids[pos]

    def photo(self, pos: int) -> Photo:
        return self.photos[pos]

    def position_of(self, photo_id: int) -> int | None:
        pos = photo_id - 1000
        return pos if 0 <= pos < len(self.photos) else None


def fake_photos(n: int, root: str = "/nonexistent") -> list[Photo]:
    return [
        Photo("personal", root, f"IMG_{i:05d}.jpg", size=100 + i, mtime=1.0e9 + i) for i in range(n)
    ]


def real_photos(folder, names) -> list[Photo]:
    os.makedirs(folder, exist_ok=True)
    photos = []
    for i, name in enumerate(names):
        path = os.path.join(folder, name)
        image = Image.new("RGB", (320, 240), ((i * 40) % 256, 120, 200))
        exifwrite.write_jpeg(path, image, {"model": "T"})
        st = os.stat(path)
        photos.append(Photo("personal", str(folder), name, size=st.st_size, mtime=st.st_mtime))
    return photos


class Host(App[None]):
    BINDINGS: ClassVar = [Binding("escape", "escaped", "Esc", id="host.escape", tooltip="test")]

    def __init__(self, service: ThumbnailService, model: Model) -> None:
        super().__init__()
        self.service = service
        self.model = model
        self.escaped = 0
        self.messages: list = []

    def compose(self) -> ComposeResult:
        yield ThumbnailGrid(self.service, id="grid")

    def on_mount(self) -> None:
        grid = self.query_one(ThumbnailGrid)
        grid.set_model(self.model)
        grid.focus()

    def action_escaped(self) -> None:
        self.escaped += 1

    def on_thumbnail_grid_cursor_moved(self, m: ThumbnailGrid.CursorMoved) -> None:
        self.messages.append(("moved", m.photo_id, m.position))

    def on_thumbnail_grid_activated(self, m: ThumbnailGrid.Activated) -> None:
        self.messages.append(("activated", m.photo_id, m.position))

    def on_thumbnail_grid_selection_changed(self, m: ThumbnailGrid.SelectionChanged) -> None:
        self.messages.append(("selection", m.count))


@pytest.fixture
def service(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    svc = ThumbnailService(str(tmp_path / "cache"), workers=2, freedesktop_dir="")
    yield svc
    svc.close()


def screen_text(grid: ThumbnailGrid) -> list[str]:
    return [grid.render_line(y).text for y in range(grid.size.height)]


async def settle(pilot, service) -> None:
    for _ in range(200):
        await pilot.pause(0.01)
        if not service.pending():
            break
    await pilot.pause()


@sync
async def test_arrow_keys_and_vim_keys_move_the_cursor(service):
    app = Host(service, Model(fake_photos(100)))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        assert grid._layout.cols == COLS
        await pilot.press("right", "right", "l")
        assert grid.cursor == 3
        await pilot.press("down")
        assert grid.cursor == 3 + COLS
        await pilot.press("j", "k", "up")
        assert grid.cursor == 3
        await pilot.press("left", "h", "h", "h", "left")  # stops at the first photo
        assert grid.cursor == 0
        await pilot.press("end")
        assert grid.cursor == 99
        await pilot.press("right")
        assert grid.cursor == 99
        await pilot.press("home")
        assert grid.cursor == 0
        await pilot.press("G")
        assert grid.cursor == 99
        await pilot.press("g")
        assert grid.cursor == 0
        assert app.messages[-1] == ("moved", 1000, 0)


@sync
async def test_page_moves_keep_the_cursor_on_screen(service):
    app = Host(service, Model(fake_photos(2000)))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        rows = grid._page_rows()
        assert rows == 50 // grid._layout.tile_h
        await pilot.press("pagedown")
        assert grid.cursor == rows * COLS
        await pilot.press("pagedown", "pagedown")
        assert grid.cursor == 3 * rows * COLS
        _x, top = grid._layout.origin(grid.cursor)
        assert grid.scroll_offset.y <= top
        assert top + grid._layout.thumb_rows < grid.scroll_offset.y + grid.size.height
        await pilot.press("pageup")
        assert grid.cursor == 2 * rows * COLS
        await pilot.press("end", "pagedown")
        assert grid.cursor == 1999


@sync
async def test_sections_have_headers_and_rows_restart(service):
    groups = [Group("a", "Monday 1", 0, 3), Group("b", "Tuesday 2", 3, 20)]
    app = Host(service, Model(fake_photos(23), groups))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        text = screen_text(grid)
        assert text[0].strip() == "Monday 1"
        tile_h = grid._layout.tile_h
        assert text[1 + tile_h].strip() == "Tuesday 2"
        await pilot.press("right", "right", "right")  # into the second section
        assert grid.cursor == 3
        await pilot.press("up")  # column 0 of the short first row above
        assert grid.cursor == 0
        await pilot.press("right", "right", "down")  # column 2 -> section 2, column 2
        assert grid.cursor == 5


@sync
async def test_selection_keys(service):
    app = Host(service, Model(fake_photos(50)))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        await pilot.press("space")
        assert grid.selected == {1000}
        await pilot.press("right", "right", "right", "v")
        assert grid.selected == {1000, 1001, 1002, 1003}
        assert grid.selection_or_cursor() == [1000, 1001, 1002, 1003]
        await pilot.press("space")  # toggles the cursor photo off
        assert grid.selected == {1000, 1001, 1002}
        await pilot.press("ctrl+a")
        assert len(grid.selected) == 50
        assert ("selection", 50) in app.messages
        caption = screen_text(grid)[grid._layout.thumb_rows]
        assert caption.count("✓") == COLS
        await pilot.press("escape")
        assert grid.selected == set() and app.escaped == 0
        assert grid.selection_or_cursor() == [1003]
        await pilot.press("escape")  # nothing selected: Escape goes on to the app
        assert app.escaped == 1


@sync
async def test_selected_tiles_are_framed(service):
    """A selection is seen at a glance: the thumbnail itself is framed, not only ✓'d."""
    app = Host(service, Model(fake_photos(200)))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        w, rows = TILE_SIZES[grid.tile_size]
        step = w + 1

        def tile_rows(col: int) -> list[str]:
            return [line[col * step : col * step + w] for line in screen_text(grid)[:rows]]

        assert not any("┏" in line for line in screen_text(grid))
        await pilot.press("right", "space")
        framed = tile_rows(1)
        assert framed[0] == "┏" + "━" * (w - 2) + "┓"
        assert framed[-1] == "┗" + "━" * (w - 2) + "┛"
        assert all(line[0] == "┃" and line[-1] == "┃" for line in framed[1:-1])
        assert "┏" not in tile_rows(0)[0] and "┏" not in tile_rows(2)[0]
        await pilot.press("space")  # unselected: the frame goes
        assert "┏" not in tile_rows(1)[0]
        # Select all, then scroll: tiles drawn before the selection are drawn framed.
        await pilot.press("pagedown", "pagedown", "pageup", "pageup", "ctrl+a", "pagedown")
        await pilot.pause()
        top = [line for line in screen_text(grid) if "━" in line]
        assert top and all(line.count("┏") == COLS for line in top if "┏" in line)
        await pilot.press("escape", "pageup")
        assert not any("┏" in line or "┃" in line for line in screen_text(grid))


@sync
async def test_enter_and_double_click_activate(service):
    app = Host(service, Model(fake_photos(30)))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        await pilot.press("right", "enter")
        assert app.messages[-1] == ("activated", 1001, 1)
        await pilot.click(ThumbnailGrid, offset=(25 * 2 + 3, 3))  # third tile
        assert grid.cursor == 2
        assert app.messages[-1] == ("moved", 1002, 2)
        await pilot.click(ThumbnailGrid, offset=(25 * 3 + 3, 3), times=2)
        assert ("activated", 1003, 3) in app.messages


@sync
async def test_cursor_move_repaints_only_two_caption_lines(service, monkeypatch):
    app = Host(service, Model(fake_photos(200)))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        await pilot.pause()
        regions = []
        original = grid.refresh

        def spy(*args, **kwargs):
            regions.append(args)
            return original(*args, **kwargs)

        monkeypatch.setattr(grid, "refresh", spy)
        await pilot.press("right")
        await pilot.press("down")
        flat = [r for call in regions for r in call]
        assert len(regions) == len(flat) == 4  # old + new caption, twice
        tile_w = TILE_SIZES["medium"][0]
        assert all(r.height == 1 and r.width == tile_w for r in flat)


@sync
async def test_tile_size_keys_change_the_layout(service):
    app = Host(service, Model(fake_photos(300)))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        await pilot.press("right", "right", "right", "right", "right")
        await pilot.press("plus")
        assert grid.tile_size == "large" and grid._layout.cols == 5
        await pilot.press("minus", "minus", "minus")
        assert grid.tile_size == "small" and grid._layout.cols == 11
        assert grid.cursor == 5  # same photo


@sync
async def test_resize_reflows_and_keeps_cursor_photo_in_view(service):
    app = Host(service, Model(fake_photos(5000)))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        grid.move_to_photo(1000 + 3210)
        await pilot.pause()
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert grid._layout.cols == 3
        assert grid.cursor == 3210 and grid.cursor_photo_id() == 4210
        _x, top = grid._layout.origin(grid.cursor)
        assert grid.scroll_offset.y <= top < grid.scroll_offset.y + grid.size.height


@sync
async def test_set_model_keeps_cursor_photo_and_prunes_selection(service):
    photos = fake_photos(100)
    app = Host(service, Model(photos))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        grid.move_to_photo(1050)
        grid.selected = {1050, 1010}
        await pilot.pause()

        class Tail(Model):  # photos 40.. only; ids keep their meaning
            def __init__(self):
                super().__init__(photos[40:])
                self.ids = [1040 + i for i in range(60)]

            def position_of(self, photo_id):
                pos = photo_id - 1040
                return pos if 0 <= pos < 60 else None

        grid.set_model(Tail())
        await pilot.pause()
        assert grid.cursor == 10 and grid.cursor_photo_id() == 1050
        assert grid.selected == {1050}


@sync
async def test_hostile_names_render_as_plain_text(tmp_path, service):
    photos = real_photos(tmp_path / "lib", ["[bold]x.jpg", "[@click=app.quit]x.jpg", "ok.jpg"])
    weird = Photo("personal", str(tmp_path), "esc\x1b[2J\x1b]0;t\x07.jpg", size=1, mtime=1.0)
    app = Host(service, Model([*photos, weird]))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        await settle(pilot, service)
        caption_line = grid.render_line(grid._layout.thumb_rows)
        text = caption_line.text
        assert "[bold]x.jpg" in text
        assert "[@click=app.quit]" in text[:60] or "[@click=app.qu" in text
        assert "esc\ufffd[2J\ufffd]0;t\ufffd" in text
        for segment in caption_line:
            assert "\x1b" not in segment.text and "\x07" not in segment.text
            assert not (segment.style and segment.style.meta)
            assert not (segment.style and segment.style.bold and "x.jpg" in segment.text
                        and grid.cursor != 0)  # fmt: skip
        await pilot.click(ThumbnailGrid, offset=(25 + 3, grid._layout.thumb_rows))
        await pilot.pause()
        assert app.is_running and grid.cursor == 1


@sync
async def test_thumbnails_load_and_broken_files_show_an_error_tile(tmp_path, service, monkeypatch):
    # Without the video extra a video has no picture: a film strip (see test_formats for
    # posters).
    monkeypatch.setattr(extras, "installed", lambda extra: False)
    photos = real_photos(tmp_path / "lib", ["a.jpg", "b.jpg"])
    broken = tmp_path / "lib" / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xffnot really")
    st = os.stat(broken)
    bad = Photo("personal", str(tmp_path / "lib"), "broken.jpg", size=st.st_size, mtime=st.st_mtime)
    (tmp_path / "lib" / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    video = Photo("personal", str(tmp_path / "lib"), "clip.mp4", kind=VIDEO, size=12, mtime=1.0)
    app = Host(service, Model([*photos, bad, video]))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        await settle(pilot, service)
        assert len(grid._cells) == 2  # both real photos drawn as pixels
        reason = grid.tile_error(1002)  # the reason, for the app's info panel and the tile
        assert reason and grid.tile_error(1000) == ""
        text = screen_text(grid)
        middle = TILE_SIZES["medium"][1] // 2
        assert "⚠" in text[middle - 1][50:75]
        assert reason.split()[0] in text[middle][50:75]  # the tile says why
        assert "▶" in "".join(row[75:100] for row in text[1 : middle + 1])  # a film strip
        assert "install" in "".join(row[75:100] for row in text[1:])  # and its extra
        caption = text[grid._layout.thumb_rows]
        assert "⚠" in caption[50:75] and "▶" in caption[75:100]
        # the pixels really are half blocks with colours
        line = grid.render_line(2)
        assert any(seg.text.strip("▀▄█ ") == "" and seg.style.bgcolor for seg in list(line)[:3])


@sync
async def test_a_photo_with_an_error_but_a_thumbnail_is_drawn_with_the_error_mark(
    tmp_path, service
):
    """A truncated JPEG: its EXIF thumbnail is intact, so the tile shows it, but the caption
    carries the ⚠ mark and the info panel the reason (the file's error, from the index)."""
    from phototerm.library.metadata import reader as metadata
    from phototerm.tui.widgets.infopanel import describe

    folder = tmp_path / "lib"
    photos = real_photos(folder, ["a.jpg"])
    image = Image.effect_noise((1024, 768), 40).convert("RGB")
    exifwrite.write_jpeg(str(folder / "cut.jpg"), image, {"model": "T"})
    data = (folder / "cut.jpg").read_bytes()
    (folder / "cut.jpg").write_bytes(data[: len(data) // 2])
    st = os.stat(folder / "cut.jpg")
    cut = metadata.read(str(folder), "cut.jpg", st.st_size, st.st_mtime, None, "personal")
    assert cut.error == metadata.TRUNCATED_JPEG
    app = Host(service, Model([*photos, cut]))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        await settle(pilot, service)
        assert len(grid._cells) == 2  # the truncated photo is drawn from its thumbnail
        assert grid.tile_error(1001) == ""  # ...so the thumbnail itself did not fail
        text = screen_text(grid)
        caption = text[grid._layout.thumb_rows]
        assert "⚠" not in caption[:25] and "⚠" in caption[25:50]
        assert "unreadable" not in "".join(text)  # no error placeholder: the picture is shown
    assert ("Error", metadata.TRUNCATED_JPEG) in describe(cut, grid.tile_error(1001))


@sync
async def test_many_photos_layout_is_virtual(service):
    app = Host(service, Model(fake_photos(100_000)))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(ThumbnailGrid)
        assert grid.virtual_size.height == -(-100_000 // COLS) * grid._layout.tile_h
        await pilot.press("end")
        assert grid.cursor == 99_999
        _x, top = grid._layout.origin(grid.cursor)
        assert grid.scroll_offset.y <= top
        assert top + grid._layout.thumb_rows < grid.scroll_offset.y + grid.size.height
        assert grid.max_scroll_y - grid.scroll_offset.y <= 1  # only the last gap line below
        assert len(grid._tiles) < 1000  # only what was looked at
