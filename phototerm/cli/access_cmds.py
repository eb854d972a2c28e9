"""`phototerm access enable | grant | revoke | list | check`: who may use the Shared Space.

Thin callers of ``phototerm.library.access``: the grants live in
``<shared root>/.phototerm/access.toml``, and every change also changes the file permissions
that let each person's own processes do what their role allows (phototerm is no daemon).
Exit statuses: 3 when the acting user may not do it, 2 for an unknown user, group or role,
1 when it cannot be done (access not enabled, a broken access.toml, no ACLs where a grant
needs them) and, for ``check``, when a mismatch was found.
"""

from __future__ import annotations

import argparse
import os

from phototerm.cli import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_STATUS,
    CommandParser,
    Failed,
    NotAllowed,
    Subcommands,
    UsageError,
    add_shared_argument,
    note,
    settings,
)
from phototerm.cli.photo_output import json_line
from phototerm.library.access.grants import GrantsError, Principal, parse_principal, read_grants
from phototerm.library.access.role import ROLE_WORDS, Role, parse_role
from phototerm.library.photo import SHARED
from phototerm.library.roles import Access, Identity, owner_name
from phototerm.library.spaces import find_roots
from phototerm.library.text import safe

ROLES_HELP = """\
Roles in the Shared Space, kept in <root>/.phototerm/access.toml; each allows what
the ones before it do:
  view      browse, search, ls
  download  also export originals
  upload    also phototerm import
  manage    also rate, tag, describe, rotate, albums, recycle, access changes
Root and the owner of the root folder always have manage. Every change also sets the
file permissions the role needs (group, setgid, POSIX ACLs).
"""


def register(sub: Subcommands) -> None:
    access = sub.add_parser(
        "access",
        help="who may use the Shared Space: enable, grant, revoke, list, check",
        description=ROLES_HELP,
        epilog=EXIT_STATUS,
    )
    actions = access.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=CommandParser
    )

    def add(action: str, help: str) -> CommandParser:
        parser = actions.add_parser(action, help=help, epilog=EXIT_STATUS)
        add_shared_argument(parser)
        parser.set_defaults(handler=run_access, access_action=action)
        return parser

    add("enable", "create access.toml and the store (root or the root folder's owner)")
    grant = add("grant", "give a user or @group a role (and the file permissions it needs)")
    grant.add_argument("who", metavar="USER|@GROUP", type=_principal)
    grant.add_argument("role", metavar="ROLE", type=_role, help=", ".join(ROLE_WORDS))
    revoke = add("revoke", "take a user's or @group's role away (and what grant added)")
    revoke.add_argument("who", metavar="USER|@GROUP", type=_principal)
    listing = add("list", "list the roles")
    listing.add_argument("--json", action="store_true", help="one JSON object")
    add("check", "list where the file permissions and the roles disagree (exit 1 if any)")


def _principal(text: str) -> Principal:
    try:
        return parse_principal(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _role(text: str) -> Role:
    role = parse_role(text)
    if role is None:
        raise argparse.ArgumentTypeError(
            f"not a role: {safe(text)!r} (one of {', '.join(ROLE_WORDS)})"
        )
    return role


def shared_root(args: argparse.Namespace) -> str:
    """The Shared Space's root, whoever asks (the roles are what the command is about)."""
    setup = find_roots(settings(), "", getattr(args, "shared", None))
    space = setup.root_of(SHARED)
    if space is None:
        raise UsageError(dict(setup.off).get(SHARED, "the Shared Space is off"))
    return space.root


def run_access(args: argparse.Namespace) -> int:
    # Loaded when an access command runs: the other commands start without them.
    from phototerm.library.access import admin

    root = shared_root(args)
    me = Identity.current()
    action = args.access_action
    if action == "list":
        return _list(root, me, args.json)
    if action == "check":
        return _check(root, me)
    try:
        if action == "enable":
            outcome = admin.enable(root, me)
        elif action == "grant":
            outcome = admin.grant(root, me, args.who, args.role)
        else:
            outcome = admin.revoke(root, me, args.who)
    except admin.AccessRefused as exc:
        raise NotAllowed(str(exc)) from None
    except admin.AccessBadInput as exc:
        raise UsageError(str(exc)) from None
    except admin.AccessFailed as exc:
        raise Failed(str(exc)) from None
    except OSError as exc:
        where = safe(exc.filename) if exc.filename else safe(root)
        raise Failed(f"{where}: {exc.strerror or exc}") from None
    for line in outcome.done:
        print(line)
    for line in outcome.notes:
        note(line)
    return EXIT_OK


def _may(root: str, me: Identity, need: Role, doing: str) -> None:
    refusal = Access(me, {}, roots={SHARED: root}).why_not(SHARED, need, doing)
    if refusal:
        raise NotAllowed(refusal)


def _list(root: str, me: Identity, as_json: bool) -> int:
    _may(root, me, Role.VIEW, "listing the roles")
    try:
        grants = read_grants(root)
    except GrantsError as exc:
        raise Failed(str(exc)) from None
    owner = owner_name(os.stat(root).st_uid)
    mine = Access(me, {}, roots={SHARED: root}).role_of(SHARED)
    if as_json:
        print(
            json_line(
                {
                    "root": root,
                    "enabled": grants is not None,
                    "owner": owner,
                    "users": {n: r.word for n, r in (grants.users if grants else {}).items()},
                    "groups": {n: r.word for n, r in (grants.groups if grants else {}).items()},
                    "you": {"user": me.user, "role": mine.role.word, "through": mine.how},
                }
            )
        )
        return EXIT_OK
    print(f"Shared Space {safe(root)}: root and its owner ({safe(owner)}) have manage")
    if grants is None:
        print("Access is not enabled: nobody else has a role (phototerm access enable)")
        return EXIT_OK
    entries = list(grants.entries())
    if not entries:
        print("Nobody else has a role yet (phototerm access grant USER|@GROUP ROLE)")
    width = max((len(safe(str(who))) for who, _ in entries), default=0)
    for who, role in entries:
        print(f"  {safe(str(who)):<{width}}  {role.word}")
    print(
        f"You ({safe(me.user)}): {mine.role.word}" + (f" (as {safe(mine.how)})" if mine.how else "")
    )
    return EXIT_OK


def _check(root: str, me: Identity) -> int:
    from phototerm.library.access import check

    _may(root, me, Role.MANAGE, "checking access")
    report = check.check(root)
    for line in report.mismatches:
        print(f"mismatch: {line}")
    for line in report.notes:
        print(f"note: {line}")
    if report.mismatches:
        count = len(report.mismatches)
        print(f"{count} mismatch{'es' if count != 1 else ''} between the roles and the files")
        return EXIT_ERROR
    print("No mismatch: the file permissions agree with the roles")
    return EXIT_OK
