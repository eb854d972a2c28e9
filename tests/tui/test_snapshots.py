"""SVG snapshots (pytest-textual-snapshot) of the screens people look at most.

Deterministic: the photos are generated with fixed pictures, dates and mtimes into a fixed
folder (the info panel shows the path), nothing on screen shows a clock, and each snapshot
waits until indexing and every thumbnail are done. Update with ``--snapshot-update`` after
checking the new images by eye (snapshot_report.html).
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import COLORS, Shot, make_app, make_library, settle

SIZE = (200, 50)


@pytest.fixture
def fixed_library(request: pytest.FixtureRequest) -> Path:
    """A small library at a path that is the same on every run."""
    root = Path(tempfile.gettempdir()) / "phototerm-snapshots" / request.node.name
    shutil.rmtree(root, ignore_errors=True)
    shots = [
        Shot(
            f"2023/2023-06-1{n // 6} Coast/IMG_{n:04d}.jpg",
            datetime(2023, 6, 10 + n // 6, 9) + timedelta(minutes=13 * n),
            color=COLORS[n % len(COLORS)],
            rating=(n % 5) + 1 if n % 4 == 0 else None,
            gps=(47.2 + n / 50, -1.55) if n % 3 == 0 else None,
            model="Canon EOS R6" if n % 2 else "NIKON Z 6_2",
            make="Canon" if n % 2 else "NIKON CORPORATION",
        )
        for n in range(14)
    ]
    make_library(root / "Personal", shots)
    (root / "Personal" / "2023" / "broken.jpg").write_bytes(b"not an image")
    stamp = datetime(2023, 6, 12, 20).timestamp()
    import os

    os.utime(root / "Personal" / "2023" / "broken.jpg", (stamp, stamp))
    yield root / "Personal"
    shutil.rmtree(root, ignore_errors=True)


def test_grid_snapshot(snap_compare, tmp_path: Path, fixed_library: Path) -> None:
    app = make_app(tmp_path, personal=fixed_library)

    async def before(pilot) -> None:
        await settle(pilot)
        await pilot.press("right", "down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_viewer_with_info_snapshot(snap_compare, tmp_path: Path, fixed_library: Path) -> None:
    app = make_app(tmp_path, personal=fixed_library)

    async def before(pilot) -> None:
        await settle(pilot)
        await pilot.press("right", "enter", "i")
        view = pilot.app.screen.query_one("#viewer-photo")
        for _ in range(300):
            await pilot.pause(0.05)
            if view._wanted is not None and view._shown == view._wanted:
                break
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_help_snapshot(snap_compare, tmp_path: Path, fixed_library: Path) -> None:
    app = make_app(tmp_path, personal=fixed_library)

    async def before(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


SHIPPED_THEMES = sorted(path.stem for path in (Path(__file__).parents[2] / "themes").glob("*.toml"))


@pytest.mark.parametrize("theme", SHIPPED_THEMES)
def test_theme_snapshot(snap_compare, tmp_path: Path, fixed_library: Path, theme: str) -> None:
    """The grid in each shipped theme: the cursor, a selected and a rejected photo, stars,
    an unreadable file, thumbnails on the theme's tile border."""
    app = make_app(tmp_path, personal=fixed_library, theme=theme)

    async def before(pilot) -> None:
        await settle(pilot)
        await pilot.press("right", "x", "right", "space", "down")
        await settle(pilot)
        pilot.app.clear_notifications()  # "Rejected 1 photo" would go after its timeout
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


SMALL = (80, 24)  # many terminals' default size


def test_grid_snapshot_at_80x24(snap_compare, tmp_path: Path, fixed_library: Path) -> None:
    """The sidebar folds away, three tiles a row (centred), Quit and Help first in the
    footer, the selection count kept in the status line."""
    app = make_app(tmp_path, personal=fixed_library)

    async def before(pilot) -> None:
        await settle(pilot)
        await pilot.press("right", "space")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SMALL, run_before=before)


def test_filter_dialog_snapshot_at_80x24(snap_compare, tmp_path: Path, fixed_library: Path) -> None:
    """Every field, the query preview and the buttons on screen at 80x24."""
    app = make_app(tmp_path, personal=fixed_library)

    async def before(pilot) -> None:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=before)
