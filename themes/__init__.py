"""phototerm's built-in colour themes: the ``*.toml`` files beside this one.

Installed as the package ``phototerm.themes`` (setup.py maps this folder there) and read with
``importlib.resources``; the format is described in the README ("Themes").
"""
