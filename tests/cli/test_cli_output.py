"""What `ls` and `album show` write: raw paths to a pipe (NUL-separated with -0), names made
safe on a terminal, JSON records with tags, description, exposure, GPS and size; and counts
that say "1 photo", never "1 photos"."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from cli_helpers import run_in_terminal
from conftest import Shot, make_library
from formats_fixtures import write_mp4

from phototerm.cli import demo_cmd, main
from phototerm.library import extras
from phototerm.samples.demo import PERSONAL_DIR, SHARED_DIR, DemoSummary

DAY = datetime(2023, 5, 14, 10, 0)
NAMES = {
    "plain": "2023/plain.jpg",
    "newline": "2023/line\nbreak.jpg",
    "escapes": "2023/esc\x1b]0;pwned\x07 \x1b[31mred.jpg",
    "markup": "2023/[@click=app.quit]x.jpg",
    "latin1": b"2023/caf\xe9.jpg",
}


@pytest.fixture
def hostile(tmp_path) -> Path:
    shots = [Shot(rel, DAY.replace(minute=i)) for i, rel in enumerate(NAMES.values())]
    return make_library(tmp_path / "Photos", shots)


def _paths(root: Path) -> list[bytes]:
    rels = [
        r if isinstance(r, bytes) else r.encode("utf-8", "surrogateescape") for r in NAMES.values()
    ]
    return [os.fsencode(root) + b"/" + rel for rel in rels]


def _main(root: Path, *argv: str) -> int:
    return main([*argv, "--personal", str(root), "--shared", ""])


def test_null_separated_paths_keep_every_name_whole(hostile, capsysbinary):
    # Before, -0 was an unknown option (exit 2) and a name holding a newline came out as two
    # lines, so a script could not read the list back.
    expected = sorted(_paths(hostile))
    for flag in ("-0", "--null"):
        assert _main(hostile, "ls", flag, "--sort", "path") == 0
        out = capsysbinary.readouterr().out
        assert out.endswith(b"\0") and b"\n".join(expected) not in out
        assert sorted(out.split(b"\0")[:-1]) == expected
    assert _main(hostile, "album", "create", "All") == 0
    assert _main(hostile, "album", "add", "All", *(os.fsdecode(p) for p in expected)) == 0
    capsysbinary.readouterr()
    assert _main(hostile, "album", "show", "all", "-0") == 0
    assert capsysbinary.readouterr().out.split(b"\0")[:-1] == expected


def test_a_pipe_gets_the_raw_bytes_one_per_line(hostile, capsysbinary):
    assert _main(hostile, "ls", "--sort", "path") == 0
    out = capsysbinary.readouterr().out
    # As documented: the bytes as on disk, each followed by a newline, which is why a name
    # holding a newline needs -0.
    assert out == b"".join(p + b"\n" for p in sorted(_paths(hostile)))


@pytest.mark.slow
def test_a_terminal_sees_names_with_escapes_made_visible(hostile):
    for argv in (["ls"], ["ls", "-0"], ["ls", "--json"]):
        code, out = run_in_terminal([*argv, "--personal", str(hostile), "--shared", ""])
        assert code == 0, out
        assert b"\x1b" not in out and b"\x07" not in out and b"\xe9" not in out
        if argv == ["ls", "--json"]:
            assert b"esc\\u001b]0;pwned\\u0007 \\u001b[31mred.jpg" in out
        else:
            assert "esc\ufffd]0;pwned\ufffd \ufffd[31mred.jpg".encode() in out
            assert b"line break.jpg" in out and "caf\ufffd.jpg".encode() in out


# -- JSON ----------------------------------------------------------------------------------------


@pytest.fixture
def described(tmp_path) -> Path:
    shots = [
        Shot(
            "2023/sunset.jpg",
            DAY,
            iso=800,
            gps=(48.8584, 2.2945),
            description="Eiffel \x9b31m tower \u202eevil",
            extra={"exposure": 1 / 500, "fnumber": 2.8, "focal": 35.0},
        ),
        Shot("2023/plain.jpg", DAY.replace(hour=11), iso=100),
    ]
    return make_library(tmp_path / "Photos", shots)


def _records(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_ls_json_has_tags_description_exposure_gps_and_size(described, capsys):
    sunset, plain = described / "2023/sunset.jpg", described / "2023/plain.jpg"
    assert _main(described, "tag", "add", "Paris", str(sunset)) == 0
    assert _main(described, "describe", "set", "Just a test", str(plain)) == 0
    capsys.readouterr()
    assert _main(described, "ls", "--json") == 0
    first, second = _records(capsys)
    assert first["path"] == str(sunset) and first["tags"] == ["Paris"]
    assert first["description"] == "Eiffel \x9b31m tower \u202eevil"  # as the file says it
    assert (first["iso"], first["f"], first["shutter"], first["focal_length"]) == (
        800,
        2.8,
        0.002,
        35.0,
    )
    assert first["gps"] == {"lat": pytest.approx(48.8584), "lon": pytest.approx(2.2945)}
    assert first["size"] == sunset.stat().st_size and first["rotation"] == 0
    assert second["tags"] == [] and second["description"] == "Just a test"
    assert second["gps"] is None and second["iso"] == 100


def test_json_escapes_what_a_terminal_would_act_on(described, capsys):
    assert _main(described, "ls", "--json", "iso:800") == 0
    line = capsys.readouterr().out
    assert "\x9b" not in line and "\u202e" not in line
    assert "Eiffel \\u009b31m tower \\u202eevil" in line
    assert json.loads(line)["description"] == "Eiffel \x9b31m tower \u202eevil"


def test_album_show_json(described, capsys):
    sunset = str(described / "2023/sunset.jpg")
    assert _main(described, "album", "create", "Paris") == 0
    assert _main(described, "album", "add", "Paris", sunset) == 0
    capsys.readouterr()
    assert _main(described, "album", "show", "Paris", "--json") == 0
    shown = _records(capsys)
    assert _main(described, "ls", "--json", 'album:"Paris"') == 0
    assert shown == _records(capsys) and [r["path"] for r in shown] == [sunset]


# -- tags and descriptions from a script ---------------------------------------------------------


def test_tag_add_says_already_tagged(described, capsys):
    # Before: "Tagged 1 photo with 'Paris'" for a photo that already had the tag.
    sunset, plain = str(described / "2023/sunset.jpg"), str(described / "2023/plain.jpg")
    assert _main(described, "tag", "add", "Paris", sunset) == 0
    capsys.readouterr()
    assert _main(described, "tag", "add", "paris", sunset) == 0
    assert capsys.readouterr().out == "Already tagged 'paris': 1 photo\n"
    assert _main(described, "tag", "add", "PARIS", sunset, plain) == 0
    assert capsys.readouterr().out == "Tagged 1 photo with 'PARIS'\n"  # only the one without
    assert _main(described, "tag", "add", "Paris", plain, sunset) == 0
    assert capsys.readouterr().out == "Already tagged 'Paris': 2 photos\n"
    assert _main(described, "ls", "--json", "tag:paris") == 0
    assert [r["tags"] for r in _records(capsys)] == [["Paris"], ["PARIS"]]


def test_describe_sets_and_clears(described, capsys):
    sunset = str(described / "2023/sunset.jpg")
    assert _main(described, "describe", "set", "Tour Eiffel\nat dusk", sunset) == 0
    assert capsys.readouterr().out == "Described 1 photo\n"
    assert _main(described, "ls", "--json", "has:description") == 0
    assert [r["description"] for r in _records(capsys)] == ["Tour Eiffel at dusk"]
    assert _main(described, "describe", "clear", sunset) == 0
    assert capsys.readouterr().out == "Cleared the description of 1 photo\n"
    assert _main(described, "ls", "has:description") == 0
    assert capsys.readouterr().out == ""  # the file's own description is hidden too
    assert _main(described, "describe", "set", "x", str(described / "nope.jpg")) == 2


# -- one and many --------------------------------------------------------------------------------


def test_counts_say_one_photo(tmp_path, capsys):
    # Before: "1 photos, 1 videos" and "1 problems:".
    root = make_library(tmp_path / "Photos", [Shot("a.jpg", DAY)])
    if extras.installed(extras.VIDEO):
        write_mp4(root / "clip.mp4")
    else:  # a container's first box: without PyAV nothing more is read, nothing is wrong
        (root / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    assert _main(root, "index") == 0
    assert "\n1 photo, 1 video in " in capsys.readouterr().out
    (root / "broken.jpg").write_bytes(b"not a jpeg at all")
    assert _main(root, "index") == 0
    out = capsys.readouterr().out
    assert "\n2 photos, 1 video in " in out and "\n1 problem:\n" in out
    assert _main(root, "album", "create", "One") == 0
    assert _main(root, "album", "add", "One", str(root / "a.jpg")) == 0
    capsys.readouterr()
    assert _main(root, "album", "list") == 0
    assert capsys.readouterr().out == "One\t1 photo\tPersonal Space\n"
    assert _main(root, "rate", "3", str(root / "a.jpg"), str(root / "b.jpg")) == 2
    assert "1 of 2 paths is not a photo of the spaces" in capsys.readouterr().err


def test_demo_summary_says_one_photo():
    summary = DemoSummary(
        root="/d",
        photos={PERSONAL_DIR: 1, SHARED_DIR: 2},
        videos={PERSONAL_DIR: 1, SHARED_DIR: 0},
        broken={PERSONAL_DIR: 1, SHARED_DIR: 3},
        folders={PERSONAL_DIR: [("2021", 1)], SHARED_DIR: [("a", 1), ("b", 1)]},
        cameras=["Canon"],
        years=[2021],
    )
    lines = demo_cmd.describe(summary)
    assert "Personal Space: 1 photo, 1 video, 1 broken file, in 1 folder" in lines[1]
    assert "Shared Space: 2 photos, 0 videos, 3 broken files, in 2 folders" in lines[3]
