"""Bench "watch", compaction: a 1,000,000-photo index (50,000 with --quick) after a quarter of
its photos were removed (every sort order a browsing session keeps cached, and the name blob),
compacted as the browser does it (index/compaction.py, tui/compaction.py).

All in-process timings, a diagnosis of the index rather than what a person waits for:
- the copies taken under the index's lock (what a search or a batch may wait for);
- the build of the compacted copy, holding no lock (on a thread worker in the browser);
- the longest the build keeps a second thread waiting for the GIL: a thread that asks for it
  every millisecond, as the UI thread does, records the longest gap between its turns;
- the UI thread's part of the swap: ``swap`` (under the lock) and the library screen's model
  (the Timeline of every photo, as a first screen shows it) given the ids the worker made
  for it; and, when that model was replaced meanwhile, renumbering it on the UI thread;
- memory (``Index.memory_bytes``) and a few searches before and after.
"""

from __future__ import annotations

import gc
import random
import statistics
import threading
import time
from collections.abc import Callable
from typing import Self

from phototerm.bench import Figure
from phototerm.library.index import Index, compaction
from phototerm.samples.synth import synthesize
from phototerm.tui.model import IndexModel

AREA = "watch"
SORTS = (("taken", False), ("taken", True), ("name", False), ("size", True))
SEARCHES = (
    ("every photo by date, newest first", None, "taken"),
    ("a word in file names", "img_1234", "taken"),
    ("rating:>=3 by size", "rating:>=3", "size"),
)


def compaction_figures(n: int) -> list[Figure]:
    index = Index()
    photos = list(synthesize(n, seed=13))
    index.add_many(photos)
    rng = random.Random(5)
    for photo in rng.sample(photos, n // 4):
        index.remove(photo.space, photo.rel)
    del photos
    for key, descending in SORTS:
        index.search(None, sort=key, descending=descending)
    index.search("paris")
    gc.collect()
    before = _searches(index)
    memory_before = index.memory_bytes()

    start = time.perf_counter()
    src = compaction.copies(index)
    locked = time.perf_counter() - start
    timeline = index.timeline("day", True)
    assert timeline is not None
    model = IndexModel(index, timeline[0], timeline[1], len(index), labels=timeline[2])
    # the same, a model the worker did not see (one built again while it worked)
    unseen = IndexModel(index, timeline[0][:], timeline[1], len(index), labels=timeline[2][:])
    with _GilWatch() as watch:  # the browser's thread worker: the copy, and the model's ids
        start = time.perf_counter()
        built = compaction.build(src)
        ready = model.renumbered(built.renumbering)
        building = time.perf_counter() - start
    del src
    start = time.perf_counter()
    renumbering = compaction.swap(index, built)
    assert renumbering is not None
    whole = model.renumber(renumbering, ready)
    swapped = time.perf_counter() - start
    start = time.perf_counter()
    unseen.renumber(renumbering)
    remapped = time.perf_counter() - start
    del built, renumbering
    gc.collect()
    memory_after = index.memory_bytes()
    after = _searches(index)
    shown = index.search(None, sort="taken", descending=True)
    same = whole and list(model.ids) == shown == list(unseen.ids)
    size = f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"
    figures = [
        Figure(AREA, f"compaction @{size}, a quarter removed: copies under the lock "
               "(in-process)", locked * 1000, "ms"),
        Figure(AREA, "  the compacted copy built, and the Timeline's model renumbered, no lock "
               "held (in-process)", building, "s"),
        Figure(AREA, "  longest wait for the GIL of a thread asking every ms, while it is "
               "built (in-process)", watch.longest * 1000, "ms"),
        Figure(AREA, "  UI thread: swap (lock held) and the model's new ids put in place "
               "(in-process)", swapped * 1000, "ms", ok=same),
        Figure(AREA, "  UI thread, when the model was built again meanwhile: the model "
               "renumbered there (in-process)", remapped * 1000, "ms"),
        Figure(AREA, "  memory held by the index (Index.memory_bytes)", memory_after / 2**20,
               "MiB", baseline=memory_before / 2**20, baseline_name="before compaction"),
    ]  # fmt: skip
    for label, _q, _s in SEARCHES:
        figures.append(
            Figure(AREA, f"  search: {label}, best of 5 (in-process)", after[label] * 1000, "ms",
                   baseline=before[label] * 1000, baseline_name="before compaction")
        )  # fmt: skip
    return figures


def _searches(index: Index) -> dict[str, float]:
    out = {}
    for label, query, sort in SEARCHES:
        out[label] = _best(index.search, query, sort)
    return out


def _best(search: Callable[..., object], query: str | None, sort: str, times: int = 5) -> float:
    out = []
    for _ in range(times):
        start = time.perf_counter()
        search(query, sort=sort, descending=True)
        out.append(time.perf_counter() - start)
    return min(out)


class _GilWatch:
    """A thread that wants the GIL every millisecond, recording the longest it waited."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._gaps: list[float] = []

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            self._gaps.append(now - last - 0.001)
            last = now

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.longest = max(self._gaps, default=0.0)
        self.median = statistics.median(self._gaps) if self._gaps else 0.0
