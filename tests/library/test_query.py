"""The search language: parsing, values, precedence, errors with positions, robustness."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phototerm.library.query import (
    KEYS,
    Album,
    And,
    Everything,
    Flag,
    Folder,
    Months,
    Name,
    Not,
    Or,
    QueryError,
    Range,
    Space,
    Substring,
    Tag,
    Text,
    parse,
)
from phototerm.library.values import fold


def node(text: str):
    return parse(text).node


def day(y: int, m: int, d: int) -> int:
    return date(y, m, d).toordinal()


# -- folding ---------------------------------------------------------------------------------


def test_fold_is_case_and_accent_insensitive() -> None:
    assert fold("Île de Ré") == "ile de re"
    assert fold("ZÜRICH") == fold("zurich") == "zurich"
    assert fold("Straße") == "strasse"
    assert fold("Ｆｕｌｌｗｉｄｔｈ") == "fullwidth"  # compatibility forms
    assert fold("a\x1b[31mb\nc") == "a [31mb c"  # controls become spaces
    assert fold("bad\udcffname") == "bad\ufffdname"  # surrogate escapes never break encoding
    fold("\ud800").encode()  # and the result always encodes


# -- terms and keys ---------------------------------------------------------------------------


def test_empty_query_is_everything() -> None:
    assert node("") == Everything()
    assert node("   ") == Everything()
    assert parse(None).is_everything


def test_free_words_and_phrases_are_folded() -> None:
    assert node("Paris") == Text("paris")
    assert node('"Paris Trip"') == Text("paris trip")
    assert node('"say \\"cheese\\""') == Text('say "cheese"')
    assert node("Café") == Text("cafe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rating:4", Range("rating", 4, 4)),
        ("rating:>=4", Range("rating", 4, None)),
        ("rating:>3", Range("rating", 4, None)),
        ("rating:<2", Range("rating", None, 1)),
        ("rating:0", Range("rating", 0, 0)),
        ("rating:-1", Range("rating", -1, -1)),
        ("rating:rejected", Range("rating", -1, -1)),
        ("rating:1..3", Range("rating", 1, 3)),
        ("type:photo", Flag("photo")),
        ("type:VIDEO", Flag("video")),
        ("type:raw", Flag("raw")),
        ("camera:canon", Substring("camera", "canon")),
        ('camera:"EOS R6"', Substring("camera", "eos r6")),
        ("make:Nikon", Substring("make", "nikon")),
        ("model:ilce", Substring("model", "ilce")),
        ("lens:50mm", Substring("lens", "50mm")),
        ("iso:800", Range("iso", 800, 800)),
        ("iso:>=800", Range("iso", 800, None)),
        ("iso:>800", Range("iso", 801, None)),
        ("iso:100..400", Range("iso", 100, 400)),
        ("f:<=2.8", Range("f", None, 2.8)),
        ("f:f/2.8", Range("f", 2.8, 2.8)),
        ("f:>2.8", Range("f", 2.8, None, lo_open=True)),
        ("f:<2", Range("f", None, 2.0, hi_open=True)),
        ("mm:35..50", Range("mm", 35.0, 50.0)),
        ("mm:35mm", Range("mm", 35.0, 35.0)),
        ("shutter:<=1/250", Range("shutter", None, 0.004)),
        ("shutter:2s", Range("shutter", 2.0, 2.0)),
        ("size:>10mb", Range("size", 10_000_001, None)),
        ("size:1kb..2kb", Range("size", 1000, 2000)),
        ("date:2023", Range("day", day(2023, 1, 1), day(2023, 12, 31))),
        ("date:2023-02", Range("day", day(2023, 2, 1), day(2023, 2, 28))),
        ("date:2023-12", Range("day", day(2023, 12, 1), day(2023, 12, 31))),
        ("date:2023-05-14", Range("day", day(2023, 5, 14), day(2023, 5, 14))),
        ("date:2023-05..2023-08-15", Range("day", day(2023, 5, 1), day(2023, 8, 15))),
        ("date:>=2020", Range("day", day(2020, 1, 1), None)),
        ("date:>2020", Range("day", day(2021, 1, 1), None)),
        ("date:<2020-03", Range("day", None, day(2020, 2, 29))),
        ("date:<=2020-03", Range("day", None, day(2020, 3, 31))),
        ("date:2019..", Range("day", day(2019, 1, 1), None)),
        ("date:..2019", Range("day", None, day(2019, 12, 31))),
        ("year:2019", Range("day", day(2019, 1, 1), day(2019, 12, 31))),
        ("year:2019..2021", Range("day", day(2019, 1, 1), day(2021, 12, 31))),
        ("month:7", Months(frozenset({7}))),
        ("month:July", Months(frozenset({7}))),
        ("month:jun..aug", Months(frozenset({6, 7, 8}))),
        ("month:11..2", Months(frozenset({11, 12, 1, 2}))),
        ("month:>=10", Months(frozenset({10, 11, 12}))),
        ('folder:"2023/Paris trip"', Folder("2023/paris trip")),
        ("folder:/2023/", Folder("2023")),
        ("space:personal", Space("personal")),
        ("space:Shared", Space("shared")),
        ("has:gps", Flag("gps")),
        ("has:description", Flag("description")),
        ("is:error", Flag("error")),
        ("is:rejected", Range("rating", -1, -1)),
        ("is:rated", Range("rating", 1, 5)),
        ("name:*.HEIC", Name("*.heic", glob=True)),
        ("name:IMG_12", Name("img_12", glob=False)),
        ("tag:Family", Tag("family")),
        ('album:"Best of 2019"', Album("best of 2019")),
        ("RATING:5", Range("rating", 5, 5)),  # keys are case-insensitive
    ],
)
def test_key_values(text: str, expected: object) -> None:
    assert node(text) == expected


def test_alternatives_in_values() -> None:
    assert node("type:photo|video") == Or((Flag("photo"), Flag("video")))
    assert node("space:personal|shared") == Or((Space("personal"), Space("shared")))
    assert node("camera:canon|nikon") == Or(
        (Substring("camera", "canon"), Substring("camera", "nikon"))
    )
    assert node('camera:"a|b"') == Substring("camera", "a|b")  # quoted: literal


def test_every_key_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "search.md").read_text(encoding="utf-8")
    for key in KEYS:
        assert f"`{key}:" in doc, key


# -- boolean logic and precedence ------------------------------------------------------------


def test_implicit_and_or_not_precedence() -> None:
    a, b, c = Text("a"), Text("b"), Text("c")
    assert node("a b") == And((a, b))
    assert node("a AND b") == And((a, b))
    assert node("a b OR c") == Or((And((a, b)), c))  # AND binds tighter than OR
    assert node("a OR b c") == Or((a, And((b, c))))
    assert node("NOT a b") == And((Not(a), b))  # NOT binds to one term
    assert node("-a OR b") == Or((Not(a), b))
    assert node("-(a OR b) c") == And((Not(Or((a, b))), c))
    assert node("a (b OR c)") == And((a, Or((b, c))))
    assert node("NOT NOT a") == a
    assert node("--a") == a
    assert node("- a") == And((Text("-"), a))  # a lone dash is a word
    assert node("a or b") == And((a, Text("or"), b))  # only upper-case OR is an operator


def test_parentheses_inside_words_belong_to_the_word() -> None:
    assert node("name:IMG_1(2).jpg") == Name("img_1(2).jpg", glob=False)
    assert node("(name:IMG_1(2).jpg OR x)") == Or((Name("img_1(2).jpg", False), Text("x")))
    assert node("(a)") == Text("a")


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("foo:bar", 0, "unknown key 'foo:'"),
        ("paris colour:red", 6, "unknown key 'colour:'"),
        ("rating:9", 7, "a rating is -1"),
        ("rating:", 7, "needs a value"),
        ("rating:>=", 9, "a value is needed after '>='"),
        ("rating:two", 7, "not a rating"),
        ("iso:abc", 4, "not a number"),
        ("iso:2.5", 4, "whole number"),
        ("iso:200..100", 4, "starts after it ends"),
        ("date:2023-13", 5, "not a valid date"),
        ("date:2023-02-30", 5, "not a valid date"),
        ("date:May", 5, "not a date"),
        ("date:2023..2023-13", 11, "not a valid date"),
        ("year:23", 5, "not a year"),
        ("month:13", 6, "not a month"),
        ("type:audio", 5, "takes photo, video or raw"),
        ("space:mine", 6, "personal or shared"),
        ("has:wings", 4, "gps, description or tags"),
        ("is:nice", 3, "error, raw"),
        ("size:3apples", 5, "not a size"),
        ("shutter:1/0", 10, "division by zero"),
        ("type:photo|", 11, "empty alternative"),
        ('"abc', 0, "unclosed quote"),
        ('camera:"abc', 7, "unclosed quote"),
        ('""', 0, "empty phrase"),
        ("(a", 0, "unclosed '('"),
        ("a (b (c)", 2, "unclosed '('"),
        ("a )", 2, "unmatched ')'"),
        (")", 0, "unmatched ')'"),
        ("()", 0, "empty parentheses"),
        ("a OR", 2, "OR needs a search term after it"),
        ("OR a", 0, "expected a search term before OR"),
        ("a OR OR b", 2, "OR needs a search term"),
        ("a AND", 2, "AND needs a search term"),
        ("AND a", 0, "AND needs a search term"),
        ("NOT", 0, "NOT needs a search term"),
        ("a NOT", 2, "NOT needs a search term"),
    ],
)
def test_errors_point_at_the_problem(text: str, position: int, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert info.value.position == position, (text, str(info.value))
    assert message in info.value.message
    assert str(info.value) == f"{info.value.message} at column {position + 1}"
    assert isinstance(info.value, ValueError)  # callers may catch ValueError


def test_limits_are_errors_not_crashes() -> None:
    with pytest.raises(QueryError, match="nested too deeply"):
        parse("(" * 1000 + "a" + ")" * 1000)
    with pytest.raises(QueryError, match="too many NOTs"):
        parse("NOT " * 1000 + "a")
    with pytest.raises(QueryError, match="longer than"):
        parse("a " * 10_000)
    with pytest.raises(QueryError):
        parse(b"rating:4")  # type: ignore[arg-type]
    assert parse("a " * 2000).node == And((Text("a"),) * 2000)


def test_huge_numbers_never_overflow() -> None:
    for text in ("f:<=" + "9" * 400, "iso:" + "9" * 400):
        with pytest.raises(QueryError, match="too large"):
            parse(text)
    assert node("iso:>=" + "9" * 30) == Range("iso", int(float("9" * 30)), None)
    assert node("size:>99999999999999999999gb").lo > 10**28


# -- robustness: random text never raises anything but QueryError ----------------------------

_PIECES = st.sampled_from(
    [
        *(f"{k}:" for k in KEYS),
        "OR",
        "AND",
        "NOT",
        "-",
        "(",
        ")",
        '"',
        "\\",
        "|",
        "..",
        ">=",
        "<",
        "=",
        " ",
        "*",
        "?",
        "2023",
        "-1",
        "5",
        "/",
        "é",
        "\x00",
        "\x1b[",
        "\udcff",
        "ß",
        "\n",
        "foo:",
        "Ǆ",
        "ﬁ",
        "٣",
        "1_000",
        "nan",
        "inf",
        "1e999",
        "0x1f",
        "2023-02-29",
        "13",
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.text(max_size=60))
def test_random_text_only_raises_query_error(text: str) -> None:
    try:
        q = parse(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)
        assert isinstance(exc.message, str) and exc.message
    else:
        assert q.text == text


@settings(max_examples=800, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=14).map("".join))
def test_random_query_like_text_only_raises_query_error(text: str) -> None:
    try:
        parse(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)
