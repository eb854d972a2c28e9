"""Bench "startup": what a person or a script waits for, measured from outside the process.

Every figure here is end to end: a fresh ``python -m phototerm ...`` process, timed from its
start to its exit (or, for the browser, to its first full screen in a pseudo-terminal),
start-up and imports included, beside a bare baseline run as a process of its own the same
way. (The "indexing" area's figures are in-process timings of one function: a diagnosis, not
what anyone waits for.)

- warm ``phototerm ls 'rating:>=4'`` against a bare ``os.walk`` + ``stat`` of the same tree,
  at 100,000 files (and 1,000,000 unless --quick): the two run in turn, and each ratio is
  taken pair by pair, median reported. The target holds the whole process (interpreter
  start and imports included) to the bare walk's whole process; "own work", which
  subtracts a bare ``import phototerm`` from the first, is reported beside it;
- the browser's first full screen of thumbnails in a 200x50 pty, at the same sizes: the time
  from the process start to the last byte of the first screen (the first pause of
  ``SETTLE`` seconds in its output once half a screen of cells is written: the tiles of a
  warm disk cache come in one burst, and what follows - the end of the walk in the status
  line - comes later); the thumbnails are warm in the disk cache (a first run fills it);
- a cold ``phototerm index`` (fresh cache) against a single-process exifread loop over the
  same photos, both as processes, best of three;
- the peak RSS of that cold index (the largest process, workers included), per photo, above
  the peak of an interpreter that only imported phototerm.

The big trees are hard-linked copies of the generated library (real entries, real stats);
their metadata cache is written from the small library's rows, so only the first ``ls``
(which writes the index snapshot) is not warm, and it is not counted.

Every process runs with Python's bytecode cache on, in a folder of the bench's own
(``PYTHONPYCACHEPREFIX``), whatever the calling environment says: an installed phototerm
has its modules compiled (pip compiles them, Python caches them on first use), and a
``PYTHONDONTWRITEBYTECODE`` left in a developer's shell would otherwise add the compiling
of every module to every figure. The runs that are not counted fill that cache.

The browser's figure stands beside its floor: a bare Textual app (one Static filling the
screen) started the same way in the same pty, which is what Textual itself costs here.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

from phototerm.bench import BenchOptions, Figure, in_pty
from phototerm.bench.indexing import generated_library, linked_tree
from phototerm.library.metadata import cache as metadata_cache

AREA = "startup"
BIG = 100_000
HUGE = 1_000_000
SIZE = (200, 50)
SETTLE = 0.2  # seconds of silence that end the first screen (its tiles come in a burst)
PAIRS = 5  # ls / walk runs, in turn


def run(opts: BenchOptions) -> list[Figure]:
    with generated_library(opts) as (work, root, n):
        return _measure(opts, work, root, n)


def _measure(opts: BenchOptions, work: str, root: str, n: int) -> list[Figure]:
    figures = [
        Figure(AREA, "machine load before the runs (1-min load average)", os.getloadavg()[0], "procs")
    ]  # fmt: skip
    env = _env(os.path.join(work, "startup-xdg"))
    figures += _cold(root, env, quick=opts.quick)
    if opts.quick:  # the small library itself, for the smoke run
        trees = [(n, root)]
    else:
        trees = [(size, _big_tree(work, root, env, size)) for size in (BIG, HUGE)]
    figures += _memory(trees[0][1], work, opts.quick)
    for size, tree in trees:
        _run(["ls", "--personal", tree, "--shared", "", "rating:>=4"], env)  # writes the index
        figures += _ls(tree, env, size, quick=opts.quick)
        figures += _browser(tree, env, size, quick=opts.quick)
    return figures


# -- the library trees ---------------------------------------------------------------------


def _env(base: str) -> dict[str, str]:
    env = dict(os.environ)
    for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        env[var] = os.path.join(base, var.lower())
    for var in ("PHOTOTERM_PERSONAL", "PHOTOTERM_SHARED", "NO_COLOR", "PHOTOTERM_COLOR"):
        env.pop(var, None)
    # Compiled modules, as an installed phototerm has them (see the module's docstring).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(base, "pycache")
    return env


def _cache_dir(env: dict[str, str]) -> str:
    return os.path.join(env["XDG_CACHE_HOME"], "phototerm")


def _big_tree(work: str, root: str, env: dict[str, str], size: int) -> str:
    """Hard-linked copies of ``root`` with ``size`` files or more, and their metadata cache
    written from the small library's (which the cold runs left in the same cache)."""
    cache = _cache_dir(env)
    small = metadata_cache.load(metadata_cache.cache_file(cache, "personal", root), root)
    copies = -(-size // max(1, len(small.rows)))
    tree = os.path.join(work, f"startup-{size}-links")
    linked_tree(root, cache, tree, cache, copies)
    return tree


# -- processes -------------------------------------------------------------------------------


def _phototerm(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "phototerm", *args]


def _run(args: Sequence[str], env: dict[str, str]) -> float:
    """Wall seconds of one ``phototerm`` process (its output thrown away)."""
    start = time.perf_counter()
    subprocess.run(_phototerm(args), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
    return time.perf_counter() - start


def _python(code: str, *args: str, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
    return time.perf_counter() - start


WALK = (
    "import os, sys\n"
    "for d, _, names in os.walk(sys.argv[1]):\n"
    "    for name in names:\n"
    "        os.stat(os.path.join(d, name))\n"
)
BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Bare(App):\n"
    "    BINDINGS = [('q', 'quit', 'Quit')]\n"
    "    def compose(self):\n"
    "        yield Static('\\n'.join('x' * 199 for _ in range(50)))\n"
    "Bare().run()\n"
)
EXIF_LOOP = (
    "import os, sys, exifread\n"
    "from phototerm.library.ingest.scanner import scan\n"
    "from phototerm.library.photo import PHOTO, kind_of\n"
    "root = sys.argv[1]\n"
    "files = [os.path.join(root, e.rel) for e in scan(root) if kind_of(e.rel) == PHOTO]\n"
    "for path in files:\n"
    "    with open(path, 'rb') as fh:\n"
    "        try:\n"
    "            exifread.process_file(fh, details=False)\n"
    "        except Exception:\n"
    "            pass\n"
)


# -- ls ---------------------------------------------------------------------------------------


def _ls(tree: str, env: dict[str, str], size: int, quick: bool) -> list[Figure]:
    pairs = 2 if quick else PAIRS
    ls_times, walk_times, imports = [], [], []
    for _ in range(pairs):
        ls_times.append(_run(["ls", "--personal", tree, "--shared", "", "rating:>=4"], env))
        walk_times.append(_python(WALK, tree))
        imports.append(_python("import phototerm"))
    ratios = [a / b for a, b in zip(ls_times, walk_times)]
    own = [(a - c) / b for a, b, c in zip(ls_times, walk_times, imports)]
    ls_med, walk_med = statistics.median(ls_times), statistics.median(walk_times)
    limit = 1.5 if size < HUGE else 2.0
    ratio = statistics.median(ratios)
    own_ratio = statistics.median(own)
    return [
        Figure(AREA, f"warm `ls 'rating:>=4'`, {size:,} files (end to end, process wall time)",
               ls_med, "s", baseline=walk_med, baseline_name="os.walk + stat, as a process",
               ratio=ratio, ratio_name="x baseline",
               target="" if quick else f"<= {limit:g}x (whole process)",
               ok=None if quick else ratio <= limit),
        Figure(AREA, f"warm `ls`, {size:,} files: own work (minus a bare `import phototerm`)",
               ls_med - statistics.median(imports), "s", baseline=walk_med,
               baseline_name="os.walk + stat, as a process", ratio=own_ratio,
               ratio_name="x baseline"),
    ]  # fmt: skip


# -- the browser in a pty ------------------------------------------------------------------


def _browser(tree: str, env: dict[str, str], size: int, quick: bool) -> list[Figure]:
    argv = _phototerm(["--personal", tree, "--shared", ""])
    bare = [sys.executable, "-c", BARE_APP]
    try:
        _first_screen(argv, env, settle=2.0)  # fills the thumbnail cache, saves the session
        _first_screen(bare, env)  # compiles Textual's modules into the bench's cache
        runs, floor = [], []
        for _ in range(1 if quick else 5):  # in turn, so that both see the same machine
            runs.append(_first_screen(argv, env))
            floor.append(_first_screen(bare, env)[0])
    except OSError as exc:
        return [Figure(AREA, f"browser first screen: not measured ({exc})", 0, "s")]
    seconds = statistics.median(r[0] for r in runs)
    written = statistics.median(r[1] for r in runs)
    return [
        Figure(AREA, f"browser: process start to a full screen of thumbnails, {size:,} photos "
               "(pty 200x50, end to end)", seconds, "s",
               baseline=statistics.median(floor), baseline_name="a bare Textual app, same pty",
               target="" if quick else "<= 0.5 s", ok=None if quick else seconds <= 0.5),
        Figure(AREA, f"browser: bytes written for that first screen, {size:,} photos",
               written / 1000, "KB"),
    ]  # fmt: skip


def _first_screen(argv: list[str], env: dict[str, str], settle: float = SETTLE) -> tuple[float, int]:  # fmt: skip
    """(seconds from the start to the last byte of the first screen, bytes written by then).

    The first screen ends at the first ``settle`` seconds of silence once at least half a
    screen's worth of cells has been written (the walk that follows starts after the first
    screen, and shows no progress during its first second)."""
    run_env = dict(env, TERM="xterm-256color", COLORTERM="truecolor")
    start = time.monotonic()
    pid, fd = in_pty.spawn(argv, run_env, SIZE)
    try:
        total, last = in_pty.drain(fd, 30.0, settle, enough=SIZE[0] * SIZE[1] // 2)
    finally:
        in_pty.stop(pid, fd, b"q", 0.5)
    return last - start, total


# -- cold index --------------------------------------------------------------------------------


def _cold(root: str, env: dict[str, str], quick: bool) -> list[Figure]:
    repeats = 1 if quick else 3
    photos = _count_photos(root)
    ours, bare = [], []
    cache = _cache_dir(env)
    index = ["index", "--personal", root, "--shared", ""]
    for _ in range(repeats):
        bare.append(_python(EXIF_LOOP, root))
        shutil.rmtree(cache, ignore_errors=True)
        ours.append(_run(index, env))
    best, best_bare = min(ours), min(bare)
    speed_up = best_bare / best
    figures = [
        Figure(AREA, f"cold `phototerm index`, {photos:,} photos (end to end, fresh cache)",
               best, "s", baseline=best_bare, baseline_name="exifread loop, 1 process",
               ratio=speed_up, ratio_name="speed-up",
               target="" if quick else ">= 1.6x", ok=None if quick else speed_up >= 1.6),
    ]  # fmt: skip
    return figures


def _memory(tree: str, work: str, quick: bool) -> list[Figure]:
    """Peak RSS of a cold ``phototerm index`` of ``tree`` (its own fresh cache), per photo,
    above the peak of an interpreter that only imported phototerm's command line."""
    env = _env(os.path.join(work, "startup-xdg-memory"))
    shutil.rmtree(_cache_dir(env), ignore_errors=True)
    peak = _peak_of(_phototerm(["index", "--personal", tree, "--shared", ""]), env)
    base = _peak_of([sys.executable, "-c", "import phototerm.cli.library_cmds"], env)
    shutil.rmtree(_cache_dir(env), ignore_errors=True)
    photos = _count_photos(tree)
    if not peak or not base:
        return [Figure(AREA, "cold index peak RSS: not measured", 0, "B")]
    per_photo = max(0, peak - base) * 1024 / max(1, photos)
    return [
        Figure(AREA, f"cold index peak RSS per photo ({photos:,} photos, above the "
               "interpreter's start; largest process)", per_photo, "B",
               baseline=base / 1024, baseline_name="MB, the interpreter's start",
               target="" if quick else "<= 600 B", ok=None if quick else per_photo <= 600)
    ]  # fmt: skip


def _count_photos(root: str) -> int:
    from phototerm.library.ingest.scanner import scan
    from phototerm.library.photo import PHOTO, kind_of

    return sum(1 for e in scan(root) if kind_of(e.rel) == PHOTO)


def _peak_of(argv: list[str], env: dict[str, str]) -> int:
    """Peak RSS (KB) of the largest process of one command (its workers included), read in
    a wrapper process, so that an earlier, larger child of this process cannot hide it."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=False)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, check=False)  # fmt: skip
    try:
        return int(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 0
