"""The layers of the package: the core stands alone, and its front door is what it says.

``phototerm.library`` is shared by the CLI, the TUI, the share server and scripts: it must not
pull in Textual or Rich, nor any of the packages that stand on it.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import phototerm
import phototerm.library

PACKAGE = Path(phototerm.__file__).parent
CORE = PACKAGE / "library"
ABOVE_THE_CORE = (
    "phototerm.tui",
    "phototerm.cli",
    "phototerm.bench",
    "phototerm.samples",
    "phototerm.serve",
)
UI_LIBRARIES = ("textual", "rich", "rich_pixels")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (at any depth: function-level and TYPE_CHECKING too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _is_under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_core_imports_nothing_above_it_nor_a_ui_library() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 30
    bad = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in files
        for line, module in _imports(path)
        if _is_under(module, ABOVE_THE_CORE + UI_LIBRARIES)
    ]
    assert bad == []


def test_samples_stand_on_the_core_only() -> None:
    bad = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in sorted((PACKAGE / "samples").rglob("*.py"))
        for line, module in _imports(path)
        if _is_under(module, ("phototerm.tui", "phototerm.cli", "phototerm.bench") + UI_LIBRARIES)
    ]
    assert bad == []


def test_importing_every_core_module_loads_no_ui_library() -> None:
    modules = sorted(
        m.name for m in pkgutil.walk_packages(phototerm.library.__path__, "phototerm.library.")
    )
    assert "phototerm.library.index.columns" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "import phototerm.library as front\n"
        "for name in front.__all__:\n"
        "    getattr(front, name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {UI_LIBRARIES!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"phototerm.library pulled in: {out.stdout.strip()}"


def test_the_share_server_stands_on_the_core_and_never_loads_a_ui_library() -> None:
    files = sorted((PACKAGE / "serve").rglob("*.py"))
    assert files
    bad = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in files
        for line, module in _imports(path)
        if _is_under(module, ("phototerm.tui", "phototerm.cli", "phototerm.bench") + UI_LIBRARIES)
    ]
    assert bad == []
    code = (
        "import sys, phototerm.serve, phototerm.serve.app\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {UI_LIBRARIES!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"phototerm.serve pulled in: {out.stdout.strip()}"


def test_the_front_door_names_resolve() -> None:
    front = importlib.import_module("phototerm.library")
    assert "open_library" in front.__all__ and "Settings" in front.__all__
    for name in front.__all__:
        value = getattr(front, name)
        assert value is not None, name
        owner = getattr(value, "__module__", None)
        if owner is not None:
            assert owner.startswith("phototerm.library"), (name, owner)


def test_at_most_twelve_modules_sit_directly_in_the_core() -> None:
    direct = sorted(p.name for p in CORE.glob("*.py"))
    assert len(direct) <= 12, direct
