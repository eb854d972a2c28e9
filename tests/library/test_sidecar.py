"""XMP sidecar writing: merge with what other tools wrote, read back by phototerm's reader."""

from __future__ import annotations

import os
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from PIL import Image

from phototerm.library.metadata.sidecar import SidecarError, sidecar_path, write_sidecar
from phototerm.library.metadata.xmp import read_sidecar

DARKTABLE = """<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:darktable="http://darktable.sf.net/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
    xmp:Rating="1"
    xmpMM:DerivedFrom="IMG_1.JPG"
    darktable:xmp_version="5"
    darktable:history_end="2">
   <darktable:history>
    <rdf:Seq>
     <rdf:li darktable:operation="exposure" darktable:enabled="1" darktable:params="00a1"/>
     <rdf:li darktable:operation="colorin" darktable:enabled="1" darktable:params="gz48eJ"/>
    </rdf:Seq>
   </darktable:history>
   <dc:subject><rdf:Bag><rdf:li>old</rdf:li></rdf:Bag></dc:subject>
   <lr:hierarchicalSubject><rdf:Bag><rdf:li>places|old</rdf:li></rdf:Bag></lr:hierarchicalSubject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "darktable": "http://darktable.sf.net/",
    "lr": "http://ns.adobe.com/lightroom/1.0/",
}


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "IMG_1.JPG"
    Image.new("RGB", (8, 8), (200, 30, 30)).save(path)
    return str(path)


def _fingerprint(path: str) -> tuple[bytes, int]:
    with open(path, "rb") as fh:
        return fh.read(), os.stat(path).st_mtime_ns


def test_round_trip_keeps_darktable_history(photo):
    before = _fingerprint(photo)
    with open(sidecar_path(photo), "w") as fh:
        fh.write(DARKTABLE)
    os.chmod(sidecar_path(photo), 0o640)
    assert write_sidecar(photo, rating=4, tags=["sea", 'b <&> "q"', "sea"]) == photo + ".xmp"
    data = read_sidecar(photo + ".xmp")
    assert data.rating == 4 and data.subjects == ("sea", 'b <&> "q"')
    root = ET.parse(photo + ".xmp").getroot()
    ops = [
        li.get(f"{{{NS['darktable']}}}operation")
        for li in root.iterfind(".//darktable:history/rdf:Seq/rdf:li", NS)
    ]
    assert ops == ["exposure", "colorin"]
    desc = root.find(".//rdf:Description", NS)
    assert desc.get("{http://ns.adobe.com/xap/1.0/mm/}DerivedFrom") == "IMG_1.JPG"
    assert desc.get(f"{{{NS['darktable']}}}history_end") == "2"
    hier = root.find(".//lr:hierarchicalSubject/rdf:Bag/rdf:li", NS)
    assert hier.text == "places|old"  # other tools' keywords are not ours to change
    text = Path(photo + ".xmp").read_text(encoding="utf-8")
    assert "darktable:history" in text and 'xmp:Rating="4"' in text  # prefixes kept
    assert text.count("Rating") == 1
    assert os.stat(photo + ".xmp").st_mode & 0o777 == 0o640
    assert _fingerprint(photo) == before  # the photo is never touched
    assert sorted(os.listdir(os.path.dirname(photo))) == ["IMG_1.JPG", "IMG_1.JPG.xmp"]


def test_reject_and_clearing(photo):
    write_sidecar(photo, rating=-1, tags=["x"])
    assert read_sidecar(photo + ".xmp").rating == -1
    write_sidecar(photo, tags=())  # rating kept, subjects gone
    data = read_sidecar(photo + ".xmp")
    assert data.rating == -1 and data.subjects == ()
    assert "subject" not in Path(photo + ".xmp").read_text()
    write_sidecar(photo, rating=None)
    assert read_sidecar(photo + ".xmp").rating is None


def test_rating_as_element_and_duplicates(photo):
    with open(photo + ".xmp", "w") as fh:
        fh.write("""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:Rating>2</xmp:Rating>
<xmp:CreatorTool>digiKam</xmp:CreatorTool></rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="3"/>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>""")
    write_sidecar(photo, rating=5)
    text = Path(photo + ".xmp").read_text(encoding="utf-8")
    assert text.startswith("<?xpacket begin") and text.rstrip().endswith('<?xpacket end="w"?>')
    assert text.count("Rating") == 2  # one element, open and close tags; the duplicate is gone
    assert read_sidecar(photo + ".xmp").rating == 5
    assert "digiKam" in text


def test_nothing_to_say_creates_no_sidecar(photo):
    assert write_sidecar(photo, rating=0, tags=[]) is None
    assert write_sidecar(photo, rating=None) is None
    assert not os.path.exists(photo + ".xmp")


@pytest.mark.parametrize(
    "content",
    [
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><unclosed></x:xmpmeta>",
        "not xml at all",
        "<?xml version='1.0'?><root>no rdf here</root>",
    ],
)
def test_unusable_sidecar_is_left_alone(photo, content):
    with open(photo + ".xmp", "w") as fh:
        fh.write(content)
    with pytest.raises(SidecarError, match="IMG_1.JPG.xmp"):
        write_sidecar(photo, rating=3)
    assert Path(photo + ".xmp").read_text() == content
    assert sorted(os.listdir(os.path.dirname(photo))) == ["IMG_1.JPG", "IMG_1.JPG.xmp"]


def test_non_utf8_photo_name(tmp_path):
    folder = os.fsencode(str(tmp_path))
    raw = os.path.join(folder, b"caf\xe9 [bold].jpg")
    Image.new("RGB", (4, 4)).save(os.fsdecode(raw), "JPEG")
    write_sidecar(os.fsdecode(raw), rating=2, tags=["t\udcff"])
    assert os.path.exists(raw + b".xmp")
    data = read_sidecar(raw + b".xmp")
    assert data.rating == 2 and data.subjects == ("t\ufffd",)


def test_unwritable_folder_gives_a_message(photo, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(SidecarError, match="Permission denied"):
        write_sidecar(photo, rating=3)


# -- values XML 1.0 forbids ----------------------------------------------------------------------

FORBIDDEN = ["sea\uffffside", "bell\x07", "form\x0cfeed", "nul\x00", "\ufffe", "lone\udcff"]


def test_tags_xml_forbids_are_made_safe_and_darktable_history_stays_readable(photo):
    side = sidecar_path(photo)
    with open(side, "w", encoding="utf-8") as fh:
        fh.write(DARKTABLE)
    write_sidecar(photo, rating=3, tags=[*FORBIDDEN, "tab\tok"])
    root = ET.parse(side).getroot()  # parses again: darktable can read it
    history = root.findall(".//darktable:history/rdf:Seq/rdf:li", NS)
    assert [li.get(f"{{{NS['darktable']}}}operation") for li in history] == [
        "exposure",
        "colorin",
    ]
    data = read_sidecar(side)
    assert data.rating == 3
    assert data.subjects == (
        "sea\ufffdside",
        "bell\ufffd",
        "form\ufffdfeed",
        "nul\ufffd",
        "\ufffd",
        "lone\ufffd",
        "tab\tok",
    )


def test_a_new_sidecar_with_forbidden_characters_parses(photo):
    write_sidecar(photo, tags=FORBIDDEN)
    ET.parse(sidecar_path(photo))  # raises if not well-formed


def test_a_sidecar_is_only_replaced_by_a_document_that_parses(photo, monkeypatch):
    from phototerm.library.metadata import sidecar as sidecar_mod

    side = sidecar_path(photo)
    with open(side, "w", encoding="utf-8") as fh:
        fh.write(DARKTABLE)
    before = _fingerprint(side)
    serialise = sidecar_mod._serialise
    # Whatever goes wrong in building the new document, the old one stays.
    monkeypatch.setattr(
        sidecar_mod, "_serialise", lambda root, packet: serialise(root, packet)[:-20]
    )
    with pytest.raises(SidecarError, match="would not be valid XML"):
        write_sidecar(photo, rating=5)
    assert _fingerprint(side) == before
    assert [p for p in os.listdir(os.path.dirname(side)) if p.endswith(".tmp")] == []


def test_tag_command_with_a_forbidden_character_writes_a_readable_sidecar(
    tmp_path, capsys, request
):
    from phototerm.cli import main
    from phototerm.cli import settings as cli_settings

    config = Path(os.environ["XDG_CONFIG_HOME"]) / "phototerm" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('sidecars = "write"\n')
    cli_settings.cache_clear()  # the CLI reads config.toml once per process
    request.addfinalizer(cli_settings.cache_clear)
    root = tmp_path / "Photos"
    root.mkdir()
    photo = root / "IMG_1.JPG"
    Image.new("RGB", (8, 8), (200, 30, 30)).save(photo)
    with open(sidecar_path(str(photo)), "w", encoding="utf-8") as fh:
        fh.write(DARKTABLE)
    code = main(
        ["tag", "add", "sea\uffffside", str(photo), "--personal", str(root), "--shared", ""]
    )
    assert code == 0, capsys.readouterr().err
    tree = ET.parse(sidecar_path(str(photo)))
    assert tree.getroot().findall(".//darktable:history/rdf:Seq/rdf:li", NS)
    assert "sea\ufffdside" in read_sidecar(sidecar_path(str(photo))).subjects
