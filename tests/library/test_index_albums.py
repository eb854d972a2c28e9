"""The Index's overlays from the store (ratings, descriptions, rotation, tags) and its
albums (normal and conditional)."""

from __future__ import annotations

import pytest
from index_library import found, library_index, photo, ts

from phototerm.library.index import Index
from phototerm.library.photo import PERSONAL
from phototerm.library.query import QueryError


@pytest.fixture
def ix() -> Index:
    return library_index()


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
