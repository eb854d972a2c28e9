"""ThumbnailService: sources in order, orientation, caches, bad files, read-only."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
import time

import pytest
from PIL import Image, PngImagePlugin

from phototerm.library import extras
from phototerm.library.metadata import reader as metadata
from phototerm.library.photo import VIDEO, Photo
from phototerm.library.pictures import budget as decode_budget
from phototerm.library.thumbnails import ThumbnailService, freedesktop_name, freedesktop_uri
from phototerm.samples import exifwrite

RED, GREEN, BLUE, YELLOW = (220, 20, 20), (20, 200, 20), (20, 20, 220), (230, 230, 20)
BOX = (24, 18)


@pytest.fixture(autouse=True)
def _xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def service(tmp_path):
    svc = ThumbnailService(str(tmp_path / "cache"), workers=2, freedesktop_dir=str(tmp_path / "fd"))
    yield svc
    svc.close()


def jpeg_bytes(image: Image.Image) -> bytes:
    return exifwrite.encode_jpeg(image, 90)


def make_photo(folder, name, colour=RED, size=(400, 300), *, thumb_colour=None,
               orientation=1, image=None) -> Photo:  # fmt: skip
    """A JPEG with EXIF; ``thumb_colour`` adds an embedded IFD1 thumbnail of that colour."""
    os.makedirs(folder, exist_ok=True)
    image = image or Image.new("RGB", size, colour)
    fields = {"orientation": orientation, "model": "Test"}
    if thumb_colour is not None:
        fields["thumbnail"] = exifwrite.thumbnail_jpeg(Image.new("RGB", image.size, thumb_colour))
    path = os.path.join(folder, name)
    with open(path, "wb") as fh:
        fh.write(exifwrite.splice_jpeg(jpeg_bytes(image), exifwrite.exif_bytes(fields)))
    return photo_for(path, orientation)


def photo_for(path: str, orientation: int = 1, kind: str = "photo") -> Photo:
    st = os.stat(path)
    root, rel = os.path.split(path)
    return Photo("personal", root, rel, kind=kind, size=st.st_size, mtime=st.st_mtime,
                 orientation=orientation)  # fmt: skip


def centre(image: Image.Image) -> tuple[int, int, int]:
    return image.getpixel((image.width // 2, image.height // 2))


def near(a, b, tol=40) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def set_mtime(path, when):
    os.utime(path, (when, when))


def synology_thumb(photo: Photo, colour, size=(320, 240), name="SYNOPHOTO_THUMB_SM.jpg") -> str:
    folder = os.path.join(photo.root, "@eaDir", photo.name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    Image.new("RGB", size, colour).save(path, "JPEG")
    return path


# ---------------------------------------------------------------------- sources in order


def test_synology_thumb_newer_than_photo_wins(tmp_path, service):
    photo = make_photo(tmp_path / "lib", "a.jpg", RED, thumb_colour=GREEN)
    thumb = synology_thumb(photo, BLUE)
    set_mtime(thumb, photo.mtime + 10)
    result = service.load(photo, BOX)
    assert result.source == "synology"
    assert near(centre(result.image), BLUE)


def test_synology_thumb_older_than_photo_is_ignored(tmp_path, service):
    photo = make_photo(tmp_path / "lib", "a.jpg", RED, thumb_colour=GREEN)
    thumb = synology_thumb(photo, BLUE)
    set_mtime(thumb, photo.mtime - 100)
    result = service.load(photo, BOX)
    assert result.source == "exif"
    assert near(centre(result.image), GREEN)


def test_freedesktop_uri_is_glib_escaped():
    uri = freedesktop_uri("/home/u/My Photos/ü#1 (2).jpg")
    assert uri == "file:///home/u/My%20Photos/%C3%BC%231%20(2).jpg"
    expected = hashlib.md5(uri.encode()).hexdigest() + ".png"
    assert freedesktop_name("/home/u/My Photos/ü#1 (2).jpg") == expected


def _freedesktop_thumb(fd_dir, photo: Photo, colour, mtime) -> str:
    folder = os.path.join(fd_dir, "normal")
    os.makedirs(folder, exist_ok=True)
    info = PngImagePlugin.PngInfo()
    info.add_text("Thumb::URI", freedesktop_uri(photo.path))
    info.add_text("Thumb::MTime", str(int(mtime)))
    path = os.path.join(folder, freedesktop_name(photo.path))
    Image.new("RGB", (128, 96), colour).save(path, "PNG", pnginfo=info)
    return path


def test_freedesktop_hit_with_matching_mtime(tmp_path, service):
    photo = make_photo(tmp_path / "lib", "b c.jpg", RED, thumb_colour=GREEN)
    _freedesktop_thumb(tmp_path / "fd", photo, YELLOW, photo.mtime)
    result = service.load(photo, BOX)
    assert result.source == "freedesktop"
    assert near(centre(result.image), YELLOW)


def test_freedesktop_stale_mtime_is_skipped(tmp_path, service):
    photo = make_photo(tmp_path / "lib", "b.jpg", RED, thumb_colour=GREEN)
    _freedesktop_thumb(tmp_path / "fd", photo, YELLOW, photo.mtime - 50)
    result = service.load(photo, BOX)
    assert result.source == "exif"


def test_embedded_thumbnail_used_when_large_enough(tmp_path, service):
    photo = make_photo(tmp_path / "lib", "c.jpg", RED, thumb_colour=GREEN)
    result = service.load(photo, BOX)
    assert result.source == "exif"
    assert near(centre(result.image), GREEN)
    assert result.image.size == (24, 18)


def test_embedded_thumbnail_too_small_falls_back_to_decode(tmp_path, service):
    photo = make_photo(tmp_path / "lib", "c.jpg", RED, size=(800, 600), thumb_colour=GREEN)
    result = service.load(photo, (320, 240))  # the 160x120 thumbnail would be enlarged
    assert result.source == "decode"
    assert near(centre(result.image), RED)


def test_drafted_decode_without_any_thumbnail(tmp_path, service):
    photo = make_photo(tmp_path / "lib", "d.jpg", BLUE, size=(1600, 1200))
    result = service.load(photo, BOX)
    assert result.source == "decode"
    assert result.image.size == (24, 18)
    assert near(centre(result.image), BLUE)


def _half_red_half_blue(size=(400, 200)) -> Image.Image:
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))  # left half red
    return image


@pytest.mark.parametrize("with_thumb", [False, True])
@pytest.mark.parametrize(("orientation", "red_at"), [(6, "top"), (8, "bottom")])
def test_exif_orientation_applied(tmp_path, service, with_thumb, orientation, red_at):
    # Stored pixels are landscape with the red half on the left. Orientation 6 means "rotate
    # 90 degrees clockwise to show", which puts the left edge on top; 8 puts it at the bottom.
    image = _half_red_half_blue()
    path = tmp_path / "lib" / f"o{orientation}.jpg"
    os.makedirs(path.parent, exist_ok=True)
    fields = {"orientation": orientation}
    if with_thumb:
        fields["thumbnail"] = exifwrite.thumbnail_jpeg(image)  # as stored, not rotated
    path.write_bytes(exifwrite.splice_jpeg(jpeg_bytes(image), exifwrite.exif_bytes(fields)))
    result = service.load(photo_for(str(path), orientation), (18, 24))
    assert result.source == ("exif" if with_thumb else "decode")
    shown = result.image
    assert shown.height > shown.width
    top = shown.getpixel((shown.width // 2, 1))
    bottom = shown.getpixel((shown.width // 2, shown.height - 2))
    assert near(top if red_at == "top" else bottom, RED)
    assert near(bottom if red_at == "top" else top, BLUE)


def test_synology_thumbnail_is_not_rotated_again(tmp_path, service):
    photo = make_photo(tmp_path / "lib", "s.jpg", RED, orientation=6)
    thumb = synology_thumb(photo, BLUE, size=(320, 240))  # already upright, landscape
    set_mtime(thumb, photo.mtime + 5)
    result = service.load(photo, BOX)
    assert result.source == "synology"
    assert result.image.width > result.image.height


def test_view_rotation_is_applied_last(tmp_path, service):
    photo = make_photo(tmp_path / "lib", "r.jpg", image=_half_red_half_blue())
    result = service.load(photo, (24, 24), rotation=90)
    assert result.image.height > result.image.width
    assert near(result.image.getpixel((result.image.width // 2, 1)), RED)  # left -> top


# ---------------------------------------------------------------------- bad files


def test_garbage_file_gives_error_not_exception(tmp_path, service):
    path = tmp_path / "junk.jpg"
    path.write_bytes(b"this is not an image" * 10)
    result = service.load(photo_for(str(path)), BOX)
    assert result.image is None and result.error


def test_truncated_jpeg_gives_error(tmp_path, service):
    photo = make_photo(tmp_path / "lib", "t.jpg", image=_half_red_half_blue((1600, 1200)))
    with open(photo.path, "rb") as fh:
        data = fh.read()
    with open(photo.path, "wb") as fh:
        fh.write(data[: len(data) // 3])
    result = service.load(photo_for(photo.path), BOX)
    assert result.image is None
    assert result.error


def test_jpeg_the_index_flagged_as_truncated_shows_what_decodes(tmp_path, service):
    """Only with the index's error (so the tile carries ⚠): the top rows that decode, the
    missing part grey, instead of no picture at all."""
    image = Image.new("RGB", (800, 600), BLUE)
    image.paste(RED, (0, 0, 800, 300))  # top half red: in the part of the file that remains
    photo = make_photo(tmp_path / "lib", "t.jpg", image=image)
    with open(photo.path, "rb") as fh:
        data = fh.read()
    with open(photo.path, "wb") as fh:
        fh.write(data[: len(data) * 2 // 3])
    assert service.load(photo_for(photo.path), BOX).image is None  # not flagged: strict
    flagged = dataclasses.replace(photo_for(photo.path), error=metadata.TRUNCATED_JPEG)
    result = service.load(flagged, BOX)
    assert result.image is not None and result.error == ""
    assert near(result.image.getpixel((result.image.width // 2, 1)), RED)
    bottom = result.image.getpixel((result.image.width // 2, result.image.height - 1))
    assert not near(bottom, RED) and not near(bottom, BLUE)  # grey: what did not decode


def test_decompression_bomb_gives_error(tmp_path, service, monkeypatch):
    path = tmp_path / "bomb.png"
    Image.new("RGB", (200, 200), RED).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)  # 40,000 pixels: > 2x the limit
    result = service.load(photo_for(str(path)), BOX)
    assert result.image is None
    assert "too large" in result.error


def test_png_over_the_decoding_budget_is_refused(tmp_path, service, monkeypatch):
    path = tmp_path / "big.png"
    Image.new("RGB", (120, 100), RED).save(path)
    monkeypatch.setattr(decode_budget, "DECODE_BUDGET", 120 * 100 * 4 - 1)  # one byte short
    result = service.load(photo_for(str(path)), BOX)
    assert result.image is None and result.error.startswith("too large to preview")
    monkeypatch.setattr(decode_budget, "DECODE_BUDGET", 120 * 100 * 4)
    assert service.load(photo_for(str(path)), BOX).image is not None


def test_missing_file_gives_error(tmp_path, service):
    photo = Photo("personal", str(tmp_path), "gone.jpg", size=10, mtime=1.0)
    result = service.load(photo, BOX)
    assert result.image is None and result.error


def test_worker_reports_errors_through_callback(tmp_path, service):
    path = tmp_path / "junk.jpg"
    path.write_bytes(b"\xff\xd8\xff garbage")
    got: list = []
    done = threading.Event()

    def callback(key, image, error):
        got.append((key, image, error))
        done.set()

    key = service.request(photo_for(str(path)), BOX, 0, callback)
    assert done.wait(10)
    assert got == [(key, None, got[0][2])] and got[0][2]


def test_video_without_the_video_extra_is_not_decoded(tmp_path, service, monkeypatch):
    monkeypatch.setattr(extras, "installed", lambda extra: False)
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    result = service.load(photo_for(str(path), kind=VIDEO), BOX)
    assert result.image is None and result.error == ""
    assert result.note == "install phototerm[video] to see previews"


# ---------------------------------------------------------------------- caches


def test_disk_cache_hit_then_stale_after_mtime_change(tmp_path):
    cache = str(tmp_path / "cache")
    photo = make_photo(tmp_path / "lib", "m.jpg", RED, thumb_colour=GREEN)
    first = ThumbnailService(cache, workers=1, freedesktop_dir="")
    assert first.load(photo, BOX).source == "exif"
    first.close()
    files = [f for _d, _s, fs in os.walk(cache) for f in fs]
    assert len(files) == 1 and files[0].endswith(".jpg")

    second = ThumbnailService(cache, workers=1, freedesktop_dir="")  # memory empty
    try:
        assert second.get_cached(photo, BOX) is not None
        assert second.load(photo, BOX).source == "memory"
        # The file changes: a new mtime is a new key, the old entry is not used.
        set_mtime(photo.path, photo.mtime + 60)
        changed = photo_for(photo.path)
        assert second.get_cached(changed, BOX) is None
        assert second.load(changed, BOX).source == "exif"
    finally:
        second.close()


def test_read_only_writes_nothing(tmp_path):
    cache = tmp_path / "cache"
    photo = make_photo(tmp_path / "lib", "k.jpg", RED, thumb_colour=GREEN)
    svc = ThumbnailService(str(cache), workers=1, read_only=True, freedesktop_dir="")
    try:
        assert svc.load(photo, BOX).image is not None
        svc.put(photo, BOX, Image.new("RGB", (24, 18), RED))
        assert svc.prune() == 0
    finally:
        svc.close()
    assert not cache.exists()
    assert sorted(os.listdir(tmp_path)) == ["lib"]


def test_prune_keeps_cache_under_limit(tmp_path):
    cache = str(tmp_path / "cache")
    svc = ThumbnailService(cache, workers=1, freedesktop_dir="", disk_limit=6_000)
    try:
        for i in range(30):
            photo = Photo("personal", str(tmp_path), f"p{i}.jpg", size=i + 1, mtime=1000.0 + i)
            svc.put(photo, BOX, Image.effect_noise((24, 18), 60).convert("RGB"))
        assert svc.disk_usage() <= 6_000
        assert svc.disk_usage() > 0
    finally:
        svc.close()


def test_cancel_except_drops_queued_work(tmp_path):
    svc = ThumbnailService(str(tmp_path / "cache"), workers=1, freedesktop_dir="")
    gate = threading.Event()
    started = threading.Event()
    seen: list[str] = []

    def blocking(key, image, error):
        started.set()
        gate.wait(10)
        seen.append(key)

    def record(key, image, error):
        seen.append(key)

    try:
        photos = [
            make_photo(tmp_path / "lib", f"q{i}.jpg", RED, thumb_colour=GREEN) for i in range(8)
        ]
        first = svc.request(photos[0], BOX, 0, blocking)
        assert started.wait(10)  # the only worker is busy: the rest stays queued
        keys = [svc.request(p, BOX, i + 1, record) for i, p in enumerate(photos[1:])]
        dropped = svc.cancel_except([keys[-1]])
        gate.set()
        deadline = time.time() + 10
        while svc.pending() and time.time() < deadline:
            time.sleep(0.01)
        assert dropped == 6
        assert seen == [first, keys[-1]]
    finally:
        gate.set()
        svc.close()
