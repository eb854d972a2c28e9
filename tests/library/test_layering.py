"""phototerm.library must never import Textual (it is shared by CLI, TUI, server, scripts)."""

import pkgutil
import subprocess
import sys

import phototerm.library


def test_library_never_imports_textual() -> None:
    modules = sorted(
        f"phototerm.library.{m.name}" for m in pkgutil.iter_modules(phototerm.library.__path__)
    )
    assert "phototerm.library.photo" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"phototerm.library pulled in: {out.stdout.strip()}"
