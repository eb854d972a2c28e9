"""phototerm: a terminal photo library for photos kept on a server or NAS."""

__version__ = "0.1.0"
