"""Pilot tests of the browser's library screen: filling in, navigation, views, spaces, the
info panel and status line, and untrusted text shown as text. Dialogs and help:
test_app_dialogs.py; keymap, config, session, colours: test_app_session.py. Every test
runs the real PhotoApp on a generated library (see conftest)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from conftest import (
    SIZE,
    Shot,
    cursor_name,
    make_app,
    make_library,
    notes,
    run,
    screen_lines,
    screen_text,
    settle,
)
from textual.widgets import Tree

from phototerm.library.photo import REJECTED
from phototerm.tui.widgets.infopanel import InfoPanel
from phototerm.tui.widgets.sidebar import Sidebar

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
            tree = sidebar.entry_tree
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
            app.library.toggle_space("shared")
            await pilot.pause()
            assert [app.index.get(i).name for i in library.model.ids] == ["a.jpg"]
            assert "Personal · Timeline" in screen_text(app)
            app.library.toggle_space("personal")
            await pilot.pause()
            assert len(library.model) == 0 and "no space on" in screen_text(app)
            app.library.toggle_space("shared")
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
            app.library.toggle_space("shared")
            await pilot.pause()
            assert any("not a folder" in n for n in notes(messages))

    run(scenario())


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
            sidebar.entry_tree.root.expand_all()
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
            sidebar.entry_tree.select_node(node)
            await pilot.pause()
            assert app.is_running and len(app.library.model) == 1
            assert isinstance(sidebar.entry_tree, Tree)

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


def test_indexing_progress_in_the_status_line(tmp_path: Path, monkeypatch) -> None:
    from phototerm.library.ingest.indexer import IndexProgress
    from phototerm.tui import app as app_module
    from phototerm.tui.messages import IndexingProgress

    # Shown once the work has lasted PROGRESS_AFTER: here at once.
    monkeypatch.setattr(app_module, "PROGRESS_AFTER", 0.0)

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


def test_footer_shows_the_command_palette_once(tmp_path):
    # The palette key is in the footer once (the Footer shows its own palette key on the
    # right, so our app.commands binding is not shown there); it stays in help and keymap.
    from conftest import make_app, run, screen_lines, settle

    from phototerm.tui import keys
    from phototerm.tui.screens.help import binding_sections

    async def scenario(config: str | None, key: str) -> None:
        app = make_app(tmp_path, config=config)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            footer = screen_lines(app)[-1]
            assert footer.count("Commands") == 1, footer
            assert f"{key} Commands" in footer
            sections = binding_sections(type(app))
            rows = [
                row for _t, rows in keys.binding_help(app, app.keymap, sections) for row in rows
            ]
            assert any(ident == "app.commands" for _k, _t, ident in rows)

    run(scenario(None, "^p"))
    run(scenario('[keymap]\n"app.commands" = "ctrl+k"\n', "^k"))


def test_sidebar_cursor_starts_on_the_active_entry(tmp_path):
    # Focusing the sidebar (ctrl+b, tab, a click) shows the cursor on the active entry, so
    # Down moves from there, not from "Spaces"; Right/Enter open a folder, as Space does.
    from conftest import make_app, run, settle

    from phototerm.tui import model as views
    from phototerm.tui.widgets.sidebar import Entry

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            library = app.library
            sidebar, tree = library.sidebar, library.sidebar.entry_tree
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
