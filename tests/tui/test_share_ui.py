"""Pilot tests of sharing in the TUI: the share dialog (S) on an album and on a selection
(link on and off, password, last day, download, copy), people on a Shared Space album (and
who cannot read what), the Shares list (revoke), and "Shared with me" in the sidebar."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from conftest import SIZE, make_app, make_standard, notes, run, screen_lines, settle
from nobody import public_tempdir
from textual.widgets import Input, Switch

from phototerm.library.sharing.passwords import check_password
from phototerm.library.store import Recipient, Store
from phototerm.tui.dialogs.share import ShareDialog
from phototerm.tui.dialogs.shares import SharesDialog
from phototerm.tui.widgets.sidebar import Sidebar


def _shares(root: Path) -> list:
    with Store.open(
        "personal" if root.name == "Personal" else "shared", str(root), read_only=True
    ) as store:
        return store.shares.all()


def dialog_text(app) -> str:
    """The dialog's text as one line: what is between its borders, wrapped lines joined."""
    parts = []
    for line in screen_lines(app):
        if line.count("│") >= 2:
            parts.append(line[line.index("│") + 1 : line.rindex("│")].strip())
    return re.sub(r"\s+", " ", " ".join(parts))


def _sidebar(app, title: str) -> list[str]:
    sidebar = app.library.query_one(Sidebar)
    for node in sidebar.entry_tree.root.children:
        if str(node.label) == title:
            return [str(child.label) for child in node.children]
    return []


async def _open_album(pilot, app, name: str) -> None:
    app.library.open_album(name)
    await pilot.pause()


def test_sharing_an_album_by_link_then_revoking_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = tmp_path / "lib" / "Personal"
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            editor = app.edits.editor
            ids = app.library.model.ids[:3]
            assert editor.albums.create("[bold]Trip", ids).ok
            await _open_album(pilot, app, "[bold]Trip")
            await pilot.press("S")
            assert isinstance(app.screen, ShareDialog)
            text = dialog_text(app)
            assert "Share '[bold]Trip'" in text  # the name as it is, not as markup
            assert "No link: turn it on to make one" in text
            assert "Personal Space, which nobody else can read" in text
            assert _shares(root) == []
            await pilot.press("space")  # the link switch has the focus: on
            await pilot.pause()
            [share] = _shares(root)
            assert share.is_link and share.album == "[bold]Trip" and share.permission == "view"
            url = f"http://127.0.0.1:5080/s/{share.token}"
            assert url in dialog_text(app)
            await pilot.press("c")
            assert app.clipboard == url
            assert f"Copied {url}" in notes(messages)
            await pilot.press("ctrl+d")  # revoked at once
            await pilot.pause()
            assert _shares(root) == []
            assert "No link" in dialog_text(app)
            assert not app.screen.query_one("#share-link", Switch).value
            await pilot.press("escape")
            assert not isinstance(app.screen, ShareDialog)

    run(scenario())


def test_a_password_a_last_day_and_download_are_applied(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = tmp_path / "lib" / "Personal"
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.edits.editor.albums.create("Trip", app.library.model.ids[:2]).ok
            await _open_album(pilot, app, "Trip")
            await pilot.press("S")
            dialog = app.screen
            assert isinstance(dialog, ShareDialog)
            dialog.query_one("#share-password", Input).value = "s3cret"
            dialog.query_one("#share-expires", Input).value = "2001-01-01"
            dialog.query_one("#share-download", Switch).value = True
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "is in the past" in dialog_text(app)
            assert _shares(root) == []  # a bad date changes nothing
            dialog.query_one("#share-expires", Input).value = "2099-12-31"
            await pilot.press("ctrl+s")
            await pilot.pause()
            [share] = _shares(root)
            assert share.permission == "download" and share.expires is not None
            assert check_password("s3cret", share.password_hash)
            assert "download, password, until 2099-12-31" in dialog_text(app)
            assert dialog.query_one("#share-password", Input).value == ""
            # Saving again without typing a password keeps the one it has, and the address.
            dialog.query_one("#share-expires", Input).value = ""
            await pilot.press("ctrl+s")
            await pilot.pause()
            [again] = _shares(root)
            assert again.token == share.token and again.expires is None
            assert again.password_hash == share.password_hash

    run(scenario())


def test_a_selection_shared_by_link_becomes_an_album(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = tmp_path / "lib" / "Personal"
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            picked = app.library.model.ids[:2]
            await pilot.press("space", "right", "space", "S")
            assert isinstance(app.screen, ShareDialog)
            assert "Share 2 photos" in dialog_text(app)
            await pilot.press("space")
            await pilot.pause()
            [share] = _shares(root)
            assert share.album.startswith("Shared ")
            with Store.open("personal", str(root), read_only=True) as store:
                album = store.albums.get(share.album)
            assert album is not None
            assert album.members == [("personal", app.index.get(i).rel) for i in picked]
            assert f"Share '{share.album}'" in dialog_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert share.album in " ".join(_sidebar(app, "Albums"))

    run(scenario())


def test_people_on_a_shared_space_album_and_who_cannot_read(tmp_path: Path) -> None:
    """The library lives in a folder everyone may enter (pytest's are 0700: then nobody
    but root could read any photo, which the dialog says too)."""
    public = Path(public_tempdir("phototerm-share-"))

    async def scenario() -> None:
        personal, shared = make_standard(public)
        app = make_app(tmp_path, personal=personal, shared=shared)
        photo = next(shared.rglob("*.jpg"))
        os.chmod(photo, 0o600)  # only its owner may read it
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            editor = app.edits.editor
            ids = [i for i in app.index.search("space:shared")]
            assert editor.albums.create("Family", ids, space="shared").ok
            await _open_album(pilot, app, "Family")
            await pilot.press("S")
            dialog = app.screen
            assert isinstance(dialog, ShareDialog)
            assert "Shared with nobody yet" in dialog_text(app)
            who = dialog.query_one("#share-who", Input)
            who.value = "nobody-such-user"
            await pilot.press("ctrl+a")
            await pilot.pause()
            assert "no user named 'nobody-such-user'" in dialog_text(app)
            who.value = "@nogroup"
            await pilot.press("ctrl+a")
            await pilot.pause()
            text = dialog_text(app)
            assert "@nogroup cannot read 1 photo:" in text and "no read permission" in text
            assert "no user named" not in text  # the earlier error is gone
            assert _shares(shared) == []  # not saved before the second ctrl+a
            await pilot.press("ctrl+a")
            await pilot.pause()
            [share] = _shares(shared)
            assert share.recipients == (Recipient("@nogroup", "viewer"),)
            assert "@nogroup (viewer)" in dialog_text(app)
            who.value = "@nogroup"
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert _shares(shared) == []

    try:
        run(scenario())
    finally:
        shutil.rmtree(public, ignore_errors=True)


def test_the_shares_list_shows_every_share_and_revokes(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        root = tmp_path / "lib" / "Personal"
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            editor = app.edits.editor
            model = app.library.model
            assert editor.albums.create("One", model.ids[:1]).ok
            assert editor.albums.create("Two", model.ids[1:2]).ok
            assert editor.shares.set_link("One").ok
            assert editor.shares.set_link("Two", password="pw").ok
            app.share_edits.open_list()
            await pilot.pause()
            assert isinstance(app.screen, SharesDialog)
            text = dialog_text(app)
            assert "One" in text and "Two" in text and "last opened never" in text
            assert "view, password, never expires" in text
            await pilot.press("ctrl+d")  # the first one, highlighted
            await pilot.pause()
            assert [s.album for s in _shares(root)] == ["Two"]
            assert "One  Personal" not in dialog_text(app)

    run(scenario())


def test_shared_with_me_lists_albums_others_shared(tmp_path: Path, monkeypatch) -> None:
    """The album appears with its owner and role; opening it says which photos the file
    permissions keep from this person (as root every file is readable, so the kernel's
    answer is replaced for one photo; tests/library/test_sharing.py asks the real kernel)."""
    from phototerm.library.sharing import people

    async def scenario() -> None:
        app = make_app(tmp_path, shared=None)
        shared = tmp_path / "lib" / "Shared"
        photos = sorted(str(p.relative_to(shared)) for p in shared.rglob("*.jpg"))
        hidden = str(shared / photos[0])
        monkeypatch.setattr(people.os, "access", lambda path, mode: path != hidden)
        with Store.open("shared", str(shared)) as store:
            from phototerm.library.store import AlbumRecord

            store.albums.put(AlbumRecord("Christmas", members=[("shared", r) for r in photos[:2]]))
            store.shares.add(
                "album",
                "tok-people-share-000001",
                album="Christmas",
                recipients=[Recipient("@root", "downloader")],
                created_by="alice",
            )
        messages: list = []
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await pilot.pause()
            assert _sidebar(app, "Shared with me") == ["Christmas · alice (downloader)"]
            app.library.post_message(Sidebar.Chosen("album", None, "Christmas"))
            await pilot.pause()
            assert app.library.spec.album == "Christmas"
            [warning] = [n for n in notes(messages) if "cannot read" in n]
            assert warning.startswith("You cannot read 1 of the 2 photos of 'Christmas'")
            assert "ask alice, who shared it" in warning

    run(scenario())
