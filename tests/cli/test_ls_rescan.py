"""`phototerm ls` from the saved index: checked against the disk, or not (--no-rescan)."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import make_library, standard_shots

from phototerm.cli import main


def ls(root: Path, capsysbinary, *extra: str) -> list[str]:
    assert main(["ls", "--personal", str(root), "--shared", "", *extra]) == 0
    return sorted(os.fsdecode(p) for p in capsysbinary.readouterr().out.splitlines())


def test_no_rescan_answers_from_the_saved_index(tmp_path: Path, capsysbinary) -> None:
    root = make_library(tmp_path / "Personal", standard_shots("personal")[:4])
    first = ls(root, capsysbinary)
    assert len(first) == 4
    os.remove(first[0])
    assert ls(root, capsysbinary, "--no-rescan") == first  # as saved, stale on purpose
    assert ls(root, capsysbinary) == first[1:]  # a walk sees the file gone
    assert ls(root, capsysbinary, "--no-rescan") == first[1:]  # and that was saved


def test_no_rescan_without_a_saved_index_indexes(tmp_path: Path, capsysbinary) -> None:
    root = make_library(tmp_path / "Personal", standard_shots("personal")[:3])
    assert len(ls(root, capsysbinary, "--no-rescan")) == 3
