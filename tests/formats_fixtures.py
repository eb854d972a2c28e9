"""HEIC, MP4 and DNG files for tests (written by phototerm.samples.formats); a test whose file
needs an extra that is not installed is skipped with the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from phototerm.library import extras
from phototerm.samples import formats
from phototerm.samples.formats import BLUE, RED, picture, write_dng

__all__ = ["BLUE", "RED", "need", "picture", "write_dng", "write_heic", "write_mp4"]


def need(extra: str) -> None:
    if not extras.installed(extra):
        pytest.skip(f"needs phototerm[{extra}] ({extras.MODULES[extra]} is not installed)")


def write_heic(path: Path, **kwargs: Any) -> Path:
    need(extras.HEIF)
    return formats.write_heic(path, **kwargs)


def write_mp4(path: Path, **kwargs: Any) -> Path:
    need(extras.VIDEO)
    return formats.write_mp4(path, **kwargs)
