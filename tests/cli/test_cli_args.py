"""The command line's arguments: --personal/--shared before or after the sub-command, no
space on, one rule for exit statuses and error lines, query words that start with "-"."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import (
    Text,
    albums,
    error_lines,
    lib_fixture,  # noqa: F401  (the lib fixture)
    run,
    run_before,
    states,
    store_path,
)
from conftest import make_standard

from phototerm.cli import main

# -- options before the sub-command ----------------------------------------------------------

A, B, S1 = "2023/a.jpg", "2023/b.jpg", "team/s1.jpg"
Check = Callable[[Path, Path, str], bool]


def _lines(out: str) -> list[str]:
    return out.splitlines()


# sub-command argv (with {p}/{s}: the roots), commands run first (options after), and what
# must hold afterwards given the roots and stdout.
BEFORE: dict[str, tuple[list[str], list[list[str]], Check]] = {
    "ls": (["ls", "--sort", "path"], [], lambda p, s, out: len(_lines(out)) == 6),
    "index": (["index", "--json"], [], lambda p, s, out: json.loads(out)["photos"] == 6),
    "rate": (["rate", "4", "{p}/" + A], [], lambda p, s, out: states(p, A)[A].rating == 4),
    "tag add": (
        ["tag", "add", "sea", "{p}/" + A],
        [],
        lambda p, s, out: states(p, A)[A].tags == ("sea",),
    ),
    "tag remove": (
        ["tag", "remove", "sea", "{p}/" + A],
        [["tag", "add", "sea", "{p}/" + A]],
        lambda p, s, out: states(p, A)[A].tags == (),
    ),
    "describe set": (
        ["describe", "set", "At the beach", "{p}/" + A],
        [],
        lambda p, s, out: states(p, A)[A].description == "At the beach",
    ),
    "describe clear": (
        ["describe", "clear", "{p}/" + A],
        [["describe", "set", "x", "{p}/" + A]],
        lambda p, s, out: states(p, A)[A].description == "",
    ),
    "album list": (
        ["album", "list"],
        [["album", "create", "Trip"]],
        lambda p, s, out: out.startswith("Trip\t0 photos"),
    ),
    "album show": (
        ["album", "show", "Trip"],
        [["album", "create", "Trip"], ["album", "add", "Trip", "{s}/" + S1]],
        lambda p, s, out: _lines(out) == [f"{s}/{S1}"],
    ),
    "album create": (
        ["album", "create", "Trip", "--space", "shared"],
        [],
        lambda p, s, out: albums(s) == {"Trip": []},
    ),
    "album add": (
        ["album", "add", "Trip", "{p}/" + A],
        [["album", "create", "Trip"]],
        lambda p, s, out: albums(p) == {"Trip": [A]},
    ),
    "album remove": (
        ["album", "remove", "Trip", "{p}/" + A],
        [["album", "create", "Trip"], ["album", "add", "Trip", "{p}/" + A, "{p}/" + B]],
        lambda p, s, out: albums(p) == {"Trip": [B]},
    ),
    "album rename": (
        ["album", "rename", "Trip", "Voyage"],
        [["album", "create", "Trip"]],
        lambda p, s, out: set(albums(p)) == {"Voyage"},
    ),
    "album delete": (
        ["album", "delete", "Trip"],
        [["album", "create", "Trip"]],
        lambda p, s, out: albums(p) == {},
    ),
    "reset": (
        ["reset", "--albums", "--yes"],
        [["album", "create", "Trip"]],
        lambda p, s, out: albums(p) == {},
    ),
    "recycle-rejects": (
        ["recycle-rejects", "--yes"],
        [["rate", "x", "{p}/" + B]],
        lambda p, s, out: (p / "#recycle" / B).exists() and not (p / B).exists(),
    ),
}


@pytest.mark.parametrize("command", list(BEFORE))
def test_space_options_before_the_sub_command(lib, capsysbinary, command):
    # Before, options given ahead of the sub-command were overwritten by the sub-command's own
    # defaults: the default spaces were used (here: none), silently.
    personal, shared = lib
    capsys = Text(capsysbinary)  # ls writes a non-UTF-8 name as its bytes
    argv, prepare, check = BEFORE[command]

    def filled(args: list[str]) -> list[str]:
        return [a.format(p=personal, s=shared) for a in args]

    for step in prepare:
        assert run(lib, *filled(step)) == 0
    capsys.readouterr()
    assert run_before(lib, *filled(argv)) == 0
    captured = capsys.readouterr()
    assert "is off" not in captured.err
    assert check(personal, shared, captured.out), captured


def test_after_the_sub_command_wins(lib, capsysbinary, tmp_path):
    personal, _ = lib
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    argv = ["--personal", str(elsewhere), "--shared", "", "ls", "--personal", str(personal)]
    assert main(argv) == 0
    assert len(capsysbinary.readouterr().out.splitlines()) == 4


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["--personal", "x", "demo", "--no-open"], "usage: phototerm demo"),
        (["--shared", "x", "bench", "--quick"], "usage: phototerm bench"),
        (["--theme", "phototerm-mono", "ls"], "usage: phototerm ls"),
    ],
)
def test_a_top_level_option_a_sub_command_does_not_use_is_an_error(capsys, argv, usage):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert usage in err and f"phototerm: error: {argv[0]} not used by" in err


# -- no space on -------------------------------------------------------------------------------

READERS = [
    ["ls"],
    ["ls", "--json", "rating:5"],
    ["index"],
    ["index", "--json"],
    ["album", "list"],
    ["album", "show", "Trip"],
    ["album", "create", "Trip"],
    ["rate", "3", "a.jpg"],
    ["tag", "add", "x", "a.jpg"],
    ["describe", "clear", "a.jpg"],
    ["recycle-rejects", "--yes"],
    ["reset", "--albums", "--yes"],
]


@pytest.mark.parametrize("argv", READERS, ids=" ".join)
def test_no_space_on_is_exit_2_with_the_reason(capsys, argv):
    # Before, `ls` (and `index`) exited 0 with no output: a script could not tell "no
    # library" from "no match".
    assert main([*argv, "--personal", "", "--shared", ""]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    why = "Personal Space is off (--personal is empty); Shared Space is off (--shared is empty)"
    assert error_lines(captured.err) == [f"phototerm: error: no space is on: {why}"]


def test_no_space_on_with_the_defaults_missing(capsys, monkeypatch, tmp_path):
    if os.path.isdir("/photo"):
        pytest.skip("this machine has a /photo folder: the Shared Space's default is on")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/Photos
    assert main(["ls"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("phototerm: error: no space is on: Personal Space is off: ")
    assert "Photos is not a folder (default)" in err and "/photo is not a folder" in err


def test_reset_of_the_settings_needs_no_space(capsys, tmp_path):
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "phototerm" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('tile_size = "large"\n')
    assert main(["reset", "--settings", "--yes", "--personal", "", "--shared", ""]) == 0
    assert not config.exists()


# -- one rule for exit statuses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "usage", "message"),
    [
        (["ls", "--frob"], "usage: phototerm ls ", "unrecognized arguments: --frob"),
        (["album", "list", "--frob"], "usage: phototerm album list ", "unrecognized arguments"),
        (["tag", "add", "x", "a.jpg", "--frob"], "usage: phototerm tag ", "unrecognized"),
        (["rate", "7", "a.jpg"], "usage: phototerm rate ", "a rating is 0-5"),
        (["album", "create", ""], "usage: phototerm album create ", "name cannot be empty"),
        (["album", "create", " \t"], "usage: phototerm album create ", "name cannot be empty"),
        (["album", "rename", "A", ""], "usage: phototerm album rename ", "cannot be empty"),
        (["tag", "add", "", "a.jpg"], "usage: phototerm tag ", "a tag cannot be empty"),
        (["describe", "set", "", "a.jpg"], "usage: phototerm describe set ", "cannot be empty"),
        (["album", "frob"], "usage: phototerm album ", "invalid choice: 'frob'"),
    ],
)
def test_bad_arguments_exit_2_with_the_sub_commands_usage(lib, capsys, argv, usage, message):
    # Before, an unknown option printed the top-level usage, and an empty album or tag name
    # exited 1 without "error:".
    assert run(lib, *argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(usage)
    assert error_lines(err)[-1].startswith("phototerm: error: ") and message in err


def test_album_rename_to_a_taken_name_is_exit_2_like_create(lib, capsys):
    assert run(lib, "album", "create", "Trip") == 0
    assert run(lib, "album", "create", "Other") == 0
    capsys.readouterr()
    assert run(lib, "album", "rename", "Trip", "other") == 2
    assert error_lines(capsys.readouterr().err) == [
        "phototerm: error: an album named 'Other' already exists"
    ]
    assert run(lib, "album", "create", "OTHER") == 2
    assert run(lib, "album", "rename", "Trip", "TRIP") == 0  # its own name, another spelling
    assert set(albums(lib[0])) == {"TRIP", "Other"}


def test_refused_and_failed_are_exit_1_with_error_lines(lib, capsys):
    personal, _ = lib
    assert run(lib, "rate", "3", str(personal / A)) == 0
    with sqlite3.connect(store_path(personal)) as db:  # as if a newer phototerm wrote it
        db.execute("PRAGMA user_version = 99")
    capsys.readouterr()
    assert run(lib, "rate", "5", str(personal / A)) == 1
    assert run(lib, "tag", "add", "x", str(personal / A)) == 1
    assert run(lib, "album", "create", "Trip", "--space", "personal") == 1
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 3 and all(line.startswith("phototerm: error: ") for line in lines)
    assert str(store_path(personal)) in lines[0] and "newer phototerm" in lines[0]
    assert states(personal, A)[A].rating == 3


def test_every_error_line_has_the_prefix(lib, capsysbinary):
    personal, _ = lib
    capsys = Text(capsysbinary)
    missing = str(personal / "missing.jpg")
    for argv in (
        ["rate", "3", str(personal / A), missing],
        ["album", "add", "Nope", str(personal / A)],
        ["ls", "camera:"],
        ["ls", 'album:"Nope"'],
        ["reset", "--albums"],  # no terminal to ask on, no --yes
    ):
        assert run(lib, *argv) == 2, argv
        lines = error_lines(capsys.readouterr().err)
        assert lines and all(line.startswith("phototerm: error: ") for line in lines), lines


def test_help_tells_the_exit_statuses(capsys):
    for argv in (["--help"], ["ls", "--help"], ["album", "create", "--help"]):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert "exit status:" in out and '"phototerm: error: "' in out
        assert "1  refused or failed" in out and "2  bad arguments or values" in out


# -- query words that start with "-" -------------------------------------------------------------


@pytest.fixture
def cameras(tmp_path):
    return make_standard(tmp_path / "std")


def _ls(cameras, capsys, *argv: str) -> list[str]:
    personal, shared = cameras
    code = main(["ls", "--personal", str(personal), "--shared", str(shared), *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out.splitlines()


def test_a_query_word_may_start_with_a_dash(cameras, capsys):
    # Before: "unrecognized arguments: -camera:canon" and the top-level usage, exit 2.
    every = _ls(cameras, capsys)
    canon = _ls(cameras, capsys, "camera:canon")
    not_canon = _ls(cameras, capsys, "-camera:canon")
    assert not_canon == [p for p in every if p not in canon] and canon and not_canon
    assert _ls(cameras, capsys, "--", "-camera:canon") == not_canon
    assert _ls(cameras, capsys, "-camera:canon -camera:nikon") == _ls(
        cameras, capsys, "-camera:canon", "--sort", "taken", "-camera:nikon"
    )
    by_name = _ls(cameras, capsys, "--sort", "name", "-camera:canon", "--desc")
    assert sorted(by_name, key=os.path.basename, reverse=True) == by_name
    assert sorted(by_name) == sorted(not_canon)
    records = _ls(cameras, capsys, "-camera:canon", "--json", "rating:>=0")
    assert [json.loads(r)["path"] for r in records] == not_canon


def test_options_stay_options(cameras, capsys):
    personal, shared = cameras
    spaces = ["--personal", str(personal), "--shared", str(shared)]
    assert main(["ls", "-camera:canon", "--frob", *spaces]) == 2
    assert "unrecognized arguments: --frob" in capsys.readouterr().err
    assert main(["ls", "--so", "name", *spaces]) == 2  # no abbreviations: not a query either
    assert "unrecognized arguments: --so" in capsys.readouterr().err


def test_ls_help_documents_the_double_dash(capsys):
    with pytest.raises(SystemExit):
        main(["ls", "--help"])
    out = capsys.readouterr().out
    assert "ls -camera:canon" in out and '"--"' in out and "-0, --null" in out


# -- a parser of one module ------------------------------------------------------------------------


def test_the_command_table_names_every_sub_command_of_the_parser():
    import argparse

    from phototerm.cli import COMMAND_MODULES, build_parser

    full = build_parser()
    (action,) = [a for a in full._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(action.choices) == set(COMMAND_MODULES)
    for name, module in COMMAND_MODULES.items():
        alone = build_parser({module})
        (sub,) = [a for a in alone._actions if isinstance(a, argparse._SubParsersAction)]
        assert name in sub.choices


@pytest.mark.parametrize(
    ("words", "modules"),
    [
        ([], set()),
        (["--personal", "ls", "--shared", ""], set()),  # a folder named ls: the browser
        (["--theme", "dark"], set()),
        (["ls", "rating:5"], {"library_cmds"}),
        (["--personal", "d", "album", "list"], {"album_cmds"}),
        (["--personal=d", "recycle-rejects"], {"edit_cmds"}),
        (["frob"], None),  # unknown: the full parser says so
        (["--help"], None),
        (["--he"], None),  # argparse takes an abbreviation
        (["-h"], None),
        (["--vers"], None),
        (["--", "ls"], None),
    ],
)
def test_the_parser_is_built_with_the_named_command_alone(words, modules):
    from phototerm.cli import command_modules

    assert command_modules(words) == modules


@pytest.mark.parametrize(
    "words",
    [
        ["--personal", "ls", "--shared", ""],
        ["--personal", "d", "--shared", "", "ls", "-camera:canon", "--sort", "path"],
        ["album", "show", "Trip", "--json"],
        ["--pers", "ls"],  # an abbreviation the guess does not know: a folder named ls
        ["--theme", "x", "demo"],
    ],
)
def test_a_parser_of_one_module_parses_as_the_full_one(words):
    from phototerm.cli import build_parser, parse

    def plain(ns) -> dict[str, object]:
        return {k: v for k, v in vars(ns).items() if k not in ("command_parser", "handler")}

    fast, full = parse(list(words)), build_parser().parse_args(list(words))
    assert plain(fast) == plain(full)
    assert fast.handler.__qualname__ == full.handler.__qualname__


def test_a_wrong_guess_still_gets_the_full_parsers_error(capsys):
    # "--pers ls frob": the guess registers ls; argparse takes ls as the folder and fails on
    # frob; the full parser then says so, with its usage, once.
    assert main(["--pers", "ls", "frob"]) == 2
    err = capsys.readouterr().err
    assert err.count("usage: phototerm") == 1 and "invalid choice: 'frob'" in err
