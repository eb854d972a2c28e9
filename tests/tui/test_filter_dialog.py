"""The filter dialog reads back its own filter, and applying replaces a field's terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SIZE, make_app, run, settle
from textual.widgets import Input, Select

from phototerm.library.query import And, parse
from phototerm.tui.dialogs.filter import FilterDialog
from phototerm.tui.dialogs.filter_query import FilterChoice, build_query, read_query

CAMERAS = ["Canon EOS R6", "NIKON Z 6_2"]
LENSES = ["RF24-105mm F4 L IS USM"]
FOLDERS = [
    ("personal", "2019/2019-07-14 Paris"),
    ("shared", "2021/Lake"),
    ("personal", "2021/Lake"),
]


def meaning(text: str) -> object:
    """What a query means, the order of its AND terms aside."""
    node = parse(text).node
    return sorted(map(repr, node.items)) if isinstance(node, And) else node


def read(text: str) -> FilterChoice:
    return read_query(text, cameras=CAMERAS, lenses=LENSES, folders=FOLDERS)


def test_every_field_reads_back_what_it_wrote() -> None:
    choice = FilterChoice(
        words="beach",
        date_from="2020",
        date_to="2024-06",
        type="type:photo",
        rating="rating:>=3",
        camera="NIKON Z 6_2",
        lens="RF24-105mm F4 L IS USM",
        folder=("shared", "2021/Lake"),
        gps="-has:gps",
    )
    text = build_query(choice)
    assert read(text) == choice
    assert build_query(read(text)) == text


@pytest.mark.parametrize(
    ("text", "fields", "words"),
    [
        ("", {}, ""),
        ("date:2019-07", {"date_from": "2019-07", "date_to": "2019-07"}, ""),
        ("date:>=2020 Paris", {"date_from": "2020"}, "Paris"),
        ("date:<=2021-03-05", {"date_to": "2021-03-05"}, ""),
        ("is:photo", {"type": "type:photo"}, ""),  # the same meaning, the field's own words
        ("Rating:>=4 NOT has:gps", {"rating": "rating:>=4", "gps": "-has:gps"}, ""),
        ('camera:"canon eos r6"', {"camera": "Canon EOS R6"}, ""),
        # What a field cannot say stays in the words, in its place.
        ("camera:leica rating:2..4 date:>2020", {}, "camera:leica rating:2..4 date:>2020"),
        ("tag:sea -is:error beach", {}, "tag:sea -is:error beach"),
        ("(a OR b) rating:5", {"rating": "rating:5"}, "(a OR b)"),
        ("a OR b rating:5", {}, "a OR b rating:5"),  # an OR at the top: all words
        # Two terms for one field: one field cannot say both.
        ("rating:>=3 rating:>=4", {}, "rating:>=3 rating:>=4"),
        # A folder needs its space (both exist in two spaces).
        ('folder:"2021/Lake"', {}, 'folder:"2021/Lake"'),
        ('space:personal folder:"2021/Lake"', {"folder": ("personal", "2021/Lake")}, ""),
        ("(unclosed", {}, "(unclosed"),
    ],
)
def test_a_query_fills_the_fields_that_can_say_it(text, fields, words) -> None:
    choice = read(text)
    assert choice == FilterChoice(words=words, **fields)
    if text != "(unclosed":
        # Applied unchanged, the query means what it meant.
        assert meaning(build_query(choice)) == meaning(text)


def test_a_field_replaces_the_words_that_say_the_same_thing() -> None:
    assert build_query(FilterChoice(words="rating:>=3 beach", rating="rating:>=4")) == (
        "beach rating:>=4"
    )
    assert build_query(FilterChoice(words="date:2019 -type:video x", type="type:photo")) == (
        "date:2019 x type:photo"
    )
    # An OR among other terms keeps its meaning.
    assert build_query(FilterChoice(words="a OR b", rating="rating:5")) == "(a OR b) rating:5"
    assert build_query(FilterChoice(words="a OR b")) == "a OR b"


def test_reopening_the_filter_shows_the_fields_and_applying_replaces(tmp_path: Path) -> None:
    """Words beach, From 2020, To 2024-06, Type photos, Rating 3+; reopened: the same fields
    (not the whole query in Words); then 4 stars or more gives one rating term."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            await pilot.press("f")
            dialog = app.screen
            assert isinstance(dialog, FilterDialog)
            dialog.query_one("#f-words", Input).value = "beach"
            dialog.query_one("#f-from", Input).value = "2020"
            dialog.query_one("#f-to", Input).value = "2024-06"
            dialog.query_one("#f-type", Select).value = "type:photo"
            dialog.query_one("#f-rating", Select).value = "rating:>=3"
            await pilot.pause()
            await pilot.press("ctrl+s")
            first = "beach date:2020..2024-06 type:photo rating:>=3"
            assert library.spec.query == first

            await pilot.press("f")
            dialog = app.screen
            assert isinstance(dialog, FilterDialog)
            assert dialog.query_one("#f-words", Input).value == "beach"
            assert dialog.query_one("#f-from", Input).value == "2020"
            assert dialog.query_one("#f-to", Input).value == "2024-06"
            assert dialog.query_one("#f-type", Select).value == "type:photo"
            assert dialog.query_one("#f-rating", Select).value == "rating:>=3"
            dialog.query_one("#f-rating", Select).value = "rating:>=4"
            await pilot.pause()
            await pilot.press("ctrl+s")
            assert library.spec.query == "beach date:2020..2024-06 type:photo rating:>=4"
            assert library.searchbar.value == library.spec.query

            # A rating typed into the search bar is read into the field too, and replaced.
            await pilot.press("slash", "ctrl+u", *"rating:>=2 garden", "enter")
            await pilot.press("f")
            dialog = app.screen
            assert dialog.query_one("#f-rating", Select).value == "rating:>=2"
            assert dialog.query_one("#f-words", Input).value == "garden"
            dialog.query_one("#f-rating", Select).value = "rating:5"
            await pilot.pause()
            await pilot.press("ctrl+s")
            assert library.spec.query == "garden rating:5"

    run(scenario())


def test_camera_and_folder_round_trip(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, shared=None)  # both spaces: a folder goes with its space
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = app.library
            await pilot.press("f")
            dialog = app.screen
            dialog.query_one("#f-camera", Select).value = "NIKON Z 6_2"
            dialog.query_one("#f-folder", Select).value = ("shared", "2021/2021-12-24 Christmas")
            dialog.query_one("#f-gps", Select).value = "-has:gps"
            await pilot.pause()
            await pilot.press("ctrl+s")
            query = library.spec.query
            assert query == (
                'camera:"NIKON Z 6_2" space:shared folder:"2021/2021-12-24 Christmas" -has:gps'
            )
            await pilot.press("f")
            dialog = app.screen
            assert dialog.query_one("#f-camera", Select).value == "NIKON Z 6_2"
            assert dialog.query_one("#f-folder", Select).value == (
                "shared",
                "2021/2021-12-24 Christmas",
            )
            assert dialog.query_one("#f-gps", Select).value == "-has:gps"
            assert dialog.query_one("#f-words", Input).value == ""
            await pilot.press("ctrl+s")  # applied unchanged: the same query
            assert library.spec.query == query

    run(scenario())
