import os

from phototerm.library.text import clean_metadata, safe


def test_plain_ascii_is_unchanged() -> None:
    assert safe("IMG_0001.JPG") == "IMG_0001.JPG"


def test_markup_is_left_as_plain_characters() -> None:
    # safe() does not escape markup: the UI never parses these strings as markup.
    assert safe("[bold]x.jpg") == "[bold]x.jpg"
    assert safe("[@click=app.quit]x.jpg") == "[@click=app.quit]x.jpg"


def test_escape_sequences_are_neutralised() -> None:
    shown = safe("esc\x1b[2J\x1b]0;t\x07.jpg")
    assert "\x1b" not in shown and "\x07" not in shown
    assert shown.startswith("esc") and shown.endswith(".jpg")


def test_c1_controls_and_bidi_overrides_are_replaced() -> None:
    shown = safe("a\x9b31mb\u202egpj.exe")
    assert "\x9b" not in shown and "\u202e" not in shown


def test_non_utf8_file_name_shows_replacement_characters() -> None:
    name = os.fsdecode(b"caf\xe9.jpg")
    shown = safe(name)
    assert shown == "caf\ufffd.jpg"
    shown.encode("utf-8")  # printable and encodable


def test_bytes_and_newlines() -> None:
    assert safe(b"Canon\xff") == "Canon\ufffd"
    assert safe("two\nlines") == "two lines"


def test_limit_adds_an_ellipsis() -> None:
    assert safe("x" * 250, limit=20) == "x" * 19 + "…"


def test_clean_metadata_trims_nul_padding_and_surrogates() -> None:
    assert clean_metadata(b"NIKON D70\x00\x00\x00") == "NIKON D70"
    assert clean_metadata("  Canon  ") == "Canon"
    assert clean_metadata(os.fsdecode(b"x\xff")) == "x\ufffd"
    assert clean_metadata(None) == ""
