"""Key bindings as data: the user's ``[keymap]`` from config.toml, the help screen's rows and
the keys the command palette names.

All read the ``BINDINGS`` of the classes themselves with the keymap over them, so neither the
help nor the palette can drift from the keys, and a keymap entry naming a binding id that does
not exist is reported, not silently ignored. Which classes, in which help section, is the
help screen's list (``screens/help.py``), handed in as ``sections``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from textual.app import App
from textual.binding import Binding

from phototerm.library.text import safe


def own_bindings(cls: type) -> list[Binding]:
    """The class's own BINDINGS (not inherited ones) as Binding objects."""
    out = []
    for item in cls.__dict__.get("BINDINGS", []):
        if isinstance(item, Binding):
            out.append(item)
        elif isinstance(item, tuple) and len(item) in (2, 3):
            out.append(Binding(*item))
    return out


Sections = Sequence[tuple[str, Sequence[type]]]  # (help section title, classes)


def known_ids(sections: Sections) -> set[str]:
    return {
        b.id for _title, classes in sections for cls in classes for b in own_bindings(cls) if b.id
    }


def find_binding(cls: type, binding_id: str) -> Binding:
    """The class's own binding with this id (a programming error if there is none)."""
    for candidate in own_bindings(cls):
        if candidate.id == binding_id:
            return candidate
    raise LookupError(f"{cls.__name__} has no binding {binding_id!r}")


def shown_keys(app: App[Any], keymap: Mapping[str, str], binding: Binding) -> str:
    """The keys that run ``binding`` once the keymap is applied, as the help shows them
    ("f", "^f", ":"), several separated by spaces."""
    key_string = keymap.get(binding.id or "", binding.key)
    return " ".join(
        app.get_key_display(Binding(key.strip(), binding.action)) for key in key_string.split(",")
    )


def load_keymap(
    configured: Mapping[str, str], ids: Iterable[str]
) -> tuple[dict[str, str], list[str]]:
    """The ``[keymap]`` entries (Settings.keymap: key strings already checked) that name a
    real binding id; the others are problems to report."""
    known = set(ids)
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in configured.items():
        if binding_id not in known:
            problems.append(
                f"config [keymap]: no binding with id {safe(binding_id, 40)!r} "
                "(the help screen, ?, lists them)"
            )
            continue
        keymap[binding_id] = keys
    return keymap, problems


def binding_help(
    app: App[Any],
    keymap: Mapping[str, str],
    sections: Sections,
    hidden: AbstractSet[str] = frozenset(),
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Help sections: (title, [(keys as shown, description, id)]). A binding shared by
    several screens (the editing keys) is described once, where it first appears; later
    sections list its keys on one line. Bindings whose id is in ``hidden`` (actions the
    person's role does not allow) are left out."""
    out: list[tuple[str, list[tuple[str, str, str]]]] = []
    seen: set[str] = set()
    for title, classes in sections:
        rows: list[tuple[str, str, str]] = []
        again: list[str] = []
        for cls in classes:
            for binding in own_bindings(cls):
                if binding.id in hidden:
                    continue
                shown = shown_keys(app, keymap, binding)
                if binding.id in seen:
                    if shown not in again:
                        again.append(shown)
                    continue
                if binding.id:
                    seen.add(binding.id)
                text = binding.tooltip or binding.description or binding.action
                if binding.description and binding.tooltip:
                    text = f"{binding.description}: {binding.tooltip}"
                rows.append((shown, text, binding.id or ""))
        if again:
            rows.append((_compact(again), "The editing keys, as above (on the photo shown)", ""))
        if title == "Everywhere":
            rows.append(("tab shift+tab", "Move the focus: sidebar, search bar, photos", ""))
        out.append((title, rows))
    return out


def _compact(keys: list[str]) -> str:
    """Keys on one line, runs of three or more digits shortened: "0 1 2 3 4 5 x" -> "0-5 x"."""
    out: list[str] = []
    run: list[str] = []
    for key in [*keys, ""]:
        if len(key) == 1 and key.isdigit() and (not run or int(key) == int(run[-1]) + 1):
            run.append(key)
            continue
        out.extend([f"{run[0]}-{run[-1]}"] if len(run) >= 3 else run)
        run = [key] if len(key) == 1 and key.isdigit() else []
        if key and not run:
            out.append(key)
    return " ".join(out)
