"""A [keymap] entry that gives a key to a second binding in the same place: reported at start
with both ids; the user's binding gets the key, the default it displaced loses it (unbound
when it had no other), and the help says so."""

from __future__ import annotations

from pathlib import Path

from conftest import SIZE, make_app, notes, run, screen_text, settle

from phototerm.tui import keys
from phototerm.tui.app import PhotoApp
from phototerm.tui.dialogs.filter import FilterDialog
from phototerm.tui.dialogs.tags import TagDialog
from phototerm.tui.screens.help import HelpScreen, binding_contexts, binding_sections
from phototerm.tui.screens.viewer import ViewerScreen


def help_rows(app) -> dict[str, str]:
    """binding id -> the keys the help shows for it (first place it is described)."""
    rows: dict[str, str] = {}
    for _title, section in keys.binding_help(app, app.keymap, binding_sections(type(app))):
        for shown, _text, binding_id in section:
            if binding_id:
                rows.setdefault(binding_id, shown)
    return rows


def test_the_users_key_wins_and_the_default_is_unbound(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, config='[keymap]\n"edit.tags" = "x"\n')
        messages: list = []
        # Tall enough for the whole help screen: its editing section is near the end.
        async with app.run_test(size=(SIZE[0], 90), message_hook=messages.append) as pilot:
            await settle(pilot)
            told = [n for n in notes(messages) if "edit.tags" in n and "edit.reject" in n]
            assert len(told) == 1, notes(messages)
            assert "x is bound to both" in told[0] and "unbound" in told[0]
            rows = help_rows(app)
            assert rows["edit.tags"] == "x"
            assert rows["edit.reject"] == "unbound"
            assert app.unbound_ids == {"edit.reject"}
            before = app.index.get(app.library.grid.cursor_photo_id()).rating
            await pilot.press("x")
            assert isinstance(app.screen, TagDialog)  # x is the user's tags key now
            await pilot.press("escape")
            assert app.index.get(app.library.grid.cursor_photo_id()).rating == before
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            lines = screen_text(app).splitlines()
            x_rows = [line for line in lines if line.lstrip().startswith("x ")]
            assert len(x_rows) == 1 and "edit.tags" in x_rows[0]  # x listed once
            assert any("unbound" in line and "edit.reject" in line for line in lines)

    run(scenario())


def test_a_key_taken_from_an_inner_binding_reaches_the_users_binding(tmp_path: Path) -> None:
    """The grid's keys come before the screen's: the grid's binding must let go of the key,
    all of it (v, its only key) or the part the user took (j of down,j)."""

    async def scenario() -> None:
        config = '[keymap]\n"library.filter" = "v"\n"edit.tags" = "j"\n'
        app = make_app(tmp_path, config=config)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            told = notes(messages)
            assert any("library.filter" in n and "grid.select_range" in n for n in told), told
            assert any("edit.tags" in n and "grid.down" in n for n in told), told
            grid = app.library.grid
            await pilot.press("v")
            assert isinstance(app.screen, FilterDialog)
            assert not grid.selected
            await pilot.press("escape")
            await pilot.press("j")
            assert isinstance(app.screen, TagDialog)
            await pilot.press("escape")
            before = grid.cursor
            await pilot.press("down")  # down.j lost j only
            assert grid.cursor > before
            rows = help_rows(app)
            assert rows["grid.select_range"] == "unbound"
            assert rows["grid.down"] == "↓"

    run(scenario())


def test_a_default_displaced_in_one_place_is_unbound_everywhere(tmp_path: Path) -> None:
    """viewer.info on t displaces the viewer's Tags key; the library keeps no t for Tags either
    (one id, one set of keys), and the palette still offers Tags."""

    async def scenario() -> None:
        app = make_app(tmp_path, config='[keymap]\n"viewer.info" = "t"\n')
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.unbound_ids == {"edit.tags"}
            await pilot.press("t")
            assert app.screen is app.library  # no tag dialog
            await pilot.press("enter")
            assert isinstance(app.screen, ViewerScreen)
            shown = app.screen.info.display
            await pilot.press("t")
            assert app.screen.info.display != shown  # t is viewer.info here
            assert not isinstance(app.screen, TagDialog)

    run(scenario())


def test_user_keys_that_clash_with_each_other_go_to_the_first() -> None:
    contexts = binding_contexts(PhotoApp)
    settled, problems = keys.resolve_conflicts(
        {"edit.albums": "T", "edit.tags": "T", "grid.down": "n"}, contexts
    )
    assert settled["edit.albums"] == "T" and settled["edit.tags"] == ""
    assert len(problems) == 1 and "edit.albums" in problems[0] and "edit.tags" in problems[0]
    # No conflict, no change: a keymap that only moves keys to free ones is kept as it is.
    assert keys.resolve_conflicts({"grid.down": "n"}, contexts) == ({"grid.down": "n"}, [])
    # The defaults share keys only by design (the help's q and ? close it): not reported.
    assert keys.resolve_conflicts({}, contexts) == ({}, [])


def test_every_class_with_bindings_can_unbind() -> None:
    for _title, classes in binding_sections(PhotoApp):
        for cls in classes:
            assert issubclass(cls, keys.BindingGate), cls
