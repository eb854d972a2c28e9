"""The output layer: SGR states and the screen diff that writes only the cells that changed.

A small terminal emulator here (cursor moves, SGR, text of any width, scroll regions) plays
both streams, Textual's as written and the diffed one, and the screens must be the same.
"""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from phototerm.tui.output.screen import SYNC_END, SYNC_START, ScreenDiff
from phototerm.tui.output.sgr import DEFAULT, State, apply, transition

W, H = 24, 6


class Emulator:
    """Just enough of a terminal for these streams (wide characters take two cells)."""

    def __init__(self, width: int = W, height: int = H) -> None:
        self.width, self.height = width, height
        self.cells: list[list[tuple[str, State]]] = [
            [(" ", DEFAULT)] * width for _ in range(height)
        ]
        self.x = self.y = 0
        self.sgr = DEFAULT
        self.top, self.bottom = 0, height - 1

    def play(self, data: str) -> None:
        token = re.compile(r"\x1b\[([?]?)([0-9;:]*)([@-~])|\x1b\][^\x1b\x07]*(?:\x07|\x1b\\)|(.)")
        from rich.cells import get_character_cell_size

        for m in token.finditer(data):
            private, params, final, ch = m.group(1), m.group(2), m.group(3), m.group(4)
            if ch is not None:
                if ch == "\n":
                    self.y, self.x = self.y + 1, 0
                elif ch == "\r":
                    self.x = 0
                else:
                    size = get_character_cell_size(ch)
                    row, x = self.cells[self.y] if self.y < self.height else [], self.x
                    if x + size <= self.width and row:
                        # half of a wide character overwritten: its other half turns blank
                        if row[x][0] == "" and x > 0:
                            row[x - 1] = (" ", row[x - 1][1])
                        row[x] = (ch, self.sgr)
                        if size == 2:
                            row[x + 1] = ("", self.sgr)
                        if x + size < self.width and row[x + size][0] == "":
                            row[x + size] = (" ", row[x + size][1])
                    self.x += size
                continue
            if final is None or private:
                continue
            nums = [int(p) for p in params.split(";") if p.isdigit()]
            if final == "m":
                self.sgr = apply(self.sgr, params)
            elif final == "H":
                self.y = (nums[0] if nums else 1) - 1
                self.x = (nums[1] if len(nums) > 1 else 1) - 1
            elif final == "C":
                self.x += nums[0] if nums else 1
            elif final == "r":
                self.top = (nums[0] - 1) if nums else 0
                self.bottom = (nums[1] - 1) if len(nums) > 1 else self.height - 1
                self.x = self.y = 0
            elif final in "ST":
                n = nums[0] if nums else 1
                region = self.cells[self.top : self.bottom + 1]
                blank = [[(" ", DEFAULT)] * self.width for _ in range(n)]
                region = region[n:] + blank if final == "S" else blank + region[:-n]
                self.cells[self.top : self.bottom + 1] = region

    def text(self) -> list[str]:
        return ["".join(c for c, _ in row) for row in self.cells]


def frame(lines: dict[int, list[tuple[int, str, str]]]) -> str:
    """Textual's way: per line a CUP, then per segment ESC[style m text ESC[0m."""
    out = [SYNC_START]
    for y, segments in sorted(lines.items()):
        for x, style, text in segments:
            out.append(f"\x1b[{y + 1};{x + 1}H")
            out.append(f"\x1b[{style}m{text}\x1b[0m" if style else text)
    out.append("\x1b[1;1H" + SYNC_END)
    return "".join(out)


def feed(diff: ScreenDiff, data: str) -> str:
    # Textual writes the sync brackets and the frame in separate calls
    out = diff.feed(SYNC_START)
    out += diff.feed(data[len(SYNC_START) : -len(SYNC_END)])
    return out + diff.feed(SYNC_END)


# ----------------------------------------------------------------------------- SGR


def test_sgr_states_compare_by_look_not_by_spelling() -> None:
    assert apply(DEFAULT, "1;31") == apply(apply(DEFAULT, "31"), "1")
    assert apply(DEFAULT, "38:2::10:20:30") == apply(DEFAULT, "38;2;10;20;30")
    assert apply(apply(DEFAULT, "1;3;44"), "22") == apply(DEFAULT, "3;44")
    assert apply(apply(DEFAULT, "7;32"), "0") == DEFAULT
    assert apply(DEFAULT, "48;5;17").bg == "48;5;17"


def test_sgr_transition_writes_only_what_differs() -> None:
    old = apply(DEFAULT, "38;2;1;2;3;48;2;4;5;6")
    new = apply(DEFAULT, "38;2;9;9;9;48;2;4;5;6")
    assert transition(old, new) == "\x1b[38;2;9;9;9m"  # the background stays
    assert transition(old, old) == ""
    assert transition(old, DEFAULT) == "\x1b[0m"
    assert transition(None, new) == "\x1b[0;38;2;9;9;9;48;2;4;5;6m"  # unknown: reset first
    bold = apply(new, "1")
    assert transition(bold, new).startswith("\x1b[0;")  # bold goes away: only a reset does it
    assert transition(new, bold) == "\x1b[1m"


# ----------------------------------------------------------------------------- the diff


def test_an_unchanged_frame_writes_nothing_and_a_changed_cell_only_itself() -> None:
    diff = ScreenDiff(lambda: (W, H))
    first = frame(
        {0: [(0, "38;2;1;2;3;48;2;4;5;6", "hello"), (5, "", " world")], 1: [(0, "1", "x")]}
    )
    out = feed(diff, first)
    assert "hello" in out and "world" in out
    assert feed(diff, first) == ""  # idle repaint: not one byte
    second = first.replace("hello", "hellO")
    out = feed(diff, second)
    assert "O" in out and "hell" not in out and "world" not in out
    assert out.startswith(SYNC_START) and out.endswith(SYNC_END)
    assert len(out) < 60


def test_passthrough_keeps_order_and_unknown_sequences_forget_the_screen() -> None:
    diff = ScreenDiff(lambda: (W, H))
    feed(diff, frame({0: [(0, "", "abc")]}))
    assert (
        diff.feed("\x1b]52;c;aGVsbG8=\x07") == "\x1b]52;c;aGVsbG8="[:0] + "\x1b]52;c;aGVsbG8=\x07"
    )
    assert diff.feed("\x07") == "\x07"
    # an erase is not modelled: it goes out as it is, and the next frame is written in full
    assert diff.feed("\x1b[2J") == "\x1b[2J"
    assert "abc" in feed(diff, frame({0: [(0, "", "abc")]}))


def test_switching_screens_forgets_the_screen() -> None:
    diff = ScreenDiff(lambda: (W, H))
    page = frame({0: [(0, "", "abc")]})
    feed(diff, page)
    assert diff.feed("\x1b[?1049h") == "\x1b[?1049h"
    assert "abc" in feed(diff, page)


def test_a_resize_forgets_the_screen() -> None:
    size = [(W, H)]
    diff = ScreenDiff(lambda: size[0])
    page = frame({0: [(0, "", "abc")]})
    feed(diff, page)
    assert feed(diff, page) == ""
    size[0] = (W + 2, H)
    assert "abc" in feed(diff, page)


def test_without_a_terminal_size_the_output_goes_through_as_it_is() -> None:
    def no_size() -> tuple[int, int]:
        raise OSError("not a terminal")

    page = frame({0: [(0, "1", "abc")]})
    assert feed(ScreenDiff(no_size), page) == page


def test_rows_moved_up_are_scrolled_not_rewritten() -> None:
    width, height = 40, 20
    rng = random.Random(3)
    rows = [
        [(x, f"48;2;{rng.randrange(256)};{rng.randrange(256)};0", "▀") for x in range(10, 40)]
        for _ in range(30)
    ]
    side = [(0, "", f"side {y:02d}   ") for y in range(height)]

    def screen(top: int, sidebar: bool) -> str:
        return frame({y: [side[y]] * sidebar + rows[top + y] for y in range(height)})

    diff = ScreenDiff(lambda: (width, height))
    term = Emulator(width, height)
    reference = Emulator(width, height)
    for data in (screen(0, True), screen(3, False)):  # then a wheel tick: three rows up
        out = feed(diff, data)
        term.play(out)
        reference.play(data)
    assert "\x1b[3S" in out  # the rows moved in the terminal, the sidebar written back
    assert len(out) < len(screen(3, False)) / 4
    assert term.cells == reference.cells


def test_a_frame_of_repeated_rows_drawn_again_is_not_a_scroll() -> None:
    """A dialog's blank rows look alike: drawing the same frame again must not move them."""
    width, height = 30, 16
    box = {y: [(2, "48;2;30;30;30", "│" + " " * 24 + "│")] for y in range(height)}
    box[3] = [(2, "48;2;30;30;30", "│ Words  ______________  │")]
    diff = ScreenDiff(lambda: (width, height))
    feed(diff, frame(box))
    assert feed(diff, frame(box)) == ""
    assert diff.rows_scrolled == 0


_TEXTS = st.text(alphabet="ab ▀▄é日本★", min_size=1, max_size=8)
_STYLES = st.sampled_from(["", "1", "7", "38;2;10;20;30", "48;5;100", "1;38;5;9;48;2;1;1;1"])
_SEGMENTS = st.lists(
    st.tuples(st.integers(0, H - 1), st.integers(0, W - 1), _STYLES, _TEXTS),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_SEGMENTS, min_size=1, max_size=6))
def test_the_diffed_stream_draws_what_textual_drew(frames: list) -> None:
    """Any sequence of frames (wide characters over narrow ones, styles, overlaps): the
    terminal fed the diff shows exactly what it would show fed Textual's output."""
    diff = ScreenDiff(lambda: (W, H))
    ours, theirs = Emulator(), Emulator()
    for segments in frames:
        lines: dict[int, list[tuple[int, str, str]]] = {}
        for y, x, style, text in segments:
            lines.setdefault(y, []).append((x, style, text))
        data = frame(lines)
        theirs.play(data)
        ours.play(feed(diff, data))
        assert ours.text() == theirs.text()
        assert ours.cells == theirs.cells


# ----------------------------------------------------------------------------- in the app


def test_the_app_draws_through_the_diffing_driver_unless_told_not_to(tmp_path) -> None:
    from conftest import make_app
    from textual.drivers.linux_driver import LinuxDriver

    app = make_app(tmp_path, library=False)
    assert issubclass(app.driver_class, LinuxDriver)
    assert app.driver_class is not LinuxDriver and app.driver_class.__name__.startswith("Diffing")
    plain = make_app(tmp_path, library=False, diff_output=False)
    assert plain.driver_class is LinuxDriver


def test_text_cursors_do_not_blink(tmp_path) -> None:
    """A blinking cursor rewrites its line twice a second while nothing happens."""
    from conftest import SIZE, make_app, run, settle
    from textual.widgets import Input

    app = make_app(tmp_path)

    async def go() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            await pilot.pause()
            assert isinstance(app.focused, Input) and app.focused.cursor_blink is False
            await pilot.press("escape", "f")
            await pilot.pause()
            assert isinstance(app.focused, Input) and app.focused.cursor_blink is False

    run(go())
