"""`phototerm bench`: every performance figure phototerm sets itself a target for, beside a
baseline.

Each area has a module here with ``run(opts: BenchOptions) -> list[Figure]``; the runner
prints them as a table or JSON. Figures are measured in this run on this machine; nothing is
hard-coded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class BenchOptions:
    photos: int = 20_000  # size of the generated file library
    quick: bool = False  # smaller sizes, for the test suite's smoke run
    workdir: str | None = None  # where generated files go (a temp dir when None)
    only: tuple[str, ...] = field(default_factory=tuple)  # area names to run (all when empty)


@dataclass(slots=True)
class Figure:
    """One measured number. ``target``: the figure it must reach, as a text like '<= 20 ms'."""

    area: str
    name: str
    value: float
    unit: str
    baseline: float | None = None  # the same job done the bare way, measured in the same run
    baseline_name: str = ""
    ratio: float | None = None  # value / baseline or baseline / value, as ``ratio_name`` says
    ratio_name: str = ""
    target: str = ""
    ok: bool | None = None  # whether the target is met (None: no target)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
