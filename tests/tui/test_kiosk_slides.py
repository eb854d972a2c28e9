"""The kiosk's slideshow order and timing (tui/kiosk/slides.py), with a fake clock."""

from __future__ import annotations

import itertools
import random

from phototerm.tui.kiosk.slides import Slideshow


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_slide_has_its_time_from_when_it_is_shown() -> None:
    clock = FakeClock()
    show = Slideshow([10, 11, 12], 5.0, clock=clock, playing=True)
    assert show.current == 10
    assert not show.time_is_up()  # not shown yet: no time runs
    clock.now += 60  # a slow first decode
    show.shown()
    clock.now += 4.9
    assert not show.time_is_up()
    clock.now += 0.1
    assert show.time_is_up()
    assert show.step(1) == 11 and not show.time_is_up()  # the next one's time starts when shown


def test_paused_never_moves_on_and_play_gives_the_slide_a_full_interval() -> None:
    clock = FakeClock()
    show = Slideshow([1, 2], 3.0, clock=clock)
    show.shown()
    clock.now += 100
    assert not show.time_is_up()
    show.play()
    clock.now += 2.9
    assert not show.time_is_up()
    clock.now += 0.1
    assert show.time_is_up()
    show.pause()
    assert not show.time_is_up() and show.due is None


def test_steps_go_round_and_start_where_asked() -> None:
    show = Slideshow([1, 2, 3], 1.0, start=3)
    assert show.current == 3 and show.position == 2
    assert [show.step(1) for _ in range(4)] == [1, 2, 3, 1]
    assert show.step(-1) == 3
    assert Slideshow([1, 2], 1.0, start=99).current == 1  # not there: the first
    empty = Slideshow([], 1.0, playing=True)
    assert empty.current is None and empty.step(1) is None and len(empty) == 0


def test_new_photos_keep_the_one_on_screen() -> None:
    show = Slideshow([1, 2, 3, 4], 1.0, start=3)
    show.replace([5, 3, 6])
    assert show.current == 3 and show.order == [5, 3, 6]
    show.replace([7, 8])  # gone: from the first
    assert show.current == 7


def test_shuffle_shows_every_photo_once_a_round_never_twice_in_a_row() -> None:
    ids = list(range(20))
    show = Slideshow(ids, 1.0, shuffle=True, rng=random.Random(7))
    assert sorted(show.order) == ids and show.order != ids
    seen = [show.current]
    for _ in range(len(ids) * 5 - 1):
        seen.append(show.step(1))
    for r in range(5):
        assert sorted(seen[r * 20 : (r + 1) * 20]) == ids  # each round: every photo, once
    assert all(a != b for a, b in itertools.pairwise(seen))
    assert seen[:20] != seen[20:40]  # a new round, a new order
