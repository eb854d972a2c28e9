"""What the kiosk tests share: a small library with an album, the kiosk app over it (opened
read-only, as ``phototerm kiosk`` opens it), a fake clock, and a fingerprint of every file
under a folder, to show that nothing was written."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import COLORS, Shot, make_library

ALBUM = "Family"


def shots(count: int = 6) -> list[Shot]:
    day = datetime(2021, 6, 1, 10, 0)
    return [
        Shot(
            rel=f"2021/IMG_{n:04d}.jpg",
            taken=day + timedelta(hours=n),
            color=COLORS[n % len(COLORS)],
            gps=(48.85, 2.35) if n == 0 else None,
        )
        for n in range(count)
    ]


def make_album(root: Path, name: str, rels: Iterable[str], space: str = "personal") -> None:
    """An album of the photos ``rels`` in ``root``'s store, made by a session that may write."""
    from phototerm.library import open_library
    from phototerm.library.settings import load_settings
    from phototerm.library.spaces import resolve

    settings = load_settings()
    personal, shared = (str(root), "") if space == "personal" else ("", str(root))
    setup = resolve(settings, personal, shared, env={})
    with open_library(settings, setup, writable=True) as library:
        assert library.editor is not None
        ids = [library.index.id_of(space, rel) for rel in rels]
        result = library.editor.albums.create(name, [i for i in ids if i is not None])
        assert result.ok, result.message


def open_for_edits(root: Path) -> Any:
    """The Personal Space ``root`` opened by another session that may edit it."""
    from phototerm.library import open_library
    from phototerm.library.settings import load_settings
    from phototerm.library.spaces import resolve

    settings = load_settings()
    return open_library(settings, resolve(settings, str(root), "", env={}), writable=True)


def delete_album(root: Path, name: str) -> None:
    from phototerm.library import open_library
    from phototerm.library.settings import load_settings
    from phototerm.library.spaces import resolve

    settings = load_settings()
    with open_library(settings, resolve(settings, str(root), "", env={}), writable=True) as lib:
        assert lib.editor is not None
        assert lib.editor.albums.delete(name).ok


def album_library(
    tmp_path: Path, count: int = 6, in_album: int = 4, space: str = "personal"
) -> Path:
    """``count`` photos, the first ``in_album`` of them in the album Family (of ``space``:
    an album belongs to the space it was made in)."""
    root = make_library(tmp_path / "Photos", shots(count))
    make_album(root, ALBUM, [str(s.rel) for s in shots(count)[:in_album]], space)
    return root


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def kiosk_app(root: Path, *, retry_every: float = 30.0, **plan: Any) -> Any:
    """The kiosk over the Personal Space ``root``, opened as the command line opens it."""
    from phototerm.library import open_library
    from phototerm.library.settings import load_settings
    from phototerm.library.spaces import resolve
    from phototerm.tui.kiosk.app import KioskApp
    from phototerm.tui.kiosk.plan import KioskPlan

    settings = load_settings()
    setup = resolve(settings, str(root), "", env={})
    library = open_library(settings, setup, writable=False, write_cache=False)
    clock = plan.pop("clock", None) or FakeClock()
    rng = plan.pop("rng", None)
    return KioskApp(
        library,
        KioskPlan(**plan),
        settings=settings,
        clock=clock,
        rng=rng,
        retry_every=retry_every,
    )


async def until(pilot: Any, check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await pilot.pause(0.02)


def files(*folders: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under ``folders``: (size, mtime in ns, mode); a write, a new
    file, a rename or a removal changes it."""
    out: dict[str, tuple[int, int, int]] = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in [*dirnames, *filenames]:
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                out[path] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return out
