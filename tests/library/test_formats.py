"""HEIC, RAW and video files: what the reader finds, what the thumbnailer shows, what happens
without the extras, and broken files of each kind (an error with a reason, no hang).

Fixtures are generated (tests/formats_fixtures.py); the real phone HEICs of the shared corpus
are used when present (``PHOTOTERM_CORPUS`` or a ``shared/corpus/exif-samples`` beside the checkout).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from formats_fixtures import BLUE, RED, need, write_dng, write_heic, write_mp4
from PIL import Image
from shared_corpus import CORPUS

from phototerm.library import extras
from phototerm.library.metadata import reader
from phototerm.library.photo import VIDEO, Photo, kind_of
from phototerm.library.thumbnails import ThumbnailService
from phototerm.library.thumbnails.helper import HEIF, DecoderPool

BOX = (32, 32)


@pytest.fixture
def service(tmp_path):
    svc = ThumbnailService(str(tmp_path / "cache"), workers=2, freedesktop_dir="")
    yield svc
    svc.close()


def read(path: Path) -> Photo:
    st = os.stat(path)
    return reader.read(str(path.parent), path.name, st.st_size, st.st_mtime, sidecar=None)


def near(colour: tuple[int, int, int], want: tuple[int, int, int], tolerance: int = 60) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, want, strict=True))


def top_and_bottom(image: Image.Image) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    w, h = image.size
    return image.getpixel((w // 2, h // 8)), image.getpixel((w // 2, h - 1 - h // 8))


# -- HEIC -----------------------------------------------------------------------------------


def test_iphone_style_heic_is_read_and_shown_upright_once(tmp_path, service):
    """Stored landscape (blue left), rotated by the container and EXIF "Rotate 90 CW": the
    picture is portrait with blue on top. Applying the EXIF orientation as well would turn
    it back to landscape."""
    path = write_heic(tmp_path / "IMG_0001.HEIC", size=(64, 32), orientation=6)
    photo = read(path)
    assert photo.error == ""
    assert (photo.width, photo.height, photo.orientation) == (64, 32, 6)  # as stored
    assert (photo.make, photo.model) == ("Apple", "iPhone 13")  # EXIF through pillow-heif
    result = service.load(photo, BOX)
    assert result.error == "" and result.source == HEIF
    image = result.image
    assert image is not None and image.height > image.width  # portrait: turned once
    top, bottom = top_and_bottom(image)
    assert near(top, BLUE) and near(bottom, RED)


def test_heic_without_exif_size_takes_the_containers(tmp_path):
    path = write_heic(tmp_path / "plain.heic", size=(40, 30))
    photo = read(path)
    assert (photo.width, photo.height, photo.error) == (40, 30, "")


@pytest.mark.skipif(not (CORPUS / "heic").is_dir(), reason=f"corpus not present at {CORPUS}")
def test_corpus_heics(service):
    need(extras.HEIF)
    for path in sorted((CORPUS / "heic").rglob("*")):
        if not path.is_file() or kind_of(path.name) is None:
            continue
        photo = read(path)
        assert photo.error == "", path
        assert photo.width > 0 and photo.height > 0, path  # Nokia, samplefilehub: container
        start = time.perf_counter()
        result = service.load(photo, (48, 48))
        assert result.image is not None, (path, result.error)
        assert time.perf_counter() - start < 10
        if path.name == "iphone_13_pro_max.HEIC":  # "Rotated 90 CW": a portrait picture
            assert photo.orientation == 6 and result.image.height > result.image.width


def test_truncated_heic_is_an_error_with_a_reason(tmp_path, service):
    path = write_heic(tmp_path / "full.heic", size=(256, 192))
    data = path.read_bytes()
    cut = tmp_path / "cut.heic"
    cut.write_bytes(data[: len(data) * 2 // 3])
    photo = read(cut)
    assert photo.error == reader.TRUNCATED_HEIF
    result = service.load(photo, BOX)
    assert result.image is None and result.error


# -- video ----------------------------------------------------------------------------------


def test_video_duration_size_codec_and_capture_time(tmp_path):
    path = write_mp4(tmp_path / "clip.mp4", seconds=3.0, size=(64, 48))
    photo = read(path)
    assert photo.error == ""
    assert (photo.kind, photo.width, photo.height, photo.codec) == (VIDEO, 64, 48, "mpeg4")
    assert photo.duration == pytest.approx(3.0, abs=0.2)
    # creation_time is UTC: shown as this machine's wall clock, as an mtime is
    utc = 1626258030.0  # 2021-07-14T10:20:30Z
    assert photo.taken == reader.wall_clock(utc)[0]


def test_apple_creation_date_keeps_the_cameras_wall_clock(tmp_path):
    meta = {"com.apple.quicktime.creationdate": "2023-05-14T12:20:30+0200"}
    path = write_mp4(tmp_path / "IMG_1.mov", metadata=meta)
    photo = read(path)
    assert photo.taken == 1684066830.0  # 2023-05-14 12:20:30 as wall clock
    assert photo.tz_offset == 120


def test_video_without_a_creation_time_takes_its_mtime(tmp_path):
    path = write_mp4(tmp_path / "clip.mp4", creation_time=None)
    os.utime(path, (1_600_000_000, 1_600_000_000))
    assert read(path).taken == reader.wall_clock(1_600_000_000)[0]


def test_video_poster_comes_from_about_a_tenth_in(tmp_path, service):
    """Frame i has red = 255 * i / frames: the first frame has none, the poster some."""
    path = write_mp4(tmp_path / "clip.mp4", seconds=5.0, size=(64, 48))
    result = service.load(read(path), BOX)
    assert result.error == "" and result.source == "video" and result.image is not None
    w, h = result.image.size
    assert w > h  # landscape, as stored
    red = result.image.getpixel((w * 3 // 4, h // 2))[0]
    assert 10 <= red <= 80, red  # about 10% in: not the first frame, not the middle


def test_portrait_phone_video_poster_is_turned(tmp_path, service):
    need(extras.VIDEO)
    import av

    path = write_mp4(tmp_path / "portrait.mp4", size=(64, 48))
    # A display matrix as a phone writes for a portrait video: stored landscape
    rotated = tmp_path / "rotated.mp4"
    with av.open(str(path)) as src, av.open(str(rotated), "w") as out:
        stream = out.add_stream_from_template(src.streams.video[0])
        stream.set_display_rotation(-90)  # FFmpeg's angle: 90 degrees clockwise to show
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    result = service.load(read(rotated), BOX)
    assert result.image is not None, result.error
    assert result.image.height > result.image.width


def test_synology_thumbnail_comes_before_decoding_the_video(tmp_path, service):
    path = write_mp4(tmp_path / "clip.mp4")
    thumbs = tmp_path / "@eaDir" / "clip.mp4"
    thumbs.mkdir(parents=True)
    Image.new("RGB", (320, 240), (0, 200, 0)).save(thumbs / "SYNOPHOTO_THUMB_M.jpg")
    result = service.load(read(path), BOX)
    assert result.source == "synology"
    assert near(result.image.getpixel((5, 5)), (0, 200, 0))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("zero.mp4", b"", "empty file"),
        ("text.mp4", b"this is not a movie\n" * 40, "not a video (unrecognised content)"),
    ],
)
def test_broken_videos_are_errors_with_a_reason(tmp_path, service, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    photo = read(path)
    assert photo.error == reason
    start = time.perf_counter()
    result = service.load(photo, BOX)
    assert result.image is None and result.error  # an error tile, with the decoder's reason
    assert time.perf_counter() - start < 15


def test_truncated_video(tmp_path, service):
    path = write_mp4(tmp_path / "clip.mp4", seconds=4.0, size=(160, 120))
    data = path.read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 2])
    photo = read(tmp_path / "cut.mp4")
    assert photo.error == reader.TRUNCATED_VIDEO
    result = service.load(photo, BOX)
    assert result.image is not None or result.error  # a picture or a reason, never a hang


# -- RAW ------------------------------------------------------------------------------------


@pytest.mark.parametrize("preview", ["jpeg", "rgb"])
def test_raw_preview_is_turned_by_the_raws_flip(tmp_path, service, preview):
    need(extras.RAW)
    path = write_dng(tmp_path / f"IMG_1-{preview}.dng", preview=preview, orientation=6)
    photo = read(path)
    assert photo.error == ""
    assert (photo.width, photo.height, photo.orientation) == (64, 48, 6)  # LibRaw's size
    assert (photo.make, photo.model) == ("Phototerm", "Test DNG")
    result = service.load(photo, BOX)
    assert result.error == "" and result.source == "raw"
    image = result.image
    assert image is not None and image.height > image.width  # preview 32x24, turned
    top, bottom = top_and_bottom(image)
    assert near(top, BLUE) and near(bottom, RED)


def test_raw_without_a_preview_is_an_error_tile_with_the_reason(tmp_path, service):
    need(extras.RAW)
    photo = read(write_dng(tmp_path / "bare.dng", preview="none"))
    assert photo.error == ""  # the file is fine; it has nothing to show
    result = service.load(photo, BOX)
    assert result.image is None and result.error == "no preview in this RAW file"


# -- without the extras -----------------------------------------------------------------------


def test_without_the_extras_files_still_appear_with_a_note(tmp_path, service, monkeypatch):
    heic = write_heic(tmp_path / "a.heic", orientation=6)
    cr3 = tmp_path / "b.cr3"  # a container only LibRaw reads (exifread finds nothing in it)
    cr3.write_bytes(b"\x00\x00\x00\x18ftypcrx \x00\x00\x00\x01crx isom" + bytes(64))
    clip = write_mp4(tmp_path / "c.mp4")
    dng = write_dng(tmp_path / "d.dng")
    monkeypatch.setattr(extras, "installed", lambda extra: False)
    for path, extra in ((heic, "heif"), (cr3, "raw"), (clip, "video")):
        photo = read(path)
        assert photo.error == "", path
        result = service.load(photo, BOX)
        assert result.image is None and result.error == "", path
        assert result.note == f"install phototerm[{extra}] to see previews"
    assert read(clip).duration == 0  # nothing PyAV would read
    # A TIFF-based RAW whose first image Pillow reads (a DNG's preview) shows that one.
    photo = read(dng)
    assert photo.make == "Phototerm"
    assert service.load(photo, BOX).image is not None


def test_without_the_extras_a_broken_file_says_what_is_wrong(tmp_path, service, monkeypatch):
    # What the index found wrong comes before the extra that would show a picture: an
    # error tile with the reason, as for a broken JPEG.
    whole = write_heic(tmp_path / "whole.heic", size=(256, 192))
    cut = tmp_path / "cut.heic"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    monkeypatch.setattr(extras, "installed", lambda extra: False)
    for path in (cut, empty):
        photo = read(path)
        assert photo.error, path
        result = service.load(photo, BOX)
        assert (result.image, result.error, result.note) == (None, photo.error, ""), path


# -- the time bound -----------------------------------------------------------------------------


def test_a_decode_over_the_time_bound_is_stopped_and_the_next_one_works(tmp_path):
    path = write_heic(tmp_path / "big.heic", size=(1600, 1200))
    pool = DecoderPool(helpers=1, timeout=0.01)
    try:
        slow = pool.decode(HEIF, str(path), (1000, 1000))  # a full decode: far over 10 ms
        assert slow.image is None and "took over" in slow.error
        pool.timeout = 30
        again = pool.decode(HEIF, str(path), (8, 8))  # a new helper serves it
        assert again.image is not None, again.error
    finally:
        pool.close()


def test_a_fifo_named_like_a_video_is_never_opened(tmp_path, service):
    fifo = tmp_path / "clip.mp4"
    os.mkfifo(fifo)
    photo = Photo("personal", str(tmp_path), "clip.mp4", kind=VIDEO, size=0, mtime=1.0)
    start = time.perf_counter()
    assert reader.read_row(str(tmp_path), "clip.mp4", 0, 1.0, None)[0][-1] == ""  # codec
    result = service.load(photo, BOX)
    assert result.image is None and result.error
    assert time.perf_counter() - start < 5


def test_formats_bench_smoke(tmp_path):
    # `phototerm bench --only formats --quick`: real files through the real service, each
    # figure beside its baseline (the timings themselves are for a quiet machine).
    need(extras.HEIF)
    need(extras.VIDEO)
    from phototerm.bench import BenchOptions, formats

    figures = formats.run(BenchOptions(quick=True, workdir=str(tmp_path)))
    assert [f.name.split(",")[0] for f in figures] == ["HEIC thumbnail"] * 2 + ["video poster"]
    assert all(f.value > 0 and f.baseline and f.ratio for f in figures)
