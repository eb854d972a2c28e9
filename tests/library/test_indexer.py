"""Indexing spaces: streaming, the cache's life cycle, worker processes, read-only runs."""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from nobody import Nobody, make_public
from PIL import Image

from phototerm.library.ingest import indexer
from phototerm.library.ingest.indexer import IndexProgress, index_spaces
from phototerm.library.ingest.scanner import OUTSIDE, scan
from phototerm.library.metadata import cache as metadata_cache
from phototerm.library.metadata import reader as metadata
from phototerm.library.photo import Photo
from phototerm.library.spaces import SpaceRoot


def jpeg(path: Path, model: str = "EOS R6", rating: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = model
    exif.get_ifd(0x8769)[0x9003] = "2022:01:02 03:04:05"
    if rating is not None:
        exif[0x4746] = rating
    Image.new("RGB", (24, 16), (10, 20, 30)).save(path, "JPEG", exif=exif)
    return path


def library(root: Path, n: int) -> list[str]:
    rels = []
    for i in range(n):
        rel = f"{2000 + i % 3}/event {i % 5}/IMG_{i:04d}.JPG"
        jpeg(root / rel, model=f"Model {i % 4}")
        rels.append(rel)
    return rels


def by_rel(photos: list[Photo]) -> dict[str, Photo]:
    out = {p.rel: p for p in photos}
    assert len(out) == len(photos)
    return out


def test_cold_then_warm(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    rels = library(root, 12)
    (root / "clip.mp4").write_bytes(b"\x00" * 64)
    batches: list[list[Photo]] = []
    progress: list[IndexProgress] = []
    space = SpaceRoot("personal", str(root))
    cold = index_spaces([space], str(cache), batch=batches.append, progress=progress.append)
    assert (cold.read, cold.cached, cold.errors) == (13, 0, [])
    assert sorted(p.rel for b in batches for p in b) == sorted([*rels, "clip.mp4"])
    assert sorted(p.rel for p in cold.photos) == sorted([*rels, "clip.mp4"])
    assert progress[-1] == IndexProgress(13, 13, "done")
    photo = by_rel(cold.photos)[rels[5]]
    assert (photo.space, photo.root, photo.model, photo.width) == (
        "personal",
        str(root),
        "Model 1",
        24,
    )
    cache_file = metadata_cache.cache_file(cache, "personal", str(root))
    assert cache_file.exists()
    stamp = cache_file.stat().st_mtime_ns

    warm = index_spaces([space], str(cache))
    assert (warm.read, warm.cached) == (0, 13)
    assert by_rel(warm.photos) == by_rel(cold.photos)
    assert cache_file.stat().st_mtime_ns == stamp  # nothing changed: nothing rewritten


def test_changed_file_reread_vanished_dropped_sidecar_followed(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    rels = library(root, 6)
    space = SpaceRoot("shared", str(root))
    index_spaces([space], str(cache))
    jpeg(root / rels[0], model="Changed")
    os.utime(root / rels[0], (2_000_000_000, 2_000_000_000))
    (root / rels[1]).unlink()
    (root / (rels[2] + ".xmp")).write_text(
        '<x xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="5"/>'
    )
    result = index_spaces([space], str(cache))
    photos = by_rel(result.photos)
    assert (result.read, result.cached) == (2, 3)
    assert photos[rels[0]].model == "Changed"
    assert rels[1] not in photos
    assert photos[rels[2]].rating == 5
    data = metadata_cache.load(metadata_cache.cache_file(cache, "shared", str(root)), str(root))
    assert set(data.rows) == set(photos)  # the vanished file left the cache too
    again = index_spaces([space], str(cache))
    assert (again.read, again.cached) == (0, 5)


def test_read_only_and_no_cache_dir_write_nothing(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    library(root, 3)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    result = index_spaces([SpaceRoot("personal", str(root))], str(cache), read_only=True)
    assert result.read == 3
    result = index_spaces([SpaceRoot("personal", str(root))], None)
    assert result.read == 3
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    # A read-only run still uses a cache that is there.
    index_spaces([SpaceRoot("personal", str(root))], str(cache))
    stamp = {p: p.stat().st_mtime_ns for p in cache.rglob("*")}
    jpeg(root / "new.jpg")
    result = index_spaces([SpaceRoot("personal", str(root))], str(cache), read_only=True)
    assert (result.cached, result.read) == (3, 1)
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*")} == stamp


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    library(root, 4)
    space = SpaceRoot("personal", str(root))
    index_spaces([space], str(cache))
    path = metadata_cache.cache_file(cache, "personal", str(root))
    path.write_bytes(path.read_bytes()[:-10])
    result = index_spaces([space], str(cache))
    assert (result.read, result.cached) == (4, 0)
    assert result.cache_problems == ["personal: cache ignored: corrupt (checksum)"]
    assert index_spaces([space], str(cache)).cached == 4


def test_two_spaces_errors_and_odd_names(tmp_path: Path) -> None:
    personal, shared, outside = tmp_path / "p", tmp_path / "s", tmp_path / "outside"
    jpeg(personal / "[bold]x.jpg")
    jpeg(personal / "[@click=app.quit]x.jpg")
    odd = os.fsencode(personal) + b"/caf\xe9.jpg"
    shutil.copyfile(personal / "[bold]x.jpg", odd)
    (personal / "broken.jpg").write_text("not a photo")
    jpeg(outside / "secret.jpg")
    jpeg(shared / "a.jpg")
    os.symlink(outside, shared / "escape")
    spaces = [SpaceRoot("personal", str(personal)), SpaceRoot("shared", str(shared))]
    for _ in range(2):  # cold, then from the cache: the same answers
        result = index_spaces(spaces, str(tmp_path / "cache"))
        photos = {(p.space, p.rel): p for p in result.photos}
        assert set(photos) == {
            ("personal", "[bold]x.jpg"),
            ("personal", "[@click=app.quit]x.jpg"),
            ("personal", "caf\udce9.jpg"),
            ("personal", "broken.jpg"),
            ("shared", "a.jpg"),
        }
        assert photos[("personal", "caf\udce9.jpg")].model == "EOS R6"
        assert photos[("personal", "broken.jpg")].error == "not an image (unrecognised content)"
        assert [(e.path, e.reason) for e in result.errors] == [(str(shared / "escape"), OUTSIDE)]
        assert len(result.file_errors) == 1


def test_worker_processes_give_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    library(root, 40)
    space = SpaceRoot("personal", str(root))
    in_process = index_spaces([space], None)
    monkeypatch.setattr(indexer, "CHUNK", 4)
    monkeypatch.setattr(indexer, "POOL_MIN", 8)
    batches: list[list[Photo]] = []
    pooled = index_spaces([space], None, workers=2, batch=batches.append)
    assert by_rel(pooled.photos) == by_rel(in_process.photos)
    assert len(batches) >= 5  # results streamed chunk by chunk, not in one lump
    # Strings the index keeps many of are shared objects.
    models = [p.model for p in pooled.photos if p.model == "Model 1"]
    assert all(m is models[0] for m in models)


def test_indexing_from_a_thread_uses_a_safe_start_method(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The TUI indexes in a worker thread: forking a threaded process is unsafe, so the pool
    # must come from the fork server (or spawn), and still give the same records.
    root = tmp_path / "root"
    library(root, 12)
    space = SpaceRoot("personal", str(root))
    expected = by_rel(index_spaces([space], None).photos)
    monkeypatch.setattr(indexer, "CHUNK", 2)
    monkeypatch.setattr(indexer, "POOL_MIN", 2)
    out: dict[str, Any] = {}

    def work() -> None:
        out["method"] = indexer._context().get_start_method()
        out["result"] = index_spaces([space], None, workers=2)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)
    assert out["method"] in ("forkserver", "spawn")
    assert by_rel(out["result"].photos) == expected


def _fork_pool_available() -> bool:
    return indexer._context().get_start_method() == "fork"


_FRESH = "PHOTOTERM_TEST_FRESH_PROCESS"


def _runs_here(request: pytest.FixtureRequest) -> bool:
    """Whether a test that injects its fault into forked workers can run in this process.

    The indexer forks only from a process with one thread; threads that earlier tests in
    the same process left running (a thumbnail service, a Textual driver) would make it
    choose forkserver, where a monkeypatched reader is not seen. Then the test runs again,
    alone, in a fresh interpreter, and this process only checks that it passed."""
    if _fork_pool_available():
        return True
    if os.environ.get(_FRESH):
        pytest.fail(f"a fresh process has {threading.active_count()} threads: cannot fork")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", request.node.nodeid],
        check=False,
        cwd=request.config.rootpath,
        env={**os.environ, _FRESH: "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return False


def test_a_crashing_reader_costs_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if not _runs_here(request):
        return  # passed in a fresh process
    root = tmp_path / "root"
    rels = library(root, 60)
    # The first file read: the pool breaks while the walk is still submitting work.
    culprit = next(iter(scan(str(root)))).rel
    real = metadata.read_row

    def crashing(root_: str, rel: str, *args: Any) -> Any:
        if rel == culprit:
            os._exit(3)  # what a segfault in a C decoder looks like from outside
        return real(root_, rel, *args)

    monkeypatch.setattr(metadata, "read_row", crashing)
    monkeypatch.setattr(indexer, "CHUNK", 4)
    monkeypatch.setattr(indexer, "POOL_MIN", 4)
    result = index_spaces([SpaceRoot("personal", str(root))], str(tmp_path / "cache"), workers=2)
    photos = by_rel(result.photos)
    assert set(photos) == set(rels)
    assert photos[culprit].error.startswith("the reader crashed on this file")
    assert [p.rel for p in result.photos if p.error] == [culprit]
    # Not cached: the next run tries again.
    monkeypatch.setattr(metadata, "read_row", real)
    again = index_spaces([SpaceRoot("personal", str(root))], str(tmp_path / "cache"))
    assert (again.read, by_rel(again.photos)[culprit].error) == (1, "")


def test_a_hanging_file_is_abandoned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if not _runs_here(request):
        return  # passed in a fresh process
    root = tmp_path / "root"
    rels = library(root, 8)
    real = metadata.read_row

    def hanging(root_: str, rel: str, *args: Any) -> Any:
        if rel == rels[2]:
            time.sleep(60)
        return real(root_, rel, *args)

    monkeypatch.setattr(metadata, "read_row", hanging)
    monkeypatch.setattr(indexer, "FILE_TIMEOUT", 0.5)
    monkeypatch.setattr(indexer, "CHUNK", 2)
    monkeypatch.setattr(indexer, "POOL_MIN", 2)
    start = time.perf_counter()
    result = index_spaces([SpaceRoot("personal", str(root))], None, workers=2)
    assert time.perf_counter() - start < 20
    photos = by_rel(result.photos)
    assert photos[rels[2]].error == "reading took over 0.5 s; skipped"
    assert sum(bool(p.error) for p in result.photos) == 1


def test_a_file_spinning_where_the_alarm_cannot_reach_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """A C decoder looping inside one call never lets the alarm's handler run: blocking
    SIGALRM while spinning does the same. The worker's CPU limit ends it, and the file is
    recorded as the one that kills the reader; the others are read."""
    if not _runs_here(request):
        return  # passed in a fresh process
    root = tmp_path / "root"
    rels = library(root, 6)
    real = metadata.read_row

    def spinning(root_: str, rel: str, *args: Any) -> Any:
        if rel == rels[1]:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            while True:
                pass
        return real(root_, rel, *args)

    monkeypatch.setattr(metadata, "read_row", spinning)
    monkeypatch.setattr(indexer, "FILE_TIMEOUT", 0.5)
    monkeypatch.setattr(indexer, "CHUNK", 2)
    monkeypatch.setattr(indexer, "POOL_MIN", 2)
    start = time.perf_counter()
    result = index_spaces([SpaceRoot("personal", str(root))], None, workers=2)
    assert time.perf_counter() - start < 30
    photos = by_rel(result.photos)
    assert set(photos) == set(rels)
    assert photos[rels[1]].error.startswith("the reader crashed on this file")
    assert sum(bool(p.error) for p in result.photos) == 1


def test_batch_callback_failure_stops_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "root"
    library(root, 3)

    def fail(photos: list[Photo]) -> None:
        raise RuntimeError("the UI went away")

    with pytest.raises(RuntimeError):
        index_spaces([SpaceRoot("personal", str(root))], None, batch=fail)


# --- unreadable files and folders, as an unprivileged user --------------------------------------


def test_unreadable_file_and_folder_as_nobody(as_nobody: Nobody) -> None:
    root = Path(as_nobody.base) / "root"
    jpeg(root / "ok" / "a.jpg")
    jpeg(root / "ok" / "secret.jpg")
    jpeg(root / "locked" / "b.jpg")
    make_public(root)
    os.chmod(root / "ok" / "secret.jpg", 0o600)  # root's: nobody cannot open it
    os.chmod(root / "locked", 0o700)
    code = (
        "import json, sys\n"
        "from phototerm.library.ingest.indexer import index_spaces\n"
        "from phototerm.library.spaces import SpaceRoot\n"
        "r = index_spaces([SpaceRoot('personal', sys.argv[1])], None)\n"
        "print(json.dumps([sorted([p.rel, p.error] for p in r.photos),\n"
        "                  [[e.path, e.reason] for e in r.errors]]))\n"
    )
    out = as_nobody.run(code, str(root), timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    photos, errors = json.loads(out.stdout)
    assert photos == [["ok/a.jpg", ""], ["ok/secret.jpg", "cannot open: Permission denied"]]
    assert errors == [[str(root / "locked"), "permission denied"]]


def test_garbage_collector_state_is_restored(tmp_path: Path) -> None:
    root = tmp_path / "root"
    library(root, 3)
    space = SpaceRoot("personal", str(root))
    assert gc.isenabled()
    index_spaces([space], None)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        index_spaces([space], None, batch=lambda photos: (_ for _ in ()).throw(RuntimeError()))
    assert gc.isenabled()
    gc.disable()
    try:
        index_spaces([space], None)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_keep_photos_false_only_streams(tmp_path: Path) -> None:
    root = tmp_path / "root"
    rels = library(root, 5)
    batches: list[list[Photo]] = []
    result = index_spaces(
        [SpaceRoot("personal", str(root))], None, batch=batches.append, keep_photos=False
    )
    assert result.photos == [] and result.read == 5
    assert sorted(p.rel for b in batches for p in b) == sorted(rels)


def test_bench_smoke(tmp_path: Path) -> None:
    # The figures themselves are for `phototerm bench`; this checks the module runs and
    # reports real, positive measurements with their baselines.
    from phototerm.bench import BenchOptions
    from phototerm.bench import indexing as bench

    figures = bench.run(BenchOptions(photos=120, quick=True, workdir=str(tmp_path)))
    names = [f.name for f in figures]
    assert any(n.startswith("cold index throughput") for n in names)
    assert any(n.startswith("warm start") for n in names)
    for figure in figures:
        assert figure.value > 0 or figure.unit == "procs"
        if figure.target:
            assert figure.baseline and figure.baseline > 0 and figure.ok in (True, False)


def test_workers_never_write_to_the_terminal(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    if not _runs_here(request):
        return  # passed in a fresh process
    root = tmp_path / "root"
    library(root, 8)
    real = metadata.read_row

    def noisy(*args: Any) -> Any:
        os.write(2, b"libfoo: warning: something odd\n")  # as a C library would
        return real(*args)

    monkeypatch.setattr(metadata, "read_row", noisy)
    monkeypatch.setattr(indexer, "CHUNK", 2)
    monkeypatch.setattr(indexer, "POOL_MIN", 2)
    result = index_spaces([SpaceRoot("personal", str(root))], None, workers=2)
    assert result.read == 8
    assert capfd.readouterr().err == ""


def test_end_to_end_bench_smoke(tmp_path: Path) -> None:
    # `phototerm bench --only startup --quick`: real processes, real figures, each beside
    # its baseline (the timings themselves are for a quiet machine, not for a test).
    from phototerm.bench import BenchOptions, startup

    figures = startup.run(BenchOptions(photos=60, quick=True, workdir=str(tmp_path)))
    by_name = {f.name.split(",")[0]: f for f in figures}
    assert any(f.name.startswith("cold index peak RSS") for f in figures)
    for name in ("cold `phototerm index`", "warm `ls 'rating:>=4'`", "warm `ls`"):
        assert by_name[name].value > 0 and by_name[name].baseline, name
    browser = [f for f in figures if f.name.startswith("browser: process start")]
    assert browser and browser[0].value > 0
