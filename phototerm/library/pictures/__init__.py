"""Pictures as the grid and the viewer decode them: ``budget`` (how much memory decoding one
may take; no Pillow, so the metadata reader can use it too) and ``decoding`` (Pillow:
within that budget, scaled down first, oriented)."""
