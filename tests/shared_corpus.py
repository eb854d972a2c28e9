"""Where the shared exif-samples corpus is, for the tests that use it (they skip without it)."""

from __future__ import annotations

import os
from pathlib import Path


def shared_corpus() -> Path:
    """``PHOTOTERM_CORPUS``, else the first ``shared/corpus/exif-samples`` beside the checkout
    or one of its parents: a git worktree sits a level or two deeper than a plain clone."""
    if os.environ.get("PHOTOTERM_CORPUS"):
        return Path(os.environ["PHOTOTERM_CORPUS"])
    checkout = Path(__file__).resolve().parents[1]
    for parent in checkout.parents:
        candidate = parent / "shared" / "corpus" / "exif-samples"
        if candidate.is_dir():
            return candidate
    return checkout.parent / "shared" / "corpus" / "exif-samples"


CORPUS = shared_corpus()
