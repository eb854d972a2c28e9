"""The columnar Index: sorts, groups, lookups and mutations, hostile values, facets, memory,
threads, and a 1M-record smoke test. Query keys: test_index_search.py; overlays and albums:
test_index_albums.py; the shared library: index_library.py."""

from __future__ import annotations

import math
import threading
from datetime import date

import pytest
from index_library import (
    CANON,
    HOSTILE_NAMES,
    LIBRARY,
    NIKON,
    found,
    library_index,
    photo,
    ts,
)

from phototerm.library.index import Facets, Group, Index
from phototerm.library.photo import PERSONAL, SHARED, Photo


@pytest.fixture
def ix() -> Index:
    return library_index()


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


# -- hostile values ---------------------------------------------------------------------------


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
    # no date can show it: unknown, as a photo without one (a caller formatting it crashed)
    assert index.get(1).taken is None and found(index, "date:>1900") == set()


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
