"""`phototerm demo`: the demo library's content, reuse, safety, and the sub-command."""

from __future__ import annotations

import functools
import os
import warnings

import exifread
import pytest
from PIL import Image, ImageOps

from phototerm.cli import demo_cmd, main
from phototerm.library.photo import PHOTO, VIDEO, kind_of
from phototerm.samples import demo
from phototerm.samples.demo_plan import plan
from phototerm.samples.paint import SCENES, paint

SMALL = (160, 120)  # drawing at full size is for people; the tests only count and read


@pytest.fixture(autouse=True)
def _xdg(tmp_path, monkeypatch) -> None:
    for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> tuple[str, demo.DemoSummary]:
    root = str(tmp_path_factory.mktemp("demo") / "lib")
    return root, demo.make_demo(root, size=SMALL)


def _files(root: str) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "@eaDir"]
        out += [os.path.join(dirpath, f) for f in filenames]
    return out


def _tags(path: str) -> dict:
    with open(path, "rb") as fh:
        return exifread.process_file(fh, details=False, extract_thumbnail=True)


def _readable(path: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as img:
                img.load()
        return True
    except Exception:  # noqa: BLE001 - any failure to decode means "not readable"
        return False


def test_demo_has_cameras_years_gps_ratings_and_orientations_to_browse(library) -> None:
    root, summary = library
    files = _files(root)
    photos = [p for p in files if kind_of(os.path.basename(p)) == PHOTO]
    readable = [p for p in photos if _readable(p)]
    assert len(readable) >= 300
    assert sum(summary.photos.values()) == len(
        [p for p in readable if not os.path.basename(p).startswith("._")]
    )
    assert summary.photos[demo.PERSONAL_DIR] > 100 and summary.photos[demo.SHARED_DIR] > 100

    cameras, years, gps, rated, thumbs, orientations = set(), set(), 0, 0, 0, set()
    jpegs = [p for p in readable if p.lower().endswith((".jpg", ".jpeg"))]
    for path in jpegs:
        tags = _tags(path)
        if "Image Model" in tags:
            cameras.add(f"{tags['Image Make']} {tags['Image Model']}")
        date = str(tags.get("EXIF DateTimeOriginal", ""))
        if date[:4].isdigit() and date[:4] != "0000":
            years.add(int(date[:4]))
        gps += "GPS GPSLatitude" in tags
        rated += "Image Rating" in tags
        thumbs += bool(tags.get("JPEGThumbnail"))
        if "Image Orientation" in tags:
            orientations.add(tags["Image Orientation"].values[0])
        if "EXIF ISOSpeedRatings" in tags:
            assert "EXIF FNumber" in tags and "EXIF ExposureTime" in tags
            assert "EXIF FocalLength" in tags
    assert len(cameras) >= 5
    assert len(years) >= 3
    assert 0 < gps < len(jpegs)
    assert 0 < rated < len(jpegs)
    assert thumbs >= 300
    assert {1, 6, 8} <= orientations
    assert len(summary.cameras) >= 5 and len(summary.years) >= 3

    # Folders by year and event, in both spaces.
    assert os.path.isdir(os.path.join(root, "Personal", "2021", "2021-07-14 Lake Annecy"))
    for space in ("Personal", "Shared"):
        years_here = [d for d in os.listdir(os.path.join(root, space)) if d.isdigit()]
        assert len(years_here) >= 3

    names = {os.path.basename(p) for p in files}
    assert any(n.endswith((".JPG.xmp", ".jpg.xmp")) for n in names)
    sidecars = [p for p in files if p.endswith(".xmp")]
    assert len(sidecars) >= 3
    for path in sidecars:
        with open(path, "rb") as fh:
            assert b"xmp:Rating=" in fh.read()
    assert any(kind_of(n) == VIDEO for n in names)
    assert any(
        n.endswith(".png") and _readable(os.path.join(root, "Personal", "Screenshots", n))
        for n in names
        if n.startswith("Screenshot")
    )


def test_broken_and_hostile_files(library) -> None:
    root, summary = library
    unsorted = os.path.join(root, "Personal", "Unsorted")
    assert os.path.getsize(os.path.join(unsorted, "empty.jpg")) == 0
    assert not _readable(os.path.join(unsorted, "notes.jpg"))
    with pytest.raises(Image.DecompressionBombError):
        Image.open(os.path.join(unsorted, "huge.png"))
    truncated = os.path.join(unsorted, "truncated.jpg")
    assert "Image Make" in _tags(truncated)  # the header survives...
    assert not _readable(truncated)  # ...the pixels do not
    assert summary.broken[demo.PERSONAL_DIR] == 4
    assert _readable(os.path.join(unsorted, "[bold]beach.jpg"))
    assert _readable(os.path.join(unsorted, "[@click=app.quit]sunset.jpg"))
    raw_names = os.listdir(os.fsencode(unsorted))
    assert b"caf\xe9 terrasse.jpg" in raw_names or summary.skipped
    hostile = _tags(os.path.join(unsorted, "IMG_0000.JPG"))
    value = hostile["Image ImageDescription"].values  # bytes: it is not valid UTF-8
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")
    assert b"\x1b]0;pwned\x07" in raw and b"[/]" in raw


def test_portraits_are_stored_rotated(library) -> None:
    root, _ = library
    seen = set()
    for path in _files(root):
        if not path.endswith((".JPG", ".jpg")) or not _readable(path):
            continue
        with Image.open(path) as img:
            orientation = img.getexif().get(0x0112, 1)
            if orientation in (6, 8):
                assert img.size == SMALL  # sensor pixels, landscape
                upright = ImageOps.exif_transpose(img)
                assert upright.size == (SMALL[1], SMALL[0])
                seen.add(orientation)
    assert seen == {6, 8}


def test_reuse_is_instant_and_changes_nothing(library) -> None:
    root, first = library
    marker = os.path.join(root, demo.MARKER)
    before = os.stat(marker).st_mtime_ns
    again = demo.make_demo(root, size=SMALL)
    assert not again.created
    assert again.photos == first.photos and again.folders == first.folders
    assert again.skipped == first.skipped
    assert os.stat(marker).st_mtime_ns == before


@pytest.fixture()
def short_plan(monkeypatch) -> None:
    """Every odd file but only every tenth event photo: for tests of the machinery."""

    def shorter() -> tuple[list, list]:
        shots, extras = plan()
        keep = [s for i, s in enumerate(shots) if i % 10 == 0 or "/20" not in s.rel]
        return keep, extras

    monkeypatch.setattr(demo, "plan", shorter)


def test_stale_library_is_redrawn_without_touching_other_files(tmp_path, short_plan) -> None:
    root = tmp_path / "lib"
    demo.make_demo(root, size=(96, 72), workers=1)
    mine = root / "Personal" / "2021" / "2021-07-14 Lake Annecy" / "my own photo.jpg"
    mine.write_bytes(b"precious")
    summary = demo.make_demo(root, size=SMALL, workers=2)  # another size: a stale library
    assert summary.created
    assert mine.read_bytes() == b"precious"
    with Image.open(root / "Shared" / "Scans" / "Beach 1992.jpg") as img:
        assert img.size == SMALL


def test_interrupted_run_is_cleaned_up(tmp_path, short_plan) -> None:
    root = tmp_path / "lib"
    demo.make_demo(root, size=(96, 72), workers=1)
    marker = root / demo.MARKER
    marker.write_text(marker.read_text().replace('"complete": true', '"complete": false'))
    assert demo.make_demo(root, size=(96, 72), workers=1).created


def test_refuses_a_folder_that_is_not_a_demo(tmp_path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "IMG_1.JPG").write_bytes(b"mine")
    with pytest.raises(demo.DemoError, match="not empty"):
        demo.make_demo(tmp_path / "photos", size=SMALL)
    assert os.listdir(tmp_path / "photos") == ["IMG_1.JPG"]


def test_plan_and_pictures_are_deterministic() -> None:
    a, b = plan(), plan()
    assert [s.rel for s in a[0]] == [s.rel for s in b[0]]
    assert [s.fields for s in a[0]] == [s.fields for s in b[0]]
    for name in SCENES:  # every scene draws, the same each time, and is not one flat colour
        one, two = paint(7, (120, 90), name), paint(7, (120, 90), name)
        assert one.tobytes() == two.tobytes()
        extrema = one.convert("L").getextrema()
        assert extrema[1] - extrema[0] > 40, name


# ------------------------------------------------------------------ the sub-command


@pytest.fixture()
def small_demo(monkeypatch, short_plan) -> None:
    monkeypatch.setattr(demo, "make_demo", functools.partial(demo.make_demo, size=SMALL))


def test_cli_creates_in_cache_dir_and_prints_browse_command(tmp_path, capsys, small_demo) -> None:
    assert main(["demo", "--no-open"]) == 0
    out = capsys.readouterr().out
    root = tmp_path / "xdg_cache_home" / "phototerm" / "demo"
    assert f"Created the demo library at {root}" in out
    assert "Personal Space:" in out and "Shared Space:" in out
    assert "2021/2021-07-14 Lake Annecy" in out
    assert f"phototerm --personal {root}/Personal --shared {root}/Shared" in out
    # Its Shared Space has roles, like a real one (its creator owns it, and manages it).
    assert (root / "Shared" / ".phototerm" / "access.toml").read_text() == "[users]\n\n[groups]\n"
    assert main(["demo", "--no-open"]) == 0
    assert "Reusing the demo library" in capsys.readouterr().out


def test_cli_opens_the_browser_when_there_is_one(tmp_path, monkeypatch, capsys, small_demo) -> None:
    calls = []
    themes: list[str | None] = []

    def fake_open(personal: str, shared: str, theme: str | None = None) -> int:
        calls.append((personal, shared))
        themes.append(theme)
        return 0

    monkeypatch.setattr(demo_cmd, "_find_opener", lambda: fake_open)
    monkeypatch.setattr(demo_cmd, "_interactive", lambda: True)
    root = tmp_path / "d"
    assert main(["demo", str(root)]) == 0
    assert calls == [(str(root / "Personal"), str(root / "Shared"))]
    assert main(["demo", str(root), "--no-open"]) == 0
    assert len(calls) == 1
    assert main(["--theme", "phototerm-mono", "demo", str(root)]) == 0  # the browser's option
    assert themes == [None, "phototerm-mono"]
    monkeypatch.setattr(demo_cmd, "_find_opener", lambda: None)
    assert main(["demo", str(root)]) == 0
    assert "Browse it with:" in capsys.readouterr().out


def test_cli_bad_input_exits_2(tmp_path, capsys) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    assert main(["demo", str(tmp_path / "full"), "--no-open"]) == 2
    assert "not a phototerm demo library" in capsys.readouterr().err
    assert main(["demo", "a", "b"]) == 2
    assert main(["demo", "--bogus"]) == 2


def test_cli_unwritable_place_is_a_message(tmp_path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["demo", str(blocker / "sub"), "--no-open"]) in (1, 2)
    err = capsys.readouterr().err
    assert err.startswith("phototerm: ") and "Traceback" not in err
