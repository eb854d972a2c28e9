"""The Index's search: every query key on the known library, bad queries, counts, and
agreement with the reference semantics (query/reference.py) on random queries."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from index_library import HOSTILE_NAMES, LIBRARY, found, library_index, photo, ts

from phototerm.library.index import Index
from phototerm.library.photo import Photo
from phototerm.library.query import QueryError, parse
from phototerm.library.query.reference import matches
from phototerm.library.values import fold
from phototerm.samples.synth import synthesize


@pytest.fixture
def ix() -> Index:
    return library_index()


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
    "duration:>2",
    "duration:1..10",
    "duration:<=1:00",
    "codec:h264",
    "codec:hevc|mpeg4",
    "name:*.cr2",
    "name:*.mov",
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
    # RAW+JPEG pairs and Live Photos (a still and its movie), and videos alone
    for k in range(12):
        taken = ts(2019 + k % 3, 1 + k % 12, 1 + k)
        index.add_many([photo(f"pairs/IMG_{k:04}.JPG", taken=taken, iso=100 * (k + 1)),
                        photo(f"pairs/IMG_{k:04}.CR2", taken=taken, iso=800)])  # fmt: skip
        movie = photo(f"live/IMG_{k:04}.MOV", taken=taken, kind="video",
                      duration=1.5 + k % 3, codec=("hevc", "h264")[k % 2])  # fmt: skip
        index.add_many([photo(f"live/IMG_{k:04}.HEIC", taken=taken), movie])
        index.add(photo(f"clips/c{k}.mp4", taken=taken, kind="video", duration=10.0 * k,
                        codec=("h264", "mpeg4", "")[k % 3]))  # fmt: skip
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
        # Each file's own albums: a normal album's members as stored (a pair's second file
        # may be one), a conditional one's search (which lists a pair by its still).
        query = index.album_query(name)
        members = index._albums[name] if query is None else index.album_ids(name)
        for i in members:
            if i in albums:
                albums[i].append(name)
            partner = index.pair_of(i) if i in albums else None
            if query is not None and partner is not None:
                albums[partner].append(name)
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
    shown = set(index.search(""))  # a pair is listed by its still, and matched by either file
    expected = set()
    for i in shown:
        partner = index.pair_of(i)
        pair = (
            None if partner is None else (photos[partner], albums[partner], index.rotation(partner))
        )
        if matches(q, photos[i], albums[i], index.rotation(i), pair=pair):
            expected.add(i)
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
