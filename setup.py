"""Everything else is in pyproject.toml. This file only lists the packages: those found under
phototerm/, plus the top-level themes/ folder installed as ``phototerm.themes``, so that the
built-in themes live at the root of the repository and still ship inside the wheel (and an
editable install finds them in place)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["phototerm", "phototerm.*"]), "phototerm.themes"],
    package_dir={"phototerm.themes": "themes"},
)
