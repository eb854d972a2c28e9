"""``query.terms``: a query's top-level AND terms as the user wrote them."""

from __future__ import annotations

import pytest

from phototerm.library.query import QueryError, parse, terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("beach", ["beach"]),
        (
            "beach date:2020..2024-06 type:photo rating:>=3",
            ["beach", "date:2020..2024-06", "type:photo", "rating:>=3"],
        ),
        ('"paris trip"  -is:error', ['"paris trip"', "-is:error"]),
        ("a AND b", ["a", "b"]),
        ("NOT a NOT (b OR c) d", ["NOT a", "NOT (b OR c)", "d"]),
        (
            "-(camera:canon OR camera:nikon) rating:>=2",
            ["-(camera:canon OR camera:nikon)", "rating:>=2"],
        ),
        ("((a b) c) d", ["((a b) c)", "d"]),
        ('folder:"2023/Paris trip" -type:video', ['folder:"2023/Paris trip"', "-type:video"]),
        ("a OR b rating:3", ["a OR b rating:3"]),  # top-level OR: one term
        ("(a OR b) rating:3", ["(a OR b)", "rating:3"]),
        ("type:photo|video camera:canon", ["type:photo|video", "camera:canon"]),
    ],
)
def test_terms_split_the_top_level_and(text: str, expected: list[str]) -> None:
    got = terms(text)
    assert got == expected
    for term in got:
        parse(term)  # each parses on its own
    if got:
        assert parse(" ".join(got)).node == parse(text).node  # and together they mean the same


def test_terms_refuse_what_parse_refuses() -> None:
    with pytest.raises(QueryError):
        terms("(a")
    with pytest.raises(QueryError):
        terms("colour:red")
