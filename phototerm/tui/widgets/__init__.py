"""Widgets of the browser: the thumbnail grid, sidebar, search bar, info and status bars."""
