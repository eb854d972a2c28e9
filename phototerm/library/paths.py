"""Where phototerm keeps its own files (XDG base directories), never beside the photos
except for a space's store (``<root>/.phototerm``), which belongs to the space."""

from __future__ import annotations

import os
from pathlib import Path

APP = "phototerm"
SPACE_DATA_DIR = ".phototerm"  # inside a space root; the scanner skips it


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var, "")
    # The spec says relative paths are invalid and must be ignored.
    base = Path(value) if value and os.path.isabs(value) else Path.home() / fallback
    return base / APP


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config")


def cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache")


def state_dir() -> Path:
    return _xdg("XDG_STATE_HOME", ".local/state")


def config_file() -> Path:
    return config_dir() / "config.toml"


def themes_dir() -> Path:
    """The user's own colour themes, one TOML file each."""
    return config_dir() / "themes"


def space_data_dir(root: str | os.PathLike[str]) -> Path:
    return Path(root) / SPACE_DATA_DIR
