"""Settings in ``$XDG_CONFIG_HOME/phototerm/config.toml``: read with tomllib, written with tomli-w.

A broken config file never stops phototerm: the problem is reported (``Config.problems``) and
defaults are used; the file itself is left as it is, so the user can fix it.
tomli-w drops comments when it rewrites the file, so every key is documented in the README.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from phototerm.library import paths
from phototerm.library.durable import atomic_write


@dataclass
class Config:
    data: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    problems: list[str] = field(default_factory=list)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def table(self, key: str) -> dict[str, Any]:
        value = self.data.get(key)
        return value if isinstance(value, dict) else {}


def load(path: Path | None = None) -> Config:
    path = path or paths.config_file()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return Config({}, path)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Config({}, path, [f"{path}: {exc} (using defaults)"])
    return Config(data, path)


def save_keys(updates: dict[str, Any], path: Path | None = None) -> None:
    """Merge top-level keys into config.toml and write it atomically.

    Refuses to overwrite a file it could not parse (that would silently drop the user's settings).
    """
    path = path or paths.config_file()
    current = load(path)
    if current.problems:
        raise OSError(f"not rewriting {path}: it could not be read ({current.problems[0]})")
    data = dict(current.data)
    for key, value in updates.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, tomli_w.dumps(data).encode("utf-8"))
