"""The photo library: scanning, metadata, the in-memory index, search and the store.

Pure Python. This package never imports Textual (tests/test_layering.py checks it), so the
CLI, the TUI, the HTTP share server and scripts all stand on the same code.
"""
