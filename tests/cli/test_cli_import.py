"""`phototerm import` from the command line (the copying itself: tests/library/test_importing.py)."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import make_lib

from phototerm.cli import main


def _card(tmp_path: Path) -> Path:
    card = tmp_path / "card" / "DCIM"
    (card / "100CANON").mkdir(parents=True)
    (card / "100CANON" / "IMG_1.JPG").write_bytes(b"\xff\xd8one")
    (card / "100CANON" / "IMG_2.JPG").write_bytes(b"\xff\xd8two")
    (card / "100CANON" / "notes.txt").write_text("not a photo")
    return card


def test_the_import_command(tmp_path, capsys, monkeypatch):
    personal, shared = make_lib(tmp_path)
    card = _card(tmp_path)
    s = ["--personal", str(personal), "--shared", str(shared)]
    assert main(["import", str(card / "100CANON"), "--to", "new", *s]) == 0
    assert capsys.readouterr().out == (
        f"Copied 2 files into {shared}/new; 1 file skipped (not a photo or video)\n"
    )
    assert main(["import", str(card / "100CANON" / "notes.txt"), *s]) == 2
    assert main(["import", str(card), "--to", "/etc", *s]) == 2
    assert main(["import", str(card), "--space", "personal", "--to", "in", *s]) == 0
    assert (personal / "in" / "DCIM" / "100CANON" / "IMG_2.JPG").exists()
    capsys.readouterr()
    assert main(["ls", "new", *s]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{shared}/new/100CANON/IMG_1.JPG",
        f"{shared}/new/100CANON/IMG_2.JPG",
    ]
