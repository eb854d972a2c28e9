"""The share server against real HTTP clients on 127.0.0.1: one test per line of the security
list (tokens, passwords and their limit, expiry, revoke, download permission, traversal,
unknown ids, methods, huge headers, slow clients), and what the pages hold."""

from __future__ import annotations

import re
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from served import HOSTILE, TRIP, Served, files_under, iterate, serve_library

from phototerm.library.sharing.links import new_token
from phototerm.serve.auth import MAX_WRONG

SECURITY = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
PASSWORD = "correct horse"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from iterate(
        serve_library(
            tmp_path,
            {
                "open": {},
                "download": {"album": "Private", "download": True},
                "locked": {"album": "Locked", "password": PASSWORD},
            },
        )
    )


def _secure(headers: dict[str, str]) -> None:
    for name, value in SECURITY.items():
        assert headers.get(name) == value, (name, headers)
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe" not in csp
    assert "frame-ancestors 'none'" in csp


def _keys(page: bytes, kind: str = "p") -> list[str]:
    return re.findall(rf"/{kind}/([0-9a-f]{{16}})", page.decode())


# -- tokens -------------------------------------------------------------------------------------


def test_tokens_are_128_bit_url_safe_and_the_url_carries_only_the_token(served: Served) -> None:
    tokens = [new_token() for _ in range(200)] + list(served.tokens.values())
    assert len(set(tokens)) == len(tokens)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22,}", t) for t in tokens)
    status, headers, page = served.get(f"/s/{served.tokens['open']}")
    assert status == 200
    _secure(headers)
    text = page.decode()
    assert str(served.root) not in text and "2021/" not in text  # ids, never paths
    assert len(_keys(page)) == 7


def test_the_gallery_is_lazy_images_no_script_and_escaped_names(served: Served) -> None:
    status, headers, page = served.get(f"/s/{served.tokens['open']}")
    text = page.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert text.count('<img loading="lazy"') == 7
    assert "<script" not in text.replace("&lt;script", "")  # the album's name is escaped
    assert "Trip &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=&quot;1&quot;&gt;" in text
    assert "\u202e" not in text  # the bidi override went through the sanitiser
    assert "http://" not in text.replace("http://127.0.0.1", "") and "https://" not in text
    assert 'src="/' not in text and "//" not in re.sub(r"<!doctype[^>]*>", "", text)
    assert HOSTILE not in text


def test_thumbnails_and_photo_pages_are_served(served: Served) -> None:
    token = served.tokens["open"]
    _status, _headers, page = served.get(f"/s/{token}")
    key = _keys(page)[0]
    status, headers, data = served.get(f"/s/{token}/t/{key}")
    assert status == 200 and headers["content-type"] == "image/jpeg"
    assert data[:3] == b"\xff\xd8\xff"
    _secure(headers)
    status, _headers, photo = served.get(f"/s/{token}/p/{key}")
    assert status == 200 and f'src="../v/{key}"'.encode() in photo
    assert b"Download original" not in photo  # a view-only link
    status, headers, _body = served.request("HEAD", f"/s/{token}/t/{key}")
    assert status == 200 and headers["content-type"] == "image/jpeg"


# -- unknown, expired and revoked links --------------------------------------------------------


def test_unknown_expired_and_revoked_tokens_get_the_same_404_at_once(served: Served) -> None:
    editor = served.library.editor
    assert editor is not None
    revoked = editor.shares.set_link("Private").share
    assert revoked is not None
    # A second link on another album, expired by its date.
    expired = editor.shares.set_link(TRIP, expires=time.time() - 1).share
    assert expired is not None and expired.token == served.tokens["open"]
    assert served.get(f"/s/{revoked.token}")[0] == 200
    assert editor.shares.revoke(revoked.id).ok  # applies to the very next request
    unknown = new_token()
    answers = {}
    timings: dict[str, list[float]] = {}
    for name, token in (
        ("unknown", unknown),
        ("expired", expired.token),
        ("revoked", revoked.token),
    ):
        answers[name] = served.get(f"/s/{token}")
        _secure(answers[name][1])
        timings[name] = []
        for _ in range(15):
            start = time.perf_counter()
            assert served.get(f"/s/{token}")[0] == 404
            timings[name].append(time.perf_counter() - start)
    bodies = {a[2] for a in answers.values()}
    assert {a[0] for a in answers.values()} == {404} and len(bodies) == 1
    medians = {name: statistics.median(t) for name, t in timings.items()}
    # One timing class: none is a noticeably different amount of work (each is one store
    # read); a loaded machine shifts them all, so compare them with each other.
    assert max(medians.values()) - min(medians.values()) < 0.02, medians
    # ... and a photo of an expired link is as gone as its page.
    assert served.get(f"/s/{expired.token}/t/{'0' * 16}")[2] == answers["unknown"][2]


def test_a_share_with_people_is_not_a_link(served: Served) -> None:
    store = served.library.stores["personal"]
    store.shares.add("album", token := new_token(), album="Private")
    # A record with recipients is a share with people: its token opens nothing.
    from phototerm.library.store import Recipient

    store.shares.update(store.shares.get(token).id, recipients=[Recipient("root", "viewer")])  # type: ignore[union-attr]
    assert served.get(f"/s/{token}")[0] == 404


# -- passwords -------------------------------------------------------------------------------


def test_a_password_link_asks_then_opens_with_a_cookie(served: Served) -> None:
    token = served.tokens["locked"]
    status, headers, form = served.get(f"/s/{token}")
    assert status == 401
    _secure(headers)
    assert form.count(b"<input") == 1 and b'type="password"' in form
    assert b'method="post"' in form and b"<img" not in form
    _status, _headers, open_page = served.get(f"/s/{served.tokens['open']}")
    key = _keys(open_page)[0]  # the same album's photo, reached through the locked link
    assert served.get(f"/s/{token}/t/{key}")[0] == 404  # nothing without the password
    status, _headers, again = served.post_password(token, "wrong")
    assert status == 401 and b"not right" in again
    status, headers, _body = served.post_password(token, PASSWORD)
    assert status == 303 and headers["location"] == token
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and f"Path=/s/{token}" in cookie
    jar = {"Cookie": cookie.split(";", 1)[0]}
    status, _headers, page = served.get(f"/s/{token}", headers=jar)
    assert status == 200 and len(_keys(page)) == 7
    assert served.get(f"/s/{token}/t/{_keys(page)[0]}", headers=jar)[0] == 200
    # The cookie of one link opens no other; a forged one opens nothing.
    other = {"Cookie": f"{cookie.split('=', 1)[0]}=forged"}
    assert served.get(f"/s/{token}", headers=other)[0] == 401
    # The stored hash is scrypt with a salt of its own; the password is nowhere in the store.
    share = served.library.stores["personal"].shares.get(token)
    assert share is not None and share.password_hash.startswith("scrypt$")  # type: ignore[union-attr]
    assert PASSWORD.encode() not in (served.root / ".phototerm" / "library.db").read_bytes()


def test_five_wrong_passwords_a_minute_get_429_with_retry_after(served: Served) -> None:
    token = served.tokens["locked"]
    for _ in range(MAX_WRONG - 1):
        assert served.post_password(token, "nope")[0] == 401
    status, headers, _body = served.post_password(token, "nope")  # the fifth
    assert status == 429 and 0 < int(headers["retry-after"]) <= 60
    _secure(headers)
    status, headers, _body = served.post_password(token, PASSWORD)  # even the right one waits
    assert status == 429 and int(headers["retry-after"]) > 0
    # Another link's form is not blocked by this one's guesses.
    assert served.get(f"/s/{served.tokens['open']}")[0] == 200


# -- permissions and reach -------------------------------------------------------------------


def test_originals_only_with_download_permission(served: Served) -> None:
    token = served.tokens["open"]
    key = _keys(served.get(f"/s/{token}")[2])[0]
    assert served.get(f"/s/{token}/o/{key}")[0] == 404
    dl = served.tokens["download"]
    page = served.get(f"/s/{dl}")[2]
    key = _keys(page)[0]
    assert b"Download original" in served.get(f"/s/{dl}/p/{key}")[2]
    status, headers, data = served.get(f"/s/{dl}/o/{key}")
    assert status == 200 and "attachment" in headers["content-disposition"]
    assert data == (served.root / "private" / "secret.jpg").read_bytes()
    _secure(headers)


def test_only_the_shared_albums_photos_are_reachable(served: Served) -> None:
    token, dl = served.tokens["open"], served.tokens["download"]
    private_key = _keys(served.get(f"/s/{dl}")[2])[0]
    for kind in ("p", "t", "v", "o"):
        assert served.get(f"/s/{token}/{kind}/{private_key}")[0] == 404
    for bad in ("0" * 16, "f" * 16, "g" * 16, "1", "0" * 17):
        assert served.get(f"/s/{token}/t/{bad}")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/s/{token}/../../etc/passwd",
        "/s/{token}/%2e%2e/%2e%2e/etc/passwd",
        "/s/{token}/..%2f..%2f..%2fetc%2fpasswd",
        "/s/{token}/o/..%2f..%2f..%2fetc%2fpasswd",
        "/s/{token}/t/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/s/{token}/%252e%252e/etc/passwd",
        "/s/..%2f..%2fetc%2fpasswd",
        "/../../../etc/passwd",
        "/s/{token}/o/....//....//etc/passwd",
        "/s/{token}/p/{key}/../../../../../etc/passwd",
    ],
)
def test_traversal_attempts_reach_nothing(served: Served, path: str) -> None:
    token = served.tokens["download"]
    key = _keys(served.get(f"/s/{token}")[2])[0]
    target = path.format(token=token, key=key)
    # Sent as it is (http.client and browsers would normalise the dots first).
    answer = served.raw(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    status = int(answer.split(b" ", 2)[1])
    assert status in (400, 404), answer[:200]
    assert b"root:" not in answer and b"/bin/" not in answer
    assert b"x-content-type-options: nosniff" in answer.lower()


def test_other_methods_get_405(served: Served) -> None:
    token = served.tokens["open"]
    key = _keys(served.get(f"/s/{token}")[2])[0]
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"):
        for path in (f"/s/{token}", f"/s/{token}/t/{key}", "/", "/nothing"):
            status, headers, _body = served.request(method, path)
            assert status == 405, (method, path, status)
            assert headers["allow"] == "GET, HEAD"
            _secure(headers)
    for path in (f"/s/{token}/t/{key}", f"/s/{token}/p/{key}", f"/s/{token}/o/{key}", "/"):
        assert served.request("POST", path, body=b"password=x")[0] == 405


def test_oversized_headers_get_a_4xx_with_the_headers(served: Served) -> None:
    token = served.tokens["open"]
    for extra in (
        f"X-Big: {'a' * 20000}\r\n",
        "".join(f"X-{n}: {'b' * 100}\r\n" for n in range(400)),
        f"Cookie: {'c' * 70000}\r\n",
    ):
        answer = served.raw(f"GET /s/{token} HTTP/1.1\r\nHost: x\r\n{extra}\r\n".encode())
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500, answer[:200]
        assert b"x-content-type-options: nosniff" in answer.lower()
        assert b"aaaa" not in answer and b"bbbb" not in answer  # the request is not echoed
    assert served.get(f"/s/{token}")[0] == 200  # and the server goes on


def test_a_huge_request_line_and_a_huge_form_are_refused(served: Served) -> None:
    answer = served.raw(f"GET /s/{'a' * 20000} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert 400 <= int(answer.split(b" ", 2)[1]) < 500
    token = served.tokens["locked"]
    status, headers, _body = served.request(
        "POST",
        f"/s/{token}",
        body=b"password=" + b"x" * 100_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413
    _secure(headers)


# -- slow clients -----------------------------------------------------------------------------


def test_a_slow_client_does_not_keep_others_waiting(served: Served) -> None:
    """A client sends its headers one byte a second; another client's request, made
    meanwhile, is answered promptly (measured: printed)."""
    token = served.tokens["open"]
    request = f"GET /s/{token} HTTP/1.1\r\nHost: x\r\nX-Slow: {'s' * 20}\r\n\r\n".encode()
    stop = threading.Event()
    slow_started = threading.Event()

    def slow() -> None:
        with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
            for n, byte in enumerate(request):
                if stop.is_set():
                    return
                sock.sendall(bytes([byte]))
                if n == 1:  # two bytes in, a second apart: mid-request line
                    slow_started.set()
                stop.wait(1.0)

    slowpokes = [threading.Thread(target=slow, daemon=True) for _ in range(3)]
    for thread in slowpokes:
        thread.start()
    assert slow_started.wait(10)
    took = []
    for _ in range(5):
        start = time.perf_counter()
        status, _headers, _page = served.get(f"/s/{token}")
        took.append(time.perf_counter() - start)
        assert status == 200
    stop.set()
    for thread in slowpokes:
        thread.join(5)
    print(f"\nanswers while 3 clients send 1 byte/s: {[round(t * 1000, 1) for t in took]} ms")
    assert max(took) < 1.0, took


# -- what the server writes --------------------------------------------------------------------


def test_it_writes_only_last_opened(served: Served) -> None:
    token = served.tokens["open"]
    photos = {p: v for p, v in files_under(served.root).items() if ".phototerm" not in p}
    store = served.library.stores["personal"]
    assert store.shares.get(token).last_opened is None  # type: ignore[union-attr]
    before = time.time()
    page = served.get(f"/s/{token}")[2]
    for key in _keys(page):
        served.get(f"/s/{token}/t/{key}")
        served.get(f"/s/{token}/v/{key}")
    opened = store.shares.get(token).last_opened  # type: ignore[union-attr]
    assert opened is not None and opened >= before - 1
    after = {p: v for p, v in files_under(served.root).items() if ".phototerm" not in p}
    assert after == photos  # no photo, sidecar or anything else beside them touched


def test_a_read_only_store_is_served_and_never_written(tmp_path: Path) -> None:
    served = serve_library(tmp_path, {"open": {}}, writable=False)
    try:
        db = served.root / ".phototerm" / "library.db"
        before = db.read_bytes(), db.stat().st_mtime_ns
        assert not served.library.stores["personal"].writable
        page = served.get(f"/s/{served.tokens['open']}")[2]
        assert len(_keys(page)) == 7
        assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    finally:
        served.close()


def test_an_album_changed_by_another_session_shows_at_the_next_request(served: Served) -> None:
    """The server keeps a link's album built while nothing changed; another session's change
    to the album is seen at once all the same."""
    from phototerm.library.store import Store

    token = served.tokens["open"]
    assert len(_keys(served.get(f"/s/{token}")[2])) == 7
    with Store.open("personal", str(served.root)) as other:  # another session's connection
        record = other.albums.get(TRIP)
        assert record is not None
        other.albums.remove_members(TRIP, record.members[:2])
    page = served.get(f"/s/{token}")[2]
    assert len(_keys(page)) == 5
    with Store.open("personal", str(served.root)) as other:
        other.albums.rename(TRIP, "Renamed")  # the link follows its album by id
    assert b"Renamed" in served.get(f"/s/{token}")[2]


def test_a_photo_swapped_for_a_link_out_of_the_space_is_not_served(
    served: Served, tmp_path: Path
) -> None:
    dl = served.tokens["download"]
    key = _keys(served.get(f"/s/{dl}")[2])[0]
    outside = tmp_path / "outside.jpg"
    outside.write_bytes((served.root / "private" / "secret.jpg").read_bytes())
    photo = served.root / "private" / "secret.jpg"
    photo.unlink()
    photo.symlink_to(outside)  # after indexing, before anyone asked for it
    for kind in ("o", "t", "v"):
        assert served.get(f"/s/{dl}/{kind}/{key}")[0] == 404, kind
