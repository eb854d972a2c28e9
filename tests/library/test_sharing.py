"""The sharing core: scrypt passwords, tokens and expiry days, recipients and who cannot read
which photos (as an unprivileged user, the kernel deciding), and the Editor's shares part
(one link per album, a selection shared as an album of its own, people on Shared Space
albums only, revoking)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from conftest import make_standard
from nobody import Nobody

from phototerm.library import load_settings, open_library
from phototerm.library.sharing.links import BadExpiry, expiry_day, new_token, parse_expiry
from phototerm.library.sharing.passwords import check_password, hash_password
from phototerm.library.sharing.people import BadRecipient, cannot_read, recipient
from phototerm.library.spaces import SpaceRoot, SpaceSetup
from phototerm.library.store import Recipient


def test_passwords_are_salted_scrypt_and_checked() -> None:
    first, second = hash_password("hunter2"), hash_password("hunter2")
    assert first != second  # a salt of its own each time
    assert first.startswith("scrypt$16384$8$1$") and "hunter2" not in first
    assert check_password("hunter2", first) and check_password("hunter2", second)
    assert not check_password("hunter3", first) and not check_password("", first)
    for broken in ("", "scrypt$", "md5$1$2$3$4$5", first.replace("16384", "1099511627776")):
        assert not check_password("hunter2", broken)  # never open, never crash
    with pytest.raises(ValueError):
        hash_password("")


def test_tokens_and_expiry_days() -> None:
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", new_token()) for _ in range(50))
    today = dt.date(2026, 12, 1)
    end = parse_expiry("2026-12-01", today)  # today: works through the end of today
    assert expiry_day(end) == "2026-12-01"
    assert dt.datetime.fromtimestamp(end) == dt.datetime(2026, 12, 2)
    with pytest.raises(BadExpiry, match="in the past"):
        parse_expiry("2026-11-30", today)
    with pytest.raises(BadExpiry, match="not a date"):
        parse_expiry("tomorrow", today)


def test_recipients_are_real_users_and_groups() -> None:
    assert recipient("root", "Viewer") == Recipient("root", "viewer")
    assert recipient("@root", "provider") == Recipient("@root", "provider")
    for who, role in (
        ("no-such-user-x", "viewer"),
        ("@no-such-group-x", "viewer"),
        ("root", "boss"),
        ("", "viewer"),
        ("a b", "viewer"),
    ):
        with pytest.raises(BadRecipient):
            recipient(who, role)


def test_cannot_read_names_the_photo_and_why(tmp_path: Path) -> None:
    from nobody import public_tempdir

    base = Path(public_tempdir("phototerm-share-read-"))
    try:
        (base / "open").mkdir()
        (base / "closed").mkdir(mode=0o700)
        for rel in ("open/a.jpg", "open/b.jpg", "closed/c.jpg"):
            (base / rel).write_bytes(b"x")
            os.chmod(base / rel, 0o644)
        os.chmod(base / "open" / "b.jpg", 0o600)
        os.chmod(base / "closed", 0o700)
        [problem] = cannot_read(
            [Recipient("@nogroup", "viewer")],
            str(base),
            ["open/a.jpg", "open/b.jpg", "closed/c.jpg"],
        )
        assert problem.count == 2
        assert problem.examples == (
            "open/b.jpg: no read permission",
            f"closed/c.jpg: cannot enter {base}/closed",
        )
        assert problem.line().startswith("@nogroup cannot read 2 photos: open/b.jpg")
        assert cannot_read([Recipient("root", "viewer")], str(base), ["closed/c.jpg"]) == []
    finally:
        import shutil

        shutil.rmtree(base, ignore_errors=True)


def test_cannot_open_is_what_the_kernel_says_for_this_user(as_nobody: Nobody) -> None:
    base = Path(as_nobody.base)
    (base / "a.jpg").write_bytes(b"x")
    os.chmod(base / "a.jpg", 0o644)
    (base / "b.jpg").write_bytes(b"x")
    os.chmod(base / "b.jpg", 0o600)
    out = as_nobody(f"""
        from phototerm.library.sharing.people import cannot_open
        print(cannot_open([{str(base / "a.jpg")!r}, {str(base / "b.jpg")!r}]))
    """)
    assert out.strip() == f"(1, [{str(base / 'b.jpg')!r}])"


def test_the_editor_shares_part(tmp_path: Path) -> None:
    personal, shared = make_standard(tmp_path)
    setup = SpaceSetup((SpaceRoot("personal", str(personal)), SpaceRoot("shared", str(shared))), ())
    with open_library(load_settings(), setup, writable=True) as library:
        editor = library.editor
        assert editor is not None
        ids = library.index.search("space:personal")[:3]
        assert editor.albums.create("Trip", ids).ok
        first = editor.shares.set_link("Trip")
        again = editor.shares.set_link("Trip", password="pw", download=True)
        assert first.ok and again.ok and again.share is not None and first.share is not None
        assert again.share.token == first.share.token  # one link per album, same address
        assert again.share.permission == "download" and again.share.created_by
        kept = editor.shares.set_link("Trip", password=..., download=False)
        assert kept.share is not None and kept.share.password_hash == again.share.password_hash
        assert not editor.shares.share_with("Trip", Recipient("root", "viewer")).ok
        picked = library.index.search("space:shared")[:2]
        made = editor.shares.link_selection(picked, now=dt.datetime(2026, 12, 1, 14, 3))
        assert made.ok and made.album == "Shared 2026-12-01 14:03" and made.space == "shared"
        twice = editor.shares.link_selection(picked, now=dt.datetime(2026, 12, 1, 14, 3))
        assert twice.album == "Shared 2026-12-01 14:03 (2)"
        people = editor.shares.share_with(made.album, Recipient("@root", "downloader"))
        assert people.ok and people.share is not None
        assert people.share.recipients == (Recipient("@root", "downloader"),)
        link, with_people = editor.shares.of_album(made.album)
        assert link is not None and link.is_link and with_people is not None
        assert editor.shares.revoke(link.id, "shared").ok
        assert editor.shares.of_album(made.album)[0] is None
        assert not editor.shares.revoke(link.id, "shared").ok
        assert not editor.shares.set_link("Nope").ok
