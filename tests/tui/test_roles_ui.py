"""The browser follows the role (Pilot tests with an injected identity): actions the role does
not allow are not in the footer, the help or the palette, and their keys say why."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import (
    SIZE,
    make_app,
    make_library,
    notes,
    run,
    screen_lines,
    screen_text,
    settle,
    standard_shots,
)

from phototerm.library.access.grants import Grants, write_grants
from phototerm.library.access.role import Role
from phototerm.library.roles import Identity
from phototerm.library.store import PhotoState, Store
from phototerm.tui.screens.edit_keys import EDIT_BINDINGS
from phototerm.tui.screens.help import HelpScreen

ALICE = Identity("alice", frozenset({"users"}), 54321)
REFUSED = "Your role in the Shared Space is view: rating needs manage"


def _shared(tmp_path: Path, grants: Grants | None) -> Path:
    root = make_library(tmp_path / "photo", standard_shots("shared"))
    if grants is not None:
        (root / ".phototerm").mkdir()
        write_grants(str(root), grants)
        Store.open("shared", str(root)).close()
    return root


def _stored(root: Path, rel: str) -> PhotoState:
    with Store.open("shared", str(root), read_only=True) as store:
        return store.get_states([rel])[rel]


def test_a_viewer_sees_no_editing_action_and_its_keys_say_why(tmp_path):
    shared = _shared(tmp_path, Grants({"alice": Role.VIEW}))

    async def scenario() -> None:
        app = make_app(tmp_path, personal="", shared=shared, identity=ALICE)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            footer = screen_lines(app)[-1]
            assert "Search" in footer
            for word in ("Tags", "Albums", "Undo"):
                assert word not in footer, footer
            photo = app.library.grid.cursor_photo_id()
            assert photo is not None
            rel, rating = app.index.get(photo).rel, app.index.get(photo).rating
            for key in ("3", "x", "t", "a", "r", "u"):
                await pilot.press(key)
            assert notes(messages)[0] == REFUSED
            assert notes(messages)[1:] == [
                "Your role in the Shared Space is view: rejecting needs manage",
                "Your role in the Shared Space is view: tagging needs manage",
                "Your role in the Shared Space is view: changing albums needs manage",
                "Your role in the Shared Space is view: rotating needs manage",
                "Your role in the Shared Space is view: undoing needs manage",
            ]
            assert app.screen is app.library  # no dialog opened
            assert app.index.get(photo).rating == rating and _stored(shared, rel) == PhotoState()
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert "Search" in titles and "Filter…" in titles
            for title in ("Rate 3 stars", "Tags…", "Albums…", "Reject", "Undo"):
                assert title not in titles
            assert "Move rejected photos to #recycle" not in titles
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)

    run(scenario())


def test_the_help_leaves_out_the_editing_keys_of_a_viewer(tmp_path):
    shared = _shared(tmp_path, Grants({"alice": Role.VIEW}))

    async def scenario() -> None:
        app = make_app(tmp_path, personal="", shared=shared, identity=ALICE)
        async with app.run_test(size=(200, 120)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            text = screen_text(app)
            assert "library.search" in text and "grid.page_down" in text
            for binding in EDIT_BINDINGS:
                assert binding.id not in text, binding.id
            assert f"The editing keys are not listed: {REFUSED.replace('rating', 'editing')}" in (
                " ".join(text.split())
            )

    run(scenario())


def test_a_manager_edits_and_a_space_without_a_role_says_no_access(tmp_path):
    personal = make_library(tmp_path / "Photos", standard_shots("personal"))
    os.chown(personal, ALICE.uid, -1)  # alice's own Personal Space: she manages it
    shared = _shared(tmp_path, None)  # access not enabled: no role for alice

    async def scenario() -> None:
        app = make_app(tmp_path, personal=personal, shared=shared, identity=ALICE)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            text = screen_text(app)
            assert "Shared Space (no access)" in text
            assert "Tags" in screen_lines(app)[-1]
            photo = app.library.grid.cursor_photo_id()
            assert photo is not None and app.index.get(photo).space == "personal"
            await pilot.press("4")
            assert app.index.get(photo).rating == 4

    run(scenario())


def test_with_two_spaces_the_keys_stay_and_refuse_the_viewers_photos(tmp_path):
    personal = make_library(tmp_path / "Photos", standard_shots("personal"))
    os.chown(personal, ALICE.uid, -1)
    shared = _shared(tmp_path, Grants({}, {"users": Role.VIEW}))

    async def scenario() -> None:
        app = make_app(tmp_path, personal=personal, shared=shared, identity=ALICE)
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            assert "Tags" in screen_lines(app)[-1]  # she may edit her own photos
            app.library.toggle_space("personal")  # only the Shared Space's photos shown
            await settle(pilot)
            photo = app.library.grid.cursor_photo_id()
            assert photo is not None and app.index.get(photo).space == "shared"
            await pilot.press("3")
            assert notes(messages)[-1] == REFUSED
            assert app.index.get(photo).rating == 0

    run(scenario())
