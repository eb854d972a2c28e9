"""The index saved to disk and loaded back: the same answers, and every bad file refused."""

from __future__ import annotations

import multiprocessing
import os
import struct
from pathlib import Path

import pytest
from index_library import LIBRARY, ROOTS

from phototerm.library.index import Index, snapshot
from phototerm.library.photo import PERSONAL, SHARED

ROOT_PAIRS = sorted(ROOTS.items())
QUERIES = [
    None,
    "rating:>=4",
    "camera:canon",
    "paris",
    "date:2019",
    "has:gps",
    "is:error",
    "name:*.jpg",
    "folder:2019",
    "tag:family OR has:description",
    "-space:shared iso:>=800",
]


def built() -> Index:
    index = Index()
    index.add_many(LIBRARY)
    index.set_override(1, rating=3, description="edited")
    index.set_tags(2, ["kids"])
    index.remove(PERSONAL, LIBRARY[3].rel)  # a dead row is kept as dead
    index.search(None, sort="taken", descending=True)  # a cached sort order is saved too
    return index


def test_round_trip_gives_the_same_index(tmp_path: Path) -> None:
    index = built()
    path = tmp_path / "x.index"
    assert snapshot.save(path, index, ROOT_PAIRS, tokens={PERSONAL: (7, 1)}, extra={"k": [1]}) == ""
    loaded = snapshot.load(path, ROOT_PAIRS)
    assert loaded.problem == ""
    assert loaded.tokens == {PERSONAL: (7, 1)}
    assert loaded.extra == {"k": [1]}
    copy = loaded.index
    assert copy is not None
    assert len(copy) == len(index)
    assert copy.ids() == index.ids()
    for i in index.ids():
        assert copy.get(i) == index.get(i)
        photo = index.get(i)
        assert copy.id_of(photo.space, photo.rel) == i
    for query in QUERIES:
        for sort in ("taken", "name", "path", "rating"):
            assert copy.search(query, sort=sort, descending=True) == index.search(
                query, sort=sort, descending=True
            ), (query, sort)
    assert copy.facets() == index.facets()
    assert copy.id_of(PERSONAL, LIBRARY[3].rel) is None
    # the loaded index goes on working as the original does: a new photo, edits, a removal
    for ix in (index, copy):
        new = ix.add(LIBRARY[3])
        assert ix.get(new).rel == LIBRARY[3].rel
        ix.set_override(0, rating=1)
        ix.set_tags(5, ["x"])
        assert ix.remove(SHARED, ix.get(ix.search("space:shared")[0]).rel)
    for query in QUERIES + ["rating:1", "tag:x"]:
        assert copy.search(query, sort="taken") == index.search(query, sort="taken"), query


def test_hostile_names_survive(tmp_path: Path) -> None:
    index = Index()
    names = ["[bold]x.jpg", "\x1b]52;c;aGk=\x07.jpg", "caf\udce9.jpg", "Zürich/é.jpg"]
    for name in names:
        index.add(LIBRARY[0].__class__(PERSONAL, "/lib/Personal", name))
    path = tmp_path / "x.index"
    assert snapshot.save(path, index, ROOT_PAIRS) == ""
    copy = snapshot.load(path, ROOT_PAIRS).index
    assert copy is not None
    assert sorted(copy.get(i).rel for i in copy.ids()) == sorted(names)
    assert copy.search("zurich") == index.search("zurich")


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda b: b[:-7], "truncated"),
        (lambda b: b[:10], "truncated"),
        (lambda b: b"NOPE" + b[4:], "not a phototerm index"),
        (lambda b: b[:4] + struct.pack("<H", snapshot.FORMAT + 1) + b[6:], "from another version"),
        (lambda b: b[:-3] + bytes(x ^ 0xFF for x in b[-3:]), "damaged (checksum)"),
        (lambda b: b[:40] + bytes(x ^ 0x55 for x in b[40:60]) + b[60:], "damaged (checksum)"),
        (lambda b: b"", "truncated"),
    ],
)
def test_damaged_files_are_refused(tmp_path: Path, damage, problem: str) -> None:
    path = tmp_path / "x.index"
    assert snapshot.save(path, built(), ROOT_PAIRS) == ""
    path.write_bytes(damage(path.read_bytes()))
    loaded = snapshot.load(path, ROOT_PAIRS)
    assert loaded.index is None
    assert loaded.problem == problem


def test_a_file_that_cannot_be_mapped_is_checked_array_by_array(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some filesystems refuse mmap: the checksum is then taken over the arrays read, and
    damage is still found."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(19, "No such device")

    monkeypatch.setattr(snapshot.mmap, "mmap", refuse)
    path = tmp_path / "x.index"
    index = built()
    assert snapshot.save(path, index, ROOT_PAIRS) == ""
    loaded = snapshot.load(path, ROOT_PAIRS)
    assert loaded.problem == "" and loaded.index is not None
    assert len(loaded.index) == len(index)
    data = path.read_bytes()
    path.write_bytes(data[:-3] + bytes(x ^ 0xFF for x in data[-3:]))
    assert snapshot.load(path, ROOT_PAIRS).problem == "damaged (checksum)"


def test_another_library_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.index"
    assert snapshot.save(path, built(), ROOT_PAIRS) == ""
    other = [(PERSONAL, "/elsewhere"), (SHARED, "/lib/Shared")]
    assert snapshot.load(path, other).problem == "for another library"
    assert snapshot.load(tmp_path / "none.index", ROOT_PAIRS) == snapshot.Loaded(None)
    # each library has its own file
    assert snapshot.snapshot_file(tmp_path, other) != snapshot.snapshot_file(tmp_path, ROOT_PAIRS)


def test_a_cache_dir_that_cannot_be_written_is_no_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    problem = snapshot.save(blocker / "index" / "x.index", built(), ROOT_PAIRS)
    assert problem  # said, not raised
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def _write_many(path: str, rounds: int) -> None:
    index = built()
    for _ in range(rounds):
        assert snapshot.save(path, index, ROOT_PAIRS) == ""


def test_two_writers_leave_one_whole_file(tmp_path: Path) -> None:
    path = str(tmp_path / "x.index")
    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_write_many, args=(path, 40)) for _ in range(2)]
    for w in writers:
        w.start()
    seen = 0
    while any(w.is_alive() for w in writers):
        if os.path.exists(path):
            loaded = snapshot.load(path, ROOT_PAIRS)
            assert loaded.problem == "", loaded.problem  # a reader never sees half a file
            seen += 1
    for w in writers:
        w.join()
        assert w.exitcode == 0
    assert snapshot.load(path, ROOT_PAIRS).problem == ""
    assert [p.name for p in tmp_path.iterdir()] == ["x.index"]  # no temp file left behind


def test_the_timeline_shortcut_gives_what_search_and_group_give() -> None:
    from phototerm.samples.synth import synthesize

    index = Index()
    index.add_many(LIBRARY)
    index.add_many(synthesize(3000, seed=3))
    for step in ("as built", "a photo removed"):
        for by in ("day", "month", "year"):
            for descending in (False, True):
                fast = index.timeline(by, descending)
                assert fast is not None
                ids = index.search(None, sort="taken", descending=descending)
                assert (list(fast[0]), fast[1]) == (ids, index.group(ids, by)), (
                    step,
                    by,
                    descending,
                )
                labels = [fast[2][i] for i in ids]
                assert labels == sorted(set(labels))  # they increase along the ids
        index.remove(PERSONAL, LIBRARY[0].rel)  # it stays in the order, dead: left out


def test_a_date_out_of_range_is_undated_in_the_timeline_shortcut() -> None:
    index = Index()
    index.add_many(LIBRARY)
    # a capture time the calendar cannot place is an unknown date, so the shortcut still
    # gives what search and group give
    odd = index.add(LIBRARY[0].__class__(PERSONAL, "/lib/Personal", "odd.jpg", taken=-9e13))
    shortcut = index.timeline("day", True)
    assert shortcut is not None
    ids, groups, _rank = shortcut
    searched = index.search(None, sort="taken", descending=True)
    assert list(ids) == searched
    assert [(g.key, g.count) for g in groups] == [
        (g.key, g.count) for g in index.group(searched, "day")
    ]
    assert odd in ids[groups[-1].start :] and groups[-1].key == "unknown"


def test_path_is_the_records_path() -> None:
    index = built()
    for i in index.ids():
        assert index.path(i) == index.get(i).path
