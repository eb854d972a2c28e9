"""``phototerm serve``: the share links of a library, served read-only over HTTP.

It stands on the library's front door (``open_library``) and never imports Textual: catalog.py
reads the links and their albums from the stores on every request, images.py makes thumbnails
with the library's ThumbnailService, auth.py checks passwords and limits wrong guesses,
pages.py writes the HTML and app.py holds the routes. HTTPS is a reverse proxy's job (the
README has an nginx example); ``public_url`` in config.toml is the address people are given.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from phototerm.library import Library
from phototerm.library.thumbnails import ThumbnailService
from phototerm.serve.app import SECURITY_HEADERS, create_app
from phototerm.serve.catalog import Catalog
from phototerm.serve.images import Pictures

__all__ = ["Server", "build_app", "run"]

# Bytes of a request line and of one header line: a longer one is answered 400 at once.
MAX_LINE = 8190


def build_app(library: Library, public_url: str, cache_dir: str | None) -> web.Application:
    catalog = Catalog(library.index, library.stores, library.editor)
    thumbnails = ThumbnailService(cache_dir, workers=1)
    app = create_app(
        catalog, Pictures(thumbnails), secure_cookies=public_url.startswith("https://")
    )

    async def close_thumbnails(_app: web.Application) -> None:
        thumbnails.close()

    app.on_cleanup.append(close_thumbnails)
    return app


# aiohttp logs every malformed request at error level; nothing of it is for the person
# running the server (and a request line can carry a token), so it is not logged at all.
_QUIET = logging.getLogger("phototerm.serve.http")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


class _SafeErrors(RequestHandler):
    """aiohttp answers a request it cannot parse (a header line over MAX_LINE, a bad request
    line) before any route or middleware runs. Its answer gets the same security headers as
    every other response, and a fixed text instead of aiohttp's, which quotes the request."""

    __slots__ = ()

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Error"
        response = super().handle_error(request, status, exc, f"{status} {reason}\n")
        response.headers.update(SECURITY_HEADERS)
        return response


class _Server(web.Server):
    def __call__(self) -> RequestHandler:
        handler = super().__call__()
        handler.__class__ = _SafeErrors  # same layout (no slots added), our handle_error
        return handler


class _Runner(web.AppRunner):
    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _Server
        return server


@dataclass
class Server:
    runner: web.AppRunner
    host: str
    port: int

    async def close(self) -> None:
        await self.runner.cleanup()


async def start(app: web.Application, host: str, port: int) -> Server:
    """Listen on ``host``:``port`` (0: a free port, see ``Server.port``)."""
    runner = _Runner(
        app,
        access_log=None,  # a token in a log would be a copy of the link's secret
        logger=_QUIET,
        handle_signals=False,
        max_line_size=MAX_LINE,
        max_field_size=MAX_LINE,
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=512)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    addresses = runner.addresses  # (host, port, ...) of each listening socket
    bound = int(addresses[0][1]) if addresses else port
    return Server(runner, host, bound)


def run(app: web.Application, host: str, port: int, ready: Callable[[Server], None]) -> None:
    """Serve until SIGINT or SIGTERM; ``ready`` is called once the port is open."""

    async def main() -> None:
        server = await start(app, host, port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        ready(server)
        try:
            await stop.wait()
        finally:
            await server.close()

    asyncio.run(main())
