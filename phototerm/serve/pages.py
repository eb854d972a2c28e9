"""The share pages: server-rendered HTML, no JavaScript, no external assets, usable on a phone
(a viewport meta and a grid that fits as many columns as the screen has room for).

Every text that comes from a file name, an album name or a message goes through the library's
sanitiser (``safe``: no control characters or bidi overrides) and then ``html.escape``. The one
style sheet is inline and allowed by its hash in the Content-Security-Policy (``CSP``), so the
policy allows no inline script and nothing from anywhere else.

Links are relative (``<token>/p/<id>`` from the gallery, ``../v/<id>`` from a photo page), so
the pages work behind a reverse proxy that serves them under a path of its own.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Sequence
from string import Template

from phototerm.library import extras
from phototerm.library.photo import VIDEO, Photo, duration_text
from phototerm.library.text import safe
from phototerm.serve.catalog import Shown

STYLE = """
:root { color-scheme: dark; }
body { margin: 0; background: #161616; color: #e4e4e4;
  font: 16px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { padding: 12px 16px; display: flex; flex-wrap: wrap; gap: 8px 16px;
  align-items: baseline; }
h1 { font-size: 1.2rem; margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.count, .note { color: #9a9a9a; font-size: .9rem; }
a { color: #9cc4ff; }
.grid { display: grid; gap: 4px; padding: 0 4px 16px;
  grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); }
.grid a { display: block; aspect-ratio: 1; background: #262626; overflow: hidden;
  color: #bbb; text-decoration: none; position: relative; }
.grid b { position: absolute; left: 4px; bottom: 4px; padding: 1px 6px; border-radius: 4px;
  background: rgba(0, 0, 0, .6); color: #fff; font-size: .8rem; font-weight: 600; }
.grid img { width: 100%; height: 100%; object-fit: cover; display: block; }
.grid span { display: flex; height: 100%; align-items: center; justify-content: center;
  padding: 6px; text-align: center; font-size: .85rem; overflow-wrap: anywhere; }
.photo { text-align: center; padding: 0 8px 12px; }
.photo img { max-width: 100%; max-height: 80vh; height: auto; }
nav { display: flex; flex-wrap: wrap; justify-content: center; gap: 12px 24px;
  padding: 8px 16px 24px; }
nav a { white-space: nowrap; padding: 6px 0; }
form { padding: 24px 16px; max-width: 360px; margin: 0 auto; }
input, button { font: inherit; padding: 10px 12px; border-radius: 6px;
  border: 1px solid #555; background: #222; color: inherit; width: 100%;
  box-sizing: border-box; margin-top: 8px; }
button { background: #2f5d9a; border-color: #2f5d9a; cursor: pointer; }
.error { color: #ff9a8a; }
main + .note, header + .note { padding: 0 16px; }
"""

_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode()
CSP = (
    "default-src 'none'; img-src 'self'; "
    f"style-src 'sha256-{_STYLE_HASH}'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

_PAGE = Template(
    """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>$title</title>
<style>$style</style>
</head>
<body>
$body
</body>
</html>
"""
)


def text(value: str, limit: int | None = None) -> str:
    """A file or album name (or any untrusted text) made safe for HTML."""
    return html.escape(safe(value, limit) if limit else safe(value), quote=True)


def page(title: str, body: str) -> str:
    """``title`` is plain text (escaped here); ``body`` is HTML built from escaped parts."""
    return _PAGE.substitute(title=text(title, 120), style=STYLE, body=body)


def has_poster(photo: Photo) -> bool:
    """Whether a video's poster frame can be made here (its decoder is installed and the
    index found the file sound); otherwise its tile says what it is, in words."""
    return not photo.error and extras.installed(extras.VIDEO)


def _length(photo: Photo, before: str) -> str:
    """``before`` and the video's length (m:ss), or ``before`` alone when it is unknown."""
    return before + duration_text(photo.duration) if photo.duration > 0 else before.rstrip(", ")


def gallery(token: str, album: str, photos: Sequence[Shown], download: bool) -> str:
    tiles = []
    for shown in photos:
        name = text(shown.photo.name, 80)
        href = f"{html.escape(token)}/p/{shown.key}"
        if shown.photo.kind == VIDEO and not has_poster(shown.photo):
            inner = f"<span>▶ {name}</span>"
        else:
            inner = (
                f'<img loading="lazy" decoding="async" src="{html.escape(token)}/t/{shown.key}" '
                f'alt="{name}">'
            )
            if shown.photo.kind == VIDEO:
                inner += f"<b>{_length(shown.photo, '▶ ')}</b>"
        tiles.append(f'<a href="{href}" title="{name}">{inner}</a>')
    count = f"{len(photos)} photo" + ("" if len(photos) == 1 else "s")
    note = " · originals can be downloaded from each photo's page" if download else ""
    body = (
        f'<header><h1>{text(album, 200)}</h1><span class="count">{count}{note}</span></header>\n'
        f'<main class="grid">\n{chr(10).join(tiles)}\n</main>'
    )
    if not photos:
        body += '<p class="note">This album is empty.</p>'
    return page(album, body)


def photo(
    token: str,
    album: str,
    shown: Shown,
    position: int,
    total: int,
    before: str | None,
    after: str | None,
    download: bool,
) -> str:
    """A photo page, at ``<token>/p/<key>``: links are relative to that place."""
    name = text(shown.photo.name, 120)
    if shown.photo.kind == VIDEO and not has_poster(shown.photo):
        picture = f'<p class="note">▶ {name} (a video: no preview)</p>'
    elif shown.photo.kind == VIDEO:
        play = "download the original to play it" if download else "its poster frame"
        picture = (
            f'<img src="../v/{shown.key}" alt="{name}">'
            f'<p class="note">▶ {_length(shown.photo, "Video, ")}: {play}</p>'
        )
    else:
        picture = f'<img src="../v/{shown.key}" alt="{name}">'
    links = [f'<a href="../../{html.escape(token)}">All photos</a>']
    if before is not None:
        links.insert(0, f'<a href="{before}" rel="prev">← Previous</a>')
    if after is not None:
        links.append(f'<a href="{after}" rel="next">Next →</a>')
    if download:
        links.append(f'<a href="../o/{shown.key}" download>Download original</a>')
    body = (
        f"<header><h1>{text(album, 200)}</h1>"
        f'<span class="count">{position + 1} / {total} · {name}</span></header>\n'
        f'<div class="photo">{picture}</div>\n<nav>{" ".join(links)}</nav>'
    )
    return page(f"{safe(shown.photo.name, 80)} · {safe(album, 80)}", body)


def password_form(album_hint: str, error: str = "") -> str:
    message = f'<p class="error" role="alert">{text(error)}</p>' if error else ""
    body = (
        "<header><h1>This album is protected</h1></header>\n"
        '<form method="post">\n'
        f"{message}"
        '<label for="pw">Password</label>\n'
        '<input id="pw" name="password" type="password" autocomplete="current-password" '
        "required autofocus>\n"
        '<button type="submit">Open</button>\n</form>'
    )
    return page(album_hint or "Protected album", body)


def message(title: str, line: str) -> str:
    """A page that only says something: not found, too many tries, method not allowed."""
    body = f'<header><h1>{text(title)}</h1></header>\n<p class="note">{text(line)}</p>'
    return page(title, body)
