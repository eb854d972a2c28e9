"""`phototerm kiosk` on the command line: what it refuses before the screen opens (exit 2),
and kiosk accounts (the system config's [kiosk]), who get the kiosk and nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cli_helpers import error_lines
from kiosk_helpers import ALBUM, album_library, files

from phototerm.cli import main
from phototerm.library.roles import Identity

NO_TERMINAL = "phototerm: error: the kiosk needs a terminal"


def errors(err: str) -> list[str]:
    return [line for line in error_lines(err) if line.startswith("phototerm: error: ")]


@pytest.fixture(name="root")
def root_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    return album_library(tmp_path)


def kiosk(root: Path, *argv: str) -> int:
    return main(["kiosk", *argv, "--personal", str(root), "--shared", ""])


def system_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    path = tmp_path / "system.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PHOTOTERM_SYSTEM_CONFIG", str(path))


def test_an_unknown_album_or_a_bad_query_stops_before_the_screen(root, tmp_path, capsys):
    before = files(tmp_path)
    assert kiosk(root, "--album", "Holidays") == 2
    out, err = capsys.readouterr()
    assert out == "" and "\x1b" not in err  # nothing drawn
    assert errors(err) == ["phototerm: error: no album named 'Holidays' (albums: Family)"]
    assert kiosk(root, "--query", "date:2023-13") == 2
    err = capsys.readouterr().err
    assert "phototerm: error: bad query: " in err and "  date:2023-13" in err and "^" in err
    assert kiosk(root, "--query", 'album:"Nope" OR rating:5') == 2
    assert "no album named 'nope' (albums: Family)" in capsys.readouterr().err
    assert files(tmp_path) == before  # read-only, no metadata cache written either


def test_a_known_album_any_case_goes_on_to_need_a_terminal(root, capsys):
    assert kiosk(root, "--album", "family", "--slideshow", "5", "--shuffle", "--info") == 2
    assert errors(capsys.readouterr().err) == [NO_TERMINAL]
    assert kiosk(root, "--query", "camera:canon", "--space", "personal") == 2
    assert errors(capsys.readouterr().err) == [NO_TERMINAL]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--album", "A", "--query", "b"], "argument --query: not allowed with argument --album"),
        (["--slideshow", "0"], "'0' is not a number of seconds from 1 to 86400"),
        (["--slideshow", "soon"], "'soon' is not a number of seconds"),
        (["--space", "shared"], "Shared Space is off (--shared is empty)"),
        (["--space", "everywhere"], "argument --space: invalid choice"),
        (["--theme", "darkroom"], "unrecognized arguments: --theme darkroom"),
    ],
)
def test_wrong_options_are_usage_errors(root, capsys, argv, message):
    assert kiosk(root, *argv) == 2
    assert message in capsys.readouterr().err


def test_a_kiosk_account_gets_the_kiosk_and_nothing_else(root, tmp_path, monkeypatch, capsys):
    me = Identity.current().user
    system_config(
        tmp_path, monkeypatch, f'[app]\nallow = ["someone-else"]\n[kiosk]\nusers = ["{me}"]\n'
    )
    for argv in (["ls"], ["album", "list"], ["index"], ["demo", "--no-open"], ["themes"]):
        assert main([*argv, "--personal", str(root), "--shared", ""]) == 3
        err = capsys.readouterr().err
        assert f"it may only run the kiosk, not `{argv[0]}`" in err, err
    # `phototerm` with any arguments is the kiosk (not in [app] allow, still allowed it).
    assert main(["--personal", str(root), "--shared", ""]) == 2
    assert errors(capsys.readouterr().err) == [NO_TERMINAL]
    assert main(["--theme", "darkroom", "--personal", str(root), "--shared", ""]) == 2
    err = capsys.readouterr().err
    assert "the kiosk ignores the command line (unrecognized arguments" in err
    with pytest.raises(SystemExit) as version:  # --version and --help answer everyone
        main(["--version"])
    assert version.value.code == 0 and capsys.readouterr().out.startswith("phototerm ")


def test_the_kiosk_table_wins_over_the_command_line(root, tmp_path, monkeypatch, capsys):
    me = Identity.current().user
    system_config(tmp_path, monkeypatch, f'[kiosk]\nusers = ["{me}"]\nalbum = "Trip"\n')
    assert kiosk(root, "--album", ALBUM) == 2  # the table's album, not the one asked for
    assert "no album named 'Trip' (albums: Family)" in capsys.readouterr().err
    system_config(tmp_path, monkeypatch, f'[kiosk]\nusers = ["{me}"]\nquery = "date:2023-13"\n')
    assert main(["--personal", str(root), "--shared", ""]) == 2
    assert "bad query" in capsys.readouterr().err


def test_a_broken_kiosk_table_lists_no_account_and_root_may_still_browse(
    root, tmp_path, monkeypatch, capsys
):
    me = Identity.current()
    if not me.is_admin:
        pytest.skip("root's case (the other users' is test_kiosk_accounts_as_real_users)")
    system_config(tmp_path, monkeypatch, '[kiosk]\nusers = ["root"]\nslideshow = "fast"\n')
    assert main(["ls", "--personal", str(root), "--shared", ""]) == 0  # not a kiosk now
    capsys.readouterr()


def test_kiosk_accounts_as_real_users(unix_users, capsys):
    u = unix_users
    photo = u.library()
    shared = ["--shared", str(photo)]
    assert main(["access", "enable", *shared]) == 0  # a guest kiosk needs the view role
    assert main(["access", "grant", f"@{u.photos}", "view", *shared]) == 0
    assert main(["access", "grant", u.alice, "view", *shared]) == 0
    capsys.readouterr()
    with open(u.system_config, "w", encoding="utf-8") as fh:
        fh.write(f'[app]\nallow = ["{u.alice}"]\n[kiosk]\ngroups = ["{u.photos}"]\n')
    # bob is in the group photos: a kiosk account (and not in [app] allow: still the kiosk).
    done = u.phototerm(u.bob, "ls", "--shared", str(photo), "--personal", "")
    assert done.returncode == 3 and "it may only run the kiosk, not `ls`" in done.stderr
    done = u.phototerm(u.bob, "--shared", str(photo), "--personal", "")
    assert done.returncode == 2 and NO_TERMINAL in done.stderr, done.stderr
    # alice is not listed: phototerm as usual; carol is neither allowed nor listed.
    assert u.phototerm(u.alice, "ls", "--shared", str(photo), "--personal", "").returncode == 0
    assert u.phototerm(u.carol, "ls", "--shared", str(photo), "--personal", "").returncode == 3
    with open(u.system_config, "w", encoding="utf-8") as fh:
        fh.write(f'[kiosk]\nusers = ["{u.bob}"]\nslideshow = "fast"\n')  # broken: fails closed
    for user in (u.alice, u.bob):
        done = u.phototerm(user, "kiosk", "--shared", str(photo), "--personal", "")
        assert done.returncode == 3, done.stderr
        assert "[kiosk] slideshow must be a number" in done.stderr


def test_the_guest_s_terminal_is_asked_for_true_colour_on_stdin(root, monkeypatch):
    """SSH does not carry COLORTERM: the kiosk asks the terminal itself, on stdin (no
    /dev/tty opened read-write), and draws in 24-bit colour when it says so."""
    import os
    import select
    import threading

    from phototerm.tui.kiosk import app as kiosk_app

    far, near = os.openpty()
    received: list[bytes] = []

    def terminal() -> None:  # answers as kitty does: RGB yes, then DA1
        data = b""
        while b"\x1b[c" not in data:
            if not select.select([far], [], [], 5)[0]:
                return
            data += os.read(far, 4096)
        received.append(data)
        os.write(far, b"\x1bP1+r524742=382f382f38\x1b\\\x1b[?62;22c")

    threading.Thread(target=terminal, daemon=True).start()
    colours: list[str] = []
    monkeypatch.setattr(kiosk_app.KioskApp, "run", lambda self: colours.append(self.color.mode))
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(
        os, "open", lambda path, *a, **k: (opened.append(str(path)), real_open(path, *a, **k))[1]
    )
    for name in ("COLORTERM", "PHOTOTERM_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in [n for n in os.environ if n.startswith("TEXTUAL")]:
        monkeypatch.setenv(name, os.environ[name])  # the kiosk drops them: back after the test
    with os.fdopen(os.dup(near), "r") as stdin:
        monkeypatch.setattr(sys, "stdin", stdin)
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
        try:
            assert kiosk(root, "--album", ALBUM) == 0
        finally:
            os.close(near)
            os.close(far)
    assert received and colours == ["truecolor"]
    assert "/dev/tty" not in opened
