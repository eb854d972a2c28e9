"""Compaction of the index (index/compaction.py): a compacted copy answers every question
exactly as the index it was made from, restricted to the live photos and renumbered; it saves
and loads; it is swapped in only if the index did not change meanwhile."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from index_library import photo, ts

from phototerm.library.index import Index, compaction, orders, snapshot
from phototerm.library.index.compaction import Compacted, compacted, due, swap
from phototerm.library.photo import PERSONAL, SHARED, VIDEO
from phototerm.samples.synth import synthesize

QUERIES = (
    None,
    "canon",
    "rating:>=3",
    "type:raw",
    "type:video",
    "duration:>1",
    "codec:hevc",
    "tag:beach",
    "album:Trip",
    "album:Best",
    "-rating:0",
    "name:img_*",
    "folder:moved",
    "sea",
    "has:description",
    "is:rotated",
    "has:tags",
    "space:shared",
)
KEYS = ("taken", "name", "size", "mtime", "rating", "path", "none")


def churned(seed: int, size: int = 1500, steps: int = 900) -> Index:
    """An index after a session of churn: photos added, removed, moved (over others too),
    rewritten, rated, tagged, described, rotated, put in albums; RAW+JPEG pairs, Live Photos
    and videos among them."""
    rng = random.Random(seed)
    ix = Index()
    ix.add_many(synthesize(size, seed=seed))
    extra = []
    for k in range(60):
        folder = f"pairs/{k % 7}"
        extra += [
            photo(f"{folder}/IMG_{k}.JPG", taken=ts(2021, 3, 1 + k % 28)),
            photo(f"{folder}/IMG_{k}.CR2", taken=ts(2021, 3, 1 + k % 28)),
            photo(f"{folder}/LIVE_{k}.HEIC", taken=ts(2021, 4, 1 + k % 28)),
            photo(
                f"{folder}/LIVE_{k}.MOV",
                kind=VIDEO,
                duration=1.5 + k % 3,
                codec="hevc" if k % 2 else "h264",
            ),
            photo(f"clips/clip_{k}.mp4", space=SHARED, kind=VIDEO, duration=10.0 + k, codec="h264"),
        ]
    ix.add_many(extra)
    ix.set_album("Trip", ix.ids()[::17])
    ix.set_conditional_album("Best", "rating:>=4 OR tag:beach")
    ix.search("canon", sort="name")  # a few orders cached, the name blob made
    ix.search(None, sort="size", descending=True)
    ix.prepare_orders()
    for step in range(steps):
        live = ix.ids()
        what = rng.random()
        target = ix.get(rng.choice(live))
        if what < 0.25:
            ix.remove(target.space, target.rel)
        elif what < 0.4:
            ix.move_many(target.space, [(target.rel, f"moved/{step % 13}/{target.name}")])
        elif what < 0.45:  # moved over another photo
            other = ix.get(rng.choice(live))
            if other.space == target.space:
                ix.move_many(target.space, [(target.rel, other.rel)])
        elif what < 0.55:
            ix.add(photo(f"new/{step % 11}/IMG_{step}.JPG", taken=ts(2022, 1, 1 + step % 28)))
        elif what < 0.62:
            ix.add(replace(target, taken=ts(2018, 5, 1 + step % 28), size=step))
        elif what < 0.75:
            ix.set_override(rng.choice(live), rating=rng.randint(-1, 5))
        elif what < 0.82:
            ix.set_tags(rng.choice(live), rng.choice([["beach"], ["beach", "sea"], [], None]))
        elif what < 0.88:
            ix.set_override(rng.choice(live), description=rng.choice(["sea view", None]))
        elif what < 0.92:
            ix.set_override(rng.choice(live), rotation=rng.choice([90, 180, None]))
        elif what < 0.96:
            ix.set_album("Trip", [*ix.album_ids("Trip"), rng.choice(live)])
        else:
            ix.search(rng.choice(QUERIES), sort=rng.choice(KEYS[:-1]))  # orders catch up
    ix.refresh_orders()
    return ix


def every_answer(ix: Index) -> dict[str, Any]:
    """What the index answers, everything a caller can ask, with ids as they are."""
    out: dict[str, Any] = {}
    for q in QUERIES:
        for key in KEYS:
            for desc in (False, True):
                ids = ix.search(q, sort=key, descending=desc)
                out[f"search {q} {key} {desc}"] = ids
                out[f"group {q} {key} {desc}"] = ix.group(ids, "day")
        out[f"count {q}"] = (ix.count(q), ix.count(q, files=True))
        out[f"files {q}"] = ix.search_files(q)
    for by in ("day", "month", "year"):
        for desc in (False, True):
            timeline = ix.timeline(by, desc)
            assert timeline is not None
            out[f"timeline {by} {desc}"] = (list(timeline[0]), timeline[1])
    out["facets"] = ix.facets()
    out["albums"] = {name: ix.album_ids(name) for name in ix.album_names()}
    out["tags"] = ix.tag_names()
    out["folders"] = ix.folders()
    out["ids"] = ix.ids()
    out["records"] = {i: ix.get(i) for i in ix.ids()}
    out["pairs"] = {i: ix.pair_of(i) for i in ix.ids()}
    out["rotation"] = {i: ix.rotation(i) for i in ix.ids()}
    out["file"] = {i: (ix.file_rating(i), ix.file_tags(i)) for i in ix.ids()}
    out["id_of"] = {(p.space, p.rel): ix.id_of(p.space, p.rel) for p in out["records"].values()}
    out["id_of_path"] = {p.path: ix.id_of_path(p.path) for p in out["records"].values()}
    return out


def renumbered(answers: dict[str, Any], new: compaction.Renumbering) -> dict[str, Any]:
    """``answers`` with every id translated through ``new``."""

    def ids(values: list[int]) -> list[int]:
        out = new.ids(values)
        assert len(out) == len(values)  # every id answered is live: all renumbered
        return out

    out: dict[str, Any] = {}
    for key, value in answers.items():
        if key.startswith(("search", "files")) or key in ("ids", "tags"):
            out[key] = value if key == "tags" else ids(value)
        elif key.startswith("timeline"):
            out[key] = (ids(value[0]), value[1])
        elif key == "albums":
            out[key] = {name: ids(members) for name, members in value.items()}
        elif key in ("records", "rotation", "file"):
            out[key] = {new[i]: v for i, v in value.items()}
        elif key == "pairs":
            out[key] = {new[i]: None if p is None else new[p] for i, p in value.items()}
        elif key.startswith("id_of"):
            out[key] = {k: new[i] for k, i in value.items()}
        else:
            out[key] = value  # groups (positions), counts, facets, folders: no ids in them
    return out


@pytest.mark.parametrize(
    ("seed", "chunk", "piece"), [(1, 1 << 16, 1 << 20), (2, 7, 50), (3, 64, 1)]
)
def test_a_compacted_copy_answers_as_the_index_restricted_to_live_photos(
    seed: int, chunk: int, piece: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the passes in pieces of a few rows and bytes too: every cut is a piece's edge somewhere
    monkeypatch.setattr(compaction, "CHUNK", chunk)
    monkeypatch.setattr(compaction, "BLOB_PIECE", piece)
    ix = churned(seed)
    assert ix.removed_rows > 200
    before = every_answer(ix)
    done = compacted(ix)
    copy = done.index
    assert len(copy) == len(ix) == copy._n and copy.removed_rows == 0
    # renumbered in row order: the live rows keep their order, numbered from 0
    assert list(done.renumbering) == ix.ids()
    assert [done.renumbering[i] for i in ix.ids()] == list(range(len(ix)))
    # the folded-name blob carried over (not made again), as far as it went
    assert ix._search_rows > 0
    assert copy._search_rows == sum(1 for i in ix.ids() if i < ix._search_rows)
    # the orders carried over, each asked first (small results are sorted by their labels)
    carried = list(copy._orders)
    assert ("taken", False) in carried and len(carried) >= 3
    for key, desc in carried:
        _stamp, perm, labels = copy._orders[(key, desc)]
        assert all(labels[a] < labels[b] for a, b in pairwise(perm))
        for q in ("codec:hevc", "album:Trip", None):
            got = copy.search(q, sort=key, descending=desc)
            assert got == done.renumbering.ids(ix.search(q, sort=key, descending=desc))
    assert every_answer(copy) == renumbered(before, done.renumbering)
    assert every_answer(ix) == before  # the source is left as it was


def test_a_swap_compacts_the_index_in_place_and_it_goes_on_working() -> None:
    ix = churned(4)
    before = every_answer(ix)
    old_numbering, old_version = ix.numbering, ix.version
    memory = ix.memory_bytes()
    done = compacted(ix)
    new = swap(ix, done)
    assert new is done.renumbering
    assert (ix.numbering, ix.version) == (old_numbering + 1, old_version + 1)
    assert ix.removed_rows == 0 and ix.memory_bytes() < memory
    assert every_answer(ix) == renumbered(before, new)
    # the session goes on: the orders kept in place give what orders sorted afresh give
    rng = random.Random(9)
    for step in range(40):
        live = ix.ids()
        target = ix.get(rng.choice(live))
        if step % 4 == 0:
            ix.remove(target.space, target.rel)
        elif step % 4 == 1:
            ix.move_many(target.space, [(target.rel, f"later/{step}/{target.name}")])
        elif step % 4 == 2:
            ix.add(photo(f"later/new_{step}.JPG", taken=ts(2023, 1, 1 + step % 28)))
        else:
            ix.set_override(rng.choice(live), rating=rng.randint(-1, 5))
    kept = {
        (q, k, d): ix.search(q, sort=k, descending=d) for q in QUERIES for k in KEYS for d in (0, 1)
    }
    ix.drop_caches()
    fresh = {
        (q, k, d): ix.search(q, sort=k, descending=d) for q in QUERIES for k in KEYS for d in (0, 1)
    }
    assert kept == fresh
    assert ix.id_of(PERSONAL, "later/new_2.JPG") is not None


def test_the_first_search_after_a_swap_finds_its_order_ready(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ix = churned(5, steps=300)
    ix.search(None, sort="taken", descending=True)
    ix.add(photo("late/IMG_1.JPG", taken=ts(2024, 1, 1)))  # an order behind by a new row
    swap(ix, compacted(ix))

    def no_sort(*args: object) -> None:
        raise AssertionError("sorted again")

    monkeypatch.setattr(orders, "_sorted", no_sort)
    monkeypatch.setattr(orders, "_path_sorted", no_sort)
    ids = ix.search(None, sort="taken", descending=True)
    assert len(ids) == len(ix.search(None, sort="none"))
    assert ix.timeline("day", True) is not None


def test_a_swap_is_refused_when_the_index_changed_meanwhile() -> None:
    ix = churned(6, steps=300)
    for change in (
        lambda: ix.set_override(ix.ids()[0], rating=3),
        lambda: ix.add(photo("late/IMG_2.JPG")),
        lambda: ix.remove(PERSONAL, ix.get(ix.search("space:personal")[0]).rel),
    ):
        done = compacted(ix)
        change()
        before = every_answer(ix)
        n, numbering = ix._n, ix.numbering
        assert swap(ix, done) is None
        assert (ix._n, ix.numbering) == (n, numbering)
        assert every_answer(ix) == before
    assert swap(ix, compacted(ix)) is not None


def test_a_compacted_index_saves_and_loads(tmp_path: Path) -> None:
    ix = churned(7, steps=400)
    done = compacted(ix)
    expected = every_answer(done.index)
    roots = [(PERSONAL, "/lib/Personal"), (SHARED, "/lib/Shared")]
    path = tmp_path / "x.index"
    assert snapshot.save(path, done.index, roots) == ""
    loaded = snapshot.load(path, roots)
    assert loaded.problem == "" and loaded.index is not None
    # albums are not in a snapshot (the stores put them on the index when a library opens)
    loaded.index.set_album("Trip", done.index._albums["Trip"])
    loaded.index.set_conditional_album("Best", "rating:>=4 OR tag:beach")
    assert every_answer(loaded.index) == expected
    assert loaded.index.removed_rows == 0


def test_the_renumbering_is_a_mapping_of_live_rows_only() -> None:
    ix = Index()
    ids = ix.add_many([photo(f"a/{k}.jpg") for k in range(6)])
    ix.remove(PERSONAL, "a/1.jpg")
    ix.remove(PERSONAL, "a/4.jpg")
    new = compacted(ix).renumbering
    assert dict(new) == {0: 0, 2: 1, 3: 2, 5: 3} and len(new) == 4
    assert ids[1] not in new and 99 not in new and "0" not in new
    with pytest.raises(KeyError):
        new[ids[4]]
    assert new.ids([5, 1, 0, 99]) == [3, 0]


def test_every_field_of_the_index_is_handled() -> None:
    assert set(vars(Index())) == set(compaction.HANDLED)


def test_when_compacting_is_due() -> None:
    ix = Index()
    ix.add_many([photo(f"a/{k}.jpg") for k in range(compaction.FLOOR * 2)])
    for k in range(compaction.FLOOR):
        ix.remove(PERSONAL, f"a/{k}.jpg")
    assert not due(ix)  # the floor: not more than FLOOR dead rows
    ix.remove(PERSONAL, f"a/{compaction.FLOOR}.jpg")
    assert due(ix)  # over the floor, and more than a quarter of all rows
    big = Index()
    big.add_many([photo(f"b/{k}.jpg") for k in range(compaction.FLOOR * 8)])
    for k in range(compaction.FLOOR + 1):
        big.remove(PERSONAL, f"b/{k}.jpg")
    assert not due(big)  # over the floor, but an eighth of the rows only
    assert isinstance(compacted(big), Compacted)
