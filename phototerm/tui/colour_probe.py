"""Ask the terminal itself whether it shows 24-bit colour, before the app starts.

SSH does not forward ``COLORTERM``, so a truecolor terminal on the far side of an SSH link
looks like a 256-colour one. Terminals answer for themselves, three ways asked at once:

- XTGETTCAP ``RGB`` and ``Tc`` (``DCS + q <hex name> ST``): kitty, foot, WezTerm, xterm...
  answer ``DCS 1 + r <hex name>=... ST`` when they have the capability;
- DECRQSS for SGR after setting a truecolor background (``ESC[48:2::1:2:3m``, then
  ``DCS $ q m ST``): a terminal that keeps 24-bit colours reports them back unchanged;
- DA1 (``ESC[c``) last, which every terminal answers: replies come in order, so its answer
  means every other reply has arrived (or never will), and we stop waiting at once.

The terminal is put in raw mode without echo while we wait, so no reply is shown; every
byte up to the DA1 answer is read here, so none reaches the app as a key. Without an answer
in ``timeout`` seconds (a very slow link) the input is flushed and the answer is unknown.
"""

from __future__ import annotations

import os
import re
import select
import termios
import time
import tty

QUERY = (
    "\x1bP+q524742\x1b\\"  # XTGETTCAP RGB
    "\x1bP+q5463\x1b\\"  # XTGETTCAP Tc
    "\x1b[48:2::1:2:3m\x1bP$qm\x1b\\\x1b[0m"  # a truecolor background, read back
    "\x1b[c"  # DA1: the end of the answers
)
_DA1 = re.compile(rb"\x1b\[\?[0-9;]*c")
_TCAP_YES = re.compile(rb"\x1bP1\+r([0-9A-Fa-f;=]+)\x1b\\")
_SGR_REPORT = re.compile(rb"\x1bP1\$r([0-9;:]*)m\x1b\\")
_NAMES = (b"524742", b"5463")  # RGB, Tc in hex
TIMEOUT = 1.0  # seconds: a round trip over a slow link, with room to spare


def ask(timeout: float = TIMEOUT) -> bool | None:
    """True when the controlling terminal says it shows 24-bit colour, False when it answered
    without saying so, None when it could not be asked (no terminal) or did not answer."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return None
    try:
        return ask_fd(fd, timeout)
    finally:
        os.close(fd)


def ask_fd(fd: int, timeout: float = TIMEOUT) -> bool | None:
    """``ask`` on the terminal open as ``fd``."""
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        return None
    try:
        tty.setraw(fd, termios.TCSANOW)
        os.write(fd, QUERY.encode())
        answer = _read_answers(fd, timeout)
        if answer is None:
            termios.tcflush(fd, termios.TCIFLUSH)  # whatever arrived late is not a key
            return None
        return says_truecolor(answer)
    except OSError:
        return None
    finally:
        try:
            termios.tcsetattr(fd, termios.TCSANOW, saved)
        except termios.error:
            pass


def _read_answers(fd: int, timeout: float) -> bytes | None:
    """Everything the terminal sent up to and including its DA1 answer (None: no DA1 answer
    within ``timeout``)."""
    data = b""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        data += chunk
        if _DA1.search(data):
            return data


def says_truecolor(answer: bytes) -> bool:
    """Whether the replies in ``answer`` report 24-bit colour."""
    for match in _TCAP_YES.finditer(answer):
        name = match.group(1).split(b"=")[0].upper()
        if name in _NAMES:
            return True
    for match in _SGR_REPORT.finditer(answer):
        params = match.group(1)
        if re.search(rb"48[:;]2[:;]+1[:;]2[:;]3(?![0-9])", params):
            return True
    return False
