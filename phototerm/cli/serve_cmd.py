"""`phototerm serve [--host 127.0.0.1] [--port 5080]`: the spaces' share links over HTTP.

A thin caller: the library opened through its front door (stores writable only where the
role allows, so that a link's last opening can be noted), then ``phototerm.serve``. It prints
one line when it listens and runs until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import sys

from phototerm.cli import (
    EXIT_OK,
    EXIT_STATUS,
    Failed,
    Subcommands,
    add_space_arguments,
    counted,
    note,
    open_library,
    settings,
    spaces,
)
from phototerm.library import paths


def register(sub: Subcommands) -> None:
    parser = sub.add_parser(
        "serve",
        help="serve the share links over HTTP (read-only)",
        description=(
            "Serve the spaces' share links at <public_url>/s/<token> (public_url in\n"
            "config.toml, default http://127.0.0.1:5080). Read-only: it writes nothing but\n"
            "a link's last opening. For HTTPS put a reverse proxy in front (see README)."
        ),
        epilog=EXIT_STATUS,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=_port, default=5080, help="port (default 5080)")
    add_space_arguments(parser)
    parser.set_defaults(handler=run_serve)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return value


def run_serve(args: argparse.Namespace) -> int:
    from phototerm.serve import build_app, run

    setup = spaces(args)
    public_url = settings().public_url
    library = open_library(setup, writable=True)
    try:
        for problem in library.problems:
            note(problem)
        assert library.editor is not None  # opened with its stores
        links = [s for _space, s in library.editor.shares.all() if s.is_link]
        app = build_app(library, public_url, str(paths.cache_dir()))

        def ready(server: object) -> None:
            port = getattr(server, "port", args.port)
            print(
                f"Serving {counted(len(links), 'link')} on http://{args.host}:{port} "
                f"(links point at {public_url}); Ctrl-C stops",
                flush=True,
            )

        try:
            run(app, args.host, args.port, ready)
        except OSError as exc:
            raise Failed(
                f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
            ) from None
    finally:
        library.close()
    print("Stopped.", file=sys.stderr)
    return EXIT_OK
