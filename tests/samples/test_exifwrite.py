"""The hand-built EXIF segment reads back field by field through exifread (and Pillow)."""

from __future__ import annotations

import io
from datetime import datetime
from fractions import Fraction

import exifread
import pytest
from PIL import Image

from phototerm.samples import exifwrite

FIELDS = {
    "make": "Canon",
    "model": "Canon EOS R6",
    "orientation": 6,
    "datetime": datetime(2021, 7, 15, 9, 0, 1),
    "description": "Lake Annecy at dawn",
    "software": "phototerm test",
    "rating": 4,
    "rating_percent": 75,
    "datetime_original": "2021:07:14 10:11:12",
    "offset_time_original": "+02:00",
    "exposure": 1 / 250,
    "fnumber": 2.8,
    "iso": 400,
    "focal": 35,
    "lens": "RF24-105mm F4 L IS USM",
    "width": 320,
    "height": 240,
    "lat": 45.9,
    "lon": -6.13,
    "altitude": 447.5,
}


def _picture() -> Image.Image:
    img = Image.linear_gradient("L").resize((320, 240)).convert("RGB")
    img.paste((200, 40, 40), (20, 20, 120, 100))
    return img


def _read(path) -> dict:
    with open(path, "rb") as fh:
        return exifread.process_file(fh, details=False, extract_thumbnail=True, builtin_types=False)


def _ratios(tag) -> list[Fraction]:
    return [Fraction(v.num, v.den) for v in tag.values]


def test_every_field_reads_back(tmp_path) -> None:
    path = tmp_path / "IMG_0001.JPG"
    exifwrite.write_jpeg(path, _picture(), FIELDS, quality=80)
    tags = _read(path)
    assert str(tags["Image Make"]) == "Canon"
    assert str(tags["Image Model"]) == "Canon EOS R6"
    assert tags["Image Orientation"].values == [6]
    assert str(tags["Image DateTime"]) == "2021:07:15 09:00:01"
    assert str(tags["Image ImageDescription"]) == "Lake Annecy at dawn"
    assert str(tags["Image Software"]) == "phototerm test"
    assert tags["Image Rating"].values == [4]
    assert tags["Image Tag 0x4749"].values == [75]
    assert str(tags["EXIF DateTimeOriginal"]) == "2021:07:14 10:11:12"
    assert str(tags["EXIF OffsetTimeOriginal"]) == "+02:00"
    assert _ratios(tags["EXIF ExposureTime"]) == [Fraction(1, 250)]
    assert _ratios(tags["EXIF FNumber"]) == [Fraction(14, 5)]
    assert tags["EXIF ISOSpeedRatings"].values == [400]
    assert _ratios(tags["EXIF FocalLength"]) == [Fraction(35)]
    assert str(tags["EXIF LensModel"]) == "RF24-105mm F4 L IS USM"
    assert tags["EXIF ExifImageWidth"].values == [320]
    assert tags["EXIF ExifImageLength"].values == [240]
    assert str(tags["GPS GPSLatitudeRef"]) == "N"
    assert str(tags["GPS GPSLongitudeRef"]) == "W"
    # 45.9 = 45 deg 54 min 0 s; 6.13 = 6 deg 7 min 48 s (no float round-off like 53'60")
    assert _ratios(tags["GPS GPSLatitude"]) == [45, 54, 0]
    assert _ratios(tags["GPS GPSLongitude"]) == [6, 7, 48]
    assert _ratios(tags["GPS GPSAltitude"]) == [Fraction(895, 2)]
    # Pillow agrees on the basics, so the segment is not only exifread-compatible.
    with Image.open(path) as img:
        exif = img.getexif()
        assert exif[0x010F] == "Canon" and exif[0x0112] == 6 and exif[0x4746] == 4
        assert img.size == (320, 240)


def test_thumbnail_is_extractable(tmp_path) -> None:
    path = tmp_path / "t.jpg"
    exifwrite.write_jpeg(path, _picture(), FIELDS)
    tags = _read(path)
    thumb = tags["JPEGThumbnail"]
    assert thumb[:2] == b"\xff\xd8"
    assert tags["Thumbnail JPEGInterchangeFormatLength"].values == [len(thumb)]
    with Image.open(io.BytesIO(thumb)) as small:
        small.load()
        assert small.size == (160, 120)
        # the thumbnail shows the picture: the red square is in its top-left area
        r, g, _ = small.convert("RGB").getpixel((20, 15))
        assert r > 150 and g < 90


def test_embedded_xmp_rating(tmp_path) -> None:
    path = tmp_path / "x.jpg"
    exifwrite.write_jpeg(path, _picture(), {"make": "Sony"}, xmp_rating=-1)
    with Image.open(path) as img:
        xmp = img.info["xmp"]
    assert b'xmp:Rating="-1"' in xmp
    assert b"http://ns.adobe.com/xap/1.0/" in xmp
    assert str(_read(path)["Image Make"]) == "Sony"


def test_xmp_packet_is_xml_with_subjects() -> None:
    import xml.etree.ElementTree as ET

    packet = exifwrite.xmp_packet(3, subjects=["a & b", "<c>"], description='say "hi"')
    root = ET.fromstring(packet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    ns = {
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "xmp": "http://ns.adobe.com/xap/1.0/",
    }
    desc = root.find("rdf:RDF/rdf:Description", ns)
    assert desc is not None and desc.get(f"{{{ns['xmp']}}}Rating") == "3"
    assert [li.text for li in desc.iter(f"{{{ns['rdf']}}}li")] == ["a & b", "<c>", 'say "hi"']


def test_no_gps_no_thumbnail_and_bytes_text(tmp_path) -> None:
    # Bytes are written verbatim: how tests make hostile EXIF (ESC sequences, non-UTF-8).
    fields = {"make": b"Evil\x1b]0;pwned\x07", "model": b"\xff\xfeX"}
    path = tmp_path / "plain.jpg"
    exifwrite.write_jpeg(path, _picture(), fields, thumbnail=False)
    tags = _read(path)
    assert not any(k.startswith("GPS") for k in tags)
    assert "JPEGThumbnail" not in tags
    assert tags["Image Make"].values.startswith("Evil\x1b]0;pwned")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1 / 8000, Fraction(1, 8000)), (2.5, Fraction(5, 2)), (0.3, Fraction(3, 10)), (15, 15)],
)
def test_exposure_times_are_exact_fractions(tmp_path, value, expected) -> None:
    path = tmp_path / "e.jpg"
    exifwrite.write_jpeg(path, _picture(), {"exposure": value}, thumbnail=False)
    assert _ratios(_read(path)["EXIF ExposureTime"]) == [expected]


def test_unknown_field_and_oversized_segment() -> None:
    with pytest.raises(ValueError, match="unknown EXIF field"):
        exifwrite.exif_bytes({"camera": "x"})
    with pytest.raises(ValueError, match="too long"):
        exifwrite.exif_bytes({"thumbnail": b"\xff\xd8" + b"\x00" * 70_000})


def test_splice_drops_jfif_and_keeps_pixels() -> None:
    jpeg = exifwrite.encode_jpeg(_picture(), 80)
    assert jpeg[2:4] == b"\xff\xe0"  # Pillow writes JFIF first
    data = exifwrite.splice_jpeg(jpeg, exifwrite.exif_bytes({"make": "Nikon"}))
    assert data[2:4] == b"\xff\xe1" and data[6:12] == b"Exif\x00\x00"
    with Image.open(io.BytesIO(data)) as a, Image.open(io.BytesIO(jpeg)) as b:
        assert a.tobytes() == b.tobytes()
    with pytest.raises(ValueError):
        exifwrite.splice_jpeg(b"PNG...")
