"""What the system lets a watcher do: how many inotify watches are left, how many a tree
needs, and whether a folder is on a network filesystem (whose changes made on other machines
send no events). Read from /proc; every answer is best effort, never an error."""

from __future__ import annotations

import os

LIMIT_FILE = "/proc/sys/fs/inotify/max_user_watches"
MOUNTS_FILE = "/proc/self/mounts"
SYSCTL = "fs.inotify.max_user_watches"
QUEUE_SYSCTL = "fs.inotify.max_queued_events"
# Filesystem types whose changes made elsewhere send no inotify events.
NETWORK_TYPES = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs",
     "lustre", "davfs", "fuse", "fuseblk", "sshfs", "ncpfs", "coda", "gfs2", "ocfs2"}
)  # fmt: skip


def read_limit(path: str = LIMIT_FILE) -> int | None:
    try:
        with open(path) as fh:
            return int(fh.read().strip())
    except (OSError, ValueError):
        return None


def watches_in_use() -> int:
    """inotify watches this user's processes hold now (those /proc lets us see)."""
    uid = os.getuid()
    total = 0
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0
    for pid in pids:
        try:
            if os.stat(f"/proc/{pid}").st_uid != uid:
                continue
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") != "anon_inode:inotify":
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}") as fh:
                    total += sum(1 for line in fh if line.startswith("inotify wd:"))
            except OSError:
                continue
    return total


def count_folders(root: str, stop_above: int | None = None) -> int:
    """The watches a recursive watch of ``root`` takes: the root and every folder below it
    (watchdog watches them all, hidden and ``@eaDir`` ones too; links are not followed).
    Counting stops once above ``stop_above``."""
    count = 0
    stack = [root]
    while stack:
        path = stack.pop()
        count += 1
        if stop_above is not None and count > stop_above:
            return count
        try:
            with os.scandir(path) as it:
                for entry in it:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                    except OSError:
                        continue
        except OSError:
            continue
    return count


def network_filesystem(path: str, mounts: str = MOUNTS_FILE) -> str:
    """The type of the network filesystem ``path`` is on ("nfs4", "fuse.sshfs"), or ""."""
    try:
        with open(mounts, encoding="utf-8", errors="surrogateescape") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return ""
    real = os.path.realpath(path)
    best, kind = "", ""
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    base = kind.split(".", 1)[0]
    return kind if base in NETWORK_TYPES or kind in NETWORK_TYPES else ""


def _unescape(field: str) -> str:
    """/proc/self/mounts writes a space as \\040 (and tab, newline, backslash likewise)."""
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)
