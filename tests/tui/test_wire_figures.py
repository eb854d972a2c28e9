"""The wire bench's arithmetic: screens read back from tmux, changed cells and their floor,
and the figures' pass/fail (no terminal needed)."""

from __future__ import annotations

from phototerm.bench import wire
from phototerm.bench.terminal import changed_cell_bytes, parse_capture
from phototerm.tui.output.sgr import DEFAULT, apply


def test_a_capture_becomes_cells_with_their_looks() -> None:
    rows = parse_capture("\x1b[1;31mab\x1b[0m日x\n\x1b[44m  \n", 6)
    red = apply(DEFAULT, "1;31")
    assert rows[0][:2] == [("a", red), ("b", red)]
    assert rows[0][2:5] == [("日", DEFAULT), ("", DEFAULT), ("x", DEFAULT)]
    assert rows[1][0] == (" ", apply(DEFAULT, "44"))
    assert all(len(row) == 6 for row in rows)


def test_the_floor_is_the_changed_cells_written_as_segments() -> None:
    before = parse_capture("abcdef\nghijkl", 6)
    assert changed_cell_bytes(before, before) == (0, 0)
    after = parse_capture("abXdef\nghijkl", 6)
    cells, floor = changed_cell_bytes(before, after)
    assert cells == 1 and floor == len("\x1b[1;3H") + 1
    styled = parse_capture("ab\x1b[7mXY\x1b[0mef\nghijkl", 6)
    cells, floor = changed_cell_bytes(before, styled)
    assert cells == 2 and floor == len("\x1b[1;3H") + len("\x1b[7m") + 2 + len("\x1b[0m")


def _step(name: str, kind: str, size: int, floor: int = 0) -> wire.Step:
    return wire.Step(name, kind, size, 0.1, 0, floor)


def test_the_figures_say_which_budget_is_missed() -> None:
    steps = [
        _step("start", "start", 150_000),
        _step("Right", "key", 150, 150),
        _step("click", "click", 160, 150),
        _step("PageDown", "page", 40_000, 40_000),
        _step("wheel", "wheel", 3_000, 40_000),
        _step("/", "search", 600, 600),
        _step("f", "dialog", 8_000, 9_000),
        _step("idle", "idle", 0),
    ]
    figures = {f.name: f for f in wire.figures(steps)}
    assert all(f.ok is not False for f in figures.values())
    worse = [*steps[:-1], _step("idle", "idle", 40), _step("e", "dialog", 150_000, 1_000)]
    missed = [f.name for f in wire.figures(worse) if f.ok is False]
    assert any("idle" in name for name in missed)
    assert any("dialog" in name for name in missed)
    assert any("whole session" in name for name in missed)
    written, budget = wire.session_budget(steps)
    assert written == sum(s.bytes for s in steps[1:])
    assert budget == int(1.5 * sum(s.floor for s in steps[1:]) + 300 * (len(steps) - 1))
