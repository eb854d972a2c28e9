"""A program in a real terminal (a private tmux server): send keys, mouse and resizes, count
the bytes the program writes, and read the screen back cell by cell.

Used by ``phototerm bench --only wire`` and the tmux tests. The bytes are counted with
``pipe-pane`` (exactly what the program wrote to its terminal, as sshd would carry it); the
screen comes from ``capture-pane -e``, i.e. tmux's own terminal emulation, which also gives
the floor any action must pay: the cells that differ between two screens.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.cells import get_character_cell_size

from phototerm.tui.output.sgr import DEFAULT, State, apply

Cell = tuple[str, State]


@dataclass(frozen=True, slots=True)
class Settled:
    bytes: int  # written by the program for the action
    seconds: float  # from the action to the last byte


class Tmux:
    """One program in a detached tmux window of ``size`` on a private socket."""

    def __init__(self, workdir: str, command: Sequence[str], env: Mapping[str, str],
                 size: tuple[int, int] = (200, 50)) -> None:  # fmt: skip
        tmux = shutil.which("tmux")
        if tmux is None:
            raise OSError("tmux is not installed")
        self.tmux_path = tmux
        os.makedirs(workdir, exist_ok=True)
        self.socket = os.path.join(workdir, "tmux.sock")
        self.out = os.path.join(workdir, "bytes.out")
        self.name = "bench"
        self.size = size
        if os.path.exists(self.out):
            os.unlink(self.out)
        open(self.out, "wb").close()
        assignments = [f"{k}={v}" for k, v in env.items()]
        # The program waits until pipe-pane is attached, so its first byte is counted too.
        gate = f"{shlex.quote(tmux)} -S {shlex.quote(self.socket)} wait-for go"
        program = " ".join(shlex.quote(a) for a in ["env", "-u", "COLUMNS", "-u", "LINES",
                                                     *assignments, *command])  # fmt: skip
        script = f"{gate}; {program}; echo EXITED $?; sleep 30"
        self.run("new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                 "sh", "-c", script)  # fmt: skip
        self.run("pipe-pane", "-t", self.name, "-o", f"cat >> {shlex.quote(self.out)}")
        self.run("wait-for", "-S", "go")
        self.started = time.monotonic()

    def run(self, *args: str) -> str:
        result = subprocess.run([self.tmux_path, "-S", self.socket, *args], capture_output=True,
                                text=True, timeout=20, check=False)  # fmt: skip
        return result.stdout

    def written(self) -> int:
        try:
            return os.stat(self.out).st_size
        except OSError:
            return 0

    def keys(self, *names: str) -> None:
        self.run("send-keys", "-t", self.name, *names)

    def literal(self, text: str) -> None:
        self.run("send-keys", "-t", self.name, "-l", text)

    def raw(self, data: bytes) -> None:
        """Bytes as the terminal would send them (mouse reports)."""
        self.run("send-keys", "-t", self.name, "-H", *(f"{b:02x}" for b in data))

    def click(self, x: int, y: int, button: int = 0) -> None:
        """A press and release at cell (x, y), 0-based, as an SGR mouse report."""
        self.raw(f"\x1b[<{button};{x + 1};{y + 1}M\x1b[<{button};{x + 1};{y + 1}m".encode())

    def wheel(self, x: int, y: int, down: bool = True) -> None:
        self.raw(f"\x1b[<{65 if down else 64};{x + 1};{y + 1}M".encode())

    def resize(self, width: int, height: int) -> None:
        self.size = (width, height)
        self.run("resize-window", "-t", self.name, "-x", str(width), "-y", str(height))

    def text(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name)

    def cells(self) -> list[list[Cell]]:
        return parse_capture(self.run("capture-pane", "-p", "-e", "-N", "-t", self.name),
                             self.size[0])  # fmt: skip

    def settle(self, before: int, *, first_wait: float = 2.0, quiet: float = 0.5,
               limit: float = 30.0) -> Settled:  # fmt: skip
        """Wait until the program writes nothing for ``quiet`` seconds (up to ``first_wait``
        for its first byte): the bytes since ``before`` and the time to the last one."""
        start = time.monotonic()
        last_size, last_change = before, start
        while True:
            time.sleep(0.02)
            now = time.monotonic()
            size = self.written()
            if size != last_size:
                last_size, last_change = size, now
            elif size == before:
                if now - start >= first_wait:
                    break
            elif now - last_change >= quiet:
                break
            if now - start > limit:
                break
        return Settled(last_size - before, max(0.0, last_change - start))

    def close(self) -> None:
        self.run("kill-server")


_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_OTHER = re.compile(r"\x1b(?:\[[0-9;:?]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|.)")


def parse_capture(text: str, width: int) -> list[list[Cell]]:
    """``capture-pane -e`` lines as rows of ``width`` cells (a wide character's right half is
    ('', look)); SGR states carry over from line to line as tmux writes them."""
    rows: list[list[Cell]] = []
    state = DEFAULT
    for line in text.split("\n"):
        row: list[Cell] = []
        pos = 0
        while pos < len(line):
            m = _SGR.match(line, pos)
            if m:
                state = apply(state, m.group(1))
                pos = m.end()
                continue
            m = _OTHER.match(line, pos)
            if m:
                pos = m.end()
                continue
            ch = line[pos]
            pos += 1
            size = get_character_cell_size(ch)
            if size == 0 and row:
                row[-1] = (row[-1][0] + ch, row[-1][1])
                continue
            row.append((ch, state))
            if size == 2:
                row.append(("", state))
        row = row[:width] + [(" ", state)] * (width - len(row))
        rows.append(row)
    return rows


def changed_cell_bytes(before: list[list[Cell]], after: list[list[Cell]]) -> tuple[int, int]:
    """(cells that differ, bytes to write just those cells): per row, each span of changed
    cells is a cursor move plus runs of one style, each run written the way Textual writes a
    segment (``ESC[<style>m`` text ``ESC[0m``). The floor the output is held to."""
    cells = total = 0
    for y, row in enumerate(after):
        old = before[y] if y < len(before) else []
        x = 0
        while x < len(row):
            if x < len(old) and old[x] == row[x]:
                x += 1
                continue
            total += len(f"\x1b[{y + 1};{x + 1}H")
            look: State | None = None
            while x < len(row) and not (x < len(old) and old[x] == row[x]):
                text, state = row[x]
                if state != look:
                    if look is not None and look.params:
                        total += 4  # ESC[0m
                    if state.params:
                        total += len(f"\x1b[{state.params}m")
                    look = state
                total += len(text.encode())
                cells += 1
                x += 1
            if look is not None and look.params:
                total += 4
    return cells, total
