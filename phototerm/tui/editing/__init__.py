"""Editing: the glue between the keys and the library's ``Editor``.

``context`` is what every edit shares (the app it reports to, the open library, who may edit
what); ``photos`` and ``albums`` carry out photo edits and album edits through it. The keys
that call them, shared by the library and viewer screens, are in ``screens/edit_keys.py``.
"""
