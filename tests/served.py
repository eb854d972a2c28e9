"""A real share server on 127.0.0.1 (a free port), over a small generated library, for the
HTTP tests: it runs on its own event loop in a thread, and the tests talk to it with plain
sockets and http.client, as any browser or script would."""

from __future__ import annotations

import asyncio
import http.client
import os
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from conftest import Shot, make_library

from phototerm.library import Library, load_settings, open_library
from phototerm.library.spaces import SpaceRoot, SpaceSetup
from phototerm.serve import Server, build_app, start

HOSTILE = '[bold]<img src=x onerror="1"> \u202e.jpg'  # markup, HTML and a bidi override


@dataclass
class Served:
    library: Library
    server: Server
    loop: asyncio.AbstractEventLoop
    root: Path
    thread: threading.Thread
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def port(self) -> int:
        return self.server.port

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str, **kwargs: object) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, **kwargs)  # type: ignore[arg-type]

    def post_password(self, token: str, password: str) -> tuple[int, dict[str, str], bytes]:
        body = urllib.parse.urlencode({"password": password}).encode()
        return self.request(
            "POST",
            f"/s/{token}",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def raw(self, data: bytes, timeout: float = 10.0) -> bytes:
        """Send ``data`` as it is and read the whole answer (the server closes after it)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
            return b"".join(chunks)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.close(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.library.close()


def shots() -> list[Shot]:
    base = datetime(2021, 6, 1, 10, 0)
    out = [
        Shot(f"2021/IMG_{n:04d}.jpg", base.replace(minute=n), color=(40 * n % 255, 120, 200))
        for n in range(6)
    ]
    out.append(Shot(f"2021/{HOSTILE}", base.replace(minute=30)))
    out.append(Shot("private/secret.jpg", base.replace(minute=40)))
    return out


TRIP = "Trip <script>alert(1)</script>"


def serve_library(
    tmp_path: Path, links: dict[str, dict[str, object]] | None = None, *, writable: bool = True
) -> Served:
    """Serve a library with the albums TRIP and "Locked" (every photo but one) and "Private"
    (that one),
    and the links ``links`` (name -> set_link arguments, "album" naming the album; default
    TRIP) made before the server starts; their tokens are in ``Served.tokens``."""
    root = make_library(tmp_path / "Photos", shots())
    setup = SpaceSetup((SpaceRoot("personal", str(root)),), ())
    library = open_library(load_settings(), setup, writable=True)
    editor = library.editor
    assert editor is not None
    photos = sorted(library.index.search(""), key=lambda i: library.index.get(i).rel)
    public = [i for i in photos if not library.index.get(i).rel.startswith("private/")]
    secret = [i for i in photos if library.index.get(i).rel.startswith("private/")]
    assert editor.albums.create("Trip <script>alert(1)</script>", public).ok
    assert editor.albums.create("Private", secret).ok
    assert editor.albums.create("Locked", public).ok
    tokens = {}
    for name, options in (links or {}).items():
        options = dict(options)
        album = str(options.pop("album", TRIP))
        result = editor.shares.set_link(album, **options)  # type: ignore[arg-type]
        assert result.ok and result.share is not None, result.message
        tokens[name] = result.share.token
    library.close()
    library = open_library(load_settings(), setup, writable=writable)
    app = build_app(library, "http://127.0.0.1:5080", str(tmp_path / "cache"))
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Server] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        holder["server"] = loop.run_until_complete(start(app, "127.0.0.1", 0))
        ready.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=run, name="share-server", daemon=True)
    thread.start()
    assert ready.wait(30), "the server did not start"
    return Served(library, holder["server"], loop, root, thread, tokens)


def files_under(root: Path) -> dict[str, tuple[int, int]]:
    """Every file with its size and mtime, to prove the server wrote nothing."""
    out = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            st = os.stat(os.path.join(folder, name))
            out[os.path.join(folder, name)] = (st.st_size, st.st_mtime_ns)
    return out


def iterate(served: Served) -> Iterator[Served]:
    try:
        yield served
    finally:
        served.close()
