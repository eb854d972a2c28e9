"""Store bench: what an edit costs at 100,000 photos, through the Editor (store + index).

Figures: one rating edit (p50/p95; target <= 20 ms, fsync included), a 500-photo batch (one
transaction), the cost of polling for other sessions' edits, opening the store and applying
it to a fresh index. Baselines: the bare SQLite statement doing the same write with the same
durability, so the Editor's own overhead is visible.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable

from phototerm.bench import BenchOptions, Figure
from phototerm.library.photo import Photo
from phototerm.library.store import PhotoState, Store

AREA = "store"
FULL = 100_000
QUICK = 5_000


def run(opts: BenchOptions) -> list[Figure]:
    from phototerm.library.edits import Editor
    from phototerm.library.index import Index
    from phototerm.library.roles import Identity
    from phototerm.library.store.overlay import load_overlay

    n = QUICK if opts.quick else FULL
    base = tempfile.mkdtemp(prefix="phototerm-bench-store-", dir=opts.workdir)
    try:
        root = os.path.join(base, "Photos")
        os.makedirs(root)
        photos = _photos(root, n)
        with Store.open("personal", root) as store:  # prefill: every photo rated and tagged
            store.put_states(
                {
                    p.rel: PhotoState(rating=i % 6, tags=(f"tag{i % 40}",))
                    for i, p in enumerate(photos)
                }
            )
        t0 = time.perf_counter()
        store = Store.open("personal", root)
        open_ms = (time.perf_counter() - t0) * 1000
        index = Index()
        index.add_many(photos)
        t0 = time.perf_counter()
        load_overlay(index, {"personal": store})
        overlay_ms = (time.perf_counter() - t0) * 1000
        editor = Editor(index, {"personal": store}, Identity.current(), None)
        ids = index.ids()
        rng = random.Random(7)
        rounds = 40 if opts.quick else 150

        rels = [p.rel for p in photos]
        bare = _Bare(store.path, rels, rng)
        # Editor and bare SQL alternate, so both see the same disk and the same machine load.
        single, bare_single = _alternate(
            rounds,
            lambda: _check(editor.set_rating([rng.choice(ids)], rng.randint(1, 5))),
            bare.one,
        )
        batches, bare_batch = _alternate(
            max(5, rounds // 10),
            lambda: _check(editor.set_rating(rng.sample(ids, 500), rng.randint(1, 5))),
            bare.batch,
        )
        bare.close()
        commits = _count_commits(store, lambda: editor.set_rating(rng.sample(ids, 500), 3))
        token = store.change_token()
        poll = _times(rounds, lambda: store.changes_since(token))
        store.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)

    label = f"{n // 1000}k"
    return [
        _ms(
            f"rating edit p50 at {label} (store+index)",
            _pct(single, 50),
            limit=20,
            baseline=(_pct(bare_single, 50), "bare SQLite UPDATE+fsync"),
        ),
        _ms(
            f"rating edit p95 at {label}",
            _pct(single, 95),
            limit=20,
            baseline=(_pct(bare_single, 95), "bare SQLite p95"),
        ),
        _ms(
            f"500-photo rating batch p50 at {label}",
            _pct(batches, 50),
            baseline=(_pct(bare_batch, 50), "bare SQLite executemany+fsync"),
        ),
        Figure(
            AREA,
            "transactions per 500-photo batch",
            commits,
            "commits",
            target="== 1",
            ok=commits == 1,
        ),
        _ms("poll for other sessions' edits p50", _pct(poll, 50), limit=5),
        _ms(f"open store at {label} (with quick_check)", open_ms),
        _ms(f"apply store to a fresh index at {label}", overlay_ms),
    ]


def _ms(
    name: str,
    value: float,
    *,
    limit: float | None = None,
    baseline: tuple[float, str] | None = None,
) -> Figure:
    """A figure in milliseconds. ``limit``: the most it may take; ``baseline``: the
    bare-SQLite time of the same write and its name, so the Editor's overhead shows."""
    return Figure(
        AREA,
        name,
        value,
        "ms",
        baseline=baseline[0] if baseline else None,
        baseline_name=baseline[1] if baseline else "",
        target="" if limit is None else f"<= {limit:g} ms",
        ok=None if limit is None else value <= limit,
    )


def _photos(root: str, n: int) -> list[Photo]:
    out = []
    for i in range(n):
        year = 2015 + i % 10
        rel = f"{year}/event {i % 300:03d}/IMG_{i:06d}.JPG"
        out.append(
            Photo(
                "personal",
                root,
                rel,
                size=3_000_000 + i,
                mtime=1.6e9 + i,
                taken=1.5e9 + i * 600.0,
                make="Canon",
                model="Canon EOS R6",
                width=6000,
                height=4000,
            )
        )
    return out


def _check(result: object) -> None:
    if not getattr(result, "ok", False):
        raise RuntimeError(f"bench edit failed: {getattr(result, 'message', result)}")


def _times(rounds: int, work: Callable[[], object]) -> list[float]:
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        work()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, len(ordered) * p // 100)]


def _count_commits(store: Store, work: Callable[[], object]) -> int:
    statements: list[str] = []
    store._db.conn.set_trace_callback(statements.append)  # measuring, not using
    try:
        work()
    finally:
        store._db.conn.set_trace_callback(None)
    return sum(s.strip().upper() == "COMMIT" for s in statements)


def _alternate(
    rounds: int, first: Callable[[], object], second: Callable[[], object]
) -> tuple[list[float], list[float]]:
    a: list[float] = []
    b: list[float] = []
    for _ in range(rounds):
        a += _times(1, first)
        b += _times(1, second)
    return a, b


class _Bare:
    """The same writes as bare SQL on the same file, same journal mode and fsync."""

    def __init__(self, path: str, rels: list[str], rng: random.Random) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.rels, self.rng = rels, rng

    def one(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(
            "UPDATE photo SET rating = ? WHERE rel = ?",
            (self.rng.randint(1, 5), self.rng.choice(self.rels)),
        )
        self.conn.execute("COMMIT")

    def batch(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany(
            "UPDATE photo SET rating = ? WHERE rel = ?",
            ((self.rng.randint(1, 5), r) for r in self.rng.sample(self.rels, 500)),
        )
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()
