"""The two spaces: Personal (``~/Photos``) and Shared (``/photo``).

Where a root comes from, strongest first: the ``--personal``/``--shared`` flags, the
``PHOTOTERM_PERSONAL``/``PHOTOTERM_SHARED`` variables, ``personal``/``shared`` keys in
config.toml, the defaults. An empty value or a missing folder turns the space off, with a
one-line explanation: that is a normal state, not an error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from phototerm.library.photo import PERSONAL, SHARED
from phototerm.library.settings import Settings

DEFAULTS = {PERSONAL: "~/Photos", SHARED: "/photo"}
ENV = {PERSONAL: "PHOTOTERM_PERSONAL", SHARED: "PHOTOTERM_SHARED"}
LABELS = {PERSONAL: "Personal Space", SHARED: "Shared Space"}


@dataclass(frozen=True, slots=True)
class SpaceRoot:
    name: str  # "personal" | "shared"
    root: str  # absolute, normalised path

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)


@dataclass(frozen=True, slots=True)
class SpaceSetup:
    """The resolved spaces: those that are on, and why the others are off."""

    on: tuple[SpaceRoot, ...]
    off: tuple[tuple[str, str], ...]  # (space name, one-line reason)

    def root_of(self, name: str) -> SpaceRoot | None:
        return next((s for s in self.on if s.name == name), None)


def resolve(
    settings: Settings,
    personal: str | None = None,
    shared: str | None = None,
    env: Mapping[str, str] | None = None,
) -> SpaceSetup:
    """The spaces from the flags (``personal``/``shared``), the environment and the settings."""
    env = os.environ if env is None else env
    flags = {PERSONAL: personal, SHARED: shared}
    on: list[SpaceRoot] = []
    off: list[tuple[str, str]] = []
    for name in (PERSONAL, SHARED):
        value, source = _pick(name, flags[name], env, settings)
        if value == "":
            off.append((name, f"{LABELS[name]} is off ({source} is empty)"))
            continue
        root = os.path.abspath(os.path.expanduser(value))
        if not os.path.isdir(root):
            off.append((name, f"{LABELS[name]} is off: {root} is not a folder ({source})"))
            continue
        if any(s.root == root for s in on):
            off.append((name, f"{LABELS[name]} is off: same folder as the other space"))
            continue
        on.append(SpaceRoot(name, root))
    return SpaceSetup(tuple(on), tuple(off))


def _pick(
    name: str, flag: str | None, env: Mapping[str, str], settings: Settings
) -> tuple[str, str]:
    if flag is not None:
        return flag, f"--{name}"
    if ENV[name] in env:
        return env[ENV[name]], ENV[name]
    value = settings.personal if name == PERSONAL else settings.shared
    if value is not None:
        return value, f"'{name}' in {settings.path}"
    return DEFAULTS[name], "default"
