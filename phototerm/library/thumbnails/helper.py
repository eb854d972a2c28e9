"""The decoder processes: HEIF, RAW and video pictures are decoded out of the caller's
process, each within a time bound.

libheif, LibRaw and FFmpeg are C libraries fed files from anywhere: a hostile or broken
file may crash them or keep them busy for ever, and a thread cannot be stopped. So these
decodes run in a few helper processes (started when first needed, from a fork server or
fresh: the browser has threads, and forking a threaded process can deadlock the child):

- each request waits at most ``TIMEOUT`` seconds; a helper that takes longer is killed and
  replaced, and the file gets an error ("took over 10 s");
- a helper that dies (a crash in a C library) costs that file an error ("the decoder
  crashed on this file"), and a new helper serves the next request;
- what comes back is a small picture (twice the tile's box at most), as raw pixels.

A helper opens the file itself, as a regular file only (a FIFO would block it), so nothing
but the path and the box cross the pipe going in.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import warnings
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from PIL import Image

from phototerm.library.pictures.decoding import Box

TIMEOUT = 10.0  # seconds one picture may take in a helper
HELPERS = 2  # the grid's two decoding threads each have one

HEIF, RAW, VIDEO = "heif", "raw", "video"


@dataclass(frozen=True, slots=True)
class Decoded:
    """A helper's answer: a picture, or why there is none (``missing``: nothing to show,
    which is not an error: a RAW without a preview is; see ``error``)."""

    image: Image.Image | None
    error: str = ""


class DecoderPool:
    """A few helper processes, each serving one request at a time. Thread-safe."""

    def __init__(self, helpers: int = HELPERS, timeout: float = TIMEOUT) -> None:
        self.timeout = timeout
        self._idle: queue.LifoQueue[_Helper | None] = queue.LifoQueue()
        for _ in range(max(1, helpers)):
            self._idle.put(None)  # a slot: its helper starts when first used
        self._lock = threading.Lock()
        self._all: list[_Helper] = []
        self._closed = False

    def decode(self, kind: str, path: str, box: Box) -> Decoded:
        helper = self._idle.get()
        try:
            if self._closed:
                return Decoded(None, "closing")
            if helper is None or not helper.alive():
                helper = self._start()
            return helper.ask((kind, path, box), self.timeout)
        except _Gone as exc:
            helper = None
            return Decoded(None, str(exc))
        finally:
            self._idle.put(helper)

    def _start(self) -> _Helper:
        helper = _Helper()
        with self._lock:
            self._all = [h for h in self._all if h.alive()] + [helper]
        return helper

    def close(self) -> None:
        self._closed = True
        with self._lock:
            helpers, self._all = self._all, []
        for helper in helpers:
            helper.stop()


class _Gone(Exception):
    """The helper was killed or died; the message is the file's error."""


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class _Helper:
    def __init__(self) -> None:
        parent, child = _context().Pipe(duplex=True)
        self.conn: Connection = parent
        self.process = _context().Process(target=serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def ask(self, request: tuple[str, str, Box], timeout: float) -> Decoded:
        try:
            self.conn.send(request)
            if not self.conn.poll(timeout):
                self.stop()
                raise _Gone(f"decoding took over {timeout:g} s; stopped")
            status, payload = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.stop()
            raise _Gone("the decoder crashed on this file") from None
        if status == "ok":
            mode, size, data = payload
            return Decoded(Image.frombytes(mode, size, data))
        return Decoded(None, str(payload))

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


# --- the helper's side --------------------------------------------------------------------------


def serve(conn: Connection) -> None:
    """A helper's loop: a request in, a picture or an error out, until the pipe closes."""
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what stops
    try:  # nothing a C library prints belongs on the browser's terminal
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass
    while True:
        try:
            kind, path, box = conn.recv()
        except (EOFError, OSError):
            return
        try:
            image = decode_here(kind, path, box)
            answer: tuple[str, Any] = ("ok", (image.mode, image.size, image.tobytes()))
        except Exception as exc:  # noqa: BLE001 - every failure becomes the file's error
            answer = ("error", reason(exc))
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


def decode_here(kind: str, path: str, box: Box) -> Image.Image:
    """Decode in this process (the helper's work; also what tests and the bench call)."""
    from phototerm.library.files.regular import open_regular
    from phototerm.library.pictures.decoding import rgb

    with open_regular(path) as fh:
        if kind == HEIF:
            from phototerm.library.thumbnails import heif

            image = heif.picture(fh, box)
        elif kind == RAW:
            from phototerm.library.thumbnails import raw

            image = raw.picture(fh, path, box)
        elif kind == VIDEO:
            from phototerm.library.thumbnails import video

            image = video.poster(fh, box)
        else:
            raise ValueError(f"no decoder for {kind!r}")
    return rgb(image)


def reason(exc: BaseException) -> str:
    from phototerm.library.text import clean_metadata

    text = clean_metadata(str(exc))[:300]
    if isinstance(exc, OSError) and exc.strerror:
        text = clean_metadata(exc.strerror)
    if isinstance(exc, EOFError) or "truncated" in text.lower():
        return "file is truncated"
    return text or type(exc).__name__
