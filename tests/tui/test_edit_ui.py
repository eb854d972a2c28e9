"""Pilot tests of editing from the keyboard: ratings, rejects, advance, tags, descriptions,
undo, rotation, recycling, read-only spaces and other sessions' edits.

Every edit is checked where it must land: in the store on disk (read with a fresh
``Store.open``), on the tile and in the info panel.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path

from conftest import Shot, make_app, make_library, run, screen_lines, screen_text, settle
from textual.notifications import Notify

from phototerm.library.edits import Editor
from phototerm.library.index import Index
from phototerm.library.photo import REJECTED
from phototerm.library.roles import Identity
from phototerm.library.store import PhotoState, Store
from phototerm.tui import keys
from phototerm.tui.app import PhotoApp
from phototerm.tui.dialogs.confirm import ConfirmDialog
from phototerm.tui.dialogs.describe import DescribeDialog
from phototerm.tui.dialogs.tags import TagDialog
from phototerm.tui.screens.edit_keys import EDIT_BINDINGS
from phototerm.tui.screens.help import binding_sections
from phototerm.tui.screens.viewer import ViewerScreen
from phototerm.tui.widgets.grid import TILE_SIZES

SIZE = (200, 50)


def notes(messages: list) -> list[str]:
    return [m.notification.message for m in messages if isinstance(m, Notify)]


def stored(root: Path, rel: str) -> PhotoState:
    """What the store on disk holds for a photo, read by a fresh connection."""
    with Store.open("personal", str(root), read_only=True) as store:
        return store.get_states([rel])[rel]


def tile_caption(app, photo_id: int) -> str:
    """The caption line of a photo's tile as drawn on screen."""
    name = app.index.get(photo_id).name
    width = TILE_SIZES[app.library.grid.tile_size][0]
    for line in screen_lines(app):
        at = line.find(name)
        if at >= 1:
            return line[at - 1 : at - 1 + width]
    raise AssertionError(f"{name} is not on screen")


def shown(app, pos: int) -> int:
    return app.library.model.photo_id(pos)


def personal_root(tmp_path: Path) -> Path:
    return tmp_path / "lib" / "Personal"


# --------------------------------------------------------------------------- ratings


def test_rating_keys_on_cursor_and_on_a_selection(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = personal_root(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            first = shown(app, 0)
            rel = app.index.get(first).rel
            await pilot.press("4")
            assert stored(root, rel).rating == 4
            assert app.index.get(first).rating == 4
            assert tile_caption(app, first).count("★") == 4
            assert "Rated 1 photo 4 stars" in notes(messages)
            assert app.library.grid.cursor == 0  # the grid does not advance by default
            await pilot.press("i")
            assert "★★★★☆" in "\n".join(line[156:] for line in screen_lines(app))

            # A selection of three: every edit goes to all of them, none to the cursor alone.
            await pilot.press("space", "right", "space", "right", "space", "right")
            picked = [shown(app, n) for n in range(3)]
            await pilot.press("2")
            assert "Rated 3 photos 2 stars" in notes(messages)
            for pid in picked:
                assert stored(root, app.index.get(pid).rel).rating == 2
                assert tile_caption(app, pid).count("★") == 2
            assert stored(root, app.index.get(shown(app, 3)).rel).rating is None

            await pilot.press("x")
            assert "Rejected 3 photos" in notes(messages)
            for pid in picked:
                assert stored(root, app.index.get(pid).rel).rating == REJECTED
                assert "✗" in tile_caption(app, pid)
            await pilot.press("left")  # the info panel follows the cursor
            assert "rejected" in "\n".join(line[156:] for line in screen_lines(app))
            await pilot.press("escape", "right")  # no selection: the cursor photo only
            await pilot.press("5", "0")
            # 0 is stored (unrated by choice: a rating the file carries no longer applies).
            assert stored(root, app.index.get(shown(app, 3)).rel).rating == 0
            assert app.index.get(shown(app, 3)).rating == 0
            assert any(n.startswith("Cleared the rating of 1 photo") for n in notes(messages))

    run(scenario())


def test_advance_after_rating_in_the_viewer(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = personal_root(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            viewer = app.screen
            assert isinstance(viewer, ViewerScreen)
            rated = viewer.photo_id
            await pilot.press("3")
            assert viewer.position == 1  # on by default in the viewer
            assert stored(root, app.index.get(rated).rel).rating == 3
            await pilot.press("x")
            assert viewer.position == 2
            assert app.index.get(viewer.model.photo_id(1)).rating == REJECTED
            await pilot.press("left")
            assert "rejected" in screen_lines(app)[0]  # the caption shows the mark
            await pilot.press("r")  # rotating does not advance
            assert viewer.position == 1 and app.index.rotation(viewer.photo_id) == 90
            await pilot.press("escape")
            assert app.library.grid.cursor_photo_id() == viewer.model.photo_id(1)

    run(scenario())


def test_undo_returns_to_the_photo_it_changed(tmp_path: Path) -> None:
    """A rating moved the viewer (or, with "always", the grid) on; undo goes back to the
    photo it puts back, so what changed is what is on screen."""

    async def in_viewer() -> None:
        app = make_app(tmp_path)
        root = personal_root(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("right", "enter")
            viewer = app.screen
            assert isinstance(viewer, ViewerScreen)
            rated = viewer.photo_id
            before = stored(root, app.index.get(rated).rel).rating
            await pilot.press("4")
            assert viewer.photo_id != rated  # advanced
            await pilot.press("u")
            assert viewer.photo_id == rated
            assert stored(root, app.index.get(rated).rel).rating == before
            assert f" {viewer.position + 1} / " in screen_lines(app)[0]  # and it is drawn
            # Two ratings, two undos: each goes back to its own photo.
            await pilot.press("5", "2")
            second = viewer.model.photo_id(viewer.position - 1)
            await pilot.press("u")
            assert viewer.photo_id == second
            await pilot.press("u")
            assert viewer.photo_id == rated
            await pilot.press("u")  # nothing of the viewer's left: stays
            assert viewer.photo_id == rated

    run(in_viewer())

    async def in_grid() -> None:
        app = make_app(
            tmp_path,
            library=False,
            personal=personal_root(tmp_path),
            config='advance_after_rating = "always"\n',
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            grid = app.library.grid
            first = grid.cursor_photo_id()
            await pilot.press("3")
            assert grid.cursor_photo_id() != first
            await pilot.press("u")
            assert grid.cursor_photo_id() == first

    run(in_grid())


def test_advance_setting_always_and_never(tmp_path: Path) -> None:
    async def always() -> None:
        app = make_app(tmp_path, config='advance_after_rating = "always"\n')
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("5")
            assert app.library.grid.cursor == 1
            await pilot.press("space", "5")  # a selection is rated where it is
            assert app.library.grid.cursor == 1

    run(always())

    async def never() -> None:
        app = make_app(
            tmp_path,
            library=False,
            personal=personal_root(tmp_path),
            config='advance_after_rating = "never"\n',
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            # (where it opens depends on whether the first app saved its session in time)
            opened = app.screen.position
            await pilot.press("1")
            assert app.screen.position == opened

    run(never())

    async def wrong() -> None:
        app = make_app(
            tmp_path,
            library=False,
            personal=personal_root(tmp_path),
            config='advance_after_rating = "sometimes"\n',
        )
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert any(
                "advance_after_rating = 'sometimes' is not one of viewer, always, never" in n
                for n in notes(messages)
            )
            assert app.services.advance == "viewer"

    run(wrong())


def test_digits_typed_in_the_search_bar_do_not_rate(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"date:2020", "enter")
            assert app.library.spec.query == "date:2020"
            assert all(app.index.get(i).rating in (0, 3) for i in app.library.model.ids)
            assert not app.edits.editor.can_undo  # nothing was edited

    run(scenario())


# --------------------------------------------------------------------------- tags, description


def test_tag_dialog_adds_removes_and_tag_search(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = personal_root(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await pilot.press("space", "right", "space")
            picked = [shown(app, 0), shown(app, 1)]
            await pilot.press("t")
            dialog = app.screen
            assert isinstance(dialog, TagDialog)
            assert "Tags of 2 photos" in screen_text(app)
            await pilot.press(*"beach", "enter")
            assert "Tagged 2 photos with 'beach'" in notes(messages)
            await pilot.press(*"sunset", "enter")
            for pid in picked:
                assert stored(root, app.index.get(pid).rel).tags == ("beach", "sunset")
            assert "✓ beach" in screen_text(app)  # both carry it now
            # "beach" is highlighted (first): Enter again removes it from both.
            await pilot.press(*"bea")
            await pilot.press("enter")
            assert "Removed 'beach' from 2 photos" in notes(messages)
            for pid in picked:
                assert stored(root, app.index.get(pid).rel).tags == ("sunset",)
            await pilot.press("ctrl+r")  # the highlighted tag (sunset, now first)
            assert "Removed 'sunset' from 2 photos" in notes(messages)
            await pilot.press(*"sea", "enter", "escape")
            assert app.screen is app.library

            # A third photo alone: the library's tags are offered, marked as not carried.
            await pilot.press("escape", "right", "t")
            third = shown(app, 2)
            text = screen_text(app)
            assert "sea" in text and "✓ sea" not in text
            await pilot.press(*"sea", "enter", "escape")
            assert "Tagged 1 photo with 'sea'" in notes(messages)
            await pilot.press("slash", *"tag:sea", "enter")
            assert sorted(app.library.model.ids) == sorted([*picked, third])
            await pilot.press("slash", "ctrl+u", *"sea", "enter")  # free words match tags
            assert sorted(app.library.model.ids) == sorted([*picked, third])

    run(scenario())


def test_description(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = personal_root(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pid = shown(app, 0)
            await pilot.press("e")
            assert isinstance(app.screen, DescribeDialog)
            await pilot.press(*"Sunset at the lake", "enter")
            assert stored(root, app.index.get(pid).rel).description == "Sunset at the lake"
            await pilot.press("i")
            # Labelled as the key, the dialog and the README name it.
            assert any(
                "Description" in line and "Sunset at the lake" in line
                for line in screen_text(app).splitlines()
            )
            assert "Caption" not in screen_text(app)
            await pilot.press("e", "x", "escape")  # cancelled: nothing changes
            assert stored(root, app.index.get(pid).rel).description == "Sunset at the lake"
            await pilot.press("slash", *"lake", "enter")  # free words search descriptions
            assert pid in app.library.model.ids

    run(scenario())


# --------------------------------------------------------------------------- undo, rotate


def test_undo_says_what_and_goes_back_25_steps(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = personal_root(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            pid = shown(app, 0)
            rel = app.index.get(pid).rel
            before = stored(root, rel)
            file_rating = app.index.get(pid).rating
            for n in range(25):
                await pilot.press(str(n % 5 + 1))
            assert stored(root, rel).rating == 5
            await pilot.press("u")
            assert "Undone: Rated 1 photo 5 stars" in notes(messages)
            assert stored(root, rel).rating == 4
            assert tile_caption(app, pid).count("★") == 4
            for _ in range(24):
                await pilot.press("u")
            assert stored(root, rel) == before
            assert app.index.get(pid).rating == file_rating
            await pilot.press("u")
            assert notes(messages)[-1] == "Nothing to undo"

    run(scenario())


def test_rotate_the_view_only(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = personal_root(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            grid = app.library.grid
            pid = shown(app, 0)
            photo = app.index.get(pid)
            digest = hashlib.sha256(Path(photo.path).read_bytes()).hexdigest()
            old_key = grid._tile(0).key
            await pilot.press("r")
            assert app.index.rotation(pid) == 90 and stored(root, photo.rel).rotation == 90
            tile = grid._tile(0)
            assert tile.rotation == 90 and tile.key != old_key  # a new thumbnail, rotated
            await settle(pilot)
            assert (tile.key, grid.color, grid._background()) in grid._cells  # re-rendered
            await pilot.press("R", "R")
            assert app.index.rotation(pid) == 270 and stored(root, photo.rel).rotation == 270
            await pilot.press("r")
            assert app.index.rotation(pid) == 0 and stored(root, photo.rel).rotation == 0
            assert hashlib.sha256(Path(photo.path).read_bytes()).hexdigest() == digest

    run(scenario())


# --------------------------------------------------------------------------- recycle


def test_move_rejected_photos_to_recycle(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = personal_root(tmp_path)
        files_before = sorted(p.name for p in root.rglob("*.jpg"))
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            command = next(
                c
                for c in app.get_system_commands(app.screen)
                if c.title == "Move rejected photos to #recycle"
            )
            command.callback()
            await pilot.pause()
            assert any(n.startswith("No rejected photos") for n in notes(messages))
            await pilot.press("space", "right", "space", "x", "escape")
            gone = [app.index.get(shown(app, n)) for n in range(2)]
            command.callback()
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)
            assert "Move 2 rejected photos to #recycle?" in screen_text(app)
            await pilot.press("y")
            assert "Moved 2 photos to #recycle in the Personal Space" in notes(messages)
            assert len(app.index) == 13 and len(app.library.model) == 13
            for photo in gone:
                assert not os.path.exists(photo.path)
                assert (root / "#recycle" / photo.rel).is_file()
                assert app.index.id_of("personal", photo.rel) is None
            await pilot.press("slash", *"rating:-1", "enter")
            assert len(app.library.model) == 0
        # Nothing deleted: every file is still there, two of them in the bin.
        assert sorted(p.name for p in root.rglob("*.jpg")) == files_before

    run(scenario())


def test_recycle_needs_the_right_to_manage(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, read_only=True)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            app.index.set_override(shown(app, 0), rating=REJECTED)  # as the file might say
            app.photo_edits.recycle()
            await pilot.pause()
            assert app.screen is app.library  # no confirmation offered
            assert any(
                n.startswith("Cannot move the rejected photos of the Personal Space")
                for n in notes(messages)
            )
        assert not (personal_root(tmp_path) / "#recycle").exists()

    run(scenario())


# --------------------------------------------------------------------------- read-only, others


def test_damaged_store_opens_read_only_and_refuses_edits(tmp_path: Path) -> None:
    root = make_library(
        tmp_path / "P", [Shot(f"a{n}.jpg", datetime(2020, 1, 1 + n)) for n in range(3)]
    )
    db = root / ".phototerm" / "library.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a database" * 100)
    before = db.read_bytes()

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert any(str(db) in n and "read-only" in n for n in notes(messages))
            pid = shown(app, 0)
            rating = app.index.get(pid).rating
            for key in ("3", "x", "r", "t", "e"):
                await pilot.press(key)
                assert app.screen is app.library  # no dialog opens
            refusals = [n for n in notes(messages) if n.startswith("Personal Space is read-only")]
            assert len(refusals) == 5 and str(db) in refusals[0]
            assert app.index.get(pid).rating == rating and app.index.rotation(pid) == 0

    run(scenario())
    assert db.read_bytes() == before  # the damaged file is left exactly as it was


def test_read_only_session_refuses_edits(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, read_only=True)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await pilot.press("4")
            assert notes(messages)[-1] == (
                "Personal Space is read-only: this session was opened read-only"
            )
            assert app.index.get(shown(app, 0)).rating != 4
        assert not (personal_root(tmp_path) / ".phototerm").exists()  # nothing was created

    run(scenario())


def test_another_sessions_edits_appear(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = personal_root(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pid = shown(app, 0)
            photo = app.index.get(pid)
            # The other session: its own Store, Index and Editor over the same space.
            other_index = Index()
            other_id = other_index.add(photo)
            with Store.open("personal", str(root)) as store:
                editor = Editor(other_index, {"personal": store}, Identity.current())
                assert editor.set_rating([other_id], 5).ok
                assert editor.add_tags([other_id], ["from-elsewhere"]).ok
                assert editor.albums.create("Shared trip", [other_id]).ok
            await pilot.pause(1.6)  # the poll runs every second
            assert app.index.get(pid).rating == 5
            assert "from-elsewhere" in app.index.get(pid).tags
            assert tile_caption(app, pid).count("★") == 5
            assert "Shared trip 1" in screen_text(app)  # the sidebar lists it, counted

    run(scenario())


# --------------------------------------------------------------------------- keys


def test_edit_bindings_have_ids_tooltips_help_and_keymap(tmp_path: Path) -> None:
    ids = keys.known_ids(binding_sections(PhotoApp))
    for binding in EDIT_BINDINGS:
        assert binding.id and binding.tooltip and binding.id in ids

    async def scenario() -> None:
        app = make_app(tmp_path, config='[keymap]\n"edit.tags" = "T"\n"edit.rate_5" = "f5"\n')
        async with app.run_test(size=(200, 120)) as pilot:
            await settle(pilot)
            titles = [c.title for c in app.get_system_commands(app.screen)]
            for title in ("Tags…", "Albums…", "Describe…", "Rate 5 stars", "Reject", "Undo"):
                assert title in titles
            await pilot.press("t")
            assert app.screen is app.library  # remapped away
            await pilot.press("T")
            assert isinstance(app.screen, TagDialog)
            await pilot.press("escape", "f5")
            assert app.index.get(shown(app, 0)).rating == 5
            await pilot.press("question_mark")
            text = screen_text(app)
            assert "edit.rate_5" in text and "edit.undo" in text and "album.rename" in text

    run(scenario())


def test_damaged_store_says_read_only_in_the_status_line(tmp_path):
    # A corrupt store opens the space read-only and says so. The notification naming the
    # file goes away after a few seconds; the status line must keep saying it, or a user
    # who starts rating later only learns it from refusals.
    from datetime import datetime

    from conftest import Shot, make_app, make_library, run, screen_lines, settle, until

    root = make_library(
        tmp_path / "P", [Shot(f"a{n}.jpg", datetime(2020, 1, 1 + n)) for n in range(2)]
    )
    db = root / ".phototerm" / "library.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a database" * 100)
    healthy = make_library(tmp_path / "S", [Shot("s.jpg", datetime(2021, 5, 5))])

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root, shared=healthy)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: "read-only" in screen_lines(app)[-2])
            status = screen_lines(app)[-2]
            assert "Personal Space read-only" in status
            assert "Shared Space read-only" not in status  # only the damaged space

    run(scenario())


def test_healthy_stores_show_no_read_only_mark(tmp_path):
    from conftest import make_app, run, screen_lines, settle

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            assert "read-only" not in screen_lines(app)[-2]

    run(scenario())
