"""The footer: the screen's keys in one line, drawn by one widget.

Textual's ``Footer`` is a container of one widget per key, made only once the screen says
its bindings are known and then after the next frame: the first screen came without its
keys, and every screen pushed (the viewer, a dialog) built and styled a dozen widgets
before its keys showed. This footer reads ``Screen.active_bindings`` each time it draws, so
its first frame has them, and it draws again when the screen says they changed.

It shows what Textual's footer shows, in the same colours (Textual's ``$footer-*`` theme
variables): each action once, with the key of its first binding, dimmed when disabled, and
the command palette's key on the right. A click on a key presses it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.strip import Strip
from textual.widget import Widget

from phototerm.library.text import safe


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str  # what pressing it sends (Textual's key name)
    key_text: str  # the key as shown
    description: str
    enabled: bool
    start: int = 0  # columns on the line (set when laid out)
    end: int = 0


class KeysFooter(Widget, can_focus=False):
    """One line of keys at the bottom of a screen."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {  # noqa: RUF012 (Textual's type)
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--palette-edge",
    }
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keys-footer--palette-edge {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_command_palette = show_command_palette
        self._entries: list[_Entry] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()

    # ------------------------------------------------------------------ what it shows

    def _keys(self) -> tuple[list[_Entry], _Entry | None]:
        """(the screen's keys to show, one per action; the palette's key or None)."""
        app = self.app
        bindings = self.screen.active_bindings
        seen: set[str] = set()
        entries: list[_Entry] = []
        for _node, binding, enabled, _tooltip in bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            entries.append(self._entry(binding, enabled))
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            active = bindings.get(app.COMMAND_PALETTE_BINDING)
            if active is not None:
                palette = self._entry(active.binding, active.enabled)
        return entries, palette

    def _entry(self, binding: Binding, enabled: bool) -> _Entry:
        return _Entry(
            binding.key,
            safe(self.app.get_key_display(binding), 20),
            safe(binding.description, 40),
            enabled,
        )

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y != 0 or width <= 0:
            return Strip.blank(width, base)
        entries, palette = self._keys()
        key_style = base + self.get_component_rich_style("keys-footer--key", partial=True)
        text_style = base + self.get_component_rich_style("keys-footer--description", partial=True)
        dim = Style(dim=True)
        tail: list[Segment] = []
        tail_width = 0
        laid: list[_Entry] = []
        if palette is not None:
            edge = self.get_component_rich_style("keys-footer--palette-edge")
            text = f"{palette.key_text} {palette.description}"
            tail = [
                Segment("▏", edge),
                Segment(palette.key_text, key_style if palette.enabled else key_style + dim),
                Segment(f" {palette.description}", text_style),
            ]
            tail_width = 1 + cell_len(text)
        room = max(0, width - tail_width)
        segments: list[Segment] = []
        x = 0
        for entry in entries:
            key = f" {entry.key_text} "
            description = f"{entry.description} "
            size = cell_len(key) + cell_len(description)
            if x + size > room:
                break
            style = (
                (key_style, text_style) if entry.enabled else (key_style + dim, text_style + dim)
            )
            segments += [Segment(key, style[0]), Segment(description, style[1])]
            laid.append(replace(entry, start=x, end=x + size))
            x += size
        if palette is not None and tail_width <= width:
            segments.append(Segment(" " * (width - x - tail_width), base))
            segments += tail
            laid.append(replace(palette, start=width - tail_width, end=width))
        else:
            segments.append(Segment(" " * (width - x), base))
        self._entries = laid
        return Strip(segments, width).crop(0, width)

    # ------------------------------------------------------------------ clicks

    def on_click(self, event: events.Click) -> None:
        for entry in self._entries:
            if entry.start <= event.x < entry.end:
                event.stop()
                if entry.enabled:
                    self.app.simulate_key(entry.key)
                return
