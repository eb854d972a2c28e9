"""A Shared Space's grants: ``<root>/.phototerm/access.toml``.

```toml
[users]
alice = "manage"
[groups]
photos = "view"
```

A person's role is the highest of their own grant and their groups' grants. The file's absence
means access was never enabled (nobody but root and the root's owner has a role). A file that
cannot be read, or holds anything but these two tables of role names, is never guessed at:
``GrantsError`` names the file, and the space is closed to everyone but root and its owner
until it is fixed (failing closed), and never rewritten by phototerm meanwhile.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import tomli_w

from phototerm.library.access.role import ROLE_WORDS, Role, parse_role
from phototerm.library.durable import atomic_write
from phototerm.library.paths import space_data_dir
from phototerm.library.text import safe

ACCESS_FILE = "access.toml"
TABLES = {"users": "user", "groups": "group"}


class GrantsError(Exception):
    """access.toml cannot be read or is not what phototerm writes; the message names it."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a grant is for: a user ("alice") or a group ("@photos" on the command line)."""

    kind: str  # "user" | "group"
    name: str

    @property
    def is_group(self) -> bool:
        return self.kind == "group"

    def __str__(self) -> str:
        return f"@{self.name}" if self.is_group else self.name


def parse_principal(text: str) -> Principal:
    """``alice`` or ``@photos``; ValueError for an empty name or one with spaces or control
    characters (no Unix user or group has them)."""
    group = text.startswith("@")
    name = text[1:] if group else text
    if not name or any(c.isspace() or not c.isprintable() for c in name) or "@" == name[0]:
        raise ValueError(f"not a user or @group: {safe(text)!r}")
    return Principal("group" if group else "user", name)


@dataclass(frozen=True, slots=True)
class Grants:
    users: Mapping[str, Role] = field(default_factory=dict)
    groups: Mapping[str, Role] = field(default_factory=dict)

    def role_of(self, user: str, groups: frozenset[str]) -> Role:
        """The highest of the user's own grant and their groups' grants."""
        roles = [self.users.get(user, Role.NONE)]
        roles += [role for group, role in self.groups.items() if group in groups]
        return max(roles)

    def get(self, who: Principal) -> Role:
        table = self.groups if who.is_group else self.users
        return table.get(who.name, Role.NONE)

    def with_role(self, who: Principal, role: Role | None) -> Grants:
        """A copy where ``who`` has ``role`` (None: no grant)."""
        users, groups = dict(self.users), dict(self.groups)
        table = groups if who.is_group else users
        if role is None or role is Role.NONE:
            table.pop(who.name, None)
        else:
            table[who.name] = role
        return Grants(users, groups)

    def entries(self) -> Iterator[tuple[Principal, Role]]:
        for name, role in sorted(self.users.items()):
            yield Principal("user", name), role
        for name, role in sorted(self.groups.items()):
            yield Principal("group", name), role

    def managers(self) -> list[str]:
        """Who may change access besides root and the owner: "carol", "@admins"."""
        return [str(who) for who, role in self.entries() if role is Role.MANAGE]

    def to_toml(self) -> bytes:
        data = {
            "users": {name: role.word for name, role in sorted(self.users.items())},
            "groups": {name: role.word for name, role in sorted(self.groups.items())},
        }
        return tomli_w.dumps(data).encode("utf-8")


def grants_path(root: str) -> str:
    return os.path.join(str(space_data_dir(root)), ACCESS_FILE)


def read_grants(root: str) -> Grants | None:
    """The grants of the space rooted at ``root``; None when access.toml does not exist (access
    was never enabled). Raises GrantsError when it exists but cannot be trusted."""
    path = grants_path(root)
    shown = safe(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise GrantsError(f"cannot read {shown}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GrantsError(f"{shown} is not valid TOML: {safe(str(exc), 120)}") from None
    tables: dict[str, dict[str, Role]] = {"users": {}, "groups": {}}
    for key, value in data.items():
        if key not in TABLES or not isinstance(value, dict):
            raise GrantsError(f"{shown}: unexpected {safe(key, 40)!r} (only [users] and [groups])")
        for name, word in value.items():
            role = parse_role(word) if isinstance(word, str) else None
            if role is None:
                raise GrantsError(
                    f"{shown}: [{key}] {safe(name, 40)} = {safe(repr(word), 40)} is not a role "
                    f"({', '.join(ROLE_WORDS)})"
                )
            tables[key][name] = role
    return Grants(tables["users"], tables["groups"])


def write_grants(
    root: str, grants: Grants, *, mode: int = 0o644, owner: tuple[int, int] | None = None
) -> None:
    """Replace access.toml (atomically, fsynced). ``owner``: (uid, gid) to give the new file,
    which only root can do; by default it belongs to whoever writes it. Raises OSError."""
    path = grants_path(root)
    atomic_write(path, grants.to_toml(), mode=mode)
    if owner is not None:
        os.chown(path, *owner)
