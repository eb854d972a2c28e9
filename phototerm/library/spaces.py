"""The two spaces: Personal (``~/Photos``) and Shared (``/photo``).

Where a root comes from, strongest first: the ``--personal``/``--shared`` flags, the
``PHOTOTERM_PERSONAL``/``PHOTOTERM_SHARED`` variables, ``personal``/``shared`` keys in
config.toml, the defaults. An empty value or a missing folder turns the space off, with a
one-line explanation: that is a normal state, not an error.

A space where the person has no role (roles.py) is off in the same way: a personal root of
another user, a Shared Space whose access was not enabled or that grants them nothing. Such a
space is also listed in ``no_role``, so a command that needed it can say "not allowed".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from phototerm.library.photo import LABELS, PERSONAL, SHARED
from phototerm.library.roles import Identity, Role, space_role
from phototerm.library.settings import Settings

DEFAULTS = {PERSONAL: "~/Photos", SHARED: "/photo"}
ENV = {PERSONAL: "PHOTOTERM_PERSONAL", SHARED: "PHOTOTERM_SHARED"}


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
    no_role: dict[str, str] = field(default_factory=dict)  # space off for want of a role: root
    identity: Identity | None = None  # whom the roles were looked up for (None: nobody yet)

    def root_of(self, name: str) -> SpaceRoot | None:
        return next((s for s in self.on if s.name == name), None)


def resolve(
    settings: Settings,
    personal: str | None = None,
    shared: str | None = None,
    env: Mapping[str, str] | None = None,
    *,
    identity: Identity | None = None,
) -> SpaceSetup:
    """The spaces from the flags (``personal``/``shared``), the environment and the settings
    that ``identity`` (default: the user running phototerm) has a role in."""
    return by_role(find_roots(settings, personal, shared, env), identity or Identity.current())


def by_role(setup: SpaceSetup, identity: Identity) -> SpaceSetup:
    """``setup`` with the spaces ``identity`` has no role in turned off, saying why."""
    on: list[SpaceRoot] = []
    off = list(setup.off)
    no_role = dict(setup.no_role)
    for space in setup.on:
        found = space_role(space.name, space.root, identity)
        if found.role is Role.NONE:
            off.append((space.name, f"{space.label} is off: {found.reason}"))
            no_role[space.name] = space.root
        else:
            on.append(space)
    return replace(setup, on=tuple(on), off=tuple(off), no_role=no_role, identity=identity)


def find_roots(
    settings: Settings,
    personal: str | None = None,
    shared: str | None = None,
    env: Mapping[str, str] | None = None,
) -> SpaceSetup:
    """The space roots the flags, the environment and the settings name, whoever asks."""
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
