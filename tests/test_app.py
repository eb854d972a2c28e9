"""Pilot tests of the browser: navigation, views, dialogs, help, keymap, session, colours,
untrusted text. Every test runs the real PhotoApp on a generated library (see conftest)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import (
    Shot,
    make_app,
    make_library,
    run,
    screen_lines,
    screen_text,
    settle,
    write_config,
)
from textual.notifications import Notify
from textual.widgets import Input, Select, Tree

from phototerm.library.photo import REJECTED
from phototerm.library.spaces import resolve
from phototerm.tui import keys, terminal
from phototerm.tui.app import PhotoApp
from phototerm.tui.dialogs.filter import FilterChoice, FilterDialog, build_query
from phototerm.tui.dialogs.sort import SortDialog
from phototerm.tui.screens.help import HelpScreen
from phototerm.tui.widgets.infopanel import InfoPanel
from phototerm.tui.widgets.searchbar import SearchInput
from phototerm.tui.widgets.sidebar import Sidebar

SIZE = (200, 50)


def notes(messages: list) -> list[str]:
    return [m.notification.message for m in messages if isinstance(m, Notify)]


def cursor_name(app: PhotoApp) -> str:
    photo_id = app.library.grid.cursor_photo_id()
    assert photo_id is not None
    return app.index.get(photo_id).name


# ------------------------------------------------------------------ screen and navigation


def test_library_fills_in_and_shows_spaces(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            assert len(app.index) == 15 and len(library.model) == 15
            text = screen_text(app)
            assert "15 / 15 shown" in text
            assert "● Personal Space" in text
            # The Shared Space is off (--shared ''): shown with its reason, not hidden.
            assert "Shared Space (off)" in text and "(--shared is empty)" in text
            for always in ("Timeline", "Folders", "Albums", "no albums yet", "Shared with me"):
                assert always in text
            # Timeline, newest first, headers by day.
            newest = max((app.index.get(i) for i in app.index.ids()), key=lambda p: p.taken)
            day = datetime.fromtimestamp(newest.taken, UTC)
            labels = [g.label for g in library.model.sections()]
            assert labels[0] == f"{day:%A} {day.day} {day:%B %Y}"
            assert cursor_name(app) == newest.name  # the cursor starts on the newest photo

    run(scenario())


def test_navigation_and_info_panel(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            grid = app.library.grid
            model = app.library.model
            await pilot.press("right")
            assert grid.cursor == 1
            await pilot.press("l", "h", "end")
            assert grid.cursor == len(model) - 1
            await pilot.press("home")
            assert grid.cursor == 0
            await pilot.press("i")
            panel = app.library.query_one("#library-info", InfoPanel)
            assert panel.display
            text = screen_text(app)
            first = app.index.get(model.photo_id(0))
            assert first.name in text and "Camera" in text and "ISO" in text
            await pilot.press("right")
            await pilot.pause()
            second = app.index.get(model.photo_id(1))
            info = [line[-44:] for line in screen_lines(app)]  # the panel's columns
            assert any(second.name in line for line in info)
            await pilot.press("i")
            assert not panel.display

    run(scenario())


def test_folders_view_and_sidebar_folder(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            await pilot.press("w")
            assert library.spec.view == "folders"
            labels = [g.label for g in library.model.sections()]
            assert labels == [
                "Personal Space / 2019/2019-07-14 Paris",
                "Personal Space / 2020/2020-05-02 Garden",
                "Personal Space / 2021/Lake",
            ]
            # Pick a folder in the sidebar's tree: only its photos remain.
            sidebar = library.query_one(Sidebar)
            tree = sidebar.tree
            node = sidebar._folder_nodes[("personal", "2020/2020-05-02 Garden")]
            tree.select_node(node)
            await pilot.pause()
            assert library.spec.folder == ("personal", "2020/2020-05-02 Garden")
            assert len(library.model) == 5
            assert {app.index.get(i).folder for i in library.model.ids} == {
                "2020/2020-05-02 Garden"
            }
            # "2020" must not match "2020x": the folder is a path, not a prefix.
            node = sidebar._folder_nodes[("personal", "2020")]
            tree.select_node(node)
            await pilot.pause()
            assert len(library.model) == 5
            await pilot.press("w")  # back to the Timeline
            assert library.spec.view == "timeline" and len(library.model) == 15

    run(scenario())


def test_timeline_grouping_cycles(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            await pilot.press("z")
            assert library.spec.grouping == "month"
            assert [g.label for g in library.model.sections()] == [
                "March 2021",
                "May 2020",
                "July 2019",
            ]
            await pilot.press("z")
            assert [g.label for g in library.model.sections()] == ["2021", "2020", "2019"]
            await pilot.press("z")
            assert library.spec.grouping == "day"

    run(scenario())


def test_space_toggle_from_the_sidebar(tmp_path: Path) -> None:
    async def scenario() -> None:
        personal = make_library(tmp_path / "P", [Shot("a.jpg", datetime(2020, 1, 1))])
        shared = make_library(tmp_path / "S", [Shot("b.jpg", datetime(2021, 1, 1))])
        app = make_app(tmp_path, personal=personal, shared=shared)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            library = app.library
            assert len(library.model) == 2
            app.toggle_space("shared")
            await pilot.pause()
            assert [app.index.get(i).name for i in library.model.ids] == ["a.jpg"]
            assert "Personal · Timeline" in screen_text(app)
            app.toggle_space("personal")
            await pilot.pause()
            assert len(library.model) == 0 and "no space on" in screen_text(app)
            app.toggle_space("shared")
            await pilot.pause()
            assert [app.index.get(i).name for i in library.model.ids] == ["b.jpg"]

    run(scenario())


def test_off_space_explains_itself(tmp_path: Path) -> None:
    async def scenario() -> None:
        missing = tmp_path / "nowhere"
        app = make_app(tmp_path, shared=missing)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            sidebar = app.library.query_one(Sidebar)
            shared = sidebar._space_nodes["shared"]
            reason = "".join(str(child.label) for child in shared.children)
            assert f"{missing}isnotafolder" in reason.replace(" ", "")
            app.toggle_space("shared")
            await pilot.pause()
            assert any("not a folder" in n for n in notes(messages))

    run(scenario())


# ---------------------------------------------------------------------- dialogs and help


def test_filter_dialog_writes_the_query(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("f")
            dialog = app.screen
            assert isinstance(dialog, FilterDialog)
            # Built from the index's actual values.
            camera = dialog.query_one("#f-camera", Select)
            offered = {value for _label, value in camera._options if isinstance(value, str)}
            assert offered == {"Canon EOS R6", "NIKON Z 6_2", "Apple iPhone 13"}
            camera.value = "NIKON Z 6_2"
            dialog.query_one("#f-gps", Select).value = "has:gps"
            dialog.query_one("#f-from", Input).value = "2019"
            await pilot.pause()
            await pilot.click("#apply")
            await pilot.pause()
            library = app.library
            expected = 'date:2019.. camera:"NIKON Z 6_2" has:gps'
            assert library.searchbar.value == expected and library.spec.query == expected
            shown = [app.index.get(i) for i in library.model.ids]
            assert shown and all(p.model == "NIKON Z 6_2" and p.has_gps for p in shown)
            assert app.focused is library.grid

    run(scenario())


def test_filter_query_building() -> None:
    choice = FilterChoice(
        words="paris",
        date_from="2019-07",
        date_to="2019-07",
        type="type:photo",
        rating="rating:>=4",
        camera='Odd "cam"',
        lens="50mm|x",
        folder=("shared", "2021/Lake"),
        gps="-has:gps",
    )
    assert build_query(choice) == (
        'paris date:2019-07 type:photo rating:>=4 camera:"Odd \\"cam\\"" lens:"50mm|x" '
        "space:shared folder:2021/Lake -has:gps"
    )
    from phototerm.library.query import parse

    parse(build_query(choice))  # what the dialog writes always parses


def test_filter_dialog_cancel_and_bad_date(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("f")
            dialog = app.screen
            dialog.query_one("#f-from", Input).value = "2019-13"
            await pilot.pause()
            assert "Not a date" in screen_text(app)
            await pilot.press("ctrl+s")  # refuses: the dialog stays
            assert app.screen is dialog
            await pilot.press("escape")
            assert app.screen is app.library and app.library.spec.query == ""

    run(scenario())


def test_sort_dialog(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("s")
            assert isinstance(app.screen, SortDialog)
            await pilot.press("down", "down", "down", "enter")  # Name: A to Z
            library = app.library
            assert (library.spec.sort, library.spec.descending) == ("name", False)
            shown = [app.index.get(i).name for i in library.model.ids]
            assert shown == sorted(shown)
            assert library.model.sections() == []  # no date headers when sorted by name
            assert "sorted by name ↑" in screen_text(app)
            await pilot.press("s", "escape")
            assert library.spec.sort == "name"

    run(scenario())


def test_jump_to_date(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await pilot.press("colon")
            await pilot.press(*"2020-05", "enter")
            photo = app.index.get(app.library.grid.cursor_photo_id())
            assert photo.folder == "2020/2020-05-02 Garden"
            # Newest first: the first photo of that month in display order is its latest.
            garden = [
                app.index.get(i)
                for i in app.library.model.ids
                if app.index.get(i).folder == photo.folder
            ]
            assert photo.taken == max(p.taken for p in garden)
            await pilot.press("colon", *"2019-07-14", "enter")
            assert app.index.get(app.library.grid.cursor_photo_id()).folder.endswith("Paris")
            await pilot.press("colon", *"2018-01", "enter")  # nothing then: the nearest
            assert any("No photos from 2018-01" in n for n in notes(messages))
            await pilot.press("colon", *"July", "enter")
            assert "Not a date" in screen_text(app)
            await pilot.press("escape")

    run(scenario())


def test_jump_switches_to_the_timeline(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("w")  # Folders
            await pilot.press("colon", *"2021", "enter")
            library = app.library
            assert library.spec.view == "timeline"
            assert app.index.get(library.grid.cursor_photo_id()).folder == "2021/Lake"

    run(scenario())


def test_help_lists_every_binding(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(200, 120)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            text = screen_text(app)
            for binding_id in keys.known_ids():
                assert binding_id in text, binding_id
            assert "grid.page_down" in text and "viewer.next" in text
            await pilot.press("escape")
            assert app.screen is app.library

    run(scenario())


def test_command_palette_has_the_actions(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            titles = [c.title for c in app.get_system_commands(app.screen)]
            for title in (
                "Search",
                "Filter…",
                "Sort…",
                "Jump to date…",
                "Copy path",
                "Timeline / Folders",
                "Help: every key",
                "Quit",
            ):
                assert title in titles
            sort = next(c for c in app.get_system_commands(app.screen) if c.title == "Sort…")
            sort.callback()
            await pilot.pause()
            assert isinstance(app.screen, SortDialog)

    run(scenario())


def test_copy_paths(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            model = app.library.model
            await pilot.press("y")
            assert app.clipboard == app.index.get(model.photo_id(0)).path
            await pilot.press("space", "right", "space", "y")
            assert app.clipboard.splitlines() == [
                app.index.get(model.photo_id(0)).path,
                app.index.get(model.photo_id(1)).path,
            ]
            assert "2 selected" in screen_text(app)

    run(scenario())


# ------------------------------------------------------------------ keymap, config, session


def test_keymap_remaps_by_binding_id(tmp_path: Path) -> None:
    async def scenario() -> None:
        config = '[keymap]\n"library.search" = "ctrl+f"\n"grid.down" = "n"\n"no.such" = "x"\n'
        app = make_app(tmp_path, config=config)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            grid = app.library.grid
            await pilot.press("slash")
            assert not isinstance(app.focused, SearchInput)
            await pilot.press("ctrl+f")
            assert isinstance(app.focused, SearchInput)
            await pilot.press("escape", "escape")  # clear, then back to the grid
            assert app.focused is grid
            before = grid.cursor
            await pilot.press("n")
            assert grid.cursor > before
            assert any("no binding with id 'no.such'" in n for n in notes(messages))
            await pilot.press("question_mark")
            assert "^f" in screen_text(app)  # the help shows the remapped key

    run(scenario())


def test_config_problems_are_notifications(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, config="this is = = not toml\n")
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert any("using defaults" in n for n in notes(messages))
            assert len(app.library.model) == 15  # and the library still opens

    run(scenario())


def test_bad_settings_reported(tmp_path: Path) -> None:
    async def scenario() -> None:
        config = 'color = "ultraviolet"\ntheme = "nope"\ntile_size = "huge"\nkeymap = 3\n'
        app = make_app(tmp_path, config=config)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            text = "\n".join(notes(messages))
            assert "unknown colour mode 'ultraviolet'" in text
            assert "unknown theme 'nope'" in text
            assert "tile_size must be one of" in text
            assert "[keymap] must be a table" in text
            assert app.theme == "phototerm" and app.tile_size == "medium"

    run(scenario())


def test_session_is_restored(tmp_path: Path) -> None:
    async def first() -> tuple[str, str]:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("s", "down", "down", "down", "enter")  # name A-Z
            await pilot.press("slash", *"IMG", "enter")
            await pilot.press("right", "right", "down")
            await pilot.press("w")
            name, query = cursor_name(app), app.library.spec.query
            await pilot.press("q")
        return name, query

    name, query = run(first())
    state = json.loads(
        (Path(os.environ["XDG_STATE_HOME"]) / "phototerm" / "session.json").read_text()
    )
    assert len(state["libraries"]) == 1

    async def second() -> None:
        app = make_app(tmp_path, library=False, personal=tmp_path / "lib" / "Personal")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            assert library.spec.view == "folders"
            assert (library.spec.sort, library.spec.descending) == ("name", False)
            assert library.spec.query == query == "IMG"
            assert library.searchbar.value == "IMG"
            assert cursor_name(app) == name

    run(second())


def test_corrupt_session_is_moved_aside(tmp_path: Path) -> None:
    state = Path(os.environ["XDG_STATE_HOME"]) / "phototerm"
    state.mkdir(parents=True)
    (state / "session.json").write_bytes(b"\xff{not json")

    async def scenario() -> None:
        app = make_app(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert any("session.json was unreadable" in n for n in notes(messages))
            assert len(app.library.model) == 15

    run(scenario())
    assert (state / "session.json.bad").read_bytes() == b"\xff{not json"


def test_tile_size_is_persisted(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("plus")
            assert app.tile_size == "large"
            await pilot.press("q")

    run(scenario())
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "phototerm" / "config.toml"
    assert 'tile_size = "large"' in config.read_text()


def test_worker_failure_is_a_notification(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from phototerm.tui import loading

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(loading, "index_spaces", broken)

    async def scenario() -> None:
        app = make_app(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert any("RuntimeError: disk on fire" in n for n in notes(messages))
            assert app.is_running and not app.indexing
            assert "0 / 0 shown" in screen_text(app)

    run(scenario())


# ---------------------------------------------------------------------------- colours


@pytest.mark.parametrize(
    ("env", "config", "mode"),
    [
        ({"TERM": "xterm-256color"}, "", "256"),
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "", "truecolor"),
        ({"TERM": "xterm-256color", "PHOTOTERM_COLOR": "truecolor"}, "", "truecolor"),
        ({"TERM": "xterm-256color"}, 'color = "truecolor"\n', "truecolor"),
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, 'color = "16"\n', "16"),
        ({"TERM": "xterm", "PHOTOTERM_COLOR": "256"}, 'color = "16"\n', "256"),
        ({"TERM": "screen"}, "", "16"),
    ],
)
def test_colour_mode_reaches_textual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict, config: str, mode: str
) -> None:
    for var in ("TERM", "COLORTERM", "PHOTOTERM_COLOR", "TEXTUAL_COLOR_SYSTEM"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    write_config(config)
    from phototerm.library.config import load

    cfg = load()
    assert terminal.detect(os.environ, cfg).mode == mode
    app = PhotoApp(resolve("", "", cfg, env={}), config=cfg, index_on_start=False)
    expected = {"truecolor": "truecolor", "256": "256", "16": "standard"}[mode]
    assert app.console.color_system == expected
    # The environment is left as it was.
    assert os.environ.get("COLORTERM") == env.get("COLORTERM")
    assert os.environ.get("TERM") == env.get("TERM")


def test_no_color_greys_the_chrome_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "phototerm-mono"
            assert not app.no_color  # Textual's own filter would grey the photos too
            assert app.color.no_color and app.color.mode == "truecolor"
            assert os.environ["NO_COLOR"] == "1"

    run(scenario())

    # An explicit theme wins over NO_COLOR (no-color.org: user configuration overrides).
    async def explicit() -> None:
        app = make_app(
            tmp_path, library=False, personal=tmp_path / "lib" / "Personal", theme="phototerm"
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "phototerm"

    run(explicit())


# ------------------------------------------------------------------------ untrusted text

HOSTILE_NAMES = [
    "[bold]x.jpg",
    "[@click=app.quit]x.jpg",
    "esc\x1b[2J\x1b]0;t\x07.jpg",
]
LONG_NAME = "L" * 246 + ".jpg"  # 250 characters


def hostile_library(root: Path) -> Path:
    shots = [
        Shot(name, datetime(2022, 1, 1 + n), color=(40 * n, 100, 150))
        for n, name in enumerate(HOSTILE_NAMES)
    ]
    shots.append(Shot(b"caf\xe9 latin1.jpg", datetime(2022, 1, 10)))
    shots.append(Shot(LONG_NAME, datetime(2022, 1, 11)))
    shots.append(
        Shot(
            "exif.jpg",
            datetime(2022, 1, 12),
            model="Cam [/] \x1b]52;c;ZXZpbA==\x07 [bold red]X",
            description=b"Desc [/] \x1b[31mred\x1b[0m [@click=app.quit]go",
        )
    )
    return make_library(root, shots)


def test_hostile_names_and_exif_are_shown_as_text(tmp_path: Path) -> None:
    async def scenario() -> None:
        root = hostile_library(tmp_path / "hostile")
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert len(app.library.model) == 6
            await pilot.press("i")
            seen: dict[str, str] = {}
            for _ in range(6):
                await pilot.pause()
                photo = app.index.get(app.library.grid.cursor_photo_id())
                # The info panel is the rightmost 44 columns.
                seen[photo.rel] = "\n".join(line[156:] for line in screen_lines(app))
                await pilot.press("right")
            assert app.is_running  # nothing turned into an action
            svg = app.export_screenshot()
            assert "\x1b" not in svg and "\x07" not in svg
            for text in seen.values():
                assert "\x1b" not in text and "\x07" not in text
            bold = seen["[bold]x.jpg"]
            assert "[bold]x.jpg" in bold  # literally, not styled away
            assert "[@click=app.quit]x.jpg" in seen["[@click=app.quit]x.jpg"]
            assert "esc\ufffd[2J\ufffd]0;t\ufffd.jpg" in seen["esc\x1b[2J\x1b]0;t\x07.jpg"]
            latin = next(t for r, t in seen.items() if r.startswith("caf"))
            assert "caf\ufffd latin1.jpg" in latin
            long_text = "".join(seen[LONG_NAME].split()).replace("▏", "")  # wrapped
            assert "L" * 100 in long_text
            exif = "".join(seen["exif.jpg"].split()).replace("▏", "")  # values wrap
            assert "Cam[/]\ufffd]52;c;ZXZpbA==\ufffd[boldred]X" in exif
            assert "Desc[/]\ufffd[31mred\ufffd[0m[@click=app.quit]go" in exif
            # Clicking where the "link" would be does nothing.
            await pilot.click("#library-info", offset=(12, 2))
            await pilot.pause()
            assert app.is_running

    run(scenario())


def test_hostile_folder_names_in_the_sidebar(tmp_path: Path) -> None:
    async def scenario() -> None:
        root = make_library(
            tmp_path / "p",
            [
                Shot("[red]folder/a.jpg", datetime(2020, 1, 1)),  # no "/" in a name: [/] is a path
                Shot("[@click=app.quit]x/c.jpg", datetime(2020, 1, 3)),
                Shot("bad\x1b]0;title\x07dir/b.jpg", datetime(2020, 1, 2)),
            ],
        )
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            sidebar = app.library.query_one(Sidebar)
            sidebar.tree.root.expand_all()
            await pilot.pause()
            text = screen_text(app)
            assert "[red]folder" in text and "[@click=app.quit]x" in text
            assert "bad\ufffd]0;title" in text  # (the narrow sidebar cuts the rest)
            labels = {str(n.label) for n in sidebar._folder_nodes.values()}
            assert {"[red]folder", "bad\ufffd]0;title\ufffddir"} <= labels
            await pilot.press("w")
            headers = [g.label for g in app.library.model.sections()]
            assert any("bad\ufffd]0;title\ufffddir" in h for h in headers)
            node = sidebar._folder_nodes[("personal", "[@click=app.quit]x")]
            sidebar.tree.select_node(node)
            await pilot.pause()
            assert app.is_running and len(app.library.model) == 1
            assert isinstance(sidebar.tree, Tree)

    run(scenario())


def test_rejected_and_error_marks_in_info(tmp_path: Path) -> None:
    async def scenario() -> None:
        root = make_library(tmp_path / "p", [Shot("ok.jpg", datetime(2020, 1, 1))])
        (root / "broken.jpg").write_bytes(b"not a jpeg at all")
        os.utime(root / "broken.jpg", (2e9, 2e9))
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("i")
            photo = app.index.get(app.library.grid.cursor_photo_id())
            assert photo.name == "broken.jpg" and photo.error
            assert "Error" in screen_text(app)
            assert photo.rating != REJECTED

    run(scenario())


def test_indexing_progress_in_the_status_line(tmp_path: Path) -> None:
    from phototerm.library.indexer import IndexProgress
    from phototerm.tui.loading import IndexingProgress

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.post_message(IndexingProgress(IndexProgress(1234, None, "scanning")))
            await pilot.pause()
            assert "scanning 1,234" in screen_lines(app)[-2]
            app.post_message(IndexingProgress(IndexProgress(40, 160, "reading")))
            await pilot.pause()
            assert "reading 40/160" in screen_lines(app)[-2]
            assert app.library.query_one("#status-progress").display
            app.post_message(IndexingProgress(IndexProgress(160, 160, "done")))
            await pilot.pause()
            assert "reading" not in screen_lines(app)[-2]
            assert not app.library.query_one("#status-progress").display

    run(scenario())
