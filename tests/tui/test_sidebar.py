"""The sidebar: long names cut with an ellipsis, "Recently added", very deep folder trees."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from conftest import SIZE, Shot, make_app, make_library, run, screen_lines, settle

from phototerm.tui import model as views
from phototerm.tui.widgets.sidebar import Sidebar


def sidebar_lines(app) -> list[str]:
    """The sidebar's columns of the screen, line by line."""
    sidebar = app.library.query_one(Sidebar)
    x0, width = sidebar.region.x, sidebar.region.width
    return [line[x0 : x0 + width] for line in screen_lines(app)]


def test_long_folder_names_end_with_an_ellipsis(tmp_path: Path) -> None:
    long_name = "2023-06-14 A very long folder name about a summer trip to the coast"
    root = make_library(
        tmp_path / "lib",
        [
            Shot(f"{long_name}/IMG_1.jpg", datetime(2023, 6, 14, 9)),
            Shot("Short/IMG_2.jpg", datetime(2023, 6, 15, 9)),
        ],
    )

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            library.sidebar.post_message(Sidebar.Chosen("folder", "personal", long_name))
            await pilot.pause()
            await pilot.press("ctrl+b", "ctrl+b")  # hidden, shown: the cursor on the folder
            await pilot.pause()
            lines = sidebar_lines(app)
            cut = [line for line in lines if "2023-06-14 A very" in line]
            assert len(cut) == 1, lines
            assert cut[0].rstrip(" ▏│▎▕").endswith("…"), cut[0]
            assert long_name not in "\n".join(lines)
            # A name that fits is shown whole, without a mark.
            assert any(line.rstrip(" ▏│▎▕").endswith("Short") for line in lines), lines

    run(scenario())


def test_recently_added_lists_the_newest_files_first(tmp_path: Path) -> None:
    """Photos by file modification time, those within 30 days of the newest, newest first,
    whatever their capture dates."""
    now = datetime(2024, 5, 20, 12)
    shots = [
        Shot(f"old/IMG_{n}.jpg", datetime(2024, 1, 1, 9) + timedelta(hours=n)) for n in range(4)
    ] + [Shot(f"new/IMG_{n}.jpg", datetime(2010, 1, 1, 9) + timedelta(hours=n)) for n in range(3)]
    root = make_library(tmp_path / "lib", shots)
    modified = {  # file name -> modification time
        "old/IMG_0.jpg": now - timedelta(days=200),
        "old/IMG_1.jpg": now - timedelta(days=100),
        "old/IMG_2.jpg": now - timedelta(days=29),  # within 30 days of the newest: recent
        "old/IMG_3.jpg": now - timedelta(days=31),
        "new/IMG_0.jpg": now - timedelta(days=2),
        "new/IMG_1.jpg": now,
        "new/IMG_2.jpg": now - timedelta(days=1),
    }
    for rel, when in modified.items():
        os.utime(root / rel, (when.timestamp(), when.timestamp()))

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            assert any("Recently added" in line for line in sidebar_lines(app))
            library.sidebar.post_message(Sidebar.Chosen("recent", None, ""))
            await pilot.pause()
            assert library.spec.view == views.RECENT
            shown = [app.index.get(i).rel for i in library.model.ids]
            assert shown == ["new/IMG_1.jpg", "new/IMG_2.jpg", "new/IMG_0.jpg", "old/IMG_2.jpg"]
            status = screen_lines(app)[-2]
            since = (now - timedelta(days=29)).strftime("%Y-%m-%d")
            assert f"Recently added (since {since})" in status, status
            assert "4 / 4 shown" in status and "sorted by modified ↓" in status
            # A search narrows it; leaving brings back the Timeline's own sort.
            await pilot.press("slash", *"folder:old", "enter")
            assert [app.index.get(i).rel for i in library.model.ids] == ["old/IMG_2.jpg"]
            library.sidebar.post_message(Sidebar.Chosen("timeline", None, ""))
            await pilot.pause()
            assert (library.spec.view, library.spec.sort) == (views.TIMELINE, "taken")

    run(scenario())


def remove_tree(top: Path) -> None:
    """rm -r without recursion (shutil.rmtree, and pytest's clean-up of old temporary folders,
    recurse once per level and fail on a tree 1,000 levels deep)."""
    stack, folders = [str(top)], []
    while stack:
        folder = stack.pop()
        folders.append(folder)
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)


def deep_library(tmp_path: Path, depth: int) -> tuple[Path, str]:
    """A photo ``depth`` folders down (made one level at a time: os.makedirs recurses)."""
    root = tmp_path / "lib"
    path = root
    path.mkdir()
    for _ in range(depth):
        path = path / "d"
        path.mkdir()
    deep = "/".join(["d"] * depth)
    make_library(
        root,
        [
            Shot(f"{deep}/IMG_DEEP.jpg", datetime(2020, 1, 1, 9)),
            Shot("top/IMG_TOP.jpg", datetime(2021, 1, 1, 9)),
        ],
    )
    return root, deep


def test_a_folder_1000_levels_deep_does_not_crash_the_folders_view(tmp_path: Path) -> None:
    """No recursion whose depth the files control: the sidebar's tree (and Textual's, which
    lays out expanded nodes recursively) nests at most MAX_NESTING levels."""
    from phototerm.tui.widgets.sidebar import MAX_NESTING

    root, deep = deep_library(tmp_path, 1000)

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            await pilot.press("w")  # the Folders view
            await pilot.pause()
            assert len(library.model) == 2
            # The deepest folder, chosen in the sidebar, opened all the way down to it.
            library.sidebar.post_message(Sidebar.Chosen("folder", "personal", deep))
            await pilot.pause()
            await pilot.press("ctrl+b", "ctrl+b")
            await pilot.pause()
            assert [app.index.get(i).name for i in library.model.ids] == ["IMG_DEEP.jpg"]
            tree = library.sidebar.entry_tree
            node = tree.cursor_node
            assert node is not None and node.data.value == deep
            levels = 0
            while node.parent is not None:
                levels, node = levels + 1, node.parent
            assert levels <= MAX_NESTING + 3  # Folders > space > nested folders > this one
            assert any("…" in line for line in sidebar_lines(app))
            await pilot.press("up", "enter")  # its parent (a sibling entry): still fine
            await pilot.pause()
            assert library.spec.view == views.FOLDERS
        assert app.return_code in (None, 0)

    try:
        run(scenario())
    finally:
        remove_tree(root)


def test_a_folder_s_subfolders_become_nodes_when_it_is_opened(tmp_path: Path) -> None:
    """Thousands of folders cost Textual ~25 µs a node: the tree holds only what was opened
    (before, every folder of the library was a node of the first screen)."""
    from textual.widgets import Tree

    shots = [
        Shot(f"{year}/{year}-{month:02d} trip/IMG_{month}.jpg", datetime(year, month, 1, 9))
        for year in (2019, 2020)
        for month in range(1, 13)
    ]
    root = make_library(tmp_path / "lib", shots)

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            sidebar = app.library.sidebar
            assert set(sidebar._folder_nodes) == {("personal", "")}  # the space, closed
            space = sidebar.folder_node("personal", "")
            assert space is not None and space.allow_expand and not space.children
            # Textual's own toggle (a click, Space) opens it: its folders appear.
            space.expand()
            await pilot.pause()
            assert [str(n.label) for n in space.children] == ["2019", "2020"]
            assert all(n.allow_expand and not n.children for n in space.children)
            # A folder asked for by path: its parents' subfolders are made on the way.
            node = sidebar.folder_node("personal", "2020/2020-07 trip")
            assert node is not None and str(node.label) == "2020-07 trip"
            assert not node.allow_expand
            assert len(sidebar._folder_nodes) == 1 + 2 + 12
            assert sidebar.folder_node("personal", "2021") is None
            # Chosen in the grid's view: the sidebar marks it, and the cursor finds it.
            sidebar.post_message(Sidebar.Chosen("folder", "personal", "2019/2019-03 trip"))
            await pilot.pause()
            await pilot.press("ctrl+b", "ctrl+b")  # hidden, shown: the cursor on the folder
            tree = sidebar.entry_tree
            assert isinstance(tree, Tree) and tree.cursor_node is not None
            assert tree.cursor_node.data.value == "2019/2019-03 trip"
            assert "reverse" in str(tree.cursor_node.label.spans)

    run(scenario())
