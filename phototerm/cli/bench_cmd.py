"""`phototerm bench`: measure phototerm's performance figures, each against its target."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time

from phototerm.bench import BenchOptions, Figure
from phototerm.cli import EXIT_OK, Subcommands, UsageError, counted

AREAS = (
    "indexing",
    "query",
    "browser",
    "store",
    "wire",
    "startup",
    "serve",
    "watch",
    "formats",
)


def register(sub: Subcommands) -> None:
    bench = sub.add_parser("bench", help="measure performance on generated libraries")
    bench.add_argument(
        "--photos",
        type=int,
        default=20_000,
        metavar="N",
        help="size of the generated file library (default 20000)",
    )
    bench.add_argument(
        "--only", action="append", choices=AREAS, default=[], help="run only this area (repeatable)"
    )
    bench.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    bench.add_argument(
        "--workdir",
        metavar="DIR",
        default=None,
        help="where generated files go (reused between runs); default a temp dir",
    )
    bench.add_argument("--json", action="store_true", help="one JSON object per figure")
    bench.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.photos < 10:
        raise UsageError("--photos must be at least 10")
    if args.workdir is not None:
        try:
            os.makedirs(args.workdir, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--workdir {args.workdir}: {exc.strerror}") from exc
    opts = BenchOptions(
        photos=args.photos, quick=args.quick, workdir=args.workdir, only=tuple(args.only)
    )
    failed = 0
    for area in opts.only or AREAS:
        try:
            module = importlib.import_module(f"phototerm.bench.{area}")
        except ImportError as exc:
            print(f"{area}: not available ({exc})", file=sys.stderr)
            continue
        if not args.json:
            print(f"== {area}", flush=True)
        start = time.perf_counter()
        for figure in module.run(opts):
            failed += figure.ok is False
            if args.json:
                print(json.dumps(figure.as_dict()), flush=True)
            else:
                print(format_figure(figure), flush=True)
        if not args.json:
            print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    if not args.json and failed:
        misses = "misses its" if failed == 1 else "miss their"
        print(f"{counted(failed, 'figure')} {misses} target", flush=True)
    return EXIT_OK


def format_figure(f: Figure) -> str:
    line = f"  {f.name:<48} {_num(f.value):>10} {f.unit:<8}"
    if f.baseline is not None:
        line += f" baseline {_num(f.baseline)} ({f.baseline_name})"
    if f.ratio is not None:
        line += f" {f.ratio_name or 'ratio'} {f.ratio:.2f}"
    if f.target:
        mark = {True: "ok", False: "MISS", None: ""}[f.ok]
        line += f"  target {f.target} {mark}"
    return line


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
