"""Key bindings as data: the user's ``[keymap]`` from config.toml, the help screen's rows and
the keys the command palette names.

All read the ``BINDINGS`` of the classes themselves with the keymap over them, so neither the
help nor the palette can drift from the keys, and a keymap entry naming a binding id that does
not exist is reported, not silently ignored. Which classes, in which help section, is the
help screen's list (``screens/help.py``), handed in as ``sections``.

A key the keymap gives to a binding that already has it in the same place (``contexts``: the
classes whose keys work together, e.g. the grid, the library screen and the app) is a
conflict: it is reported, the user's binding keeps the key and the default loses it. A default
left with no key at all is *unbound*: ``BindingGate.check_action`` turns it off, so Textual
hides it and hands its key on to the binding that took it, and the help lists it as unbound.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, cast

from textual.actions import parse as parse_action
from textual.app import App
from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS

from phototerm.library.text import safe

UNBOUND = "unbound"  # how the help and the palette show a binding without a key


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
    ("f", "^f", ":"), several separated by spaces; "unbound" when the keymap left it none
    (an empty key string)."""
    key_string = keymap.get(binding.id or "", binding.key)
    if not key_string.strip():
        return UNBOUND
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


def key_name(key: str) -> str:
    """A key as Textual names it in bindings ("?" -> "question_mark"), to compare keys."""
    key = key.strip()
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        name = {"\t": "tab"}.get(key, key)
    return KEY_NAME_REPLACEMENTS.get(name, name)


def _key_list(key_string: str) -> list[str]:
    out: list[str] = []
    for key in key_string.split(","):
        name = key_name(key)
        if name and name not in out:
            out.append(name)
    return out


Contexts = Sequence[tuple[str, Sequence[type]]]  # (where, classes whose keys work together)


def resolve_conflicts(
    keymap: Mapping[str, str], contexts: Contexts
) -> tuple[dict[str, str], list[str]]:
    """The keymap with every conflict settled, and one problem line per conflict.

    ``keymap``: the user's entries (ids already checked). In each context, a key bound to two
    bindings, at least one of them by the user, stays with the user's binding (of two user
    bindings, the one the keymap names first); the other loses that key. The result is the
    keymap plus every default that lost a key, mapped to the keys it has left ("" for none:
    unbound).
    """
    order = {binding_id: n for n, binding_id in enumerate(keymap)}
    defaults: dict[str, list[str]] = {}
    for _where, classes in contexts:
        for cls in classes:
            for binding in own_bindings(cls):
                if binding.id:
                    defaults.setdefault(binding.id, _key_list(binding.key))
    keys = {i: _key_list(keymap[i]) if i in keymap else list(k) for i, k in defaults.items()}
    problems: list[str] = []
    for where, classes in contexts:
        ids = list(dict.fromkeys(b.id for cls in classes for b in own_bindings(cls) if b.id))
        holders: dict[str, list[str]] = {}
        for binding_id in ids:
            for key in keys[binding_id]:
                holders.setdefault(key, []).append(binding_id)
        for key, holding in holders.items():
            users = sorted((i for i in holding if i in keymap), key=order.__getitem__)
            if len(holding) < 2 or not users:
                continue  # one binding, or defaults that share a key by design (help's q)
            winner = users[0]
            for loser in holding:
                if loser == winner or key not in keys[loser]:
                    continue
                keys[loser].remove(key)
                left = "keeps " + ", ".join(keys[loser]) if keys[loser] else "is now unbound"
                problems.append(
                    f"config [keymap]: {key} is bound to both {winner} and {loser} in "
                    f"{where}; {winner} keeps it, {loser} {left}"
                )
    settled = dict(keymap)
    for binding_id, now in keys.items():
        if binding_id in keymap or now != defaults[binding_id]:
            settled[binding_id] = ",".join(now)
    return settled, problems


class BindingGate:
    """Mixed into the classes whose BINDINGS a keymap can name (before their Textual base).
    A binding is off when the keymap left it without a key: Textual then neither runs nor
    shows it, and offers its key to the next binding, the one that took it (the command
    palette calls the actions directly, so an unbound action is still found there by name).
    Every binding is off once the app is quitting: a key typed after q (a burst, a paste)
    must not open a dialog on an app that is taking its screens down."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        app = getattr(self, "app", None)
        if getattr(app, "quitting", False):
            return False
        unbound: frozenset[str] = getattr(app, "unbound_ids", frozenset())
        if unbound and (action, tuple(parameters)) in _unbound_actions(type(self), unbound):
            return False
        return cast(Any, super()).check_action(action, parameters)


_UNBOUND_ACTIONS: dict[tuple[type, frozenset[str]], frozenset[tuple[str, tuple]]] = {}


def _unbound_actions(cls: type, unbound: frozenset[str]) -> frozenset[tuple[str, tuple]]:
    """(action name, parameters) of the class's bindings (its own and inherited) in
    ``unbound``; asked at every key and footer refresh, so worked out once per class."""
    found = _UNBOUND_ACTIONS.get((cls, unbound))
    if found is None:
        out = set()
        for base in cls.__mro__:
            for binding in own_bindings(base):
                if binding.id in unbound:
                    _namespace, name, params = parse_action(binding.action)
                    out.add((name, tuple(params)))
        found = _UNBOUND_ACTIONS[(cls, unbound)] = frozenset(out)
    return found


def binding_help(
    app: App[Any],
    keymap: Mapping[str, str],
    sections: Sections,
    hidden: AbstractSet[str] = frozenset(),
    *,
    focus_row: bool = True,
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Help sections: (title, [(keys as shown, description, id)]). A binding shared by
    several screens (the editing keys) is described once, where it first appears; later
    sections list its keys on one line. Bindings whose id is in ``hidden`` (actions the
    person's role does not allow) are left out. ``focus_row``: the "Everywhere" section
    says how tab moves the focus (the browser's screens have several places for it)."""
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
        if title == "Everywhere" and focus_row:
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
