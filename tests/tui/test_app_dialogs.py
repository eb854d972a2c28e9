"""Pilot tests of the browser's dialogs and help: filter, sort, jump to date, the help
screen, the command palette, copying paths. Every test runs the real PhotoApp on a
generated library (see conftest)."""

from __future__ import annotations

from pathlib import Path

from conftest import SIZE, make_app, notes, run, screen_text, settle
from textual.widgets import Input, OptionList, Select

from phototerm.tui import keys
from phototerm.tui.dialogs.filter import FilterChoice, FilterDialog, build_query
from phototerm.tui.dialogs.sort import SortDialog
from phototerm.tui.screens.help import HelpScreen, binding_sections
from phototerm.tui.screens.viewer import ViewerScreen

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
            options = camera.query_one(OptionList)  # the list that drops down
            prompts = [
                str(options.get_option_at_index(n).prompt) for n in range(1, options.option_count)
            ]
            offered = {prompt.rpartition(" (")[0] for prompt in prompts}  # "Canon EOS R6 (5)"
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
            await pilot.press("down", "down", "enter")  # Name: A to Z (listed before Z to A)
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
            for binding_id in keys.known_ids(binding_sections(type(app))):
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


def test_palette_names_the_keys_bound_after_the_keymap(tmp_path: Path) -> None:
    config = '[keymap]\n"library.filter" = "ctrl+f"\n"edit.tags" = "T"\n"grid.bigger" = "b"\n'

    def helps(app) -> dict[str, str]:
        return {c.title: c.help for c in app.get_system_commands(app.screen)}

    async def scenario() -> None:
        app = make_app(tmp_path, config=config)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = helps(app)
            assert library["Filter…"].endswith("(^f)")  # remapped
            assert library["Sort…"].endswith("(s)")  # as bound by default
            assert library["Tags…"] == "Add or remove tags (T)"
            assert library["Thumbnails: large"] == "Thumbnail size (b / - in the grid)"
            # What the palette shows when searched, as a person sees it.
            await pilot.press("ctrl+p", *"filter")
            await pilot.pause(0.3)
            assert "GPS (^f)" in screen_text(app)
            await pilot.press("escape")
            assert app.screen is app.library
            await pilot.press("enter")  # the viewer's palette: the editing keys
            assert isinstance(app.screen, ViewerScreen)
            viewer = helps(app)
            assert viewer["Tags…"] == "Add or remove tags (T)"
            assert viewer["Rate 5 stars"] == "(5)"

    run(scenario())
