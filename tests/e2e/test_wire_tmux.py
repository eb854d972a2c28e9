"""Bytes on the wire, in a real terminal (tmux): what phototerm writes for each scripted action
against the budgets, and a screen built from diffs that is the same as one drawn from scratch.

Bytes, not seconds: the figures hold on a loaded machine. Skipped without tmux.
"""

from __future__ import annotations

import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import COLORS, Shot, make_library

from phototerm.bench import wire
from phototerm.bench.terminal import Tmux

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

PHOTOS = 72


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """Three screens of photos over a few days, with varied pictures."""
    shots = [
        Shot(
            f"2022/day{n // 20}/IMG_{n:04d}.jpg",
            datetime(2022, 5, 1 + n // 20, 8) + timedelta(minutes=7 * n),
            color=tuple((c * (n + 3)) % 256 for c in COLORS[n % len(COLORS)]),  # type: ignore[arg-type]
            rating=3 if n % 5 == 0 else None,
        )
        for n in range(PHOTOS)
    ]
    return make_library(tmp_path / "Personal", shots)


def _ready(text: str) -> bool:
    return f"{PHOTOS} / {PHOTOS} shown" in text


def _launch(tmp_path: Path, library: Path, *, diff: bool = True) -> Tmux:
    env = wire.phototerm_env(str(tmp_path / "xdg"))
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    command = [sys.executable, "-m", "phototerm", "--personal", str(library), "--shared", ""]
    return Tmux(str(tmp_path / "term"), command, env, wire.SIZE)


def test_each_action_writes_within_its_budget_and_draws_what_a_full_redraw_draws(
    tmp_path: Path, library: Path
) -> None:
    """The scripted session; after each action, ctrl+l forgets the terminal and draws every
    cell again: nothing on screen may change, or a diff left a wrong cell behind."""
    term = _launch(tmp_path, library)

    def redraw_changes_nothing(name: str, diffed: list) -> None:
        before = term.written()
        term.keys("C-l")
        assert term.settle(before, quiet=0.3).bytes > 1000, f"no redraw after {name}"
        full = term.cells()
        wrong = [
            (y, x)
            for y, row in enumerate(full[: len(diffed)])
            for x, cell in enumerate(row[: len(diffed[y])])
            if diffed[y][x] != cell
        ]
        assert not wrong, f"after {name}: {len(wrong)} cells differ, first {wrong[:5]}"

    try:
        steps = [wire.start(term, _ready)]
        steps += wire.run_script(term, idle=2.0, check=redraw_changes_nothing)
    finally:
        term.close()
    table = wire.report(steps)
    by_kind: dict[str, list[wire.Step]] = {}
    for step in steps:
        by_kind.setdefault(step.kind, []).append(step)
    assert steps[0].bytes <= 220_000, table
    assert all(s.bytes <= 4_000 for s in by_kind["search"]), table
    assert all(s.bytes <= 40_000 for s in by_kind["dialog"]), table
    right = next(s.bytes for s in steps if s.name == "Right")
    click = by_kind["click"][0].bytes
    assert abs(click - right) <= max(64, right // 10), table
    assert max(s.bytes for s in by_kind["wheel"]) <= min(s.bytes for s in by_kind["page"]), table
    assert sum(s.bytes for s in by_kind["idle"]) == 0, table
    written, budget = wire.session_budget(steps)
    assert len(steps) - 1 >= 30
    assert written <= budget, f"{written} > {budget}\n{table}"
