"""The columnar Index: every query key on a known library, sorts, groups, overlays, albums,
lookups and mutations, hostile values, facets, and a 1M-record smoke test."""

from __future__ import annotations

import math
import threading
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phototerm.library.index import Facets, Group, Index
from phototerm.library.photo import PERSONAL, SHARED, VIDEO, Photo
from phototerm.library.query import QueryError, fold, parse
from phototerm.library.querymatch import matches
from phototerm.library.synth import synthesize

ROOTS = {PERSONAL: "/lib/Personal", SHARED: "/lib/Shared"}


def ts(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> float:
    return datetime(y, m, d, hh, mm, tzinfo=UTC).timestamp()


def photo(rel: str, space: str = PERSONAL, **kw) -> Photo:
    return Photo(space=space, root=ROOTS[space], rel=rel, **kw)


CANON = {"make": "Canon", "model": "Canon EOS R6"}
NIKON = {"make": "NIKON CORPORATION", "model": "NIKON Z 6"}

# ids 0..8 in this order (a fresh index numbers records as they come)
LIBRARY = [
    photo(
        "2019/2019-07-14 Paris trip/IMG_0001.JPG",
        taken=ts(2019, 7, 14, 9),
        **CANON,
        lens="RF24-105mm F4 L IS USM",
        iso=100,
        fnumber=4.0,
        focal=24.0,
        exposure=1 / 250,
        size=5_000_000,
        mtime=500.0,
        rating=5,
        lat=48.85,
        lon=2.35,
        width=6000,
        height=4000,
    ),
    photo(
        "2019/2019-07-14 Paris trip/IMG_0002.CR3",
        taken=ts(2019, 7, 14, 10),
        **CANON,
        iso=1600,
        fnumber=2.8,
        focal=50.0,
        size=25_000_000,
        mtime=400.0,
        rating=-1,
    ),
    photo(
        "2019/2019-07-14 Paris trip/MVI_0003.MP4",
        kind=VIDEO,
        taken=ts(2019, 7, 14, 11),
        **CANON,
        size=90_000_000,
        mtime=300.0,
    ),
    photo(
        "2020/Zürich/DSC_0100.NEF",
        taken=ts(2020, 1, 5),
        **NIKON,
        lens="NIKKOR Z 35mm f/1.8 S",
        iso=800,
        fnumber=1.8,
        focal=35.0,
        exposure=1 / 60,
        size=30_000_000,
        mtime=200.0,
        rating=3,
        description="Café by the lake",
    ),
    photo(
        "2020/Zürich/DSC_0101.jpg",
        taken=ts(2020, 1, 5),
        **NIKON,
        iso=200,
        fnumber=8.0,
        focal=70.0,
        size=6_000_000,
        mtime=100.0,
        tags=("family", "Zoé"),
    ),
    photo(
        "2021/IMG_5000.HEIC",
        taken=ts(2021, 12, 31, 23, 59),
        make="Apple",
        model="iPhone 12 Pro",
        iso=32,
        fnumber=1.6,
        focal=4.2,
        size=2_000_000,
        mtime=50.0,
        rating=4,
        lat=40.7,
        lon=-74.0,
        tz_offset=-300,
    ),
    photo("broken.jpg", error="cannot identify image file", mtime=10.0),
    photo(
        "Family/2019/2019-07-20 Beach/IMG_0001.JPG",
        SHARED,
        taken=ts(2019, 7, 20),
        make="Canon",
        model="Canon EOS 5D Mark III",
        iso=6400,
        fnumber=2.0,
        focal=85.0,
        size=8_000_000,
        mtime=900.0,
        rating=2,
        lat=43.3,
        lon=-1.5,
    ),
    photo(
        "Family/2023/2023-05-14 Garden/PXL_20230514.jpg",
        SHARED,
        taken=ts(2023, 5, 14),
        make="Google",
        model="Pixel 7",
        iso=50,
        fnumber=1.9,
        focal=6.8,
        size=3_000_000,
        mtime=800.0,
        rating=1,
    ),
]


@pytest.fixture
def ix() -> Index:
    index = Index()
    assert index.add_many(LIBRARY) == list(range(len(LIBRARY)))
    return index


def found(ix: Index, query: str) -> set[int]:
    return set(ix.search(query))


# -- every key --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", set(range(9))),
        # free words: name, folder, camera, lens, description, tags (album names: below)
        ("paris", {0, 1, 2}),
        ("ZÜRICH", {3, 4}),
        ("zurich", {3, 4}),
        ("cafe", {3}),
        ("LAKE", {3}),
        ("zoe", {4}),
        ("family", {4, 7, 8}),
        ("canon", {0, 1, 2, 7}),
        ('"eos r6"', {0, 1, 2}),
        ('"paris trip"', {0, 1, 2}),
        ("nikkor", {3}),
        ("img_0001", {0, 7}),
        ("pixel", {8}),
        ("nothing-like-this", set()),
        # keys
        ("camera:canon", {0, 1, 2, 7}),
        ('camera:"EOS R6"', {0, 1, 2}),
        ('camera:"nikon corporation"', {3, 4}),
        ("camera:iphone", {5}),
        ("make:nikon", {3, 4}),
        ('model:"z 6"', {3, 4}),
        ('lens:"f/1.8"', {3}),
        ("lens:rf24", {0}),
        ("rating:5", {0}),
        ("rating:>=4", {0, 5}),
        ("rating:0", {2, 4, 6}),
        ("rating:-1", {1}),
        ("rating:1..3", {3, 7, 8}),
        ("rating:<1", {1, 2, 4, 6}),
        ("is:rated", {0, 3, 5, 7, 8}),
        ("type:video", {2}),
        ("type:photo", {0, 1, 3, 4, 5, 6, 7, 8}),
        ("type:raw", {1, 3}),
        ("is:raw", {1, 3}),
        ("iso:>=800", {1, 3, 7}),
        ("iso:800", {3}),
        ("iso:<100", {5, 8}),  # unknown ISO (0) never matches
        ("iso:100..800", {0, 3, 4}),
        ("f:<=2", {3, 5, 7, 8}),
        ("f:2.8", {1}),
        ("f:f/2.8", {1}),
        ("f:>4", {4}),
        ("f:<2", {3, 5, 8}),
        ("f:>=4", {0, 4}),
        ("mm:35..50", {1, 3}),
        ("mm:>=70", {4, 7}),
        ("mm:4.2", {5}),
        ("shutter:<=1/250", {0}),
        ("shutter:>1/250", {3}),
        ("size:>10mb", {1, 2, 3}),
        ("size:<1kb", {6}),
        ("size:5mb", {0}),
        ("date:2019", {0, 1, 2, 7}),
        ("date:2019-07-14", {0, 1, 2}),
        ("date:2019-07", {0, 1, 2, 7}),
        ("date:2020..2021", {3, 4, 5}),
        ("date:2019-07-15..2020-01-05", {3, 4, 7}),
        ("date:>2020", {5, 8}),
        ("date:<2020", {0, 1, 2, 7}),
        ("date:2021-12-31", {5}),
        ("year:2023", {8}),
        ("year:>=2021", {5, 8}),
        ("month:7", {0, 1, 2, 7}),
        ("month:jan", {3, 4}),
        ("month:December", {5}),
        ("month:11..2", {3, 4, 5}),
        ("folder:2019", {0, 1, 2}),
        ('folder:"2020/zurich"', {3, 4}),
        ("folder:family", {7, 8}),
        ('folder:"Family/2019"', {7}),
        ("space:shared", {7, 8}),
        ("space:personal", {0, 1, 2, 3, 4, 5, 6}),
        ("has:gps", {0, 5, 7}),
        ("has:description", {3}),
        ("has:tags", {4}),
        ("is:error", {6}),
        ("name:*.jpg", {0, 4, 6, 7, 8}),
        ("name:*.HEIC", {5}),
        ("name:img_????.*", {0, 1, 5, 7}),
        ("name:dsc", {3, 4}),
        ("name:dsc_010?.*", {3, 4}),
        ("tag:family", {4}),
        ("tag:ZOE", {4}),
        ("tag:fam", set()),  # a tag matches whole
        ("album:anything", set()),
        # boolean logic and precedence
        ("canon -type:video", {0, 1, 7}),
        ("canon OR nikon", {0, 1, 2, 3, 4, 7}),
        ("(camera:canon OR make:nikon) rating:>=3", {0, 3}),
        ("NOT space:personal", {7, 8}),
        ("-paris canon", {7}),
        ("zurich rating:3 OR rating:5", {0, 3}),
        ("zurich (rating:3 OR rating:5)", {3}),
        ("-(canon OR nikon) -is:error", {5, 8}),
        ("type:photo|video space:shared", {7, 8}),
        ("rating:5|-1", {0, 1}),
    ],
)
def test_query(ix: Index, query: str, expected: set[int]) -> None:
    assert found(ix, query) == expected


def test_bad_query_raises_query_error(ix: Index) -> None:
    with pytest.raises(QueryError) as info:
        ix.search("rating:>=4 colour:red")
    assert info.value.position == 11
    with pytest.raises(ValueError, match="unknown sort key"):
        ix.search("", sort="colour")


def test_count_and_within(ix: Index) -> None:
    assert ix.count("canon") == 4
    assert ix.count() == len(ix) == 9
    assert ix.search("canon", within=[7, 0, 5, 99, -3]) == [0, 7]  # sorted by capture time
    assert ix.search("", sort="none", within=[7, 0, 5, 7]) == [7, 0, 5]  # within's own order
    assert ix.search("", within=[]) == []


# -- sorting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "ascending", "descending"),
    [
        # no date first; 3 and 4 share a second: their path decides, in both directions
        ("taken", [6, 0, 1, 2, 7, 3, 4, 5, 8], [8, 5, 3, 4, 7, 2, 1, 0, 6]),
        # names compare folded; the two IMG_0001.JPG: personal before shared
        ("name", [6, 3, 4, 0, 7, 1, 5, 2, 8], [8, 2, 5, 1, 0, 7, 4, 3, 6]),
        ("size", [6, 5, 8, 0, 4, 7, 1, 3, 2], [2, 3, 1, 7, 4, 0, 8, 5, 6]),
        ("mtime", [6, 5, 4, 3, 2, 1, 0, 8, 7], [7, 8, 0, 1, 2, 3, 4, 5, 6]),
        # rating ties (0: 6, 2, 4) keep the path order both ways
        ("rating", [1, 6, 2, 4, 8, 7, 3, 5, 0], [0, 5, 3, 7, 8, 6, 2, 4, 1]),
        ("path", [6, 0, 1, 2, 3, 4, 5, 7, 8], [8, 7, 5, 4, 3, 2, 1, 0, 6]),
    ],
)
def test_sorts(ix: Index, sort: str, ascending: list[int], descending: list[int]) -> None:
    assert ix.search(sort=sort) == ascending
    assert ix.search(sort=sort, descending=True) == descending
    # a subset keeps the same relative order
    subset = [i for i in ascending if i % 2 == 0]
    assert ix.search(sort=sort, within=subset) == subset


def test_sort_is_stable_by_path_for_many_ties() -> None:
    index = Index()
    rels = [f"f{i % 7}/n{(i * 37) % 101:03d}.jpg" for i in range(101)]
    index.add_many(photo(r, taken=ts(2020, 1, 1), rating=2) for r in rels)
    expected = [index.id_of(PERSONAL, r) for r in sorted(rels, key=lambda r: r.split("/"))]
    assert index.search(sort="taken") == expected
    assert index.search(sort="taken", descending=True) == expected
    assert index.search(sort="rating") == expected
    # large results take the other ordering path (walking the sort order): same answer
    assert index.search("rating:2", sort="taken") == expected
    assert index.search("n0", sort="taken") == [i for i in expected if "/n0" in rels[i]]


def test_sort_orders_follow_changes(ix: Index) -> None:
    assert ix.search(sort="rating")[-1] == 0
    ix.set_override(6, rating=5)  # the unknown-date photo now ties with 0 at 5 stars
    assert ix.search(sort="rating")[-2:] == [6, 0]  # ties by path: "broken.jpg" first
    ix.add(photo("2021/IMG_5000.HEIC", taken=ts(2018, 1, 1), size=1))  # same path: new values
    assert ix.search(sort="taken")[:2] == [6, 5]
    assert ix.search(sort="size")[:2] == [6, 5]
    new = ix.add(photo("0/first.jpg", taken=ts(2000, 1, 1)))
    assert ix.search(sort="path")[:2] == [6, new]  # the root folder ("") comes first
    assert ix.search(sort="taken")[1] == new


# -- groups -----------------------------------------------------------------------------------


def test_group_by_day_month_year(ix: Index) -> None:
    ids = ix.search(sort="taken")
    assert ix.group(ids, "day") == [
        Group("unknown", "Unknown date", 0, 1),
        Group("2019-07-14", "Sunday 14 July 2019", 1, 3),
        Group("2019-07-20", "Saturday 20 July 2019", 4, 1),
        Group("2020-01-05", "Sunday 5 January 2020", 5, 2),
        Group("2021-12-31", "Friday 31 December 2021", 7, 1),
        Group("2023-05-14", "Sunday 14 May 2023", 8, 1),
    ]
    assert [(g.label, g.start, g.count) for g in ix.group(ids, "month")] == [
        ("Unknown date", 0, 1),
        ("July 2019", 1, 4),
        ("January 2020", 5, 2),
        ("December 2021", 7, 1),
        ("May 2023", 8, 1),
    ]
    assert [(g.key, g.count) for g in ix.group(ids, "year")] == [
        ("unknown", 1),
        ("2019", 4),
        ("2020", 2),
        ("2021", 1),
        ("2023", 1),
    ]


def test_groups_follow_the_order_given(ix: Index) -> None:
    assert [(g.key, g.start, g.count) for g in ix.group([0, 7, 1, 2], "day")] == [
        ("2019-07-14", 0, 1),
        ("2019-07-20", 1, 1),
        ("2019-07-14", 2, 2),
    ]
    assert ix.group([], "day") == []
    with pytest.raises(ValueError, match="unknown grouping"):
        ix.group([0], "week")


def test_group_by_folder(ix: Index) -> None:
    groups = ix.group(ix.search(sort="path"), "folder")
    assert [(g.key, g.label, g.count) for g in groups] == [
        ("personal:", "Personal Space", 1),
        ("personal:2019/2019-07-14 Paris trip", "Personal Space / 2019/2019-07-14 Paris trip", 3),
        ("personal:2020/Zürich", "Personal Space / 2020/Zürich", 2),
        ("personal:2021", "Personal Space / 2021", 1),
        ("shared:Family/2019/2019-07-20 Beach", "Shared Space / Family/2019/2019-07-20 Beach", 1),
        ("shared:Family/2023/2023-05-14 Garden", "Shared Space / Family/2023/2023-05-14 Garden", 1),
    ]


# -- records: get, lookups, add/replace/remove -----------------------------------------------


def test_get_rebuilds_the_record(ix: Index) -> None:
    for i, original in enumerate(LIBRARY):
        got = ix.get(i)
        assert got == original, (i, got, original)
    assert ix.get(5).tz_offset == -300
    assert ix.get(3).exposure == 1 / 60  # stored as float32, read back as 1/N
    assert ix.get(0).path == "/lib/Personal/2019/2019-07-14 Paris trip/IMG_0001.JPG"


def test_lookups(ix: Index) -> None:
    assert ix.id_of(SHARED, "Family/2019/2019-07-20 Beach/IMG_0001.JPG") == 7
    assert ix.id_of(PERSONAL, "Family/2019/2019-07-20 Beach/IMG_0001.JPG") is None
    assert ix.id_of(PERSONAL, "2019/2019-07-14 Paris trip/IMG_0001.JPG") == 0
    assert ix.id_of(PERSONAL, "2019/2019-07-14 Paris trip/img_0001.jpg") is None
    assert ix.id_of("elsewhere", "broken.jpg") is None
    assert ix.id_of_path("/lib/Personal/broken.jpg") == 6
    assert ix.id_of_path("/lib/Shared/Family/2023/2023-05-14 Garden/PXL_20230514.jpg") == 8
    assert ix.id_of_path("/lib/Personalx/broken.jpg") is None
    assert ix.id_of_path("/elsewhere/broken.jpg") is None
    assert ix.ids() == list(range(9))
    assert 3 in ix and 42 not in ix and "3" not in ix


def test_add_replaces_the_same_path_and_keeps_overlays(ix: Index) -> None:
    version = ix.version
    ix.set_override(4, rating=5)
    ix.set_tags(4, ["best"])
    same = ix.add(photo("2020/Zürich/DSC_0101.jpg", taken=ts(2022, 2, 2), **CANON, iso=3200))
    assert same == 4 and len(ix) == 9 and ix.version > version
    got = ix.get(4)
    assert (got.iso, got.model, got.rating, got.tags) == (3200, "Canon EOS R6", 5, ("best",))
    assert found(ix, "camera:canon") == {0, 1, 2, 4, 7}
    assert found(ix, "make:nikon") == {3}
    assert found(ix, "date:2022") == {4}
    assert ix.facets().years == ((2019, 4), (2020, 1), (2021, 1), (2022, 1), (2023, 1))


def test_add_many_with_repeats_and_failures_stays_consistent() -> None:
    index = Index()
    first = photo("a/x.jpg", iso=100)
    again = photo("a/x.jpg", iso=400, rating=3)
    assert index.add_many([first, photo("a/y.jpg"), again]) == [0, 1, 0]
    assert index.get(0).iso == 400 and index.get(0).rating == 3 and len(index) == 2
    broken = Photo(PERSONAL, "/r", None)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        index.add_many([photo("b/z.jpg", iso=800), broken, photo("b/never.jpg")])
    assert len(index) == 3 and found(index, "iso:800") == {2}
    assert index.search(sort="name") == [0, 1, 2]
    assert index.add(photo("b/later.jpg", iso=800)) == 3 and found(index, "iso:800") == {2, 3}


def test_remove_never_reuses_ids(ix: Index) -> None:
    assert ix.remove(PERSONAL, "2020/Zürich/DSC_0100.NEF") is True
    assert ix.remove(PERSONAL, "2020/Zürich/DSC_0100.NEF") is False
    assert ix.remove(SHARED, "2020/Zürich/DSC_0101.jpg") is False
    assert len(ix) == 8 and 3 not in ix
    assert ix.id_of(PERSONAL, "2020/Zürich/DSC_0100.NEF") is None
    with pytest.raises(KeyError):
        ix.get(3)
    assert found(ix, "zurich") == {4} and found(ix, "cafe") == set()
    assert 3 not in ix.search(sort="name") and 3 not in ix.ids()
    again = ix.add(LIBRARY[3])
    assert again == 9 and found(ix, "zurich") == {4, 9}
    assert ix.get(9) == LIBRARY[3]
    facets = ix.facets()
    assert facets.total == 9 and ("NIKON Z 6", 2) in facets.cameras


# -- overlays (the store's edits) ------------------------------------------------------------


def test_rating_override(ix: Index) -> None:
    ix.set_override(4, rating=5)
    assert ix.get(4).rating == 5 and ix.file_rating(4) == 0
    assert found(ix, "rating:5") == {0, 4}
    ix.set_override(0, rating=-1)
    assert found(ix, "rating:-1") == {0, 1}
    ix.set_override(4, rating=None)  # back to the file's rating
    assert ix.get(4).rating == 0 and found(ix, "rating:5") == set()
    with pytest.raises(ValueError):
        ix.set_override(4, rating=6)
    with pytest.raises(KeyError):
        ix.set_override(99, rating=1)


def test_description_override(ix: Index) -> None:
    ix.set_override(0, description="Sunset over the Seine")
    assert ix.get(0).description == "Sunset over the Seine"
    assert found(ix, "seine") == {0} and found(ix, "has:description") == {0, 3}
    ix.set_override(3, description="")  # cleared in phototerm: the file's text is hidden
    assert found(ix, "cafe") == set() and found(ix, "has:description") == {0}
    ix.set_override(3, description=None)  # override dropped
    assert found(ix, "cafe") == {3}
    ix.set_override(0, rating=4)  # other fields untouched (the default is "leave alone")
    assert ix.get(0).description == "Sunset over the Seine"


def test_rotation(ix: Index) -> None:
    assert ix.rotation(0) == 0
    ix.set_override(0, rotation=90)
    ix.set_override(1, rotation=-90)
    assert (ix.rotation(0), ix.rotation(1)) == (90, 270)
    assert found(ix, "is:rotated") == {0, 1}
    ix.set_override(0, rotation=360)
    assert ix.rotation(0) == 0 and found(ix, "is:rotated") == {1}
    with pytest.raises(ValueError):
        ix.set_override(1, rotation=45)
    ix.set_override(1, rotation=None)
    assert found(ix, "is:rotated") == set()


def test_tags_overlay(ix: Index) -> None:
    ix.set_tags(0, ["Best", "best", "", "Best"])
    assert ix.get(0).tags == ("Best", "best")
    assert found(ix, "tag:best") == {0} and found(ix, "bes") == {0}
    ix.set_tags(4, [])  # the user removed the file's tags
    assert found(ix, "tag:family") == set() and found(ix, "has:tags") == {0}
    assert ix.facets().tags == (("Best", 1), ("best", 1))
    ix.set_tags(4, None)  # overlay dropped: the file's tags again
    assert found(ix, "tag:family") == {4}
    assert ix.tag_names() == ["Best", "best", "family", "Zoé"]


def test_apply_overlay_in_bulk(ix: Index) -> None:
    rows = [
        ("2020/Zürich/DSC_0101.jpg", 4, None, 90, ("x",)),
        ("broken.jpg", None, "a note", 0, None),
        ("missing.jpg", 5, None, 0, None),
    ]
    assert ix.apply_overlay(PERSONAL, rows) == 2
    assert ix.get(4).rating == 4 and ix.rotation(4) == 90 and ix.get(4).tags == ("x",)
    assert ix.get(6).description == "a note" and ix.get(6).rating == 0
    assert found(ix, "rating:4") == {4, 5} and found(ix, "has:description") == {3, 6}


# -- albums ---------------------------------------------------------------------------------


def test_normal_album(ix: Index) -> None:
    ix.set_album("Trip", [5, 0, 5, 99_999, -1])
    assert ix.album_ids("Trip") == [5, 0]
    assert ix.album_query("Trip") is None
    assert found(ix, 'album:"trip"') == {0, 5}
    assert found(ix, "trip") == {0, 1, 2, 5}  # album name or folder name
    ix.remove(PERSONAL, "2019/2019-07-14 Paris trip/IMG_0001.JPG")
    assert ix.album_ids("Trip") == [5]
    ix.drop_album("Trip")
    assert found(ix, "album:trip") == set() and ix.album_names() == []
    with pytest.raises(KeyError):
        ix.album_ids("Trip")
    with pytest.raises(ValueError):
        ix.set_album("  ", [1])


def test_conditional_album_is_live(ix: Index) -> None:
    ix.set_conditional_album("Good ones", "rating:>=4")
    assert ix.album_ids("Good ones") == [0, 5]
    assert ix.album_query("Good ones") == "rating:>=4"
    new = ix.add(photo("2024/new.jpg", taken=ts(2024, 1, 1), rating=5))
    assert ix.album_ids("Good ones") == [0, 5, new]
    ix.set_override(0, rating=1)
    assert ix.album_ids("Good ones") == [5, new]
    assert found(ix, "good") == {5, new} and found(ix, 'album:"GOOD ONES"') == {5, new}
    with pytest.raises(QueryError):
        ix.set_conditional_album("Broken", "rating:>=")
    assert ix.album_names() == ["Good ones"]
    ix.set_album("Good ones", [1])  # becomes a normal album
    assert ix.album_ids("Good ones") == [1]


def test_conditional_albums_never_recurse(ix: Index) -> None:
    ix.set_conditional_album("Loop", "album:loop OR rating:5")
    assert ix.album_ids("Loop") == [0]
    ix.set_conditional_album("A", "album:b")
    ix.set_conditional_album("B", "album:a OR type:video")
    assert ix.album_ids("A") == [2]
    assert ix.album_ids("B") == [2]
    assert found(ix, "loop") == {0}
    assert found(ix, "a") >= {2}


# -- hostile values ---------------------------------------------------------------------------


HOSTILE_NAMES = [
    "[bold]x.jpg",
    "[@click=app.quit]x.jpg",
    "esc\x1b]0;pwned\x07.jpg",
    "bad\udcffname.jpg",
    "new\nline.jpg",
    "😀 smile.jpg",
    "nul\x00byte.jpg",
    " spaced .jpg",
    "αβγ.JPG",
]


def test_hostile_names_round_trip_and_search() -> None:
    index = Index()
    ids = index.add_many(
        photo(f"odd\x1b[31m/{name}", taken=ts(2020, 1, 1), description="[/] \x1b[2J")
        for name in HOSTILE_NAMES
    )
    for i, name in zip(ids, HOSTILE_NAMES, strict=True):
        assert index.get(i).rel == f"odd\x1b[31m/{name}"
        assert index.id_of(PERSONAL, f"odd\x1b[31m/{name}") == i
    assert found(index, "bold") == {ids[0]}
    assert found(index, "pwned") == {ids[2]}
    assert found(index, "😀") == {ids[5]}
    assert found(index, "ΑΒΓ") == {ids[8]}
    assert found(index, "line") == {ids[4]}
    assert found(index, "name:*.jpg") == set(ids)
    assert found(index, "name:nul?byte.jpg") == {ids[6]}
    assert found(index, '"[/]"') == set(ids)  # descriptions
    assert len(index.search(sort="name")) == len(ids)
    (group,) = index.group(ids, "folder")
    assert "\x1b" not in group.label and group.count == len(ids)


def test_hostile_values_are_clamped_not_raised() -> None:
    index = Index()
    weird = photo(
        "w.jpg",
        kind="sound",
        size=-5,
        mtime=math.nan,
        taken=math.inf,
        tz_offset=10**9,
        make=None,
        model=b"bytes",
        lens=3,
        iso=10**30,
        fnumber=math.nan,
        exposure=-1.0,
        focal=1e300,
        width=-1,
        height=2**40,
        orientation=99,
        lat=math.nan,
        lon=1.0,
        description=None,
        rating=9,
        error=None,
        tags="single",  # type: ignore[arg-type]
    )
    i = index.add(weird)
    got = index.get(i)
    assert got.taken is None and got.tz_offset is None and got.size == 0
    assert got.iso == 2**31 - 1 and got.fnumber == 0 and got.exposure == 0
    assert got.focal == pytest.approx(3.4028234663852886e38)
    assert (got.width, got.height, got.orientation) == (0, 2**32 - 1, 99)
    assert (got.lat, got.lon, got.rating, got.tags) == (None, None, 0, ("single",))
    assert got.kind == "sound" and got.model == "b'bytes'"
    assert found(index, "type:photo") == {i} and found(index, "has:gps") == set()
    assert found(index, "date:<2100") == set() and found(index, "iso:>=1000000") == {i}
    index.add(photo("far.jpg", taken=1e13, lat=91.0, lon=0.0))  # beyond year 9999, bad lat
    assert index.get(1).taken == 1e13 and found(index, "date:>1900") == set()


# -- facets, memory, threads -------------------------------------------------------------------


def test_facets(ix: Index) -> None:
    f = ix.facets()
    assert isinstance(f, Facets)
    assert (f.total, f.photos, f.videos, f.errors, f.with_gps) == (9, 8, 1, 1, 3)
    assert f.cameras[0] == ("Canon EOS R6", 3)
    assert set(f.cameras) == {
        ("Canon EOS R6", 3),
        ("NIKON Z 6", 2),
        ("Apple iPhone 12 Pro", 1),
        ("Canon EOS 5D Mark III", 1),
        ("Google Pixel 7", 1),
    }
    assert ("NIKKOR Z 35mm f/1.8 S", 1) in f.lenses and all(name for name, _ in f.lenses)
    assert f.folders[SHARED] == (
        ("Family/2019/2019-07-20 Beach", 1),
        ("Family/2023/2023-05-14 Garden", 1),
    )
    assert f.folders[PERSONAL][0] == ("", 1)
    assert f.years == ((2019, 4), (2020, 2), (2021, 1), (2023, 1))
    assert f.ratings == {-1: 1, 0: 3, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    assert f.tags == (("family", 1), ("Zoé", 1))
    assert (f.first, f.last) == (date(2019, 7, 14), date(2023, 5, 14))
    assert Index().facets().total == 0


def test_memory_bytes_counts_columns_and_caches(ix: Index) -> None:
    before = ix.memory_bytes()
    assert before > 9 * 50
    ix.search("paris", sort="name")
    assert ix.memory_bytes() > before  # sort orders and the name blob are held
    ix.drop_caches()
    assert ix.memory_bytes() <= before


def test_searches_while_another_thread_adds() -> None:
    index = Index()
    errors: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:
        try:
            while not done.is_set():
                ids = index.search("camera:canon", sort="name")
                assert all(index.get(i).model.startswith("Canon") for i in ids[:5])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    for batch in range(20):
        index.add_many(
            photo(
                f"b{batch}/IMG_{i}.jpg",
                taken=ts(2020, 1, 1, 1, i % 60),
                **(CANON if i % 2 else NIKON),
            )
            for i in range(200)
        )
    done.set()
    thread.join()
    assert not errors
    assert index.count("camera:canon") == 2000


# -- the index agrees with the reference semantics on random queries ------------------------

_WORDS = [
    "paris",
    "canon",
    "img",
    "2019",
    "zoe",
    "é",
    "family",
    "jpg",
    "trip",
    "a",
    "café",
    "KRAKÓW",
    "nikon z",
    "dsc",
    "good",
    "best",
    "[bold]",
    "😀",
    "zürich",
    "_0",
]
_TERMS = [
    *_WORDS,
    *(f'"{w}"' for w in _WORDS),
    "rating:5",
    "rating:>=3",
    "rating:0",
    "rating:-1",
    "rating:<2",
    "rating:1..3",
    "type:photo",
    "type:video",
    "type:raw",
    "camera:canon",
    'camera:"eos r6"',
    "camera:iphone",
    "make:nikon",
    "model:pixel",
    "lens:f/1.8",
    "lens:rf",
    "iso:>=800",
    "iso:<=200",
    "iso:100",
    "iso:400..1600",
    "f:<=2.8",
    "f:>4",
    "f:2.8",
    "f:<2",
    "mm:35..50",
    "mm:>=85",
    "mm:24",
    "shutter:<=1/250",
    "shutter:>1/60",
    "size:>10mb",
    "size:<3mb",
    "date:2019",
    "date:2023-05",
    "date:2019-07..2021",
    "date:>=2024",
    "date:<2010",
    "year:2015..2018",
    "month:jul",
    "month:11..2",
    "month:<=3",
    "folder:2019",
    "folder:family",
    'folder:"phone/camera roll"',
    "space:personal",
    "space:shared",
    "has:gps",
    "has:description",
    "has:tags",
    "is:error",
    "is:rotated",
    "is:rated",
    "is:unrated",
    "name:*.heic",
    "name:img_00??.*",
    "name:*.JPG",
    "name:dsc",
    "tag:family",
    "tag:best",
    "tag:zoé",
    "album:trip",
    'album:"good ones"',
    "album:loop",
]
_LEAF = st.one_of(
    st.sampled_from(_TERMS),
    st.text(alphabet="aeiouxyzé_0 .-", min_size=1, max_size=3).map(
        lambda w: '"' + w + '"' if w.strip() else "x"
    ),
)
_QUERY = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(" ".join),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} OR {t[1]})"),
        inner.map(lambda q: f"-({q})"),
        inner.map(lambda q: f"NOT ({q})"),
    ),
    max_leaves=6,
)


def _reference_library() -> tuple[Index, dict[int, Photo], dict[int, list[str]]]:
    index = Index()
    index.add_many(synthesize(600, seed=5))
    index.add_many(LIBRARY)
    index.add_many(photo(f"odd/{name}", taken=ts(2020, 1, 1)) for name in HOSTILE_NAMES)
    ids = index.ids()
    for i in ids[::7]:
        index.set_override(i, rating=(i % 7) - 1)
    for i in ids[::11]:
        index.set_tags(i, ["best", "Zoé"] if i % 2 else [])
    for i in ids[::13]:
        index.set_override(i, description="Good light" if i % 2 else "", rotation=90 * (i % 4))
    index.remove(*_key(index, ids[3]))
    index.set_album("Trip", ids[5:60:3])
    index.set_conditional_album("Good ones", "rating:>=4 -is:error")
    index.set_conditional_album("Loop", "album:loop OR tag:best")
    photos = {i: index.get(i) for i in index.ids()}
    albums: dict[int, list[str]] = {i: [] for i in photos}
    for name in index.album_names():
        for i in index.album_ids(name):
            albums[i].append(name)
    return index, photos, albums


def _key(index: Index, i: int) -> tuple[str, str]:
    p = index.get(i)
    return p.space, p.rel


_REF: list = []


def _ref():
    if not _REF:
        _REF.append(_reference_library())
    return _REF[0]


@settings(max_examples=300, deadline=None)
@given(_QUERY, st.sampled_from(["taken", "name", "size", "mtime", "rating"]), st.booleans())
def test_index_agrees_with_the_reference(query: str, sort: str, descending: bool) -> None:
    index, photos, albums = _ref()
    got = index.search(query, sort=sort, descending=descending)
    q = parse(query)
    expected = {i for i, p in photos.items() if matches(q, p, albums[i], index.rotation(i))}
    assert set(got) == expected and len(got) == len(expected)
    keys = [_sort_key(photos[i], sort) for i in got]
    assert keys == sorted(keys, reverse=descending)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=40)
    | st.lists(st.sampled_from(_TERMS + ["(", ")", '"', "OR", "-"])).map(" ".join)
)
def test_search_of_any_text_raises_only_query_error(text: str) -> None:
    index = _ref()[0]
    try:
        ids = index.search(text)
    except QueryError:
        return
    assert len(ids) == len(set(ids)) and all(i in index for i in ids)


def _sort_key(p: Photo, sort: str) -> object:
    if sort == "taken":
        return -math.inf if p.taken is None else p.taken
    if sort == "name":
        return fold(p.name).encode()
    return getattr(p, sort)


# -- a million records --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_million_records() -> None:
    n = 1_000_000
    cams = [("Canon", "Canon EOS R6"), ("NIKON CORPORATION", "NIKON D750"), ("Apple", "iPhone 15")]
    base = ts(2005, 1, 1)

    def records():
        for i in range(n):
            make, model = cams[i % 3]
            yield Photo(
                PERSONAL,
                "/big",
                f"{2005 + i // 50_000}/e{i // 500}/IMG_{i:07d}.JPG",
                taken=base + i * 600.0,
                make=make,
                model=model,
                rating=i % 6,
                iso=100 << (i % 6),
                size=1_000_000 + i,
            )

    index = Index()
    assert len(index.add_many(records())) == n
    ids = index.search("camera:canon rating:>=3")
    assert len(ids) == sum(1 for i in range(n) if i % 3 == 0 and i % 6 >= 3)
    assert ids[:3] == [3, 9, 15]  # by capture time
    assert index.get(ids[-1]).rel.endswith(f"IMG_{ids[-1]:07d}.JPG")
