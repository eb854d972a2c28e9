"""RAW+JPEG pairs and Live Photos: one item in every list, matched by either file, edited and
put in albums whole, listed once by ``ls`` (``--json`` names the other file), kept by the
snapshot, redone when files come and go; and the video keys ``duration:`` and ``codec:``."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from conftest import Shot, make_library, write_config
from formats_fixtures import write_dng

from phototerm.cli import main
from phototerm.library.index import Index
from phototerm.library.photo import VIDEO, Photo
from phototerm.library.query import QueryError, parse
from phototerm.library.query.reference import matches

DAY = datetime(2023, 5, 14, 10, 0, 0)


def _main(root: Path, *argv: str) -> int:
    return main([*argv, "--personal", str(root), "--shared", ""])


def photo(rel: str, **fields: object) -> Photo:
    return Photo("personal", "/lib", rel, size=100, mtime=1.0, taken=1e9, **fields)  # type: ignore[arg-type]


def index_of(*photos: Photo, raw_jpeg: bool = True) -> Index:
    index = Index()
    index.set_pairing(raw_jpeg)
    index.add_many(photos)
    return index


def rels(index: Index, query: str = "") -> list[str]:
    return sorted(index.get(i).rel for i in index.search(query))


LIBRARY = (
    photo("a/IMG_1.JPG"),
    photo("a/IMG_1.CR2"),
    photo("a/IMG_2.HEIC"),
    photo("a/IMG_2.MOV", kind=VIDEO, duration=2.5, codec="hevc"),
    photo("a/IMG_3.NEF"),  # a RAW alone
    photo("a/clip.mp4", kind=VIDEO, duration=75.0, codec="h264"),
    photo("b/IMG_1.CR2"),  # another folder: no pair
)


def test_a_pair_is_one_item_listed_by_its_still() -> None:
    index = index_of(*LIBRARY)
    assert rels(index) == ["a/IMG_1.JPG", "a/IMG_2.HEIC", "a/IMG_3.NEF", "a/clip.mp4",
                           "b/IMG_1.CR2"]  # fmt: skip
    jpeg = index.id_of("personal", "a/IMG_1.JPG")
    assert index.get(jpeg).pair == "a/IMG_1.CR2" and index.pair_kind(jpeg) == "RAW+JPEG"
    heic = index.get(index.id_of("personal", "a/IMG_2.HEIC"))
    assert (heic.pair, heic.pair_kind) == ("a/IMG_2.MOV", "LIVE")
    assert index.count("") == 5


def test_a_pair_matches_when_either_file_does() -> None:
    index = index_of(*LIBRARY)
    assert rels(index, "type:raw") == ["a/IMG_1.JPG", "a/IMG_3.NEF", "b/IMG_1.CR2"]
    assert rels(index, "-type:raw") == ["a/IMG_2.HEIC", "a/clip.mp4"]
    assert rels(index, "name:*.cr2") == ["a/IMG_1.JPG", "b/IMG_1.CR2"]
    assert rels(index, "type:video") == ["a/IMG_2.HEIC", "a/clip.mp4"]
    assert rels(index, "duration:1..3") == ["a/IMG_2.HEIC"]
    assert rels(index, "codec:h265") == ["a/IMG_2.HEIC"]  # an alias of hevc


def test_pairing_raw_and_jpeg_can_be_turned_off() -> None:
    index = index_of(*LIBRARY, raw_jpeg=False)
    assert "a/IMG_1.CR2" in rels(index)
    assert rels(index, "type:raw") == ["a/IMG_1.CR2", "a/IMG_3.NEF", "b/IMG_1.CR2"]
    assert index.get(index.id_of("personal", "a/IMG_2.HEIC")).pair == "a/IMG_2.MOV"  # Live
    index.set_pairing(True)
    assert "a/IMG_1.CR2" not in rels(index)


def test_pairs_follow_files_that_come_and_go() -> None:
    index = index_of(photo("a/IMG_1.CR2"))
    assert rels(index) == ["a/IMG_1.CR2"]
    index.add(photo("a/IMG_1.JPG"))
    assert rels(index) == ["a/IMG_1.JPG"]
    index.remove("personal", "a/IMG_1.JPG")
    assert rels(index) == ["a/IMG_1.CR2"]
    assert index.get(index.id_of("personal", "a/IMG_1.CR2")).pair == ""


def test_a_still_with_a_raw_and_a_movie_pairs_the_raw() -> None:
    index = index_of(photo("IMG_1.JPG"), photo("IMG_1.CR2"), photo("IMG_1.MOV", kind=VIDEO))
    assert rels(index) == ["IMG_1.JPG", "IMG_1.MOV"]
    live = index_of(photo("IMG_1.HEIC"), photo("IMG_1.JPG"), photo("IMG_1.MOV", kind=VIDEO))
    assert rels(live) == ["IMG_1.HEIC", "IMG_1.JPG"]  # the HEIC is the Live Photo's still


def test_the_reference_matcher_agrees_on_pairs() -> None:
    index = index_of(*LIBRARY)
    shown = index.search("")
    for text in ("type:raw", "-type:raw", "type:video -duration:>10", "codec:hevc OR iso:100",
                 "NOT (name:*.mov)", "duration:>=75", "name:img_1"):  # fmt: skip
        query = parse(text)
        expected = []
        for i in shown:
            partner = index.pair_of(i)
            pair = None if partner is None else (index.get(partner), (), 0)
            if matches(query, index.get(i), pair=pair):
                expected.append(i)
        assert sorted(index.search(text)) == sorted(expected), text


def test_timeline_of_a_library_with_pairs_lists_each_item_once() -> None:
    index = index_of(*LIBRARY)
    ids, groups, labels = index.timeline("day", descending=True)
    assert sorted(ids) == sorted(index.search(""))
    assert sum(g.count for g in groups) == len(ids) == 5
    along = [labels[i] for i in ids]
    assert along == sorted(set(along))  # they increase along the ids: a position is bisected


@pytest.mark.parametrize(
    ("query", "where"),
    [("duration:abc", 9), ("duration:1..x", 12), ("duration:", 9), ('codec:"a b"', 7)],
)
def test_bad_video_values_are_query_errors(query: str, where: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.position == where  # the column points at the bad value


def test_duration_values() -> None:
    index = index_of(*LIBRARY)
    assert rels(index, "duration:>60") == ["a/clip.mp4"]
    assert rels(index, "duration:1:15") == ["a/clip.mp4"]  # m:ss
    assert rels(index, "duration:>=1m") == ["a/clip.mp4"]
    assert rels(index, "duration:<2.5") == []
    assert rels(index, "duration:<=2.5s") == ["a/IMG_2.HEIC"]


# -- whole libraries on disk, through the command line ---------------------------------------------


@pytest.fixture
def pairs_library(tmp_path: Path) -> Path:
    root = make_library(
        tmp_path / "Photos", [Shot("2023/IMG_1.JPG", DAY), Shot("2023/IMG_2.JPG", DAY)]
    )
    write_dng(root / "2023" / "IMG_1.DNG")
    return root


def test_ls_lists_a_pair_once_and_json_names_the_other_file(pairs_library, capsys):
    root = pairs_library
    assert _main(root, "ls") == 0
    assert capsys.readouterr().out.splitlines() == [
        str(root / "2023" / "IMG_1.JPG"),
        str(root / "2023" / "IMG_2.JPG"),
    ]
    assert _main(root, "ls", "--json", "type:raw") == 0
    (line,) = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert record["path"] == str(root / "2023" / "IMG_1.JPG")
    assert record["pair"] == str(root / "2023" / "IMG_1.DNG")
    assert record["pair_kind"] == "RAW+JPEG"
    assert _main(root, "ls", "duration:abc") == 2
    assert "not a duration" in capsys.readouterr().err


def test_pair_raw_jpeg_false_shows_them_apart(pairs_library, capsys):
    write_config("pair_raw_jpeg = false\n")
    assert _main(pairs_library, "ls", "--no-rescan") == 0  # from the snapshot, pairs redone
    assert len(capsys.readouterr().out.splitlines()) == 3
    write_config("pair_raw_jpeg = 1\n")
    assert _main(pairs_library, "ls") == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2  # the default, with a note about the value
    assert "pair_raw_jpeg" in captured.err


def test_edits_and_albums_apply_to_both_files(pairs_library, capsys):
    root = pairs_library
    jpeg = str(root / "2023" / "IMG_1.JPG")
    assert _main(root, "rate", "4", jpeg) == 0
    assert capsys.readouterr().out.strip() == "Rated 1 photo 4 stars"
    assert _main(root, "tag", "add", "trip", jpeg) == 0
    assert _main(root, "album", "create", "Best") == 0
    assert _main(root, "album", "add", "Best", jpeg) == 0
    assert "Added 1 photo" in capsys.readouterr().out
    db = sqlite3.connect(root / ".phototerm" / "library.db")
    rows = dict(db.execute("SELECT rel, rating FROM photo").fetchall())
    assert rows == {"2023/IMG_1.JPG": 4, "2023/IMG_1.DNG": 4}  # both rows, one edit
    tags = dict(db.execute("SELECT rel, tags FROM photo").fetchall())
    assert tags["2023/IMG_1.DNG"] == tags["2023/IMG_1.JPG"] == "trip"
    members = {r for (r,) in db.execute("SELECT rel FROM album_member")}
    assert members == {"2023/IMG_1.JPG", "2023/IMG_1.DNG"}
    db.close()
    assert _main(root, "album", "show", "Best") == 0
    assert capsys.readouterr().out.splitlines() == [jpeg]  # the album lists the item once
    assert _main(root, "ls", "rating:4 tag:trip") == 0
    assert capsys.readouterr().out.splitlines() == [jpeg]


def test_rejected_pairs_go_to_recycle_together(pairs_library, capsys):
    root = pairs_library
    assert _main(root, "rate", "-1", str(root / "2023" / "IMG_1.JPG")) == 0
    assert _main(root, "recycle-rejects", "--yes") == 0
    moved = sorted(os.listdir(root / "#recycle" / "2023"))
    assert moved == ["IMG_1.DNG", "IMG_1.JPG"]


def test_a_snapshot_keeps_pairs_and_video_fields(tmp_path):
    from phototerm.library.index import snapshot

    index = index_of(*LIBRARY)
    assert snapshot.save(tmp_path / "s.index", index, [("personal", "/lib")]) == ""
    loaded = snapshot.load(tmp_path / "s.index", [("personal", "/lib")])
    assert loaded.problem == "" and loaded.index is not None
    again = loaded.index
    assert rels(again) == rels(index)
    clip = again.get(again.id_of("personal", "a/clip.mp4"))
    assert (clip.duration, clip.codec) == (75.0, "h264")
    assert again.get(again.id_of("personal", "a/IMG_1.JPG")).pair == "a/IMG_1.CR2"
    assert again._pairs.dirty == set()  # a start settles nothing


def test_index_reports_files_each_on_its_own(tmp_path, capsys):
    # A broken RAW beside a good JPEG: the problem names the RAW (not the pair's JPEG, with
    # no reason), and the summary counts files.
    root = make_library(tmp_path / "Photos", [Shot("IMG_1.JPG", DAY)])
    (root / "IMG_1.CR2").write_text("not a raw file")
    assert _main(root, "index") == 0
    out = capsys.readouterr().out
    assert "\n2 photos, 0 videos in " in out
    assert f"  {root / 'IMG_1.CR2'}: not a RAW file (unrecognised content)\n" in out
    assert f"{root / 'IMG_1.JPG'}:" not in out
    assert _main(root, "ls", "is:error") == 0  # as an item, the pair has a problem
    assert capsys.readouterr().out.splitlines() == [str(root / "IMG_1.JPG")]


# -- sharing: a pair is one photo on a share link, and its files go out together -----------------


def test_a_shared_pair_is_one_photo_on_the_link_and_exports_both_files(
    pairs_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    from phototerm.library import load_settings, open_library
    from phototerm.library.spaces import SpaceRoot, SpaceSetup
    from phototerm.serve.catalog import Catalog

    root = pairs_library
    setup = SpaceSetup((SpaceRoot("personal", str(root)),), ())
    with open_library(load_settings(), setup, writable=True) as library:
        editor = library.editor
        assert editor is not None
        items = library.index.search("")
        assert len(items) == 2  # IMG_1 (JPEG with its DNG) and IMG_2
        made = editor.shares.link_selection(items, now=dt.datetime(2026, 12, 1, 14, 3))
        assert made.ok and made.share is not None
        assert made.message == "Shared 2 photos as the album 'Shared 2026-12-01 14:03'"
        catalog = Catalog(library.index, library.stores, editor)
        shared = catalog.link(made.share.token)
        assert shared is not None
        assert sorted(s.photo.rel for s in shared.photos) == ["2023/IMG_1.JPG", "2023/IMG_2.JPG"]
        album = made.album
    dest = tmp_path / "out"
    assert _main(root, "export", "--album", album, str(dest)) == 0
    assert sorted(os.listdir(dest)) == ["IMG_1.DNG", "IMG_1.JPG", "IMG_2.JPG"]


def test_pairs_follow_moves_and_removals_in_the_live_timeline() -> None:
    # Live updates keep removed rows (dead) and move photos to new rows: the timeline's
    # shortcut and the pair links must agree with a search after both.
    index = index_of(*LIBRARY)
    index.remove("personal", "a/IMG_3.NEF")
    index.move_many("personal", [("b/IMG_1.CR2", "a/IMG_3.CR2"), ("a/IMG_1.CR2", "c/IMG_1.CR2")])
    assert rels(index) == ["a/IMG_1.JPG", "a/IMG_2.HEIC", "a/IMG_3.CR2", "a/clip.mp4",
                           "c/IMG_1.CR2"]  # fmt: skip
    jpeg = index.id_of("personal", "a/IMG_1.JPG")
    assert jpeg is not None and index.pair_of(jpeg) is None  # its RAW moved away
    fast = index.timeline("day", descending=True)
    assert fast is not None
    ids, groups, labels = fast
    assert list(ids) == index.search("", sort="taken", descending=True)
    assert sum(g.count for g in groups) == len(ids) == 5
    along = [labels[i] for i in ids]
    assert along == sorted(set(along))
    index.move_many("personal", [("c/IMG_1.CR2", "a/IMG_1.CR2")])  # and back: a pair again
    assert jpeg is not None and index.pair_of(jpeg) == index.id_of("personal", "a/IMG_1.CR2")
    assert len(index.timeline("day", descending=True)[0]) == 4  # type: ignore[index]
