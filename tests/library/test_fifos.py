"""A FIFO (or socket, or device) under the name of a photo, a sidecar or a thumbnail never
blocks phototerm: only regular files are opened (stat first, then O_NONBLOCK, then fstat).

Each test runs the work on a thread with a time limit. Opening a FIFO for reading waits for
a writer: if the code under test does that, the test opens the FIFOs for writing (which
releases the blocked reader with an empty read) and fails.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from phototerm.library.edits import Editor
from phototerm.library.files.regular import NotRegularFile, open_regular
from phototerm.library.index import Index
from phototerm.library.ingest.indexer import index_spaces
from phototerm.library.ingest.scanner import scan
from phototerm.library.metadata import reader as metadata
from phototerm.library.metadata.sidecar import SidecarError, write_sidecar
from phototerm.library.metadata.xmp import EMPTY, read_sidecar
from phototerm.library.photo import Photo
from phototerm.library.roles import Identity
from phototerm.library.settings import Settings
from phototerm.library.spaces import SpaceRoot
from phototerm.library.store import Store
from phototerm.library.thumbnails import ThumbnailService, freedesktop_name

LIMIT = 10.0  # seconds; the work itself takes milliseconds


def within(fifos: list[Path], work: Callable[[], Any]) -> Any:
    """``work()``'s result, or a failure if it does not return within LIMIT seconds."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(LIMIT)
    if thread.is_alive():
        for fifo in fifos:  # let the blocked open return, so the thread can end
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        thread.join(LIMIT)
        pytest.fail(f"blocked on a FIFO for over {LIMIT:g} s")
    if "error" in out:
        raise out["error"]
    return out.get("value")


def jpeg(path: Path, colour=(200, 80, 40), size=(64, 48)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG")
    return path


def fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def photo_of(path: Path, root: Path) -> Photo:
    st = os.stat(path)
    rel = os.path.relpath(path, root)
    return Photo("personal", str(root), rel, size=st.st_size, mtime=st.st_mtime)


def test_open_regular_refuses_a_fifo_at_once(tmp_path: Path) -> None:
    pipe = fifo(tmp_path / "p.xmp")
    with pytest.raises(NotRegularFile, match="FIFO"):
        within([pipe], lambda: open_regular(pipe))
    with pytest.raises(NotRegularFile, match="folder"):
        open_regular(tmp_path)
    with pytest.raises(NotRegularFile, match="device"):
        open_regular("/dev/null")
    with open_regular(jpeg(tmp_path / "a.jpg")) as fh:  # a regular file reads as usual
        assert fh.read(2) == b"\xff\xd8"


def test_indexing_does_not_block_on_fifo_sidecars(tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    jpeg(root / "a.jpg")
    jpeg(root / "b.jpg")
    jpeg(root / "c.jpg")
    pipes = [fifo(root / "a.jpg.xmp"), fifo(root / "pipe.xmp")]
    os.symlink("pipe.xmp", root / "b.jpg.xmp")  # a link to a FIFO, inside the root
    entries = within(pipes, lambda: list(scan(str(root))))
    assert sorted(e.rel for e in entries) == ["a.jpg", "b.jpg", "c.jpg"]
    assert all(e.sidecar is None for e in entries)  # no FIFO is ever attached as a sidecar
    space = SpaceRoot("personal", str(root))
    result = within(pipes, lambda: index_spaces([space], None, workers=1))
    assert len(result.photos) == 3 and not any(p.error for p in result.photos)


def test_metadata_reader_does_not_block_on_a_fifo(tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    photo = jpeg(root / "a.jpg")
    pipe = fifo(root / "a.jpg.xmp")
    named_like_a_photo = fifo(root / "b.jpg")
    st = os.stat(photo)
    # the sidecar handed in by the walk, and the one the reader looks for itself
    read = within(
        [pipe], lambda: metadata.read(str(root), "a.jpg", st.st_size, st.st_mtime, str(pipe))
    )
    assert read.error == "" and read.rating == 0
    assert within([pipe], lambda: metadata.find_sidecar(str(photo), str(root))) is None
    assert within([pipe], lambda: read_sidecar(pipe)) == EMPTY
    row = within([named_like_a_photo], lambda: metadata.read(str(root), "b.jpg", 0, 1.7e9, None))
    assert row.error == "cannot open: not a regular file (a FIFO)"


def test_thumbnails_do_not_block_on_fifos(tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    photo = photo_of(jpeg(root / "a.jpg", size=(400, 300)), root)
    eadir = fifo(root / "@eaDir" / "a.jpg" / "SYNOPHOTO_THUMB_SM.jpg")
    desktop = tmp_path / "thumbnails"
    fd_thumb = fifo(desktop / "normal" / freedesktop_name(photo.path))
    fifo_photo = photo_of(fifo(root / "b.jpg"), root)
    pipes = [eadir, fd_thumb, root / "b.jpg"]
    service = ThumbnailService(None, workers=1, freedesktop_dir=str(desktop))
    try:
        result = within(pipes, lambda: service.load(photo, (24, 18)))
        assert result.image is not None and result.source == "decode"
        result = within(pipes, lambda: service.load(fifo_photo, (24, 18)))
        assert result.image is None and "not a regular file" in result.error
        # the background workers too (the grid's path): the callback comes
        done = threading.Event()
        service.request(fifo_photo, (30, 20), 0, lambda *a: done.set())
        assert done.wait(LIMIT)
    finally:
        for pipe in pipes:
            try:
                os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        service.close()


def test_sidecar_writer_refuses_a_fifo_at_once(tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    photo = jpeg(root / "a.jpg")
    pipe = fifo(root / "a.jpg.xmp")
    with pytest.raises(SidecarError, match="FIFO"):
        within([pipe], lambda: write_sidecar(str(photo), rating=4))
    assert os.path.exists(pipe) and not os.path.isfile(pipe)  # left as it was


def test_a_rating_with_sidecars_on_does_not_block_on_a_fifo(tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    photo = jpeg(root / "a.jpg")
    pipe = fifo(root / "a.jpg.xmp")
    index = Index()
    index.add_many([photo_of(photo, root)])
    store = Store.open("personal", str(root))
    editor = Editor(
        index, {"personal": store}, Identity("root", frozenset(), 0), Settings(sidecars="write")
    )
    result = within([pipe], lambda: editor.set_rating(index.ids(), 4))
    assert result.ok and result.count == 1  # stored: the store is the truth
    assert result.warnings and "FIFO" in result.warnings[0]
    assert store.get_states(["a.jpg"])["a.jpg"].rating == 4
    store.close()


def test_index_json_and_rate_commands_do_not_block(
    tmp_path: Path, capsys, monkeypatch, request
) -> None:
    from phototerm.cli import main
    from phototerm.cli import settings as cli_settings

    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "phototerm" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('sidecars = "write"\n')
    cli_settings.cache_clear()  # the CLI reads config.toml once per process
    request.addfinalizer(cli_settings.cache_clear)
    root = tmp_path / "Photos"
    a, b = jpeg(root / "a.jpg"), jpeg(root / "b.jpg")
    pipes = [fifo(root / "pipe.xmp"), fifo(root / "b.jpg.xmp")]
    os.symlink("pipe.xmp", root / "a.jpg.xmp")
    common = ["--personal", str(root), "--shared", ""]
    assert within(pipes, lambda: main(["index", "--json", *common])) == 0
    assert '"photos": 2' in capsys.readouterr().out
    assert within(pipes, lambda: main(["rate", "3", str(a), str(b), *common])) == 0
    out = capsys.readouterr()
    assert "Rated 2 photos 3 stars" in out.out
    assert "Sidecar not written for 2 photos" in out.err  # a warning; the ratings are stored
