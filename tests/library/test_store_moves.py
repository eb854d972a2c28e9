"""Photos moved on disk: the stores' rows follow them (states, album members and covers in
every store, photo shares), each store in one transaction, and the Editor's undo follows."""

from __future__ import annotations

from pathlib import Path

from phototerm.library.store import AlbumRecord, PhotoState, Store
from phototerm.library.store.moves import rekey

WEIRD = "2023/caf\udce9 [bold]x.jpg"  # a non-UTF-8 byte and a markup-like name


def stores(tmp_path: Path) -> dict[str, Store]:
    out = {}
    for name in ("personal", "shared"):
        root = tmp_path / name
        root.mkdir()
        out[name] = Store.open(name, str(root))
    return out


def test_states_members_covers_and_shares_follow_a_move(tmp_path: Path) -> None:
    st = stores(tmp_path)
    personal, shared = st["personal"], st["shared"]
    personal.put_states({"a/1.jpg": PhotoState(4, "kept", 90, ("t",)), WEIRD: PhotoState(2)})
    personal.albums.put(
        AlbumRecord("Trip", members=[("personal", "a/0.jpg"), ("personal", "a/1.jpg")])
    )
    shared.albums.put(
        AlbumRecord("Mixed", members=[("personal", "a/1.jpg")], cover=("personal", "a/1.jpg"))
    )
    personal.shares.add("photo", "tok", photo_rel="a/1.jpg")
    token = shared.change_token()
    problems = rekey(st, "personal", [("a/1.jpg", "b/one.jpg"), (WEIRD, "2023/plain.jpg")])
    assert problems == []
    assert personal.get_states(["a/1.jpg", "b/one.jpg"]) == {
        "a/1.jpg": PhotoState(),
        "b/one.jpg": PhotoState(4, "kept", 90, ("t",)),
    }
    assert personal.get_states(["2023/plain.jpg"])["2023/plain.jpg"] == PhotoState(2)
    trip = personal.albums.get("Trip")
    mixed = shared.albums.get("Mixed")
    assert trip is not None and mixed is not None
    assert trip.members == [("personal", "a/0.jpg"), ("personal", "b/one.jpg")]  # same place
    assert mixed.members == [("personal", "b/one.jpg")]
    assert mixed.cover == ("personal", "b/one.jpg")
    assert [s.photo_rel for s in personal.shares.all()] == ["b/one.jpg"]
    changes = shared.changes_since(token)
    assert changes.albums  # other sessions see the album change
    assert {"a/1.jpg", "b/one.jpg"} <= personal.changes_since(0).rels


def test_moving_twice_or_a_path_with_no_rows_changes_nothing(tmp_path: Path) -> None:
    st = stores(tmp_path)
    personal = st["personal"]
    personal.put_states({"a.jpg": PhotoState(5), "b.jpg": PhotoState(1)})
    assert personal.move_photos("personal", [("a.jpg", "c.jpg")])
    token = personal.change_token()
    # a second session finds the same move: the row is gone from a.jpg, c.jpg keeps it
    assert not personal.move_photos("personal", [("a.jpg", "c.jpg")])
    assert not personal.move_photos("personal", [("nothing.jpg", "b.jpg")])
    assert personal.change_token() == token  # nothing written, nothing logged
    assert personal.get_states(["c.jpg", "b.jpg"]) == {
        "c.jpg": PhotoState(5),
        "b.jpg": PhotoState(1),  # not taken over by a move of a photo with no state
    }


def test_a_photo_moved_over_another_takes_its_place(tmp_path: Path) -> None:
    st = stores(tmp_path)
    personal = st["personal"]
    personal.put_states({"a.jpg": PhotoState(5), "b.jpg": PhotoState(1, "old file")})
    personal.albums.put(
        AlbumRecord(
            "Both", members=[("personal", "b.jpg"), ("personal", "x.jpg"), ("personal", "a.jpg")]
        )
    )
    assert personal.move_photos("personal", [("a.jpg", "b.jpg")])
    assert personal.get_states(["a.jpg", "b.jpg"]) == {
        "a.jpg": PhotoState(),
        "b.jpg": PhotoState(5),
    }
    both = personal.albums.get("Both")
    assert both is not None
    assert both.members == [("personal", "b.jpg"), ("personal", "x.jpg")]


def test_a_swap_through_a_third_name_swaps(tmp_path: Path) -> None:
    st = stores(tmp_path)
    personal = st["personal"]
    personal.put_states({"a.jpg": PhotoState(5), "b.jpg": PhotoState(1)})
    personal.move_photos("personal", [("a.jpg", "t.jpg"), ("b.jpg", "a.jpg"), ("t.jpg", "b.jpg")])
    assert personal.get_states(["a.jpg", "b.jpg", "t.jpg"]) == {
        "a.jpg": PhotoState(1),
        "b.jpg": PhotoState(5),
        "t.jpg": PhotoState(),
    }


def test_a_read_only_store_is_passed_over(tmp_path: Path) -> None:
    st = stores(tmp_path)
    st["personal"].put_states({"a.jpg": PhotoState(3)})
    reader = Store.open("personal", str(tmp_path / "personal"), read_only=True)
    assert rekey({"personal": reader}, "personal", [("a.jpg", "b.jpg")]) == []
    assert st["personal"].get_states(["a.jpg"])["a.jpg"] == PhotoState(3)
