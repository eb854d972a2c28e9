"""The slideshow's order and timing, without Textual: which photo is shown, which comes next,
and whether it is time to move on.

Time comes from an injected clock (``time.monotonic`` by default), so tests drive a slideshow
of any length with a fake one. A slide's time starts when it is on screen (``shown``), not
when it was asked for: a slow decode over a slow link does not eat into it. Memory stays what
the order takes (one int a photo), however many slides go by.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

Clock = Callable[[], float]


class Slideshow:
    def __init__(
        self,
        ids: Sequence[int],
        interval: float,
        *,
        start: int | None = None,
        shuffle: bool = False,
        rng: random.Random | None = None,
        clock: Clock = time.monotonic,
        playing: bool = False,
    ) -> None:
        """``start``: the photo id to begin with (the first one when absent or unknown)."""
        self.interval = interval
        self.shuffle = shuffle
        self.rng = rng or random.Random()
        self.clock = clock
        self.playing = playing
        self.order: list[int] = []
        self.position = 0
        self.due: float | None = None  # when the slide on screen has had its time
        self.replace(ids, keep=start)

    def __len__(self) -> int:
        return len(self.order)

    @property
    def current(self) -> int | None:
        return self.order[self.position] if self.order else None

    def replace(self, ids: Sequence[int], *, keep: int | None = None) -> None:
        """A new set of photos (the album changed): the photo ``keep`` (default: the one on
        screen) stays current when it is still there."""
        keep = self.current if keep is None else keep
        order = list(ids)
        if self.shuffle:
            self.rng.shuffle(order)
        self.order = order
        try:
            self.position = order.index(keep) if keep is not None else 0
        except ValueError:
            self.position = 0

    def step(self, delta: int) -> int | None:
        """Move ``delta`` slides on (round and round); the new current id. The slide's time
        starts again once it is shown."""
        if not self.order:
            return None
        self.position = (self.position + delta) % len(self.order)
        if self.shuffle and delta > 0 and self.position == 0 and len(self.order) > 2:
            # A new round in a new order, which does not start with the photo just shown.
            last = self.order[-1]
            self.rng.shuffle(self.order)
            if self.order[0] == last:
                self.order[0], self.order[-1] = self.order[-1], self.order[0]
        self.due = None
        return self.current

    def shown(self) -> None:
        """The current slide is on screen: its time runs from now."""
        self.due = self.clock() + self.interval

    def time_is_up(self) -> bool:
        """Whether a playing slideshow should move on now."""
        return self.playing and self.due is not None and self.clock() >= self.due

    def play(self) -> None:
        self.playing = True
        if self.order:
            self.shown()

    def pause(self) -> None:
        self.playing = False
        self.due = None
