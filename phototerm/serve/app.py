"""The share server's routes, on aiohttp (asyncio: a slow client holds a coroutine, not a
thread, so it never keeps others waiting).

    GET  /s/<token>            the album's gallery, or the password form
    POST /s/<token>            the password form's answer
    GET  /s/<token>/p/<id>     a photo's page
    GET  /s/<token>/t/<id>     its thumbnail (JPEG)
    GET  /s/<token>/v/<id>     its larger view (JPEG)
    GET  /s/<token>/o/<id>     the original file, only for a link with download permission

HEAD works wherever GET does. Any other method gets 405, and so does POST anywhere but the
form. An unknown, revoked or expired token, a photo id that is not the album's, and any other
path all get the same 404 page; the store is read on every request, so a revoke or an expiry
applies at once. Blocking work (SQLite, decoding, scrypt) runs on worker threads.

Every response, errors included, carries ``X-Content-Type-Options: nosniff``, the pages'
``Content-Security-Policy``, ``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store``.
The server writes nothing but a link's ``last_opened`` (catalog.py), never a photo or sidecar.
"""

from __future__ import annotations

import asyncio
import os
import re
import urllib.parse
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO, TypeVar

from aiohttp import web

from phototerm.library.files.links import OUTSIDE, stays_inside
from phototerm.library.files.regular import open_regular
from phototerm.library.sharing.passwords import MAX_PASSWORD, check_password
from phototerm.library.text import safe
from phototerm.serve import pages
from phototerm.serve.auth import Cookies, WrongPasswords
from phototerm.serve.catalog import Catalog, Shared
from phototerm.serve.images import Pictures

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": pages.CSP,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Server": "phototerm",
}
TOKEN = r"[A-Za-z0-9_-]{1,128}"
KEY = r"[0-9a-f]{16}"
MAX_FORM = 4096  # bytes of a password form's body
CHUNK = 256 * 1024

CATALOG = web.AppKey("catalog", Catalog)
PICTURES = web.AppKey("pictures", Pictures)
COOKIES = web.AppKey("cookies", Cookies)
WRONG = web.AppKey("wrong", WrongPasswords)
WORKERS = web.AppKey("workers", ThreadPoolExecutor)
SECURE = web.AppKey("secure", bool)


def create_app(
    catalog: Catalog, pictures: Pictures, *, secure_cookies: bool = False, workers: int = 4
) -> web.Application:
    """The server's application. ``secure_cookies``: the public URL is https (the cookie is
    then only sent over it)."""
    app = web.Application(middlewares=[_headers], client_max_size=MAX_FORM)
    app[CATALOG] = catalog
    app[PICTURES] = pictures
    app[COOKIES] = Cookies()
    app[WRONG] = WrongPasswords()
    app[WORKERS] = ThreadPoolExecutor(workers, thread_name_prefix="serve")
    app[SECURE] = secure_cookies
    app.router.add_get(f"/s/{{token:{TOKEN}}}", gallery)
    app.router.add_get(f"/s/{{token:{TOKEN}}}/", gallery)
    app.router.add_post(f"/s/{{token:{TOKEN}}}", password)
    app.router.add_post(f"/s/{{token:{TOKEN}}}/", password)
    app.router.add_get(f"/s/{{token:{TOKEN}}}/p/{{key:{KEY}}}", photo_page)
    app.router.add_get(f"/s/{{token:{TOKEN}}}/{{size:[tv]}}/{{key:{KEY}}}", picture)
    app.router.add_get(f"/s/{{token:{TOKEN}}}/o/{{key:{KEY}}}", original)
    app.on_response_prepare.append(_secure_every_response)
    app.on_cleanup.append(_stop_workers)
    return app


async def _stop_workers(app: web.Application) -> None:
    app[WORKERS].shutdown(wait=False, cancel_futures=True)


async def _secure_every_response(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)


def _html(text: str, status: int = 200, **headers: str) -> web.Response:
    return web.Response(
        text=text, status=status, content_type="text/html", charset="utf-8", headers=headers
    )


def not_found() -> web.Response:
    return _html(
        pages.message("Not found", "This link does not exist or is no longer shared."), 404
    )


@web.middleware
async def _headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Only GET and HEAD, and POST to the password form; every error as a page of ours."""
    if request.method not in ("GET", "HEAD", "POST"):
        return _html(
            pages.message("Method not allowed", "Only GET and HEAD are served here."),
            405,
            Allow="GET, HEAD",
        )
    try:
        return await handler(request)
    except web.HTTPMethodNotAllowed:
        return _html(
            pages.message("Method not allowed", "Only GET and HEAD are served here."),
            405,
            Allow="GET, HEAD",
        )
    except web.HTTPNotFound:
        if request.method == "POST":
            return _html(
                pages.message("Method not allowed", "Only GET and HEAD are served here."),
                405,
                Allow="GET, HEAD",
            )
        return not_found()
    except web.HTTPRequestEntityTooLarge:
        return _html(pages.message("Too large", "That request is too large."), 413)
    except web.HTTPException as exc:
        if exc.status >= 400:
            return _html(pages.message(exc.reason, exc.reason), exc.status)
        raise


async def _blocking(request: web.Request, work: Callable[..., T], *args: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[WORKERS], work, *args)


async def _open_link(request: web.Request) -> Shared | None:
    return await _blocking(request, request.app[CATALOG].link, request.match_info["token"])


def _unlocked(request: web.Request, shared: Shared) -> bool:
    share = shared.share
    if share.password_hash is None:
        return True
    name = Cookies.name(share.token)
    return request.app[COOKIES].valid(share.token, share.password_hash, request.cookies.get(name))


# -- pages -------------------------------------------------------------------------------------


async def gallery(request: web.Request) -> web.StreamResponse:
    shared = await _open_link(request)
    if shared is None:
        return not_found()
    if not _unlocked(request, shared):
        return _html(pages.password_form(""), 401)
    await _blocking(request, request.app[CATALOG].opened, shared)
    share = shared.share
    return _html(
        pages.gallery(share.token, share.album or "", shared.photos, share.permission == "download")
    )


async def password(request: web.Request) -> web.StreamResponse:
    shared = await _open_link(request)
    if shared is None or shared.share.password_hash is None:
        # Nothing to unlock: POST is only for a password form (an unknown link stays a 404).
        return not_found() if shared is None else _redirect(request)
    share = shared.share
    client = request.remote or "?"
    wrong = request.app[WRONG]
    wait = wrong.retry_after(client, share.token)
    if wait:
        return _too_many(wait)
    try:
        form = await request.post()
    except ValueError:
        form = None
    given = form.get("password") if form is not None else None
    if not isinstance(given, str) or not given or len(given) > MAX_PASSWORD:
        wrong.wrong(client, share.token)
        return _html(pages.password_form("", "Type the password you were given."), 401)
    assert share.password_hash is not None
    if not await _blocking(request, check_password, given, share.password_hash):
        wrong.wrong(client, share.token)
        wait = wrong.retry_after(client, share.token)
        if wait:
            return _too_many(wait)
        return _html(pages.password_form("", "That password is not right."), 401)
    response = _redirect(request)
    response.set_cookie(
        Cookies.name(share.token),
        request.app[COOKIES].value(share.token, share.password_hash),
        path=_cookie_path(request),
        httponly=True,
        samesite="Strict",
        secure=request.app[SECURE],
    )
    return response


def _cookie_path(request: web.Request) -> str:
    # The link's own path (behind a proxy its prefix is unknown here, so the last segments).
    return f"/s/{request.match_info['token']}"


def _redirect(request: web.Request) -> web.Response:
    # Relative: a reverse proxy serving the pages under a prefix keeps it.
    token = urllib.parse.quote(request.match_info["token"])
    return web.Response(status=303, headers={"Location": token})


def _too_many(wait: int) -> web.Response:
    return _html(
        pages.message("Too many tries", f"Too many wrong passwords: try again in {wait} s."),
        429,
        **{"Retry-After": str(wait)},
    )


async def photo_page(request: web.Request) -> web.StreamResponse:
    shared = await _open_link(request)
    if shared is None:
        return not_found()
    if not _unlocked(request, shared):
        return not_found()
    found = shared.find(request.match_info["key"])
    if found is None:
        return not_found()
    position, shown = found
    photos = shared.photos
    before = photos[position - 1].key if position > 0 else None
    after = photos[position + 1].key if position + 1 < len(photos) else None
    share = shared.share
    return _html(
        pages.photo(
            share.token,
            share.album or "",
            shown,
            position,
            len(photos),
            before,
            after,
            share.permission == "download",
        )
    )


async def picture(request: web.Request) -> web.StreamResponse:
    shared = await _open_link(request)
    if shared is None or not _unlocked(request, shared):
        return not_found()
    found = shared.find(request.match_info["key"])
    if found is None:
        return not_found()
    pictures, size = request.app[PICTURES], request.match_info["size"]
    data = pictures.cached(found[1], size)
    if data is None:
        data = await _blocking(request, pictures.picture, found[1], size)
    if data is None:
        return not_found()
    return web.Response(body=data, content_type="image/jpeg")


async def original(request: web.Request) -> web.StreamResponse:
    shared = await _open_link(request)
    if shared is None or not _unlocked(request, shared):
        return not_found()
    if shared.share.permission != "download":
        return not_found()
    found = shared.find(request.match_info["key"])
    if found is None:
        return not_found()
    photo = found[1].photo
    try:
        handle = await _blocking(request, open_inside, photo.path, photo.root)
    except OSError:
        return not_found()
    try:
        size = os.fstat(handle.fileno()).st_size
        response = web.StreamResponse(
            headers={
                "Content-Type": "application/octet-stream",
                "Content-Disposition": _attachment(photo.name),
                "Content-Length": str(size),
            }
        )
        await response.prepare(request)
        if request.method != "HEAD":
            while chunk := await _blocking(request, handle.read, CHUNK):
                await response.write(chunk)
        await response.write_eof()
        return response
    finally:
        handle.close()


def open_inside(path: str, root: str) -> BinaryIO:
    """The photo's file, only while it is a regular file inside its space: a photo swapped
    for a link to elsewhere since the space was indexed is not served."""
    if not stays_inside(path, os.path.realpath(root)):
        raise PermissionError(OUTSIDE)
    return open_regular(path, 0)


_PLAIN = re.compile(r"[^A-Za-z0-9._ ()-]")


def _attachment(name: str) -> str:
    """A Content-Disposition that names the file safely: an ASCII fallback and the UTF-8
    name percent-encoded (RFC 6266), from the displayable form of the name."""
    shown = safe(name, 200)
    plain = _PLAIN.sub("_", shown) or "photo"
    encoded = urllib.parse.quote(shown.encode("utf-8"), safe="")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}"
