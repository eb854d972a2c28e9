"""A library that follows the disk for an owner holding no ids (``phototerm watch``) compacts
its index between batches: removed rows go, edits stay with their photos, later events carry
the new ids."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_indexer import jpeg, library
from test_watch import watching

from phototerm.library.index import compaction
from phototerm.library.store import PhotoState


def test_the_index_compacts_itself_between_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compaction, "FLOOR", 2)
    root = tmp_path / "root"
    names = library(root, 12)
    with watching(root, tmp_path) as (lib, live, seen):
        live.compacts = True
        assert lib.editor is not None
        rated = lib.index.id_of("personal", names[10])
        moved = lib.index.id_of("personal", names[11])
        assert rated is not None and moved is not None
        assert lib.editor.set_rating([rated], 4).ok
        assert lib.editor.albums.create("Kept", [moved]).ok
        for rel in names[:8]:
            os.remove(root / rel)
        os.rename(root / names[11], root / "renamed.jpg")
        seen.until(lambda: live.compacted >= 1)
        index = lib.index
        assert index.removed_rows == 0 and len(index) == 4 and index.numbering == 1
        now = index.id_of("personal", names[10])
        assert now is not None and index.get(now).rating == 4
        renamed = index.id_of("personal", "renamed.jpg")
        assert renamed is not None and index.album_ids("Kept") == [renamed]
        # an edit after the swap, by the ids the index gives now, lands on the right photo
        assert lib.editor.set_rating([renamed], 2).ok
        store = lib.stores["personal"]
        assert store.get_states(["renamed.jpg"])["renamed.jpg"] == PhotoState(2)
        assert store.get_states([names[10]])[names[10]] == PhotoState(4)
        # later events carry ids of the compacted index
        jpeg(root / "later.jpg")
        seen.until(lambda: ("added", "later.jpg") in seen.kinds())
        added = next(e for e in seen.events if e.rel == "later.jpg")
        assert added.id is not None and index.get(added.id).rel == "later.jpg"
