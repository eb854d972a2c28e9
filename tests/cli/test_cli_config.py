"""Every entry point says each problem of config.toml once on stderr: not zero times, not
twice."""

from __future__ import annotations

import pytest
from cli_helpers import (
    Lib,
    lib_fixture,  # noqa: F401  (the lib fixture)
    run,
    run_in_terminal,
)
from conftest import write_config

from phototerm.cli import main

CONFIGS = {
    "malformed": ("personal = [\n", ["config.toml: Invalid value", "(using defaults)"]),
    "wrong values": (
        'personal = 5\nsidecars = true\nfavourite = "blue"\n',
        [
            "config.toml: personal = 5 is not text (using no value)",
            "config.toml: sidecars = true is not one of off, write (using 'off')",
            "config.toml: unknown setting 'favourite' (ignored)",
        ],
    ),
}

ENTRY_POINTS = [
    ["ls"],
    ["ls", "--json", "rating:5"],
    ["index"],
    ["index", "--json"],
    ["rate", "3", "{p}/2023/a.jpg"],
    ["tag", "add", "x", "{p}/2023/a.jpg"],
    ["describe", "set", "x", "{p}/2023/a.jpg"],
    ["album", "list"],
    ["album", "create", "Trip {n}"],
    ["recycle-rejects", "--yes"],
]


def _problems(err: str) -> list[str]:
    return [line for line in err.splitlines() if "config.toml" in line]


def _expect_once(err: str, expected: list[str]) -> None:
    lines = _problems(err)
    assert len(lines) == (1 if len(expected) == 2 else len(expected)), err
    for part in expected:
        assert sum(part in line for line in lines) == 1, (part, err)


@pytest.mark.parametrize("config", list(CONFIGS))
@pytest.mark.parametrize("argv", ENTRY_POINTS, ids=" ".join)
def test_each_problem_once_per_command(lib: Lib, capsysbinary, config, argv):
    personal, _ = lib
    text, expected = CONFIGS[config]
    write_config(text)
    for n in range(2):  # and again in the same process: every start reads the file anew
        assert run(lib, *(a.format(p=personal, n=n) for a in argv)) == 0
        _expect_once(capsysbinary.readouterr().err.decode(), expected)


@pytest.mark.parametrize("config", list(CONFIGS))
def test_each_problem_once_from_demo_and_the_browsers_start(tmp_path, capsys, config):
    # Before, `demo` never read config.toml when it did not open the browser: zero reports.
    text, expected = CONFIGS[config]
    write_config(text)
    not_a_demo = tmp_path / "full"
    not_a_demo.mkdir()
    (not_a_demo / "x.txt").write_text("x")
    assert main(["demo", str(not_a_demo), "--no-open"]) == 2
    _expect_once(capsys.readouterr().err, expected)
    assert main(["--personal", str(tmp_path), "--shared", ""]) == 2  # no terminal here
    err = capsys.readouterr().err
    _expect_once(err, expected)
    assert "the browser needs a terminal" in err


@pytest.mark.slow
def test_the_browser_in_a_terminal_says_each_problem_once(lib: Lib):
    personal, _ = lib
    text, expected = CONFIGS["wrong values"]
    write_config(text)
    code, out = run_in_terminal(
        ["--personal", str(personal), "--shared", ""], quit_key=b"q", timeout=60
    )
    assert code == 0, out[-2000:]
    # What stays on the terminal: what was written before the browser took the screen and
    # after it gave it back (the notifications inside it are drawn, not printed).
    before, _, rest = out.partition(b"\x1b[?1049h")
    _, _, after = rest.rpartition(b"\x1b[?1049l")
    printed = (before + after).decode(errors="replace")
    _expect_once(printed, expected)
