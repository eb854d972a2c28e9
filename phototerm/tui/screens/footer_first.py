"""Quit and Help first in the footer, whatever keys they are bound to.

The Footer lists ``Screen.active_bindings`` in order: the focused widget's bindings first,
the App's last, so on an 80-column terminal ``q Quit`` and ``? Help`` fall off its end.
The library and viewer screens (and the kiosk's, with its own ids) return their active
bindings through ``first_in_footer``, which puts those two first (found by id, so a remapped
key keeps the place); key dispatch does not read this order.
"""

from __future__ import annotations

from textual.binding import ActiveBinding

FIRST = ("app.quit", "app.help")
KIOSK_FIRST = ("kiosk.quit", "kiosk.help")  # the kiosk App's own


def first_in_footer(
    bindings: dict[str, ActiveBinding], first: tuple[str, ...] = FIRST
) -> dict[str, ActiveBinding]:
    """``bindings`` with those of the ids in ``first`` moved to the front, in its order."""
    front = sorted(
        (key for key, active in bindings.items() if active.binding.id in first),
        key=lambda key: first.index(bindings[key].binding.id or ""),
    )
    ordered = {key: bindings[key] for key in front}
    ordered.update(bindings)
    return ordered
