"""Share pages over videos: a video whose poster can be made is shown by it (with its length),
one that cannot is named in words, and the server's picture of a real MP4 is its poster."""

from __future__ import annotations

import os
from pathlib import Path

from formats_fixtures import write_mp4

from phototerm.library.metadata import reader
from phototerm.library.photo import VIDEO, Photo
from phototerm.library.thumbnails import ThumbnailService
from phototerm.serve import pages
from phototerm.serve.catalog import Shown
from phototerm.serve.images import Pictures


def video(rel: str, **fields: object) -> Photo:
    return Photo("personal", "/lib", rel, size=100, mtime=1.0, kind=VIDEO, **fields)  # type: ignore[arg-type]


def test_a_video_with_a_poster_shows_it_and_its_length(monkeypatch) -> None:
    monkeypatch.setattr(pages, "has_poster", lambda photo: not photo.error)
    clip = Shown("a" * 16, video("clip.mp4", duration=75.0, codec="h264"), 0)
    broken = Shown("b" * 16, video("[bold]zero.mp4", error="empty file"), 0)
    html = pages.gallery("TOKEN", "Trip", [clip, broken], download=False)
    assert f'src="TOKEN/t/{clip.key}" alt="clip.mp4"><b>▶ 1:15</b>' in html
    assert f"TOKEN/t/{broken.key}" not in html and "<span>▶ [bold]zero.mp4</span>" in html
    page = pages.photo("TOKEN", "Trip", clip, 0, 2, None, None, download=True)
    assert f'<img src="../v/{clip.key}" alt="clip.mp4">' in page
    assert "▶ Video, 1:15: download the original to play it" in page
    page = pages.photo("TOKEN", "Trip", broken, 1, 2, None, None, download=False)
    assert "../v/" not in page and "(a video: no preview)" in page
    # The style sheet the overlay needs is still the one the policy allows.
    assert pages.CSP.count("sha256-") == 1 and pages._STYLE_HASH in pages.CSP


def test_the_servers_picture_of_a_video_is_its_poster(tmp_path: Path) -> None:
    path = write_mp4(tmp_path / "clip.mp4", seconds=2.0, size=(64, 48))
    st = os.stat(path)
    photo = reader.read(str(tmp_path), "clip.mp4", st.st_size, st.st_mtime, sidecar=None)
    assert photo.kind == VIDEO and pages.has_poster(photo)
    service = ThumbnailService(str(tmp_path / "cache"), workers=1, freedesktop_dir="")
    try:
        data = Pictures(service).picture(Shown("c" * 16, photo, 0), "t")
    finally:
        service.close()
    assert data is not None and data[:3] == b"\xff\xd8\xff"  # a JPEG
