"""Share server bench: 200 concurrent clients fetching thumbnails of one link for 30 s, on
loopback, against ``phototerm serve`` running as its own process (as people run it).

Figures: requests answered and their rate, errors (anything but 200, and failed
connections), latency p50/p95 from each request's start to its last byte, the first pass over
every thumbnail (cold: each one decoded from its photo), and the server's peak memory
(VmHWM of its process). The clients run in this process on the same 2 cores, so the figures
include their cost; the baseline is the same clients fetching a fixed 404 page (the server's
cheapest answer), which tells what the loop and the network cost by themselves.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from phototerm.bench import BenchOptions, Figure

AREA = "serve"
CLIENTS = 200
SECONDS = 30.0
PHOTOS = 200
QUICK_SECONDS = 4.0
QUICK_PHOTOS = 30


def run(opts: BenchOptions) -> list[Figure]:
    seconds = QUICK_SECONDS if opts.quick else SECONDS
    count = QUICK_PHOTOS if opts.quick else PHOTOS
    base = tempfile.mkdtemp(prefix="phototerm-bench-serve-", dir=opts.workdir)
    try:
        root = Path(base) / "Photos"
        _photos(root, count)
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(base) / "cache")}
        env.pop("PHOTOTERM_SHARED", None)
        token = _link(root, env)
        server, port = _serve(root, env)
        try:
            return asyncio.run(_measure(port, token, count, seconds, server.pid))
        finally:
            server.terminate()
            server.wait(30)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _photos(root: Path, count: int) -> None:
    """Camera-sized JPEGs (12 MP would make the bench about Pillow; 2 MP is a phone's
    thumbnail-worthy photo with no EXIF thumbnail, so each first thumbnail is a decode)."""
    rng = random.Random(3)
    root.mkdir(parents=True)
    for n in range(count):
        image = Image.new("RGB", (1600, 1200), (rng.randrange(256), 120, rng.randrange(256)))
        draw = ImageDraw.Draw(image)
        for _ in range(20):
            x, y = rng.randrange(1600), rng.randrange(1200)
            draw.ellipse((x, y, x + 200, y + 150), fill=(rng.randrange(256), 200, 90))
        image.save(root / f"IMG_{n:04d}.jpg", quality=85)


def _phototerm(*args: str, env: dict[str, str], stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "phototerm", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    return done.stdout


def _link(root: Path, env: dict[str, str]) -> str:
    spaces = ("--personal", str(root), "--shared", "")
    paths = [str(p) for p in sorted(root.glob("*.jpg"))]
    _phototerm("album", "create", "Bench", *spaces, env=env)
    _phototerm("album", "add", "Bench", *paths, *spaces, env=env)
    url = _phototerm("share", "link", "Bench", *spaces, env=env).strip()
    return url.rsplit("/", 1)[1]


def _serve(root: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "phototerm",
            "serve",
            "--port",
            "0",
            "--personal",
            str(root),
            "--shared",
            "",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert server.stdout is not None
    line = server.stdout.readline()  # "Serving 1 link on http://127.0.0.1:PORT ..."
    try:
        port = int(line.split("http://127.0.0.1:", 1)[1].split()[0])
    except (IndexError, ValueError):
        server.terminate()
        raise RuntimeError(f"phototerm serve did not start: {line!r}") from None
    return server, port


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def _measure(port: int, token: str, count: int, seconds: float, pid: int) -> list[Figure]:
    import aiohttp

    base = f"http://127.0.0.1:{port}/s/{token}"
    connector = aiohttp.TCPConnector(limit=CLIENTS)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        async with session.get(base) as response:
            page = await response.text()
        keys = sorted(set(_keys(page)))
        if len(keys) != count:
            raise RuntimeError(f"the gallery shows {len(keys)} photos, not {count}")
        urls = [f"{base}/t/{key}" for key in keys]
        start = time.perf_counter()
        cold = await asyncio.gather(*(_fetch(session, url) for url in urls))
        cold_s = time.perf_counter() - start
        cold_errors = sum(1 for ok, _t in cold if not ok)
        baseline = await _load(session, [f"http://127.0.0.1:{port}/nothing"], seconds / 3, 404)
        loaded = await _load(session, urls, seconds, 200)
    peak_mb = _peak_kb(pid) / 1024
    times, errors, total = loaded
    base_times, _base_errors, _base_total = baseline
    p50, p95 = _percentile(times, 50), _percentile(times, 95)
    return [
        Figure(
            AREA,
            f"first pass, {count} thumbnails decoded (cold)",
            cold_s * 1000,
            "ms",
            target="0 errors",
            ok=cold_errors == 0,
        ),
        Figure(AREA, f"{CLIENTS} clients x {seconds:.0f} s: requests", total, "req"),
        Figure(AREA, "requests per second", total / seconds, "req/s"),
        Figure(AREA, "errors", errors, "req", target="== 0", ok=errors == 0),
        Figure(
            AREA,
            "thumbnail latency p50",
            p50,
            "ms",
            baseline=_percentile(base_times, 50),
            baseline_name="404 page, same clients",
        ),
        Figure(
            AREA,
            "thumbnail latency p95",
            p95,
            "ms",
            baseline=_percentile(base_times, 95),
            baseline_name="404 page, same clients",
        ),
        Figure(AREA, "server peak memory (VmHWM)", peak_mb, "MB"),
    ]


def _keys(page: str) -> list[str]:
    import re

    return re.findall(r"/t/([0-9a-f]{16})", page)


async def _fetch(session: object, url: str, status: int = 200) -> tuple[bool, float]:
    import aiohttp

    assert isinstance(session, aiohttp.ClientSession)
    start = time.perf_counter()
    try:
        async with session.get(url) as response:
            await response.read()
            ok = response.status == status
    except (TimeoutError, aiohttp.ClientError, OSError):
        ok = False
    return ok, (time.perf_counter() - start) * 1000


async def _load(
    session: object, urls: list[str], seconds: float, status: int
) -> tuple[list[float], int, int]:
    """CLIENTS tasks, each fetching a random one of ``urls`` after another until the time is
    up: (latencies in ms, errors, requests)."""
    deadline = time.perf_counter() + seconds
    times: list[float] = []
    errors = 0

    async def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            ok, took = await _fetch(session, rng.choice(urls), status)
            times.append(took)
            errors += not ok

    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return times, errors, len(times)


def _percentile(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]
