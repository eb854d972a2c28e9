"""The index changing under a running session: sort orders kept up to date in place (never a
different answer from an order sorted afresh), photos moved with their overlays and albums,
removed photos left out of the timeline."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from index_library import LIBRARY, library_index, photo, ts

from phototerm.library.index import Index
from phototerm.library.photo import PERSONAL, SHARED
from phototerm.samples.synth import synthesize

KEYS = ("taken", "name", "size", "mtime", "rating", "path")


def fresh_answers(ix: Index, queries: tuple[str | None, ...]) -> dict[tuple, list[int]]:
    """Every sort of every query, from orders sorted afresh (the caches dropped first)."""
    ix.drop_caches()
    return answers(ix, queries)


def answers(ix: Index, queries: tuple[str | None, ...]) -> dict[tuple, list[int]]:
    return {
        (q, key, desc): ix.search(q, sort=key, descending=desc)
        for q in queries
        for key in KEYS
        for desc in (False, True)
    }


# A word query finds few photos (ids sorted by label), None finds all (the order walked).
QUERIES = (None, "canon", "rating:>=3")


def change(ix: Index, rng: random.Random, step: int, count: int) -> None:
    """``count`` random changes: new photos, rewritten ones, ratings, removals, moves."""
    live = ix.ids()
    for k in range(count):
        what = rng.random()
        if what < 0.35:
            day = rng.randint(1, 28)
            ix.add(photo(f"new/{step}/{k}.jpg", taken=ts(2020, 2, day), size=rng.randint(1, 9)))
        elif what < 0.55 and live:
            old = ix.get(rng.choice(live))
            ix.add(replace(old, taken=ts(2019, 1, rng.randint(1, 28)), size=rng.randint(1, 9)))
        elif what < 0.75 and live:
            ix.set_override(rng.choice(live), rating=rng.randint(-1, 5))
        elif what < 0.9 and live:
            target = ix.get(rng.choice(live))
            ix.remove(target.space, target.rel)
        elif live:
            target = ix.get(rng.choice(live))
            ix.move_many(target.space, [(target.rel, f"moved/{step}-{k}-{target.name}")])
        live = ix.ids()


@pytest.mark.parametrize("count", [1, 5, 200])  # one by one, a few, a merge in one pass
def test_orders_kept_in_place_give_the_answers_of_fresh_ones(count: int) -> None:
    ix = Index()
    ix.add_many(synthesize(3000, seed=5))
    rng = random.Random(count)
    answers(ix, QUERIES)  # every order cached now
    for step in range(6):
        change(ix, rng, step, count)
        kept = answers(ix, QUERIES)
        assert kept == fresh_answers(ix, QUERIES), (count, step)


def test_one_photo_added_is_put_into_the_cached_orders_not_sorted_again() -> None:
    ix = Index()
    ix.add_many(synthesize(5000, seed=2))
    ix.prepare_orders()
    _stamp, perm, labels = ix._orders[("taken", True)]
    new = ix.add(photo("today/new.jpg", taken=ts(2030, 1, 1)))
    ix.refresh_orders()
    _stamp, perm_after, labels_after = ix._orders[("taken", True)]
    assert perm_after is perm and labels_after is labels  # the same arrays, changed in place
    assert ix.search(sort="taken", descending=True)[0] == new
    assert ix.timeline("day", True)[0][0] == new


def test_many_photos_between_two_others_relabel_without_a_wrong_order() -> None:
    ix = Index()
    ix.add_many(photo(f"a/{i:05d}.jpg", taken=ts(2020, 1, 1) + i * 60) for i in range(2000))
    ix.prepare_orders()
    between = ts(2020, 1, 1) + 30  # all of them between the first two photos
    for i in range(40):  # each halves the gap of the one before: labels run out, are spread
        ix.add(photo(f"b/{i:05d}.jpg", taken=between + i / 1000))
        ix.refresh_orders()
    kept = ix.search(sort="taken")
    ix.drop_caches()
    assert kept == ix.search(sort="taken")
    assert [ix.get(i).rel for i in kept[1:42]] == [f"b/{i:05d}.jpg" for i in range(40)] + [
        "a/00001.jpg"
    ]


def test_a_moved_photo_keeps_its_overlays_and_its_place_in_albums() -> None:
    ix = library_index()
    first, second = ix.id_of(PERSONAL, LIBRARY[0].rel), ix.id_of(PERSONAL, LIBRARY[1].rel)
    assert first is not None and second is not None
    ix.set_override(first, rating=4, description="kept", rotation=90)
    ix.set_tags(first, ["carried"])
    ix.set_album("Trip", [second, first])
    before = ix.get(first)
    moved = ix.move_many(PERSONAL, [(LIBRARY[0].rel, "elsewhere/renamed.jpg")])
    new = moved[first]
    assert ix.id_of(PERSONAL, LIBRARY[0].rel) is None and first not in ix
    now = ix.get(new)
    assert now.rel == "elsewhere/renamed.jpg"
    assert (now.rating, now.description, now.tags, ix.rotation(new)) == (
        4,
        "kept",
        ("carried",),
        90,
    )
    assert replace(now, rel=before.rel) == before  # nothing else changed
    assert ix.album_ids("Trip") == [second, new]
    assert ix.search("tag:carried") == [new]
    assert ix.search("is:rotated") == [new] and ix.search("kept") == [new]


def test_a_photo_moved_over_another_replaces_it() -> None:
    ix = library_index()
    a, b = LIBRARY[0].rel, LIBRARY[1].rel
    aid, bid = ix.id_of(PERSONAL, a), ix.id_of(PERSONAL, b)
    assert aid is not None and bid is not None
    ix.set_override(aid, rating=5)
    ix.set_override(bid, rating=1, description="the old one")
    moved = ix.move_many(PERSONAL, [(a, b)])
    assert moved == {aid: bid}  # b's row now holds a's file and a's values
    assert ix.id_of(PERSONAL, a) is None
    got = ix.get(bid)
    assert (got.rating, got.description, got.taken) == (5, LIBRARY[0].description, LIBRARY[0].taken)
    assert len(ix) == len(LIBRARY) - 1


def test_moves_of_unknown_paths_or_to_the_same_path_change_nothing() -> None:
    ix = library_index()
    version = ix.version
    assert (
        ix.move_many(PERSONAL, [("no/such.jpg", "x.jpg"), (LIBRARY[0].rel, LIBRARY[0].rel)]) == {}
    )
    assert ix.move_many(SHARED, [(LIBRARY[0].rel, "x.jpg")]) == {}  # another space's path
    assert ix.version == version


def test_a_gap_used_up_spreads_a_stretch_not_the_whole_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from phototerm.library.index import orders

    ix = Index()
    ix.add_many(photo(f"a/{i:05d}.jpg", taken=ts(2020, 1, 1) + i * 60) for i in range(20_000))
    ix.prepare_orders()
    whole: list[int] = []
    real = orders.relabel
    monkeypatch.setattr(
        orders, "relabel", lambda perm, labels: (whole.append(1), real(perm, labels))
    )
    between = ts(2020, 1, 1) + 600 * 60 + 30  # all between photos 600 and 601
    for i in range(200):
        ix.add(photo(f"b/{i:05d}.jpg", taken=between + i / 1000))
        ix.refresh_orders()
    assert not whole  # a gap of a 20,000-photo order ran out many times, never relabelled whole
    kept = ix.search(sort="taken")
    ix.drop_caches()
    assert kept == ix.search(sort="taken")
    assert [ix.get(i).rel for i in kept[601:801]] == [f"b/{i:05d}.jpg" for i in range(200)]
