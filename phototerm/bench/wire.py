"""Bench "wire": the bytes phototerm writes for a scripted session, in a real terminal.

phototerm runs in a 200x50 tmux window (``terminal.Tmux``) on the demo library and goes
through ``SCRIPT``: cursor and page moves, the viewer, the search bar and a query, every
dialog, a click, a wheel tick, ratings, a resize, idle time. For each action: the bytes it
wrote, the cells that changed on screen and what writing only those would cost
(``changed_cell_bytes``), and the seconds the action would take over a 1 Mbit/s, 150 ms
round-trip link, computed as local time to settle + one round trip + bytes at 1 Mbit/s (the
link is simulated by arithmetic, not by a proxy).

Budgets (200x50): start <= 220 KB; ``/`` <= 4 KB; a dialog opening or closing <= 40 KB; a
click = the bytes of the key it stands for; a wheel tick <= a page move; nothing while idle;
the whole session <= 1.5x its changed-cell bytes + 300 B per action.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from phototerm.bench import BenchOptions, Figure
from phototerm.bench.terminal import Cell, Tmux, changed_cell_bytes

AREA = "wire"
SIZE = (200, 50)
LINK_RTT = 0.150  # seconds
LINK_RATE = 1_000_000 / 8  # bytes per second
GRID_X, GRID_Y = 31, 2  # the first tile's top left cell at 200x50 (sidebar, search bar, header)
TILE_W, GAP = 24, 1

Action = Callable[[Tmux], None]


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    kind: str  # "key", "dialog", "search", "click", "wheel", "page", "idle", "start", ...
    bytes: int
    seconds: float
    changed_cells: int
    floor: int  # bytes of the changed cells, written the way Textual writes segments

    @property
    def link_seconds(self) -> float:
        """Over the simulated link: settle locally, one round trip, the bytes at 1 Mbit/s."""
        return self.seconds + LINK_RTT + self.bytes / LINK_RATE


def _keys(*names: str) -> Action:
    return lambda term: term.keys(*names)


def _type(text: str) -> Action:
    return lambda term: term.literal(text)


def _click_tile(index: int) -> Action:
    """A click in the middle of the ``index``-th tile of the first row."""
    return lambda term: term.click(GRID_X + index * (TILE_W + GAP) + TILE_W // 2, GRID_Y + 4)


def _wheel(down: bool) -> Action:
    return lambda term: term.wheel(GRID_X + 40, GRID_Y + 10, down=down)


def _resize(width: int, height: int) -> Action:
    return lambda term: term.resize(width, height)


def _idle(term: Tmux) -> None:
    return None


# (name, kind, action, how long to wait for quiet). ``kind`` groups the budgets.
SCRIPT: list[tuple[str, str, Action]] = [
    ("Home", "key", _keys("Home")),
    ("Right", "key", _keys("Right")),
    ("Left", "key", _keys("Left")),
    ("Down", "key", _keys("Down")),
    ("Up", "key", _keys("Up")),
    ("click on the next tile", "click", _click_tile(1)),
    ("Left", "key", _keys("Left")),
    ("PageDown", "page", _keys("PageDown")),
    ("PageDown", "page", _keys("PageDown")),
    ("PageUp", "page", _keys("PageUp")),
    ("wheel down", "wheel", _wheel(True)),
    ("wheel up", "wheel", _wheel(False)),
    ("Enter (viewer)", "screen", _keys("Enter")),
    ("Right (next photo)", "screen", _keys("Right")),
    ("Escape (back to the grid)", "screen", _keys("Escape")),
    ("/ (search bar)", "search", _keys("/")),
    ("idle, search bar focused", "idle", _idle),
    ("type 'beach'", "type", _type("beach")),
    ("Enter (apply)", "type", _keys("Enter")),
    ("/ again", "search", _keys("/")),
    ("Escape (clear)", "type", _keys("Escape")),
    ("Escape (back to the photos)", "type", _keys("Escape")),
    ("f (filter dialog)", "dialog", _keys("f")),
    ("Escape (close)", "dialog", _keys("Escape")),
    ("s (sort dialog)", "dialog", _keys("s")),
    ("Escape (close)", "dialog", _keys("Escape")),
    (": (jump dialog)", "dialog", _keys(":")),
    ("Escape (close)", "dialog", _keys("Escape")),
    ("t (tag dialog)", "dialog", _keys("t")),
    ("Escape (close)", "dialog", _keys("Escape")),
    ("a (album dialog)", "dialog", _keys("a")),
    ("Escape (close)", "dialog", _keys("Escape")),
    ("e (description dialog)", "dialog", _keys("e")),
    ("Escape (close)", "dialog", _keys("Escape")),
    ("i (info panel)", "panel", _keys("i")),
    ("i (hide it)", "panel", _keys("i")),
    ("idle", "idle", _idle),
    ("3 (rate)", "key", _keys("3")),
    ("0 (clear the rating)", "key", _keys("0")),
    ("the ratings' notes time out", "wait", _idle),
    ("resize to 160x45", "resize", _resize(160, 45)),
    ("resize to 200x50", "resize", _resize(200, 50)),
]
IDLE_SECONDS = 3.0
NOTE_SECONDS = 5.0  # a notification of an edit shows for 4 s


def run_script(term: Tmux, script: Sequence[tuple[str, str, Action]] = SCRIPT,
               quiet: float = 0.5, idle: float = IDLE_SECONDS,
               check: Callable[[str, list[list[Cell]]], None] | None = None,
               ) -> list[Step]:  # fmt: skip
    """Each action, its bytes, time to settle and the changed cells' floor. ``check`` is
    called after each action with its name and the screen (it may act, e.g. redraw, as
    long as it leaves the screen as it found it)."""
    steps: list[Step] = []
    screen = term.cells()
    for name, kind, action in script:
        before = term.written()
        action(term)
        if kind in ("idle", "wait"):
            time.sleep(idle if kind == "idle" else NOTE_SECONDS)
            settled_bytes, seconds = term.written() - before, 0.0
        else:
            settled = term.settle(before, quiet=quiet)
            settled_bytes, seconds = settled.bytes, settled.seconds
        after = term.cells()
        cells, floor = changed_cell_bytes(screen, after) if kind != "resize" else (0, 0)
        if kind == "resize":
            cells = sum(len(row) for row in after)
            floor = changed_cell_bytes([], after)[1]
        steps.append(Step(name, kind, settled_bytes, seconds, cells, floor))
        screen = after
        if check is not None:
            check(name, after)
    return steps


def start(term: Tmux, ready: Callable[[str], bool], limit: float = 60.0) -> Step:
    """From launch until the screen shows ``ready`` and then nothing is written for 1 s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and not ready(term.text()):
        time.sleep(0.05)
    waited = time.monotonic() - term.started
    settled = term.settle(term.written(), first_wait=1.0, quiet=1.0)
    seconds = waited + settled.seconds  # launch to the last byte
    total = term.written()
    cells = term.cells()
    return Step("start (first screen)", "start", total, max(0.0, seconds),
                sum(len(r) for r in cells), changed_cell_bytes([], cells)[1])  # fmt: skip


def indexed(text: str) -> bool:
    """The status line counts the photos shown and indexing is over."""
    return " shown" in text and "Indexing" not in text


def session_budget(steps: Sequence[Step]) -> tuple[int, int]:
    """(bytes written by the actions after start, the budget: 1.5x floor + 300 B each)."""
    actions = [s for s in steps if s.kind != "start"]
    written = sum(s.bytes for s in actions)
    budget = int(1.5 * sum(s.floor for s in actions) + 300 * len(actions))
    return written, budget


def phototerm_env(xdg: str, color: str = "truecolor") -> dict[str, str]:
    env = {
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": os.path.join(xdg, "config"),
        "XDG_CACHE_HOME": os.path.join(xdg, "cache"),
        "XDG_STATE_HOME": os.path.join(xdg, "state"),
        "PHOTOTERM_COLOR": color,
    }
    return env


def launch(workdir: str, personal: str, shared: str, env: Mapping[str, str],
           python: str = sys.executable) -> Tmux:  # fmt: skip
    command = [python, "-m", "phototerm", "--personal", personal, "--shared", shared]
    return Tmux(os.path.join(workdir, "term"), command, env, SIZE)


def measure(workdir: str, personal: str, shared: str, ready: Callable[[str], bool],
            env: Mapping[str, str], python: str = sys.executable) -> list[Step]:  # fmt: skip
    """One warm-up start (caches filled, as for any second visit), then the measured run."""
    warm = launch(workdir, personal, shared, env, python)
    try:
        start(warm, ready)
        warm.keys("q")
        time.sleep(0.5)
    finally:
        warm.close()
    # the place is remembered between runs: forget it, so both runs start alike
    shutil.rmtree(env["XDG_STATE_HOME"], ignore_errors=True)
    term = launch(workdir, personal, shared, env, python)
    try:
        steps = [start(term, ready)]
        steps += run_script(term)
        term.keys("q")
    finally:
        term.close()
    return steps


def report(steps: Sequence[Step]) -> str:
    """A plain table of the steps (the bench prints it before its figures)."""
    head = f"  {'action':<34} {'bytes':>9} {'changed cells':>13} {'floor':>9} "
    lines = [head + f"{'local s':>8} {'1 Mbit/150 ms s':>15}"]
    for s in steps:
        lines.append(f"  {s.name:<34} {s.bytes:>9,} {s.changed_cells:>13,} {s.floor:>9,} "
                     f"{s.seconds:>8.2f} {s.link_seconds:>15.2f}")  # fmt: skip
    return "\n".join(lines)


def figures(steps: Sequence[Step]) -> list[Figure]:
    by_kind: dict[str, list[Step]] = {}
    for s in steps:
        by_kind.setdefault(s.kind, []).append(s)
    first = by_kind["start"][0]
    search = max(s.bytes for s in by_kind["search"])
    dialog = max(s.bytes for s in by_kind["dialog"])
    click = by_kind["click"][0].bytes
    right = next(s.bytes for s in steps if s.name == "Right")
    wheel = max(s.bytes for s in by_kind["wheel"])
    page = min(s.bytes for s in by_kind["page"])
    idle = sum(s.bytes for s in by_kind["idle"])
    written, budget = session_budget(steps)
    actions = len(steps) - 1
    link = sum(s.link_seconds for s in steps if s.kind not in ("start", "idle"))
    return [
        Figure(AREA, "start: bytes to the first settled screen", first.bytes / 1000, "KB",
               target="<= 220 KB", ok=first.bytes <= 220_000),
        Figure(AREA, "/ (open the search bar)", search / 1000, "KB", target="<= 4 KB",
               ok=search <= 4_000),
        Figure(AREA, "largest dialog opening or closing", dialog / 1000, "KB",
               target="<= 40 KB", ok=dialog <= 40_000),
        Figure(AREA, "a click that moves the cursor one tile", click, "B", baseline=right,
               baseline_name="Right key", target="= the key's bytes (+-10%)",
               ok=abs(click - right) <= max(64, right // 10)),
        Figure(AREA, "largest wheel tick", wheel / 1000, "KB", baseline=page / 1000,
               baseline_name="smallest page move", target="<= a page move", ok=wheel <= page),
        Figure(AREA, f"idle, {IDLE_SECONDS * 2:.0f} s (search bar focused, then not)", idle,
               "B", target="0 B", ok=idle == 0),
        Figure(AREA, f"whole session, {actions} actions after start", written / 1000, "KB",
               baseline=budget / 1000, baseline_name="1.5x changed cells + 300 B/action",
               target="<= budget", ok=written <= budget),
        Figure(AREA, "whole session over 1 Mbit/s, 150 ms (computed)", link, "s",
               baseline=first.link_seconds, baseline_name="start over the link"),
    ]  # fmt: skip


def run(opts: BenchOptions) -> list[Figure]:
    if shutil.which("tmux") is None:
        return [Figure(AREA, "not measured: tmux is not installed", 0, "")]
    from phototerm.samples import demo

    tmp = tempfile.mkdtemp(prefix="phototerm-bench-wire-", dir=opts.workdir)
    try:
        base = opts.workdir or tmp
        summary = demo.make_demo(os.path.join(base, "wire-demo"))
        env = phototerm_env(os.path.join(tmp, "xdg"))
        steps = measure(tmp, summary.personal, summary.shared, indexed, env)
        print(report(steps), file=sys.stderr, flush=True)  # stdout may be --json
        return figures(steps)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: Sequence[str]) -> int:
    """``python -m phototerm.bench.wire PERSONAL SHARED [PYTHON]``: the table only, for one
    library and one interpreter (to measure another checkout by hand)."""
    personal, shared = argv[0], argv[1]
    python = argv[2] if len(argv) > 2 else sys.executable
    tmp = tempfile.mkdtemp(prefix="phototerm-wire-")
    env = phototerm_env(os.path.join(tmp, "xdg"))

    steps = measure(tmp, personal, shared, indexed, env, python)
    print(report(steps))
    for f in figures(steps):
        print(f"  {f.name:<50} {f.value:>10.2f} {f.unit:<3} {f.target} {f.ok}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
