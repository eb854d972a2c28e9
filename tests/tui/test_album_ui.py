"""Pilot tests of albums in the TUI: the album dialog (create, add, remove, rename, delete,
cover, conditional), the sidebar's Albums, album views with their own order and sort, and
``album:`` in the search bar; plus a snapshot of the dialog."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import COLORS, Shot, make_app, make_library, run, screen_text, settle
from textual.notifications import Notify

from phototerm.library.store import AlbumRecord, Store
from phototerm.tui import model as views
from phototerm.tui.dialogs.album import AlbumDialog
from phototerm.tui.dialogs.confirm import ConfirmDialog
from phototerm.tui.dialogs.sort import SortDialog
from phototerm.tui.messages import PhotosEdited
from phototerm.tui.widgets.sidebar import Sidebar

SIZE = (200, 50)


def notes(messages: list) -> list[str]:
    return [m.notification.message for m in messages if isinstance(m, Notify)]


def album_on_disk(root: Path, name: str) -> AlbumRecord | None:
    with Store.open("personal", str(root), read_only=True) as store:
        return store.albums.get(name)


def rels(app, ids) -> list[tuple[str, str]]:
    return [(app.index.get(i).space, app.index.get(i).rel) for i in ids]


def sidebar_albums(app) -> list[str]:
    sidebar = app.library.query_one(Sidebar)
    labels = []
    for node in sidebar.entry_tree.root.children:
        if str(node.label) == "Albums":
            labels = [str(child.label) for child in node.children]
    return labels


def test_album_dialog_create_add_remove_rename_delete(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = tmp_path / "lib" / "Personal"
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            model = app.library.model
            assert sidebar_albums(app) == ["no albums yet"]
            await pilot.press("space", "right", "space", "a")
            assert isinstance(app.screen, AlbumDialog)
            assert "Editing: 2 photos" in screen_text(app)
            await pilot.press(*"Trip", "enter")  # the only row: "+ New album Trip"
            assert "Created album 'Trip' with 2 photos" in notes(messages)
            first_two = [model.photo_id(0), model.photo_id(1)]
            assert album_on_disk(root, "Trip").members == rels(app, first_two)
            assert sidebar_albums(app) == ["Trip 2"]

            # Add a third (the cursor photo, no selection), by a partial name.
            await pilot.press("escape", "right", "right", "a", *"tri", "ctrl+a")
            third = model.photo_id(3)
            assert album_on_disk(root, "Trip").members == rels(app, [*first_two, third])
            assert "Added 1 photo to 'Trip'" in notes(messages)
            assert sidebar_albums(app) == ["Trip 3"]

            await pilot.press("a", "ctrl+r")  # Trip is the only album: highlighted
            assert album_on_disk(root, "Trip").members == rels(app, first_two)

            await pilot.press("a", "ctrl+o")  # the cursor photo becomes the cover
            assert album_on_disk(root, "Trip").cover == rels(app, [third])[0]

            await pilot.press("a", "ctrl+e")
            assert "Rename album Trip" in screen_text(app)
            await pilot.press("ctrl+u", *"Holiday 2021", "enter")
            assert album_on_disk(root, "Trip") is None
            assert album_on_disk(root, "Holiday 2021").members == rels(app, first_two)
            assert sidebar_albums(app) == ["Holiday 2021 2"]

            await pilot.press("a", "ctrl+d")
            assert isinstance(app.screen, ConfirmDialog)
            text = app.screen._message.plain
            assert "Holiday 2021" in text and "2 photos are kept" in text
            await pilot.press("n")  # kept
            assert album_on_disk(root, "Holiday 2021") is not None
            await pilot.press("a", "ctrl+d", "y")
            assert album_on_disk(root, "Holiday 2021") is None
            assert sidebar_albums(app) == ["no albums yet"]
            assert len(app.index) == 15  # photos are never part of what is deleted
            await pilot.press("u")  # and the delete can be undone
            assert album_on_disk(root, "Holiday 2021").members == rels(app, first_two)

    run(scenario())


def test_album_view_keeps_album_order_and_its_own_sort(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = tmp_path / "lib" / "Personal"
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            newest, later = library.model.photo_id(0), library.model.photo_id(5)
            # Album order = the order photos were added: the older photo first.
            await pilot.press("right", "right", "right", "right", "right", "a", *"Order")
            await pilot.press("ctrl+n", "home", "a", *"Ord", "ctrl+a")
            assert album_on_disk(root, "Order").members == rels(app, [later, newest])

            sidebar = library.query_one(Sidebar)
            node = next(
                n
                for n in sidebar._walk(sidebar.entry_tree.root)
                if n.data and n.data.value == "Order"
            )
            sidebar.entry_tree.select_node(node)
            await pilot.pause()
            assert library.spec.view == views.ALBUM and library.spec.sort == views.ALBUM_ORDER
            assert library.model.ids == [later, newest]  # not by date
            assert "Album: Order" in screen_text(app) and "album order" in screen_text(app)

            await pilot.press("s")
            assert isinstance(app.screen, SortDialog)
            assert "Album order, reversed" in screen_text(app)
            await pilot.press("down", "enter")  # reversed
            assert library.model.ids == [newest, later]
            with Store.open("personal", str(root), read_only=True) as store:
                assert store.sort_order("album:Order") == ("album", True)

            await pilot.press("w")  # leaving the album brings the Timeline's sort back
            assert (library.spec.sort, library.spec.descending) == ("taken", True)
            library.open_album("Order")  # and the album opens with the sort it remembers
            assert library.model.ids == [newest, later]
            await pilot.press("a", "ctrl+e", "ctrl+u", *"Renamed", "enter")  # keeps its sort
            assert library.spec.album == "Renamed" and library.model.ids == [newest, later]

            library.set_spec(library.spec.with_(view=views.TIMELINE, album=None))
            await pilot.press("slash", *'album:"Renamed"', "enter")
            assert sorted(library.model.ids) == sorted([newest, later])

    run(scenario())


def test_conditional_album_from_the_search(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = tmp_path / "lib" / "Personal"
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            library = app.library
            await pilot.press("a", *"Best", "ctrl+s")  # no search yet: refused in the dialog
            assert "No search to save" in screen_text(app)
            await pilot.press("escape")
            await pilot.press("slash", *"rating:>=3", "enter")
            count = len(library.model)
            await pilot.press("a", *"Best")
            assert "Save the search" in screen_text(app)
            await pilot.press("ctrl+s")
            record = album_on_disk(root, "Best")
            assert record is not None and record.query == "rating:>=3" and not record.members
            assert sidebar_albums(app) == [f"Best {count} ⌕"]

            # Live: a photo rated 5 joins it by itself.
            await pilot.press("slash", "ctrl+u", "enter")
            target = next(i for i in library.model.ids if app.index.get(i).rating < 3)
            library.grid.move_to_photo(target)
            await pilot.press("5")
            assert sidebar_albums(app) == [f"Best {count + 1} ⌕"]
            library.open_album("Best")
            assert target in library.model.ids and len(library.model) == count + 1

            # Its photos come from the search: adding by hand is refused, with the reason.
            await pilot.press("a", "ctrl+a")
            assert isinstance(app.screen, AlbumDialog)
            assert "is a conditional album" in screen_text(app)

    run(scenario())


def test_album_names_and_errors_are_reported(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await pilot.press("a", "ctrl+n")  # no name typed: the dialog says so and stays
            assert "Type the new album's name first" in screen_text(app)
            await pilot.press(*"[bold]x", "ctrl+n")
            assert sidebar_albums(app) == ["[bold]x 1"]  # shown as text, not markup
            await pilot.press("a", "ctrl+a")  # the photo is in it already
            assert any("already in it" in n for n in notes(messages))
            await pilot.press("a", *"[BOLD]X", "down", "ctrl+n")  # another case: same name
            assert any("already exists" in n for n in notes(messages))
            assert app.is_running

    run(scenario())


# --------------------------------------------------------------------------- snapshot


@pytest.fixture
def fixed_library(request: pytest.FixtureRequest) -> Path:
    root = Path(tempfile.gettempdir()) / "phototerm-snapshots" / request.node.name
    shutil.rmtree(root, ignore_errors=True)
    shots = [
        Shot(
            f"2023/Coast/IMG_{n:04d}.jpg",
            datetime(2023, 6, 10 + n // 4, 9) + timedelta(minutes=13 * n),
            color=COLORS[n % len(COLORS)],
        )
        for n in range(8)
    ]
    make_library(root / "Personal", shots)
    yield root / "Personal"
    shutil.rmtree(root, ignore_errors=True)


def test_album_dialog_snapshot(snap_compare, tmp_path: Path, fixed_library: Path) -> None:
    app = make_app(tmp_path, personal=fixed_library)

    async def before(pilot) -> None:
        await settle(pilot)
        editor = pilot.app.edits.editor
        ids = pilot.app.library.model.ids
        editor.albums.create("Coast walk", ids[:3])
        editor.albums.create("Favourites", ids[3:4])
        editor.albums.create_conditional("June 2023", "date:2023-06")
        pilot.app.post_message(PhotosEdited(None, albums=True))
        await pilot.press("space", "right", "space", "a", "u")  # filtered: 2 albums, + New
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)
