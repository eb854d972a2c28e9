"""Reading one file: every field, bad values, broken and hostile files, XMP ratings."""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import struct
import time
import zlib
from calendar import timegm
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational as R

from phototerm.library import extras
from phototerm.library.metadata import exiftags, xmp
from phototerm.library.metadata import reader as metadata
from phototerm.library.photo import Photo

MTIME = 1_500_000_000.0  # 2017-07-14 02:40:00 UTC


def xmp_packet(
    rating: str | None = None, subjects: tuple[str, ...] = (), element: bool = False
) -> bytes:
    attr = f' xmp:Rating="{rating}"' if rating is not None and not element else ""
    child = f"<xmp:Rating>{rating}</xmp:Rating>" if rating is not None and element else ""
    bag = ""
    if subjects:
        items = "".join(f"<rdf:li>{s}</rdf:li>" for s in subjects)
        bag = f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>"
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/"{attr}>{child}{bag}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def make_exif(
    ifd0: dict[int, Any] | None = None,
    sub: dict[int, Any] | None = None,
    gps: dict[int, Any] | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    for tag, value in (ifd0 or {}).items():
        exif[tag] = value
    if sub:
        exif.get_ifd(0x8769).update(sub)
    if gps:
        exif.get_ifd(0x8825).update(gps)
    return exif


def write_jpeg(
    path: Path,
    exif: Image.Exif | None = None,
    size: tuple[int, int] = (64, 48),
    xmp_bytes: bytes | None = None,
    mtime: float = MTIME,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, (120, 160, 200))
    kwargs: dict[str, Any] = {}
    if exif is not None:
        kwargs["exif"] = exif
    if xmp_bytes is not None:
        kwargs["xmp"] = xmp_bytes
    image.save(path, "JPEG", **kwargs)
    os.utime(path, (mtime, mtime))
    return path


def read(path: Path, sidecar: str | None | bool = True) -> Photo:
    st = os.stat(path)
    return metadata.read(str(path.parent), path.name, st.st_size, st.st_mtime, sidecar)


def wall(text: str) -> float:
    return float(timegm(time.strptime(text, "%Y:%m:%d %H:%M:%S")))


def mtime_wall() -> float:
    return metadata.wall_clock(MTIME)[0]


CAMERA = {
    0x010F: "Canon",
    0x0110: "Canon EOS R6",
    0x0112: 6,
    0x010E: "Harbour at dusk",
    0x0132: "2020:01:01 00:00:00",
}
EXPOSURE = {
    0x9003: "2023:05:01 10:11:12",
    0x9011: "+02:00",
    0x9291: "25",
    0x8827: 800,
    0x829D: R(28, 10),
    0x829A: R(1, 250),
    0x920A: R(50, 1),
    0xA434: "RF50mm F1.8 STM",
    0xA002: 6000,
    0xA003: 4000,
}
GPS_SOUTH_WEST = {
    1: "S",
    2: (R(33, 1), R(52, 1), R(12, 1)),
    3: "W",
    4: (R(70, 1), R(30, 1), R(36, 1)),
}


def test_row_layout_matches_photo() -> None:
    names = [f.name for f in dataclasses.fields(Photo)]
    # every field but the last, ``pair``, which the index fills
    assert names[-1] == "pair"
    assert tuple(names[2:-1]) == metadata.ROW_FIELDS
    row = metadata.make_row("a/b.jpg", "photo", 10, 2.5, None, None, iso=100, tags=["x"])
    assert metadata.photo_from_row("personal", "/r", row) == Photo(
        "personal", "/r", "a/b.jpg", size=10, mtime=2.5, iso=100, tags=("x",)
    )
    with pytest.raises(TypeError):
        metadata.make_row("a.jpg", "photo", 1, 1.0, None, None, isoo=100)


def test_every_field(tmp_path: Path) -> None:
    path = write_jpeg(tmp_path / "IMG_1.JPG", make_exif(CAMERA, EXPOSURE, GPS_SOUTH_WEST))
    photo = read(path)
    assert photo.error == ""
    assert photo.kind == "photo"
    assert photo.size == path.stat().st_size and photo.mtime == MTIME
    assert photo.taken == pytest.approx(wall("2023:05:01 10:11:12") + 0.25)  # SubSecTime
    assert photo.tz_offset == 120
    assert (photo.make, photo.model, photo.camera) == ("Canon", "Canon EOS R6", "Canon EOS R6")
    assert photo.lens == "RF50mm F1.8 STM"
    assert (photo.iso, photo.fnumber, photo.focal) == (800, 2.8, 50.0)
    assert photo.exposure == pytest.approx(1 / 250)
    # The JPEG frame header is the truth; EXIF says 6000x4000 (an edited copy keeps that).
    assert (photo.width, photo.height) == (64, 48)
    assert photo.orientation == 6
    assert photo.lat == pytest.approx(-(33 + 52 / 60 + 12 / 3600), abs=1e-6)
    assert photo.lon == pytest.approx(-(70 + 30 / 60 + 36 / 3600), abs=1e-6)
    assert photo.description == "Harbour at dusk"
    assert photo.rating == 0 and photo.tags == ()


def test_datetime_fallbacks(tmp_path: Path) -> None:
    only_datetime = write_jpeg(tmp_path / "a.jpg", make_exif({0x0132: "2019:07:14 08:00:00"}))
    assert read(only_datetime).taken == wall("2019:07:14 08:00:00")
    assert read(only_datetime).tz_offset is None
    nothing = write_jpeg(tmp_path / "b.jpg", make_exif({0x010F: "X"}))
    assert read(nothing).taken == mtime_wall()
    no_exif = write_jpeg(tmp_path / "c.jpg")
    photo = read(no_exif)
    assert photo.taken == mtime_wall() and photo.error == ""
    assert photo.tz_offset == metadata.wall_clock(MTIME)[1]


@pytest.mark.parametrize(
    "bad",
    [
        "0000:00:00 00:00:00",
        "    :  :     :  :  ",
        "",
        "2023:02:30 10:00:00",
        "2023:13:01 10:00:00",
        "2023:01:01 25:00:00",
        "garbage",
        "1200:01:01 00:00:00",
    ],
)
def test_bad_dates_fall_back(tmp_path: Path, bad: str) -> None:
    with_fallback = write_jpeg(
        tmp_path / "a.jpg",
        make_exif({0x0132: "2018:03:04 05:06:07"}, {0x9003: bad, 0x9011: "+05:00"}),
    )
    photo = read(with_fallback)
    assert photo.taken == wall("2018:03:04 05:06:07")
    assert photo.tz_offset is None  # OffsetTimeOriginal belongs to the bad date
    both_bad = write_jpeg(tmp_path / "b.jpg", make_exif({0x0132: bad}, {0x9003: bad}))
    assert read(both_bad).taken == mtime_wall()


def test_dash_separated_and_date_only_values(tmp_path: Path) -> None:
    path = write_jpeg(
        tmp_path / "a.jpg", make_exif(sub={0x9003: "2021-06-07T08:09:10", 0x9011: "-0330"})
    )
    photo = read(path)
    assert photo.taken == wall("2021:06:07 08:09:10")
    assert photo.tz_offset == -210


@pytest.mark.parametrize(
    "gps",
    [
        {1: "N", 2: (R(95, 1), R(0, 1), R(0, 1)), 3: "E", 4: (R(10, 1), R(0, 1), R(0, 1))},
        {1: "N", 2: (R(45, 1), R(75, 1), R(0, 1)), 3: "E", 4: (R(10, 1), R(0, 1), R(0, 1))},
        {1: "X", 2: (R(45, 1), R(0, 1), R(0, 1)), 3: "E", 4: (R(10, 1), R(0, 1), R(0, 1))},
        {1: "N", 2: (R(45, 1), R(0, 1), R(0, 1)), 3: "E", 4: (R(190, 1), R(0, 1), R(0, 1))},
        {1: "N", 2: (R(0, 0), R(0, 0), R(0, 0)), 3: "E", 4: (R(0, 0), R(0, 0), R(0, 0))},
        {1: "N", 2: (R(0, 1), R(0, 1), R(0, 1)), 3: "E", 4: (R(0, 1), R(0, 1), R(0, 1))},
        {1: "N", 2: (R(45, 1), R(0, 1)), 3: "E", 4: (R(10, 1), R(0, 1), R(0, 1))},
        {1: "N", 2: (R(45, 1), R(0, 1), R(0, 1))},  # latitude without longitude
    ],
)
def test_bad_gps_is_ignored(tmp_path: Path, gps: dict[int, Any]) -> None:
    photo = read(write_jpeg(tmp_path / "a.jpg", make_exif({0x010F: "X"}, gps=gps)))
    assert (photo.lat, photo.lon) == (None, None)
    assert photo.error == ""


def test_gps_north_east(tmp_path: Path) -> None:
    gps = {
        1: "N",
        2: (R(48, 1), R(51, 1), R(2412, 100)),
        3: "E",
        4: (R(2, 1), R(21, 1), R(736, 100)),
    }
    photo = read(write_jpeg(tmp_path / "a.jpg", make_exif(gps=gps)))
    assert photo.lat == pytest.approx(48.856700, abs=1e-5)
    assert photo.lon == pytest.approx(2.352044, abs=1e-5)
    assert photo.has_gps


@pytest.mark.parametrize(
    ("percent", "stars"),
    [
        (0, 0),
        (1, 1),
        (12, 1),
        (13, 2),
        (25, 2),
        (37, 2),
        (38, 3),
        (50, 3),
        (62, 3),
        (63, 4),
        (75, 4),
        (87, 4),
        (88, 5),
        (99, 5),
        (100, 5),
    ],
)
def test_exif_rating_percent(tmp_path: Path, percent: int, stars: int) -> None:
    photo = read(write_jpeg(tmp_path / "a.jpg", make_exif({0x4749: percent})))
    assert photo.rating == stars


def test_exif_rating_wins_over_percent_and_bad_values_are_ignored(tmp_path: Path) -> None:
    assert read(write_jpeg(tmp_path / "a.jpg", make_exif({0x4746: 4, 0x4749: 1}))).rating == 4
    assert read(write_jpeg(tmp_path / "b.jpg", make_exif({0x4746: 9}))).rating == 0
    assert read(write_jpeg(tmp_path / "c.jpg", make_exif({0x4746: 9, 0x4749: 50}))).rating == 3
    assert read(write_jpeg(tmp_path / "d.jpg", make_exif({0x4749: 250}))).rating == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4", 4),
        ("0", 0),
        ("-1", -1),
        ("5", 5),
        ("3.6", 4),
        ("2.5", 3),
        ("4.4", 4),
        ("-0.4", 0),
        ("5.6", None),
        ("6", None),
        ("-2", None),
        ("abc", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        (" 2 ", 2),
    ],
)
def test_xmp_rating_values(value: str, expected: int | None) -> None:
    assert xmp.parse_packet(xmp_packet(value)).rating == expected
    assert xmp.parse_packet(xmp_packet(value, element=True)).rating == expected


def test_xmp_subjects_and_garbage() -> None:
    data = xmp.parse_packet(xmp_packet("3", ("Paris", "family", "Paris")))
    assert data == xmp.XmpData(3, ("Paris", "family"))
    assert xmp.parse_packet(b"") == xmp.EMPTY
    assert xmp.parse_packet(b"\x00\xff garbage") == xmp.EMPTY
    # Not well-formed, but the rating is plain to see: the fallback keeps it.
    assert xmp.parse_packet(b'<x:xmpmeta><rdf:Description xmp:Rating="2"><oops>').rating == 2


def test_xmp_entity_expansion_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i else b"&lol;" * 10)
            for i in range(1, 10)
        )
        + b']><x:xmpmeta xmlns:x="adobe:ns:meta/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        b' xmp:Rating="5">&lol9;</x:xmpmeta>'
    )
    start = time.perf_counter()
    assert xmp.parse_packet(bomb) == xmp.EMPTY
    external = (
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<x xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="1">&e;</x>'
    )
    assert xmp.parse_packet(external) == xmp.EMPTY
    assert time.perf_counter() - start < 1


def test_sidecars_and_precedence(tmp_path: Path) -> None:
    exif = make_exif({0x4746: 1})
    plain = write_jpeg(tmp_path / "a.jpg", exif)
    assert read(plain).rating == 1  # EXIF only
    embedded = write_jpeg(tmp_path / "b.jpg", exif, xmp_bytes=xmp_packet("2", ("inside",)))
    assert (read(embedded).rating, read(embedded).tags) == (2, ("inside",))
    side = write_jpeg(tmp_path / "c.jpg", exif, xmp_bytes=xmp_packet("2"))
    (tmp_path / "c.xmp").write_bytes(xmp_packet("3"))
    assert read(side).rating == 3  # NAME.xmp beats the file
    (tmp_path / "c.jpg.xmp").write_bytes(xmp_packet("-1", ("rejected",)))
    photo = read(side)
    assert (photo.rating, photo.tags) == (-1, ("rejected",))  # NAME.EXT.xmp beats NAME.xmp
    # A sidecar without a usable rating does not hide the file's own.
    norating = write_jpeg(tmp_path / "d.jpg", exif)
    (tmp_path / "d.jpg.xmp").write_bytes(xmp_packet("7"))
    assert read(norating).rating == 1
    # sidecar=None means "the scanner saw none": nothing is probed.
    assert read(side, sidecar=None).rating == 2


def test_embedded_xmp_in_png_webp_tiff(tmp_path: Path) -> None:
    packet = xmp_packet("4", ("kw",))
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", packet.decode(), zip=True)
    Image.new("RGB", (30, 20)).save(tmp_path / "a.png", pnginfo=info)
    Image.new("RGB", (30, 20)).save(tmp_path / "b.webp", xmp=packet)
    Image.new("RGB", (30, 20)).save(tmp_path / "c.tif", tiffinfo={700: packet})
    for name in ("a.png", "b.webp", "c.tif"):
        photo = read(tmp_path / name)
        assert (photo.error, photo.width, photo.height) == ("", 30, 20), name
        assert (photo.rating, photo.tags) == (4, ("kw",)), name


def test_text_fields_are_stored_safely(tmp_path: Path) -> None:
    hostile = {0x010F: b"Ca\xffnon\x00junk", 0x0110: "\x1b]0;pwned\x07Model", 0x010E: "x" * 5000}
    photo = read(write_jpeg(tmp_path / "a.jpg", make_exif(hostile)))
    assert photo.error == ""
    assert photo.make == "Ca\ufffdnon"  # bytes decoded, cut at the NUL
    assert photo.model == "\x1b]0;pwned\x07Model"  # kept for search; safe() is for display
    photo.model.encode("utf-8")  # storable: no surrogates
    assert len(photo.description) == exiftags.MAX_TEXT


def test_png_gif_bmp_sizes_from_header(tmp_path: Path) -> None:
    for name, fmt in (("a.png", "PNG"), ("b.gif", "GIF"), ("c.bmp", "BMP")):
        Image.new("RGB", (33, 21)).save(tmp_path / name, fmt)
        photo = read(tmp_path / name)
        assert (photo.error, photo.width, photo.height) == ("", 33, 21)


def test_png_named_jpg_is_fine_text_named_jpg_is_not(tmp_path: Path) -> None:
    Image.new("RGB", (8, 8)).save(tmp_path / "png.jpg", "PNG")
    assert read(tmp_path / "png.jpg").error == ""
    (tmp_path / "text.jpg").write_text("this is not a photo\n")
    assert read(tmp_path / "text.jpg").error == "not an image (unrecognised content)"


def test_empty_and_truncated_files(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    photo = read(tmp_path / "empty.jpg")
    assert photo.error == "empty file" and photo.taken == metadata.wall_clock(photo.mtime)[0]
    full = write_jpeg(tmp_path / "full.jpg", make_exif(CAMERA, EXPOSURE)).read_bytes()
    (tmp_path / "head.jpg").write_bytes(full[:40])  # cut inside the EXIF segment
    assert read(tmp_path / "head.jpg").error.startswith("damaged JPEG")
    (tmp_path / "soi.jpg").write_bytes(full[:3])
    assert read(tmp_path / "soi.jpg").error.startswith("damaged JPEG")
    (tmp_path / "png.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert read(tmp_path / "png.png").error != ""
    # Cut in the pixel data: the header is intact, so the metadata is still read, but the
    # missing end of image is flagged.
    (tmp_path / "tail.jpg").write_bytes(full[: full.rindex(b"\xff\xda") + 30])
    photo = read(tmp_path / "tail.jpg")
    assert (photo.error, photo.model) == (metadata.TRUNCATED_JPEG, "Canon EOS R6")


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def test_decompression_bomb_header(tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    (tmp_path / "bomb.png").write_bytes(_png_header(200_000, 200_000))
    start = time.perf_counter()
    photo = read(tmp_path / "bomb.png")
    assert time.perf_counter() - start < 1
    assert photo.error.startswith("too large to preview")
    # Between 1x and 2x Pillow's limit it only warns: no warning escapes, and the record says
    # what the grid will say: its decoding would take more than the budget.
    side = int((Image.MAX_IMAGE_PIXELS * 1.5) ** 0.5)
    (tmp_path / "big.png").write_bytes(_png_header(side, side))
    photo = read(tmp_path / "big.png")
    assert photo.width == side and photo.error.startswith("too large to preview")
    assert len(recwarn) == 0


def test_raw_heic_and_video(tmp_path: Path) -> None:
    Image.new("RGB", (16, 12)).save(tmp_path / "a.nef", "TIFF")  # a TIFF-based RAW
    raw = read(tmp_path / "a.nef")
    assert raw.error == "" and raw.is_raw
    (tmp_path / "b.cr2").write_text("not raw")
    assert read(tmp_path / "b.cr2").error == "not a RAW file (unrecognised content)"
    # HEIF is not checked with Pillow (it needs a plugin); exifread reads its boxes and
    # chokes on a file that is only a box header. Only pillow-heif (the heif extra) says
    # whether a HEIF is damaged; without it nothing is. (Real HEIC files, with and without
    # EXIF, are in the corpus test; generated ones in test_formats.)
    (tmp_path / "c.heic").write_bytes(struct.pack(">I4s4sI", 16, b"ftyp", b"heic", 0))
    heic = read(tmp_path / "c.heic")
    heif_extra = extras.installed(extras.HEIF)
    assert heic.error.startswith("damaged HEIF") if heif_extra else heic.error == ""
    assert heic.taken == metadata.wall_clock(heic.mtime)[0]
    # A box header and zeros: a video container to look at, which FFmpeg (the video extra)
    # cannot read.
    (tmp_path / "d.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(100))
    os.utime(tmp_path / "d.mp4", (MTIME, MTIME))
    (tmp_path / "d.mp4.xmp").write_bytes(xmp_packet("5"))
    video = read(tmp_path / "d.mp4")
    assert (video.kind, video.taken, video.rating) == ("video", mtime_wall(), 5)
    if extras.installed(extras.VIDEO):
        assert video.error.startswith("damaged video")
    else:
        assert video.error == ""
    (tmp_path / "e.mov").write_bytes(b"")
    assert read(tmp_path / "e.mov").error == "empty file"


def test_exifread_exceptions_become_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_jpeg(tmp_path / "a.jpg", make_exif(CAMERA))

    def boom(*args: Any, **kwargs: Any) -> None:
        raise IndexError("tuple index out of range")

    import exifread  # the module the reader imports when it reads a file

    monkeypatch.setattr(exifread, "process_file", boom)
    photo = read(path)
    assert photo.error == "EXIF unreadable: IndexError: tuple index out of range"
    assert (photo.width, photo.height) == (64, 48)  # what could be read is kept
    assert photo.taken == mtime_wall()


def test_broken_exif_is_quiet(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # An APP1 "Exif" segment whose TIFF header points nowhere: exifread logs and gives up.
    jpeg = write_jpeg(tmp_path / "ok.jpg").read_bytes()
    payload = b"Exif\x00\x00MM\x00\x2a\xff\xff\xff\xf0" + bytes(40)
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    (tmp_path / "bad.jpg").write_bytes(jpeg[:2] + segment + jpeg[2:])
    caplog.set_level(logging.DEBUG)
    photo = read(tmp_path / "bad.jpg")
    assert photo.width == 64
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert not [r for r in caplog.records if r.name.startswith("exifread")]


def test_missing_file_is_an_uncacheable_error(tmp_path: Path) -> None:
    row, cacheable = metadata.read_row(str(tmp_path), "gone.jpg", 10, MTIME, None)
    photo = metadata.photo_from_row("personal", str(tmp_path), row)
    assert photo.error.startswith("cannot open:") and not cacheable
    assert photo.space == "personal" and photo.rel == "gone.jpg"


def test_read_chunk_rows_are_plain_tuples(tmp_path: Path) -> None:
    write_jpeg(tmp_path / "a.jpg", make_exif(CAMERA))
    (tmp_path / "b.jpg").write_bytes(b"")
    items = [(n, os.path.getsize(tmp_path / n), MTIME, None) for n in ("a.jpg", "b.jpg")]
    results = metadata.read_chunk(str(tmp_path), items)
    assert [r[1] for r in results] == [True, True]
    assert all(type(row) is tuple and len(row) == len(metadata.ROW_FIELDS) for row, _ in results)
    assert (
        metadata.row_of(metadata.photo_from_row("s", str(tmp_path), results[0][0])) == results[0][0]
    )


def test_jpeg_with_big_app_segments_before_exif(tmp_path: Path) -> None:
    # Metadata beyond the first read (a 64 KiB ICC profile first): read from the file instead.
    base = write_jpeg(tmp_path / "a.jpg", make_exif(CAMERA, EXPOSURE)).read_bytes()
    filler = b"\xff\xe2" + struct.pack(">H", 65535) + b"ICC_PROFILE\x00" + bytes(65533 - 12)
    (tmp_path / "big.jpg").write_bytes(base[:2] + filler + filler + base[2:])
    photo = read(tmp_path / "big.jpg")
    assert (photo.error, photo.model, photo.iso) == ("", "Canon EOS R6", 800)


def test_bytes_io_of_head_is_equivalent(tmp_path: Path) -> None:
    path = write_jpeg(tmp_path / "a.jpg", make_exif(CAMERA, EXPOSURE, GPS_SOUTH_WEST))
    head = path.read_bytes()
    with open(path, "rb") as fh:
        assert xmp.jpeg_segments(fh) == xmp.jpeg_segments(io.BytesIO(head), head)


def _tiff_exif(
    ifd0: list[tuple[int, int, int, bytes]],
    exif: list[tuple[int, int, int, bytes]],
    gps_at_exif: bool,
) -> bytes:
    """A little-endian TIFF block by hand: IFD0 at 8, the EXIF IFD after it, values after."""

    def ifd_size(entries: list) -> int:
        return 2 + 12 * len(entries) + 4

    exif_at = 8 + ifd_size(ifd0) + 12 * (2 if gps_at_exif else 1)
    data_at = exif_at + ifd_size(exif)
    extra = [(0x8769, 4, 1, struct.pack("<I", exif_at))]
    if gps_at_exif:  # a GPS pointer onto the EXIF IFD: two IFDs sharing bytes
        extra.append((0x8825, 4, 1, struct.pack("<I", exif_at)))
    blobs = b""

    def table(entries: list) -> bytes:
        nonlocal blobs
        out = struct.pack("<H", len(entries))
        for tag, kind, count, value in sorted(entries):
            if len(value) <= 4:
                out += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")
            else:
                out += struct.pack("<HHII", tag, kind, count, data_at + len(blobs))
                blobs += value
        return out + b"\0\0\0\0"

    first = table(ifd0 + extra)
    second = table(exif)
    return b"II*\0" + struct.pack("<I", 8) + first + second + blobs


def test_exif_blocks_with_shared_ifds_are_read_as_they_are(tmp_path: Path) -> None:
    def ascii_(text: str) -> tuple[int, int, bytes]:
        return 2, len(text) + 1, text.encode() + b"\0"

    ifd0 = [(0x010F, *ascii_("Canon")), (0x0132, *ascii_("2001:01:01 01:01:01"))]
    exif = [(0x9003, *ascii_("2012:06:23 06:55:49"))]
    for shared in (False, True):
        block = b"Exif\0\0" + _tiff_exif(ifd0, exif, gps_at_exif=shared)
        segment = b"\xff\xe1" + struct.pack(">H", len(block) + 2) + block
        jpeg = write_jpeg(tmp_path / "base.jpg").read_bytes()
        (tmp_path / "a.jpg").write_bytes(jpeg[:2] + segment + jpeg[2:])
        photo = read(tmp_path / "a.jpg")
        assert (photo.error, photo.make) == ("", "Canon")
        assert photo.taken == wall("2012:06:23 06:55:49"), shared


def test_apex_values_are_the_fallback(tmp_path: Path) -> None:
    # FNumber 0/0 (unset) with ApertureValue 4 (APEX): f/4. ExposureTime given: it wins over
    # ShutterSpeedValue. Only ShutterSpeedValue: 2^-7 s.
    sub = {0x829D: R(0, 0), 0x9202: R(4, 1), 0x829A: R(1, 250), 0x9201: R(3, 1)}
    photo = read(write_jpeg(tmp_path / "a.jpg", make_exif(sub=sub)))
    assert (photo.fnumber, photo.exposure) == (4.0, pytest.approx(1 / 250))
    photo = read(write_jpeg(tmp_path / "b.jpg", make_exif(sub={0x9201: R(7, 1)})))
    assert photo.exposure == pytest.approx(1 / 128)
