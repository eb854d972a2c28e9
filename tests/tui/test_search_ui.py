"""The search bar: live (debounced) filtering, inline parse errors, Enter and Esc."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_app, run, screen_lines, screen_text, settle

from phototerm.tui.widgets import searchbar
from phototerm.tui.widgets.grid import ThumbnailGrid
from phototerm.tui.widgets.searchbar import SearchBar, SearchInput

SIZE = (200, 50)
# The real debounce is 0.15 s. These tests type faster than the debounce and then check that
# nothing ran yet; Pilot waits for idle after every key, which on a loaded CI machine can
# take longer than 0.15 s. A longer debounce keeps "typed faster than it" true there.
DEBOUNCE_SECONDS = 0.8


@pytest.fixture(autouse=True)
def _slow_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(searchbar, "DEBOUNCE_SECONDS", DEBOUNCE_SECONDS)


def folders(app) -> set[str]:
    return {app.index.get(i).folder for i in app.library.model.ids}


def test_live_search_is_debounced(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            assert isinstance(app.focused, SearchInput)
            await pilot.press(*"paris")  # typed faster than the debounce
            changed = [m for m in messages if isinstance(m, SearchBar.Changed)]
            assert changed == []  # nothing ran yet
            await pilot.pause(DEBOUNCE_SECONDS * 1.5)
            # (the hook sees a message at every node it bubbles through: count objects)
            changed = {id(m): m.text for m in messages if isinstance(m, SearchBar.Changed)}
            assert list(changed.values()) == ["paris"]  # one search for five keys
            assert folders(app) == {"2019/2019-07-14 Paris"}
            assert "6 / 15 shown" in screen_text(app)
            assert isinstance(app.focused, SearchInput)  # still typing

    run(scenario())


def test_bad_query_shows_the_position_and_keeps_results(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            await pilot.press("slash", *"rating:>=3")
            await pilot.pause(DEBOUNCE_SECONDS * 1.5)
            good = list(library.model.ids)
            assert good and library.spec.query == "rating:>=3"
            await pilot.press(*" (camera:nikon")
            await pilot.pause(DEBOUNCE_SECONDS * 1.5)
            text = screen_text(app)
            assert "unclosed '('" in text and "(column 12)" in text
            assert library.model.ids == good  # the last good result stays
            assert library.spec.query == "rating:>=3"
            assert "rating:>=3" in screen_lines(app)[-2]  # the status line's query
            # Enter on a bad query applies nothing and stays in the bar.
            await pilot.press("enter")
            assert isinstance(app.focused, SearchInput)
            # Fixing it clears the error.
            await pilot.press(")")
            await pilot.pause(DEBOUNCE_SECONDS * 1.5)
            assert "unclosed" not in screen_text(app)
            assert library.spec.query == "rating:>=3 (camera:nikon)"
            await pilot.press("enter")
            assert isinstance(app.focused, ThumbnailGrid)

    run(scenario())


def test_unknown_key_error(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"colour:red", "enter")
            await pilot.pause()
            assert "unknown key 'colour:'" in screen_text(app)
            assert app.library.spec.query == ""
            assert len(app.library.model) == 15

    run(scenario())


def test_enter_applies_and_escape_clears(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            await pilot.press("slash", *"garden", "enter")  # before the debounce fires
            assert library.spec.query == "garden"
            assert folders(app) == {"2020/2020-05-02 Garden"}
            assert isinstance(app.focused, ThumbnailGrid)
            await pilot.press("slash", "escape")
            assert library.searchbar.value == "" and library.spec.query == ""
            assert len(library.model) == 15
            assert isinstance(app.focused, SearchInput)  # Esc once: cleared, still there
            await pilot.press("escape")
            assert isinstance(app.focused, ThumbnailGrid)  # Esc again: back to the photos

    run(scenario())


def test_search_keeps_the_cursor_photo(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            paris = [i for i in library.model.ids if "Paris" in app.index.get(i).folder]
            library.grid.move_to_photo(paris[2])
            await pilot.pause()
            await pilot.press("slash", *"paris", "enter")
            assert library.grid.cursor_photo_id() == paris[2]
            await pilot.press("slash", "escape", "escape")
            assert library.grid.cursor_photo_id() == paris[2]

    run(scenario())


def test_search_language_reaches_the_index(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"has:gps -camera:canon", "enter")
            shown = [app.index.get(i) for i in app.library.model.ids]
            assert shown and all(p.has_gps and "Canon" not in p.camera for p in shown)
            await pilot.press("slash", "ctrl+u", *'folder:"2021/Lake" OR date:2019-07', "enter")
            assert folders(app) == {"2021/Lake", "2019/2019-07-14 Paris"}

    run(scenario())


def _burst(app, *keys: str) -> None:
    """Send keys as a terminal delivers a fast burst (tmux send-keys, a paste): all queued
    at once, with no pause for the app to handle one before the next arrives. Pilot.press
    waits for idle after every key, which hides ordering races."""
    import unicodedata

    from textual import events

    for key in keys:
        char = key if len(key) == 1 else None
        if len(key) == 1 and not key.isalnum():
            # Textual names a punctuation key after its Unicode name ("colon"), "/" "slash".
            name = unicodedata.name(key).lower().replace(" ", "_").replace("-", "_")
            key = {"solidus": "slash"}.get(name, name)
        if key == "enter":
            char = "\r"
        elif key.startswith("ctrl+") and len(key) == 6:
            char = chr(ord(key[-1]) - 96)
        app.post_message(events.Key(key, char))


@pytest.mark.parametrize("burst", [False, True])
def test_search_keeps_fast_typing(tmp_path, burst):
    # "/ C-u camera:canon Enter" arriving in one burst (tmux send-keys, a paste) must reach
    # the bar whole: keys after "/" must not be queued for the grid and dropped, and ctrl+u
    # (an Input binding, run only once the key bubbles to the App) must not clear letters
    # typed after it.
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


def test_where_the_keys_go_is_visible(tmp_path: Path) -> None:
    """After Esc Esc the focus is back on the photos: the status line says so, and the
    search bar looks different from when it takes the typing."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            bar = library.searchbar
            prompt = bar.query_one("#search-prompt")

            def look() -> tuple:
                return (prompt.styles.background, bar.styles.background, bar.input.styles.color)

            assert screen_lines(app)[-2].startswith(" PHOTOS ")
            resting = look()
            await pilot.press("slash")
            assert screen_lines(app)[-2].startswith(" SEARCH ")
            typing = look()
            assert typing[0] != resting[0] and typing[1] != resting[1]
            await pilot.press(*"garden", "escape")  # the first Esc clears, keeps the focus
            assert isinstance(app.focused, SearchInput) and bar.value == ""
            assert screen_lines(app)[-2].startswith(" SEARCH ") and look() == typing
            await pilot.press("escape")  # the second goes back to the photos
            assert app.focused is library.grid
            assert screen_lines(app)[-2].startswith(" PHOTOS ") and look() == resting
            await pilot.press("ctrl+b", "ctrl+b")  # the sidebar, focused
            assert screen_lines(app)[-2].startswith(" SIDEBAR ")

    run(scenario())
