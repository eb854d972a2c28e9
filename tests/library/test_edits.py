"""The Editor: edits go to the store (durable), the index overlay and sidecars; undo restores
exactly; roles gate every edit; rejects move to #recycle, never deleted."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from phototerm.library.access.grants import Grants, write_grants
from phototerm.library.edits import Editor
from phototerm.library.index import Index
from phototerm.library.metadata.xmp import read_sidecar
from phototerm.library.photo import Photo
from phototerm.library.roles import Access, Identity, Role, not_allowed
from phototerm.library.settings import Settings
from phototerm.library.store import AlbumRecord, PhotoState, Recipient, Store, StoreError
from phototerm.library.store.overlay import load_overlay

ROOT_ID = Identity("root", frozenset({"root"}), 0)


@dataclass
class Lib:
    roots: dict[str, str]
    photos: list[Photo]
    index: Index
    stores: dict[str, Store]
    editor: Editor

    def ids(self, space: str | None = None) -> list[int]:
        return [self.index.id_of(p.space, p.rel) for p in self.photos if space in (None, p.space)]

    def reopen(self, config: Settings | None = None) -> Lib:
        """A second session: its own stores and a freshly built index with the overlay."""
        index = Index()
        index.add_many(self.photos)
        stores = {n: Store.open(n, r) for n, r in self.roots.items()}
        load_overlay(index, stores)
        return Lib(self.roots, self.photos, index, stores, Editor(index, stores, ROOT_ID, config))


def _make(
    tmp_path: Path, config: Settings | None = None, *, n_personal: int = 40, n_shared: int = 10
) -> Lib:
    roots = {"personal": str(tmp_path / "Photos"), "shared": str(tmp_path / "photo")}
    photos = []
    for space, count in (("personal", n_personal), ("shared", n_shared)):
        for i in range(count):
            rel = f"{2020 + i % 3}/trip/IMG_{i:03d}.jpg"
            if i == 1:
                rel = "2020/trip/caf\udce9 [bold]x.jpg"
            path = os.path.join(roots[space], rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            Image.new("RGB", (8, 6), (i * 5 % 255, 90, 30)).save(path, "JPEG")
            photos.append(
                Photo(
                    space,
                    roots[space],
                    rel,
                    size=os.path.getsize(path),
                    mtime=1.7e9 + i,
                    taken=1.6e9 + i * 3600,
                    rating=3 if i % 4 == 0 else 0,
                    tags=("from-file",) if i % 5 == 0 else (),
                    description="exif text" if i == 2 else "",
                )
            )
    index = Index()
    index.add_many(photos)
    stores = {n: Store.open(n, r) for n, r in roots.items()}
    load_overlay(index, stores)
    return Lib(roots, photos, index, stores, Editor(index, stores, ROOT_ID, config))


def _snapshot(lib: Lib) -> dict:
    """Everything an edit can change, as the index and the stores see it."""
    idx = lib.index
    photos = {
        i: (idx.get(i).rating, tuple(idx.get(i).tags), idx.get(i).description, idx.rotation(i))
        for i in lib.ids()
    }
    albums = {n: list(idx.album_ids(n)) for n in idx.album_names()}
    stored = {n: sorted(s.all_states()) for n, s in lib.stores.items()}
    records = {
        n: [(a.name, a.query, a.members, a.cover) for a in s.albums.all()]
        for n, s in lib.stores.items()
    }
    return {"photos": photos, "albums": albums, "stored": stored, "records": records}


def test_rating_goes_to_store_index_and_survives_a_restart(tmp_path):
    lib = _make(tmp_path)
    ids = lib.ids("personal")[:37]
    result = lib.editor.set_rating(ids, 4)
    assert result.ok and result.count == 37 and result.message == "Rated 37 photos 4 stars"
    assert all(lib.index.get(i).rating == 4 for i in ids)
    assert set(lib.index.search("rating:4")) == set(ids)
    assert lib.editor.set_rating(ids[:1], 1).message == "Rated 1 photo 1 star"
    assert lib.editor.set_rating(ids[1:3], 0).message == "Cleared the rating of 2 photos"
    other = lib.reopen()
    assert other.index.get(ids[0]).rating == 1
    assert other.index.get(ids[1]).rating == 0  # 0 is the user's choice, not "from the file"
    assert all(other.index.get(i).rating == 4 for i in ids[3:])
    untouched = lib.ids("personal")[40 - 1]
    assert other.index.get(untouched).rating == lib.photos[39].rating  # the file's rating


def test_reject_tags_description_rotation(tmp_path):
    lib = _make(tmp_path)
    a, b, c = lib.ids("personal")[:3]
    assert lib.editor.reject([a, b]).message == "Rejected 2 photos"
    assert set(lib.index.search("rating:-1")) == {a, b}
    assert lib.editor.set_rating([c], -1).message == "Rejected 1 photo"
    r = lib.editor.add_tags([a, b], ["Sea", " sunset\n", "sea"])
    assert r.message == "Tagged 2 photos with 'Sea', 'sunset'"
    assert lib.index.get(a).tags == ("from-file", "Sea", "sunset")  # the file's tags stay
    assert lib.index.get(b).tags == ("Sea", "sunset")
    assert lib.editor.add_tags([b], ["SEA"]).ok and lib.index.get(b).tags == ("Sea", "sunset")
    assert lib.editor.remove_tags([a], ["FROM-FILE", "sea"]).ok
    assert lib.index.get(a).tags == ("sunset",)
    assert not lib.editor.add_tags([a], ["  "]).ok
    assert lib.editor.set_description([c], "  new\x1b[31m words ").ok
    assert lib.index.get(c).description == "new\ufffd[31m words"
    assert lib.editor.rotate([a], 90).message == "Rotated 1 photo 90° clockwise"
    lib.editor.rotate([a, b], -90)
    assert lib.index.rotation(a) == 0 and lib.index.rotation(b) == 270
    assert not lib.editor.rotate([a], 45).ok
    other = lib.reopen()
    assert other.index.get(a).tags == ("sunset",) and other.index.get(a).rating == -1
    assert other.index.get(c).description == "new\ufffd[31m words"
    assert other.index.rotation(b) == 270


def test_undo_restores_exact_previous_values_over_25_steps(tmp_path):
    lib = _make(tmp_path)
    ed = lib.editor
    ids = lib.ids()
    ed.set_rating(ids[:5], 2)  # some state before we start recording
    ed.add_tags(ids[3:6], ["keep"])
    ed.albums.create("Start", ids[:3])
    start = _snapshot(lib)
    steps = [
        lambda: ed.set_rating(ids[:20], 5),
        lambda: ed.reject(ids[4:8]),
        lambda: ed.set_rating(ids[6:9], 0),
        lambda: ed.add_tags(ids[:10], ["x", "y"]),
        lambda: ed.remove_tags(ids[:4], ["keep", "from-file"]),
        lambda: ed.set_description(ids[2:4], "hello"),
        lambda: ed.rotate(ids[:2], 90),
        lambda: ed.rotate(ids[1:3], -90),
        lambda: ed.albums.create("Trip", ids[10:15]),
        lambda: ed.albums.add("Trip", ids[40:45]),
        lambda: ed.albums.remove("trip", ids[11:13]),
        lambda: ed.albums.set_cover("Trip", ids[42]),
        lambda: ed.albums.rename("Trip", "Voyage"),
        lambda: ed.albums.create_conditional("Good", "rating:>=4"),
        lambda: ed.albums.delete("Start"),
        lambda: ed.set_rating(ids[40:], 1),
        lambda: ed.add_tags(ids[40:], ["shared-tag"]),
        lambda: ed.albums.delete("Voyage"),
        lambda: ed.albums.rename("Good", "Great"),
        lambda: ed.set_rating(ids[:1], 3),
        lambda: ed.set_rating(ids[:1], 4),
        lambda: ed.set_description(ids[2:3], ""),
        lambda: ed.reject(ids),
        lambda: ed.rotate(ids, 180),
        lambda: ed.add_tags(ids, ["all"]),
    ]
    for step in steps:
        result = step()
        assert result.ok, result.message
    assert _snapshot(lib) != start
    for _ in steps:
        result = ed.undo()
        assert result.ok and result.message.startswith("Undone: "), result.message
    assert _snapshot(lib) == start
    assert [a.name for a in lib.stores["personal"].albums.all()] == ["Start"]
    assert ed.undo_label() == "Created album 'Start' with 3 photos"  # set-up steps remain
    # and the stores agree with a fresh session
    assert _snapshot(lib.reopen()) == start


def test_undo_of_album_delete_brings_back_members_order_and_links(tmp_path):
    lib = _make(tmp_path)
    ids = lib.ids("personal")
    lib.editor.albums.create("Paris", [ids[5], ids[2], ids[9]])
    lib.editor.albums.set_cover("Paris", ids[9])
    lib.stores["personal"].shares.add(
        "album", "token-1", album="Paris", recipients=[Recipient("bob", "viewer")]
    )
    result = lib.editor.albums.delete("paris")
    assert result.message == "Deleted album 'Paris' (its photos are kept)"
    assert "Paris" not in lib.index.album_names() and len(lib.index) == 50
    assert lib.stores["personal"].shares.get("token-1") is None
    lib.editor.undo()
    assert lib.index.album_ids("Paris") == [ids[5], ids[2], ids[9]]
    assert lib.editor.albums.cover("Paris") == ids[9]
    assert lib.stores["personal"].shares.get("token-1").recipients == (Recipient("bob", "viewer"),)


def test_albums_across_spaces_and_conditional(tmp_path):
    lib = _make(tmp_path)
    ed = lib.editor
    p, s = lib.ids("personal"), lib.ids("shared")
    assert ed.albums.create("Mix", [p[0], s[0]]).message == "Created album 'Mix' with 2 photos"
    assert ed.albums.space_of("Mix") == "personal"
    refused = ed.albums.create("Team", [p[0]], space="shared")
    assert not refused.ok and "Personal Space" in refused.message
    assert ed.albums.create("Team", [s[1]], space="shared").ok
    assert not ed.albums.create("team", []).ok  # names are unique across spaces
    r = ed.albums.add("Mix", [p[0], p[1], s[2]])
    assert r.count == 2 and r.message == "Added 2 photos to 'Mix' (1 already in it)"
    assert lib.index.album_ids("Mix") == [p[0], s[0], p[1], s[2]]
    assert ed.albums.remove("Mix", [s[0]]).message == "Removed 1 photo from 'Mix'"
    assert not ed.albums.add("Nope", [p[0]]).ok
    ed.set_rating(p[:3], 5)
    assert ed.albums.create_conditional("Best", "rating:5").ok
    assert set(lib.index.album_ids("Best")) == set(p[:3])
    ed.set_rating([p[10]], 5)  # live: a new match appears by itself
    assert p[10] in lib.index.album_ids("Best")
    assert not ed.albums.add("Best", [p[0]]).ok  # its photos come from its query
    bad = ed.albums.create_conditional("Broken", "rating:>=")
    assert not bad.ok and "Broken" not in ed.albums.names()
    assert not ed.albums.rename("Mix", "best").ok
    assert ed.albums.rename("Mix", "Mixed").ok and "Mixed" in lib.index.album_names()
    other = lib.reopen()
    assert other.index.album_ids("Mixed") == [p[0], p[1], s[2]]
    assert set(other.index.album_ids("Best")) == set(p[:3]) | {p[10]}
    assert other.editor.albums.space_of("Team") == "shared"


def test_same_album_name_in_both_spaces_is_told_apart(tmp_path):
    lib = _make(tmp_path)
    lib.stores["shared"].albums.put(AlbumRecord("Trip"))
    assert not lib.editor.albums.create("Trip", lib.ids("personal")[:1]).ok  # name taken
    other = lib.reopen()
    assert other.editor.albums.names() == ["Trip"]
    lib.stores["personal"].albums.put(
        AlbumRecord("Trip", members=[("personal", lib.photos[0].rel)])
    )
    other = lib.reopen()
    assert other.editor.albums.names() == ["Trip", "Trip (Shared Space)"]
    assert other.editor.albums.space_of("Trip (Shared Space)") == "shared"
    assert other.index.album_ids("Trip") == other.ids("personal")[:1]


def test_read_only_space_refuses_and_nothing_is_half_done(tmp_path):
    lib = _make(tmp_path)
    lib.stores["shared"].close()
    lib.stores["shared"] = Store.open("shared", lib.roots["shared"], read_only=True)
    editor = Editor(lib.index, lib.stores, ROOT_ID, None)
    before = _snapshot(lib)
    mixed = lib.ids("personal")[:3] + lib.ids("shared")[:2]
    result = editor.set_rating(mixed, 5)
    assert not result.ok and result.count == 0 and "Shared Space" in result.message
    assert not editor.albums.create("X", [], space="shared").ok
    assert _snapshot(lib) == before
    assert editor.set_rating(lib.ids("personal")[:3], 5).ok  # the other space still works


def test_second_store_failing_rolls_back_the_first(tmp_path, monkeypatch):
    lib = _make(tmp_path)
    lib.editor.set_rating(lib.ids()[:2], 2)
    before = _snapshot(lib)

    def broken(rels, change):
        raise StoreError("Could not save to /x/library.db: disk I/O error")

    monkeypatch.setattr(lib.stores["shared"], "update_states", broken)
    result = lib.editor.set_rating(lib.ids("personal")[:3] + lib.ids("shared")[:1], 5)
    assert not result.ok and "disk I/O error" in result.message
    assert _snapshot(lib) == before


def test_failed_album_write_is_reported_and_not_undoable(tmp_path, monkeypatch):
    """A store write that fails must not be shown as done, nor pushed on the undo stack."""
    lib = _make(tmp_path)
    ids = lib.ids("personal")
    assert lib.editor.albums.create("Trip", ids[:3]).ok
    before, label = _snapshot(lib), lib.editor.undo_label()

    def broken(*args, **kwargs):
        raise StoreError("Could not save to /x/library.db: disk I/O error")

    for method in ("put", "add_members", "remove_members", "rename", "set_cover", "delete"):
        monkeypatch.setattr(lib.stores["personal"].albums, method, broken)
    attempts = [
        lib.editor.albums.create("Other", ids[:2]),
        lib.editor.albums.add("Trip", ids[5:7]),
        lib.editor.albums.remove("Trip", ids[:1]),
        lib.editor.albums.rename("Trip", "Journey"),
        lib.editor.albums.set_cover("Trip", ids[1]),
        lib.editor.albums.delete("Trip"),
    ]
    for result in attempts:
        assert not result.ok and result.count == 0 and "disk I/O error" in result.message
    assert _snapshot(lib) == before
    assert lib.editor.undo_label() == label  # still the create, the only edit that happened


def test_personal_space_of_another_user_is_not_editable(tmp_path):
    lib = _make(tmp_path)
    alice = Identity("alice", frozenset({"users"}), 54321)
    os.chown(lib.roots["personal"], 12345, 12345)
    reason = Access(alice, lib.stores).why_not_edit("personal")
    assert "belongs to 12345, and only 12345 uses it" in reason and not_allowed(reason)
    write_grants(lib.roots["shared"], Grants({"alice": Role.MANAGE}))
    access = Access(alice, lib.stores)
    assert access.can_edit("shared") and access.role("shared") is Role.MANAGE
    editor = Editor(lib.index, lib.stores, alice, None)
    assert not editor.set_rating(lib.ids("personal")[:1], 2).ok
    assert editor.set_rating(lib.ids("shared")[:1], 2).ok
    os.chown(lib.roots["personal"], 54321, 12345)
    assert Access(alice, lib.stores).can_edit("personal")
    me = Identity.current()
    assert me.user and me.uid == os.getuid() and me.groups


def test_other_session_edits_arrive_by_refresh(tmp_path):
    lib = _make(tmp_path)
    other = lib.reopen()
    ids = lib.ids()
    assert not other.editor.refresh()
    lib.editor.set_rating(ids[:3], 5)
    lib.editor.add_tags(ids[3:4], ["t"])
    lib.editor.albums.create("Fresh", ids[:2])
    assert other.editor.refresh()
    assert [other.index.get(i).rating for i in ids[:3]] == [5, 5, 5]
    assert "t" in other.index.get(ids[3]).tags
    assert other.index.album_ids("Fresh") == ids[:2]
    lib.editor.undo()
    lib.editor.undo()  # the tag goes, and the file's tags come back
    other.editor.refresh()
    assert "Fresh" not in other.index.album_names()
    assert other.index.get(ids[3]).tags == lib.photos[3].tags


def test_sidecars_follow_edits_when_enabled(tmp_path):
    lib = _make(tmp_path, Settings(sidecars="write"))
    a, b = lib.ids("personal")[:2]
    path_a = lib.index.get(a).path
    with open(path_a, "rb") as fh:
        original = fh.read()
    lib.editor.set_rating([a, b], 4)
    lib.editor.add_tags([a], ["sea"])
    data = read_sidecar(path_a + ".xmp")
    assert data.rating == 4 and data.subjects == ("from-file", "sea")
    assert read_sidecar(lib.index.get(b).path + ".xmp").rating == 4  # non-UTF-8 name
    lib.editor.reject([a])
    assert read_sidecar(path_a + ".xmp").rating == -1
    lib.editor.undo()
    assert read_sidecar(path_a + ".xmp").rating == 4
    with open(path_a, "rb") as fh:
        assert fh.read() == original  # the photo itself is never written
    off = _make(tmp_path / "off")
    off.editor.set_rating(off.ids()[:1], 5)
    assert not os.path.exists(off.index.get(off.ids()[0]).path + ".xmp")


def test_recycle_rejects_moves_and_never_overwrites(tmp_path):
    lib = _make(tmp_path, Settings(sidecars="write"))
    ids = lib.ids("personal")
    rejected = [ids[1], ids[4]]
    lib.editor.reject(rejected)
    paths = {lib.index.get(i).path: lib.index.get(i).rel for i in rejected}
    first_rel = lib.index.get(ids[4]).rel
    taken = os.path.join(lib.roots["personal"], "#recycle", first_rel)
    os.makedirs(os.path.dirname(taken))
    with open(taken, "wb") as fh:
        fh.write(b"already here")
    count_before = sum(len(f) for _, _, f in os.walk(lib.roots["personal"]))
    result = lib.editor.recycle_rejects("personal")
    assert result.ok and len(result.moved) == 2
    assert result.message == "Moved 2 photos to #recycle in the Personal Space"
    for source, target in result.moved:
        assert not os.path.exists(source) and os.path.exists(target)
        assert target.startswith(os.path.join(lib.roots["personal"], "#recycle") + "/")
        assert os.path.exists(target + ".xmp")  # the sidecar travels with its photo
    with open(taken, "rb") as fh:
        assert fh.read() == b"already here"
    assert any(t.endswith("IMG_004 (2).jpg") for _, t in result.moved)
    assert sum(len(f) for _, _, f in os.walk(lib.roots["personal"])) == count_before
    assert all(lib.index.id_of("personal", rel) is None for rel in paths.values())
    assert lib.editor.recycle_rejects("personal").moved == ()


def test_recycle_needs_manage_permission(tmp_path):
    lib = _make(tmp_path)
    lib.editor.reject(lib.ids("shared")[:1])
    write_grants(lib.roots["shared"], Grants({"alice": Role.UPLOAD}))
    alice = Identity("alice", frozenset(), 54321)
    result = Editor(lib.index, lib.stores, alice, None).recycle_rejects("shared")
    assert not result.ok and result.moved == ()
    assert result.message == "Your role in the Shared Space is upload: moving files needs manage"
    assert os.path.exists(lib.index.get(lib.ids("shared")[0]).path)


def test_load_overlay_skips_missing_photos_and_keeps_them(tmp_path):
    lib = _make(tmp_path)
    lib.stores["personal"].put_states({"gone/away.jpg": PhotoState(rating=5)})
    lib.editor.set_rating(lib.ids("personal")[:2], 4)
    index = Index()
    index.add_many(lib.photos)
    assert load_overlay(index, lib.stores) == 2
    assert lib.stores["personal"].get_states(["gone/away.jpg"])["gone/away.jpg"].rating == 5


def test_sort_orders_are_remembered_per_view(tmp_path):
    lib = _make(tmp_path)
    assert lib.editor.set_sort_order("personal", "album:Trip", "rating", True).ok
    assert lib.editor.sort_order("personal", "album:Trip") == ("rating", True)
    assert lib.reopen().editor.sort_order("personal", "album:Trip") == ("rating", True)
    assert lib.editor.sort_order("shared", "album:Trip") is None
    lib.stores["shared"] = Store.open("shared", lib.roots["shared"], read_only=True)
    editor = Editor(lib.index, lib.stores, ROOT_ID, None)
    assert not editor.set_sort_order("shared", "folder:", "name", False).ok


def test_undo_photos_names_what_the_next_undo_puts_back(tmp_path):
    lib = _make(tmp_path)
    ed = lib.editor
    ids = lib.ids()
    assert ed.undo_photos() == []
    ed.set_rating(ids[:2], 3)
    ed.albums.create("Trip", ids[2:4])
    assert ed.undo_photos() == []  # an album edit: no photo state to put back
    ed.undo()
    assert sorted(ed.undo_photos()) == sorted(
        (lib.index.get(i).space, lib.index.get(i).rel) for i in ids[:2]
    )
