"""Regressions found by hand-testing phototerm (QA pass over issues 3 and 4)."""

from __future__ import annotations

import sys

import pytest
from PIL import Image

from phototerm.cli import main
from phototerm.cli.library_cmds import unknown_albums


@pytest.fixture
def lib(tmp_path, monkeypatch):
    # XDG_* dirs: conftest's autouse fixture points them at tmp_path.
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    personal, shared = tmp_path / "Photos", tmp_path / "photo"
    for root, names in ((personal, ["2023/a.jpg", "2023/b.jpg"]), (shared, ["team/s1.jpg"])):
        for i, name in enumerate(names):
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (16, 12), (60 * i, 90, 200)).save(path, "JPEG")
    return personal, shared


def run(lib, *argv: str) -> int:
    personal, shared = lib
    return main([*argv, "--personal", str(personal), "--shared", str(shared)])


def test_ls_unknown_album_is_an_error(lib, capsys):
    # Issue 4: "Unknown paths or albums: a clear error, exit 2". `ls 'album:"Nope"'` used to
    # print nothing and exit 0, so a script could not tell a typo from an empty album.
    personal, _ = lib
    assert run(lib, "album", "create", "Trip") == 0
    assert run(lib, "album", "add", "Trip", str(personal / "2023/a.jpg")) == 0
    capsys.readouterr()
    assert run(lib, "ls", 'album:"Nope"') == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no album named 'nope'" in captured.err
    assert "Trip" in captured.err  # the albums that do exist are named
    # A known album (any case) still lists its photos.
    assert run(lib, "ls", 'album:"trip"') == 0
    assert capsys.readouterr().out.strip() == str(personal / "2023/a.jpg")


def test_unknown_albums_walks_the_whole_query():
    names = ["Trip", "Good beaches"]
    assert unknown_albums('album:"Good beaches" beach', names) == []
    assert unknown_albums("beach OR (-album:Nope rating:>=3)", names) == ["nope"]
    assert unknown_albums("album:X album:x album:trip", names) == ["x"]
    assert unknown_albums("", names) == []


def test_damaged_store_says_read_only_in_the_status_line(tmp_path):
    # Issue 4: a corrupt store opens the space read-only "and says so". The notification
    # naming the file goes away after a few seconds; the status line must keep saying it,
    # or a user who starts rating later only learns it from refusals.
    from datetime import datetime

    from conftest import Shot, make_app, make_library, run, screen_lines, settle

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


# ------------------------------------------------------------------ TUI (QA pass, round 2)


def _burst(app, *keys: str) -> None:
    """Send keys as a terminal delivers a fast burst (tmux send-keys, a paste): all queued
    at once, with no pause for the app to handle one before the next arrives. Pilot.press
    waits for idle after every key, which hides ordering races."""
    from textual import events
    from textual.keys import _character_to_key

    for key in keys:
        char = key if len(key) == 1 else None
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        if key == "enter":
            char = "\r"
        elif key.startswith("ctrl+") and len(key) == 6:
            char = chr(ord(key[-1]) - 96)
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


@pytest.mark.parametrize("burst", [False, True])
def test_search_keeps_fast_typing(tmp_path, burst):
    # QA: "/ C-u camera:canon Enter" in one tmux send-keys left the bar empty (or with
    # "mera:canon"): the keys after "/" were queued for the grid and dropped, and ctrl+u
    # (an Input binding, run only once the key bubbled to the App) cleared letters typed
    # after it.
    from conftest import make_app, run, settle

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            library = app.library
            for query in ("camera:canon", "camera:nikon", "rating:>=2"):
                keys = ("slash", "ctrl+u", *query, "enter")
                if burst:
                    _burst(app, *keys)
                    for _ in range(5):
                        await pilot.pause()
                else:
                    await pilot.press(*keys)
                await pilot.pause(0.3)  # past the debounce: nothing may write the bar back
                assert library.searchbar.value == query
                assert library.spec.query == query
                assert app.focused is library.grid
                wanted = app.index.search(query)
                assert sorted(library.model.ids) == sorted(wanted) and wanted

            # "/" inside the bar is a character (folder paths), not "focus the bar" again.
            _burst(app, "slash", "ctrl+u", *"folder:2019/", "backspace", "/", "enter")
            for _ in range(5):
                await pilot.pause()
            assert library.spec.query == "folder:2019/"
            # backspace acts where it was typed, not after the keys that followed it
            _burst(app, "slash", "ctrl+u", *"camera:canonx", "backspace", "enter")
            for _ in range(5):
                await pilot.pause()
            assert library.spec.query == "camera:canon"

    run(scenario())


def test_footer_shows_the_command_palette_once(tmp_path):
    # QA: "^p Commands" was in the footer twice (our app.commands binding, and the Footer's
    # own palette key on the right). It stays in the help and in the keymap.
    from conftest import make_app, run, screen_lines, settle

    from phototerm.tui import keys

    async def scenario(config: str | None, key: str) -> None:
        app = make_app(tmp_path, config=config)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            footer = screen_lines(app)[-1]
            assert footer.count("Commands") == 1, footer
            assert f"{key} Commands" in footer
            rows = [row for _title, rows in keys.binding_help(app, app.keymap) for row in rows]
            assert any(ident == "app.commands" for _k, _t, ident in rows)

    run(scenario(None, "^p"))
    run(scenario('[keymap]\n"app.commands" = "ctrl+k"\n', "^k"))


def test_sort_dialog_lists_each_key_in_its_usual_direction_first(tmp_path):
    from conftest import make_app, run, settle
    from textual.widgets import OptionList

    from phototerm.tui.dialogs.sort import SortDialog, sort_options

    labels = [label for _k, _d, label in sort_options()]
    assert labels.index("Name: A to Z") + 1 == labels.index("Name: Z to A")
    assert labels.index("Date taken: newest first") == 0  # the default sort, on top
    keys_in_order = [key for key, _d, _l in sort_options()]
    assert keys_in_order == sorted(keys_in_order, key=keys_in_order.index)  # pairs adjacent
    assert [k for k, _d, _l in sort_options(album=True)][:2] == ["album", "album"]

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            library = app.library
            await pilot.press("s")
            dialog = app.screen
            assert isinstance(dialog, SortDialog)
            options = dialog.query_one(OptionList)
            prompts = [str(options.get_option_at_index(n).prompt) for n in range(6)]
            assert prompts[2:4] == ["Name: A to Z", "Name: Z to A"]
            assert str(options.highlighted_option.prompt) == "Date taken: newest first"
            await pilot.press("down", "down", "enter")
            assert (library.spec.sort, library.spec.descending) == ("name", False)
            await pilot.press("s")  # the current choice is the highlighted one
            highlighted = app.screen.query_one(OptionList).highlighted_option
            assert str(highlighted.prompt) == "Name: A to Z"
            await pilot.press("down", "enter")
            assert (library.spec.sort, library.spec.descending) == ("name", True)

    run(scenario())


def test_sidebar_cursor_starts_on_the_active_entry(tmp_path):
    # QA: focusing the sidebar (ctrl+b, tab, a click) showed no cursor, and Down landed on
    # "Spaces". Right/Enter now open a folder in the Folders tree (Space already did).
    from conftest import make_app, run, settle

    from phototerm.tui import model as views
    from phototerm.tui.widgets.sidebar import Entry

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            library = app.library
            sidebar, tree = library.sidebar, library.sidebar.tree
            assert tree.cursor_line == -1
            await pilot.press("ctrl+b", "ctrl+b")  # hide, show: the focus goes there
            assert sidebar.display and app.focused is tree
            assert tree.cursor_node.data == Entry("timeline")
            await pilot.press("ctrl+b")  # hidden again: the photos get the focus back
            assert not sidebar.display and app.focused is library.grid
            await pilot.press("ctrl+b")

            # A folder deep in a closed branch: its parents open, the cursor sits on it.
            paris = ("personal", "2019/2019-07-14 Paris")
            library.set_spec(library.spec.with_(view=views.FOLDERS, folder=paris))
            assert not sidebar._folder_nodes[("personal", "2019")].is_expanded
            await pilot.press("ctrl+g")
            assert app.focused is library.grid
            await pilot.press("shift+tab", "shift+tab")  # grid -> search bar -> sidebar
            assert app.focused is tree
            assert tree.cursor_node.data == Entry("folder", *paris)
            assert sidebar._folder_nodes[("personal", "2019")].is_expanded

            # Right opens a folder, Left closes it; Enter opens it and shows it.
            node_2020 = sidebar._folder_nodes[("personal", "2020")]
            tree.move_cursor(node_2020)
            assert not node_2020.is_expanded
            await pilot.press("right")
            assert node_2020.is_expanded
            await pilot.press("right")  # already open: into its first subfolder
            assert tree.cursor_node is node_2020.children[0]
            await pilot.press("left")  # a subfolder: back to its parent
            assert tree.cursor_node is node_2020
            await pilot.press("left")
            assert not node_2020.is_expanded
            await pilot.press("enter")
            assert node_2020.is_expanded
            assert library.spec.folder == ("personal", "2020")

            # A click on another entry wins over "cursor to the active one" on focus.
            await pilot.press("ctrl+g")
            timeline = next(n for n in sidebar._walk(tree.root) if n.data == Entry("timeline"))
            line = timeline.line - round(tree.scroll_offset.y)
            assert await pilot.click(tree, offset=(4, line))
            await pilot.pause()
            assert app.focused is tree and library.spec.view == views.TIMELINE
            assert tree.cursor_node is timeline

    run(scenario())


def test_tag_remove_counts_only_photos_that_had_it(lib, capsys):
    personal, _ = lib
    a, b = str(personal / "2023/a.jpg"), str(personal / "2023/b.jpg")
    assert run(lib, "tag", "remove", "nosuch", a) == 0
    assert capsys.readouterr().out.strip() == "No photo carried 'nosuch'"
    assert run(lib, "tag", "add", "Beach", a) == 0
    capsys.readouterr()
    assert run(lib, "tag", "remove", "beach", a, b) == 0  # any case; b never had it
    assert capsys.readouterr().out.strip() == "Removed 'beach' from 1 photo"
    assert run(lib, "ls", "tag:beach") == 0
    assert capsys.readouterr().out == ""  # really gone


def test_album_create_with_a_taken_name_is_a_usage_error(lib, capsys):
    assert run(lib, "album", "create", "Trip") == 0
    capsys.readouterr()
    for name in ("Trip", "trip"):
        assert run(lib, "album", "create", name) == 2
        captured = capsys.readouterr()
        assert "already exists" in captured.err and "'Trip'" in captured.err
        assert captured.out == ""
    assert run(lib, "album", "create", "Trip2", "--query", "rating:>=3") == 0
    assert run(lib, "album", "create", "TRIP2", "--query", "rating:>=4") == 2
    capsys.readouterr()
    assert run(lib, "album", "list") == 0
    listed = capsys.readouterr().out
    assert listed.count("Trip") == 2  # Trip and Trip2, each once
