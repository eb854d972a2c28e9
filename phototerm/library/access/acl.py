"""POSIX ACLs, read and written through the ``system.posix_acl_access`` and
``system.posix_acl_default`` extended attributes (the format setfacl writes: a little-endian
version 2 header, then (tag, permissions, id) entries), so phototerm needs no setfacl.

And the one question every check asks: may this user (uid and groups) read or write this file,
by its mode bits and its ACL, as the kernel decides it.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
from dataclasses import dataclass

ACCESS = "system.posix_acl_access"
DEFAULT = "system.posix_acl_default"

_VERSION = 2
_HEADER = struct.Struct("<I")
_ENTRY = struct.Struct("<HHI")
USER_OBJ, USER, GROUP_OBJ, GROUP, MASK, OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
_NO_ID = 0xFFFFFFFF

R, W, X = 4, 2, 1
UNSUPPORTED = (errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS)


class AclUnsupported(OSError):
    """The filesystem (or this system) keeps no POSIX ACLs."""


@dataclass(frozen=True, slots=True)
class Acl:
    """An ACL's entries. ``users``/``groups``: id -> permission bits (the named entries); the
    base entries mirror the mode bits; ``mask`` caps named entries and the owning group."""

    user_obj: int
    group_obj: int
    other: int
    users: dict[int, int]
    groups: dict[int, int]
    mask: int | None = None

    @classmethod
    def from_mode(cls, mode: int) -> Acl:
        return cls((mode >> 6) & 7, (mode >> 3) & 7, mode & 7, {}, {})

    @property
    def named(self) -> bool:
        return bool(self.users or self.groups)

    def encode(self) -> bytes:
        entries = [(USER_OBJ, self.user_obj, _NO_ID)]
        entries += [(USER, perm, uid) for uid, perm in sorted(self.users.items())]
        entries.append((GROUP_OBJ, self.group_obj, _NO_ID))
        entries += [(GROUP, perm, gid) for gid, perm in sorted(self.groups.items())]
        if self.named:  # a mask is required once there are named entries
            mask = self.mask
            if mask is None:
                mask = self.group_obj
                for perm in (*self.users.values(), *self.groups.values()):
                    mask |= perm
            entries.append((MASK, mask, _NO_ID))
        entries.append((OTHER, self.other, _NO_ID))
        return _HEADER.pack(_VERSION) + b"".join(_ENTRY.pack(*e) for e in entries)

    @classmethod
    def decode(cls, data: bytes) -> Acl:
        if len(data) < _HEADER.size or (len(data) - _HEADER.size) % _ENTRY.size:
            raise ValueError("not a POSIX ACL")
        if _HEADER.unpack_from(data)[0] != _VERSION:
            raise ValueError("unknown POSIX ACL version")
        base = {USER_OBJ: 0, GROUP_OBJ: 0, OTHER: 0}
        users: dict[int, int] = {}
        groups: dict[int, int] = {}
        mask: int | None = None
        for offset in range(_HEADER.size, len(data), _ENTRY.size):
            tag, perm, ident = _ENTRY.unpack_from(data, offset)
            perm &= 7
            if tag in base:
                base[tag] = perm
            elif tag == USER:
                users[ident] = perm
            elif tag == GROUP:
                groups[ident] = perm
            elif tag == MASK:
                mask = perm
        return cls(base[USER_OBJ], base[GROUP_OBJ], base[OTHER], users, groups, mask)


def read_acl(path: str, *, default: bool = False) -> Acl | None:
    """The ACL of ``path`` (its default ACL with ``default``, folders only); None when it has
    none beyond its mode bits, or the filesystem keeps none."""
    try:
        data = os.getxattr(path, DEFAULT if default else ACCESS, follow_symlinks=False)
    except OSError as exc:
        if exc.errno in (errno.ENODATA, *UNSUPPORTED):
            return None
        raise
    try:
        return Acl.decode(data)
    except ValueError:
        return None


def write_acl(path: str, acl: Acl | None, *, default: bool = False) -> None:
    """Set (or with None remove) the ACL of ``path``. Setting the access ACL also sets the
    mode's group bits to its mask (the kernel does). Raises AclUnsupported or OSError."""
    name = DEFAULT if default else ACCESS
    try:
        if acl is None:
            try:
                os.removexattr(path, name, follow_symlinks=False)
            except OSError as exc:
                if exc.errno != errno.ENODATA:
                    raise
        else:
            os.setxattr(path, name, acl.encode(), follow_symlinks=False)
    except OSError as exc:
        if exc.errno in UNSUPPORTED:
            raise AclUnsupported(exc.errno, "this filesystem keeps no POSIX ACLs", path) from None
        raise


def supported(path: str) -> bool:
    """Whether the filesystem of ``path`` keeps POSIX ACLs (reading tells without writing)."""
    try:
        os.getxattr(path, ACCESS, follow_symlinks=False)
    except OSError as exc:
        return exc.errno not in UNSUPPORTED
    return True


def allowed(
    st: os.stat_result, acl: Acl | None, uid: int | None, gids: frozenset[int], want: int
) -> bool:
    """Whether a process of ``uid`` (None: a member of ``gids`` only) with groups ``gids`` may
    ``want`` (R|W|X bits) on a file of status ``st`` and ACL ``acl``: POSIX.1e's algorithm.
    Root may read and write anything (and execute what anyone may)."""
    mode = st.st_mode
    if uid == 0:
        return not want & X or stat.S_ISDIR(mode) or bool(mode & 0o111)
    if uid is not None and uid == st.st_uid:
        return (mode >> 6) & want == want
    if acl is None:
        if st.st_gid in gids:
            return (mode >> 3) & want == want
        return mode & want == want
    mask = 7 if acl.mask is None else acl.mask
    if uid is not None and uid in acl.users:
        return acl.users[uid] & mask & want == want
    matched = False
    for gid, perm in ((st.st_gid, acl.group_obj), *acl.groups.items()):
        if gid in gids:
            if perm & mask & want == want:
                return True
            matched = True
    if matched:
        return False
    return acl.other & want == want
