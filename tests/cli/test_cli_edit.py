"""`phototerm rate | tag | album | reset | recycle-rejects`: scripts get the keys' behaviour,
clear errors with exit 2 and nothing half-done."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cli_helpers import (
    Text,
    albums,
    lib_fixture,  # noqa: F401  (the lib fixture)
    run,
    states,
)

from phototerm.cli.library_cmds import unknown_albums


def test_rate_and_tag(lib, capsys, monkeypatch):
    personal, shared = lib
    a, weird, s1 = (
        personal / "2023/a.jpg",
        personal / "2024/caf\udce9 [bold].jpg",
        shared / "team/s1.jpg",
    )
    assert run(lib, "rate", "4", str(a), str(weird), str(s1)) == 0
    assert capsys.readouterr().out.strip() == "Rated 3 photos 4 stars"
    assert states(personal, "2023/a.jpg")["2023/a.jpg"].rating == 4
    assert states(personal, "2024/caf\udce9 [bold].jpg")["2024/caf\udce9 [bold].jpg"].rating == 4
    assert states(shared, "team/s1.jpg")["team/s1.jpg"].rating == 4
    assert run(lib, "rate", "x", str(a)) == 0
    assert capsys.readouterr().out.strip() == "Rejected 1 photo"
    assert states(personal, "2023/a.jpg")["2023/a.jpg"].rating == -1
    monkeypatch.chdir(personal)  # relative paths work too
    assert run(lib, "tag", "add", "Sea side", "2023/a.jpg", "2023/b.jpg") == 0
    assert capsys.readouterr().out.strip() == "Tagged 2 photos with 'Sea side'"
    assert run(lib, "tag", "remove", "sea SIDE", "2023/a.jpg") == 0
    got = states(personal, "2023/a.jpg", "2023/b.jpg")
    assert got["2023/a.jpg"].tags == () and got["2023/b.jpg"].tags == ("Sea side",)


def test_bad_input_exits_2_and_changes_nothing(lib, capsys):
    personal, _ = lib
    a = str(personal / "2023/a.jpg")
    assert run(lib, "rate", "4", a, str(personal / "missing.jpg")) == 2
    err = capsys.readouterr().err
    assert "missing.jpg: no such file" in err and "nothing was changed" in err
    assert run(lib, "rate", "4", a, str(personal / "notes.txt")) == 2
    assert "notes.txt: not a photo in a space" in capsys.readouterr().err
    assert run(lib, "rate", "4", a, "/etc/hostname") == 2
    assert run(lib, "rate", "9", a) == 2
    assert "rating" in capsys.readouterr().err
    assert run(lib, "rate", "four", a) == 2
    assert run(lib, "tag", "paint", "x", a) == 2
    assert run(lib, "album", "frobnicate") == 2
    assert "Traceback" not in capsys.readouterr().err
    assert states(personal, "2023/a.jpg")["2023/a.jpg"].rating is None


def test_albums(lib, capsysbinary):
    personal, shared = lib
    capsys = Text(capsysbinary)  # `album show` writes raw bytes: capture those

    a, b, c = (str(personal / r) for r in ("2023/a.jpg", "2023/b.jpg", "2024/c.jpg"))
    s1 = str(shared / "team/s1.jpg")
    assert run(lib, "album", "create", "Trip") == 0
    assert run(lib, "album", "add", "trip", c, a, s1) == 0
    assert "Added 3 photos to 'Trip'" in capsys.readouterr().out
    assert albums(personal) == {"Trip": ["2024/c.jpg", "2023/a.jpg", "team/s1.jpg"]}
    # an unknown path among good ones: exit 2, the album unchanged
    assert run(lib, "album", "add", "Trip", b, str(personal / "nope.jpg")) == 2
    assert run(lib, "album", "add", "Nope", b) == 2
    assert "no album named 'Nope'" in capsys.readouterr().err
    assert albums(personal)["Trip"] == ["2024/c.jpg", "2023/a.jpg", "team/s1.jpg"]
    assert run(lib, "album", "show", "Trip") == 0
    out = capsysbinary.readouterr().out
    assert out.splitlines() == [os.fsencode(p) for p in (c, a, s1)]
    assert run(lib, "ls", 'album:"trip"', "--sort", "name") == 0  # `ls` sees the store
    assert sorted(capsysbinary.readouterr().out.splitlines()) == sorted(
        os.fsencode(p) for p in (c, a, s1)
    )
    assert run(lib, "album", "remove", "Trip", a) == 0
    assert run(lib, "rate", "5", b) == 0
    assert run(lib, "album", "create", "Best", "--query", "rating:>=5") == 0
    assert run(lib, "album", "create", "Broken", "--query", "rating:>=") == 2
    capsys.readouterr()
    assert run(lib, "album", "list", "--json") == 0
    lines = capsys.readouterr().out.splitlines()
    assert '"name": "Best", "count": 1' in lines[0] and '"conditional": true' in lines[0]
    assert '"name": "Trip", "count": 2' in lines[1]
    assert run(lib, "album", "rename", "Trip", "Voyage") == 0
    assert run(lib, "album", "rename", "Nope", "X") == 2
    assert run(lib, "album", "delete", "Voyage") == 0
    assert "photos are kept" in capsys.readouterr().out
    assert set(albums(personal)) == {"Best"}
    assert os.path.exists(c)
    assert run(lib, "album", "create", "Team", "--space", "shared") == 0
    assert run(lib, "album", "add", "Team", a) == 1  # a personal photo in a shared album
    assert "Personal Space" in capsys.readouterr().err
    assert albums(shared) == {"Team": []}


def test_reset_confirms_and_keeps_ratings(lib, capsys, monkeypatch):
    personal, _ = lib
    a = str(personal / "2023/a.jpg")
    run(lib, "rate", "3", a)
    run(lib, "album", "create", "Trip")
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "phototerm" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('sidecars = "off"\n')
    capsys.readouterr()
    assert run(lib, "reset") == 2  # nothing chosen
    assert run(lib, "reset", "--albums") == 2  # no terminal, no --yes: refuses
    captured = capsys.readouterr()
    assert "1 album (0 conditional)" in captured.out and "--yes" in captured.err
    assert set(albums(personal)) == {"Trip"}
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert run(lib, "reset", "--albums") == 1
    assert set(albums(personal)) == {"Trip"}
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert run(lib, "reset", "--albums", "--space", "personal") == 0
    assert albums(personal) == {}
    assert run(lib, "reset", "--all", "--yes") == 0
    out = capsys.readouterr().out
    assert str(config) in out and "ratings, tags and descriptions are kept" in out
    assert not config.exists()
    assert states(personal, "2023/a.jpg")["2023/a.jpg"].rating == 3


def test_recycle_rejects(lib, capsys):
    personal, _ = lib
    b = personal / "2023/b.jpg"
    run(lib, "rate", "-1", str(b))
    capsys.readouterr()
    assert run(lib, "recycle-rejects") == 2  # no terminal and no --yes
    assert b.exists()
    assert "1 rejected photo of the Personal Space" in capsys.readouterr().out
    assert run(lib, "recycle-rejects", "--yes") == 0
    assert not b.exists() and (personal / "#recycle/2023/b.jpg").exists()
    assert "Moved 1 photo to #recycle" in capsys.readouterr().out
    assert run(lib, "recycle-rejects", "--yes") == 0
    assert "No rejected photos" in capsys.readouterr().out


def test_ls_unknown_album_is_an_error(lib, capsys):
    # An unknown album is a clear error with exit 2, like an unknown path: printing nothing
    # and exiting 0 would leave a script unable to tell a typo from an empty album.
    personal, _ = lib
    assert run(lib, "album", "create", "Trip") == 0
    assert run(lib, "album", "add", "Trip", str(personal / "2023/a.jpg")) == 0
    capsys.readouterr()
    assert run(lib, "ls", 'album:"Nope"') == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no album named 'nope'" in captured.err
    assert "Trip" in captured.err  # the albums that do exist are named
    # A known album (any case) still lists its photos.
    assert run(lib, "ls", 'album:"trip"') == 0
    assert capsys.readouterr().out.strip() == str(personal / "2023/a.jpg")


def test_unknown_albums_walks_the_whole_query():
    names = ["Trip", "Good beaches"]
    assert unknown_albums('album:"Good beaches" beach', names) == []
    assert unknown_albums("beach OR (-album:Nope rating:>=3)", names) == ["nope"]
    assert unknown_albums("album:X album:x album:trip", names) == ["x"]
    assert unknown_albums("", names) == []


def test_tag_remove_counts_only_photos_that_had_it(lib, capsys):
    personal, _ = lib
    a, b = str(personal / "2023/a.jpg"), str(personal / "2023/b.jpg")
    assert run(lib, "tag", "remove", "nosuch", a) == 0
    assert capsys.readouterr().out.strip() == "No photo carried 'nosuch'"
    assert run(lib, "tag", "add", "Beach", a) == 0
    capsys.readouterr()
    assert run(lib, "tag", "remove", "beach", a, b) == 0  # any case; b never had it
    assert capsys.readouterr().out.strip() == "Removed 'beach' from 1 photo"
    assert run(lib, "ls", "tag:beach") == 0
    assert capsys.readouterr().out == ""  # really gone


def test_album_create_with_a_taken_name_is_a_usage_error(lib, capsys):
    assert run(lib, "album", "create", "Trip") == 0
    capsys.readouterr()
    for name in ("Trip", "trip"):
        assert run(lib, "album", "create", name) == 2
        captured = capsys.readouterr()
        assert "already exists" in captured.err and "'Trip'" in captured.err
        assert captured.out == ""
    assert run(lib, "album", "create", "Trip2", "--query", "rating:>=3") == 0
    assert run(lib, "album", "create", "TRIP2", "--query", "rating:>=4") == 2
    capsys.readouterr()
    assert run(lib, "album", "list") == 0
    listed = capsys.readouterr().out
    assert listed.count("Trip") == 2  # Trip and Trip2, each once
