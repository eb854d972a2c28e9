"""Following the spaces' files while phototerm runs: what changed on disk, once it is whole.

Events come from watchdog's inotify observer, one recursive watch per space root, on its
threads; they are queued and turned into work on this module's own thread:

- a photo or sidecar created, written, deleted or renamed is *pending* until its size and
  mtime have held still for ``settle`` seconds (a copy in progress, a phone sync writing in
  pieces), then it is *ready* (to read) or *removed*. Everything the scanner skips never
  gets that far: hidden names (``.part`` files of some tools, ``.phototerm``), ``@eaDir``,
  ``#recycle``, and names that are not photos (``x.jpg.part``, ``.tmp``, ``.crdownload``);
  renaming one of those to a photo's name is a new photo;
- a rename or move inside a space is a *move*, handed on at once (the file did not change);
- a folder removed or moved away takes the photos the index has under it.

Every ``tick`` the ready work is handed to ``apply`` as one ``Settled`` batch (on this
thread), with the listing of each folder it touched, as a walk would have seen it.

Where events cannot be had, the space is walked every ``reconcile_interval`` seconds instead
(``Settled.walk``), and the person is told once why, with what to do about it:

- on a network filesystem (NFS, SMB, SSHFS and other FUSE mounts, from /proc/self/mounts):
  changes made by other machines send no events;
- when its folders would need more inotify watches than are left (watchdog 7 does not fail
  then: it silently stops watching the folders beyond the limit, so they are counted first
  against ``/proc/sys/fs/inotify/max_user_watches``, or ``inotify_limit``), or when the
  limit is reached later (a folder created in a full tree: watchdog only logs it);
- after the kernel's event queue overflowed (events were lost), every watched space is
  walked once, and watching goes on.

This module knows nothing of stores or screens: ``apply`` (opening/live.py) puts the batch
on the index and the stores, and tells whoever listens.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from stat import S_ISREG
from typing import TYPE_CHECKING

from watchdog.events import FileSystemEvent, FileSystemEventHandler

from phototerm.library.files.links import stays_inside
from phototerm.library.ingest.scanner import MEDIA_EXTENSIONS, ScanEntry, scan_folder, skipped
from phototerm.library.ingest.watch_limits import (
    QUEUE_SYSCTL,
    SYSCTL,
    count_folders,
    network_filesystem,
    read_limit,
    watches_in_use,
)
from phototerm.library.settings import WatchSettings
from phototerm.library.spaces import LABELS
from phototerm.library.text import safe

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver, ObservedWatch

    from phototerm.library.index import Index
    from phototerm.library.spaces import SpaceRoot

TICK = 0.1  # seconds between looks at the pending files (at most)
CHECK_EVERY = 2.0  # seconds between looks at whether watchdog's threads still run


@dataclass(slots=True)
class Settled:
    """One batch of changes, in the order they apply: moves, then removals, then reads."""

    moved: list[tuple[str, str, str]] = field(default_factory=list)  # (space, from, to)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (space, rel)
    ready: list[tuple[str, ScanEntry]] = field(default_factory=list)  # (space, file to read)
    # (space, folder) -> its media files as a walk would list them now ([] when none)
    folders: dict[tuple[str, str], list[ScanEntry]] = field(default_factory=dict)
    walk: tuple[str, ...] = ()  # spaces to walk whole (no events there, or events lost)

    def __bool__(self) -> bool:
        return bool(self.moved or self.removed or self.ready or self.folders or self.walk)


@dataclass(slots=True)
class _Pending:
    since: float  # the last event or the last change seen
    sig: tuple[int, float] | None | bool = True  # (size, mtime); None: no file; True: unseen
    new: bool = False  # a photo the index did not have (counted as "new photos")


class Watcher:
    """Watches ``spaces``: ``listen`` starts taking events (they wait in a queue), ``start``
    the thread that settles them, ``stop`` both. ``apply`` gets each batch on the watcher's
    thread, ``note`` each thing to say (once), ``pending`` how many new photos wait.

    A caller that walks the disk itself first (opening a library) listens before its walk,
    so nothing that changes meanwhile is missed: what the walk saw already is only looked at
    again."""

    def __init__(
        self,
        spaces: Sequence[SpaceRoot],
        settings: WatchSettings,
        index: Index,
        apply: Callable[[Settled], None] | None = None,
        *,
        note: Callable[[str], None] | None = None,
        pending: Callable[[int], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.spaces = {s.name: s for s in spaces}
        self.settings = settings
        self.index = index
        self._apply = apply
        self._note = note
        self._on_pending = pending
        self._clock = clock
        self._events: queue.SimpleQueue[tuple[str, str, str, bool]] = queue.SimpleQueue()
        self._pending: dict[tuple[str, str], _Pending] = {}
        self._moves: list[tuple[str, str, str]] = []
        self._gone_folders: list[tuple[str, str, float]] = []  # (space, folder, since)
        self._walk_now: set[str] = set()
        self.walked: dict[str, float] = {}  # space -> when it is walked next (no events)
        self.watched: dict[str, ObservedWatch] = {}
        self._observers: dict[str, BaseObserver] = {}
        self._checked = 0.0
        self._said: set[str] = set()
        self._unsaid: list[str] = []
        self._new_count = -1
        self._stop = threading.Event()
        # Held while watchdog's observers are looked at or stopped: a check that runs while
        # ``stop`` stops them would take that for a space no longer watched.
        self._observing = threading.Lock()
        self._thread: threading.Thread | None = None
        self._log = _WatchdogLog(self)
        self._listening = False
        self.failed: BaseException | None = None  # what stopped the thread, if anything did

    # -- starting and stopping -----------------------------------------------------------------

    def start(
        self,
        apply: Callable[[Settled], None] | None = None,
        *,
        note: Callable[[str], None] | None = None,
        pending: Callable[[int], None] | None = None,
    ) -> None:
        """Listen (if not yet), then settle and apply what comes, on a thread of its own."""
        self._apply = apply or self._apply
        self._note = note or self._note
        self._on_pending = pending or self._on_pending
        self.listen()
        if self._note is not None:
            for message in self._unsaid:
                self._note(message)
            self._unsaid.clear()
        if self._thread is None and not self._stop.is_set():
            self._thread = threading.Thread(target=self._run, name="phototerm-watch", daemon=True)
            self._thread.start()

    def listen(self) -> None:
        """Choose, space by space, between events and walks (saying why once), and take
        events from now on."""
        if self._listening:
            return
        self._listening = True
        logger = logging.getLogger("watchdog")
        logger.addHandler(self._log)
        logger.propagate = False  # nothing of watchdog's may reach a terminal under a TUI
        watch: list[SpaceRoot] = []
        for space in self.spaces.values():
            network = network_filesystem(space.root)
            if network:
                self._fall_back(
                    space.name,
                    f"{_label(space.name)} is on a network filesystem ({safe(network)}), "
                    "which does not report changes made on other machines",
                )
            else:
                watch.append(space)
        self._schedule(self._within_limit(watch))

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if not self._listening:
            return
        with self._observing:
            observers = list(self._observers.values())
            self._observers.clear()
        for observer in observers:
            _stop_observer(observer, timeout)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        logging.getLogger("watchdog").removeHandler(self._log)

    def wait(self, timeout: float | None = None) -> bool:
        """Until ``stop``; False on timeout."""
        return self._stop.wait(timeout)

    def _within_limit(self, spaces: list[SpaceRoot]) -> list[SpaceRoot]:
        """The spaces whose folders fit in the inotify watches left; the others fall back."""
        forced = self.settings.inotify_limit
        limit = forced or read_limit()
        if limit is None:
            return spaces
        left = limit if forced else limit - watches_in_use()
        fits: list[SpaceRoot] = []
        for space in spaces:
            count = count_folders(space.root, stop_above=max(0, left))
            if count <= left:
                fits.append(space)
                left -= count
                continue
            where = "the inotify_limit setting" if forced else SYSCTL
            self._fall_back(
                space.name,
                f"{_label(space.name)} has more folders than the inotify watches left "
                f"({max(0, left):,} of {limit:,}, {where})",
                raise_limit=True,
                forced=bool(forced),
            )
        return fits

    def _schedule(self, spaces: list[SpaceRoot]) -> None:
        """One observer (one inotify instance and its threads) per space: a space that
        cannot be watched leaves the other one watched."""
        from watchdog.observers.inotify import InotifyObserver

        handler = _Handler(self._events)
        for space in spaces:
            observer = InotifyObserver()
            try:
                watch = observer.schedule(handler, space.root, recursive=True)
                observer.start()  # adds the watches: watchdog walks the folders here
            except OSError as exc:
                _stop_observer(observer, 1.0)
                self._watch_failed(space.name, exc)
                continue
            except Exception as exc:  # noqa: BLE001 - watchdog's walk on odd trees
                # (RecursionError on folders nested a thousand deep, say)
                _stop_observer(observer, 1.0)
                self._fall_back(
                    space.name,
                    f"{_label(space.name)} could not be watched ({type(exc).__name__})",
                )
                continue
            self.watched[space.name] = watch
            self._observers[space.name] = observer

    def _watch_failed(self, space: str, exc: OSError) -> None:
        if exc.errno in (errno.ENOSPC, errno.EMFILE):
            self._fall_back(
                space,
                f"{_label(space)} could not be watched: {exc.strerror or exc}",
                raise_limit=exc.errno == errno.ENOSPC,
            )
        else:
            reason = safe(exc.strerror or str(exc))
            self._fall_back(space, f"{_label(space)} could not be watched ({reason})")

    def _check_observers(self) -> None:
        """A watchdog thread that died (it does on some trees, and says nothing) means its
        space is no longer watched: walk it instead."""
        with self._observing:
            if self._stop.is_set():
                return
            dead = [
                space
                for space, observer in self._observers.items()
                if not (observer.is_alive() and all(e.is_alive() for e in observer.emitters))
            ]
        for space in dead:
            self._fall_back(space, f"{_label(space)} stopped being watched")
            self._walk_now.add(space)

    def _fall_back(
        self, space: str, why: str, *, raise_limit: bool = False, forced: bool = False
    ) -> None:
        """Walk ``space`` every reconcile_interval from now on, and say so once."""
        self.watched.pop(space, None)
        observer = self._observers.pop(space, None)
        if observer is not None:
            _stop_observer(observer, 1.0)
        interval = self.settings.reconcile_interval
        first = space not in self.walked
        self.walked.setdefault(space, self._clock() + interval)
        if first:
            fix = ""
            if raise_limit and forced:
                # The setting is the limit here; the system's own is what it falls back on.
                fix = (
                    "; to watch it, raise [watch] inotify_limit, or set it to 0 to use "
                    f"the system's limit (sudo sysctl {SYSCTL}=524288 raises that)"
                )
            elif raise_limit:
                fix = f"; to watch it, raise the limit: sudo sysctl {SYSCTL}=524288"
            self.say(f"{why}: checking it for changes every {interval:g} s instead{fix}")

    def say(self, message: str) -> None:
        if message not in self._said:
            self._said.add(message)
            if self._note is not None:
                self._note(message)
            else:
                self._unsaid.append(message)  # said once someone listens (``start``)

    # -- the thread ------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._take_events(self._wait())
                now = self._clock()
                if now - self._checked > CHECK_EVERY:
                    self._checked = now
                    self._check_observers()
                batch = self._settled()
                if batch and self._apply is not None:
                    self._apply(batch)
                self._count_new()
        except BaseException as exc:  # noqa: BLE001 - kept for the owner, which says it
            self.failed = exc
            self._stop.set()
            self.say(f"stopped following changes on disk: {type(exc).__name__}: {safe(exc)}")

    def _wait(self) -> float:
        """Seconds to wait for the next event: sooner when something is pending."""
        if self._pending or self._gone_folders:
            return min(TICK, max(0.01, self.settings.settle / 4))
        if self.walked:
            return min(1.0, max(0.0, min(self.walked.values()) - self._clock()))
        return 1.0

    def _take_events(self, timeout: float) -> None:
        try:
            first = self._events.get(timeout=timeout)
        except queue.Empty:
            return
        self._event(*first)
        while True:
            try:
                self._event(*self._events.get_nowait())
            except queue.Empty:
                return

    # -- events ----------------------------------------------------------------------------------

    def _event(self, kind: str, src: str, dest: str, is_dir: bool) -> None:
        if kind == "lost":
            self.say(
                "change events were lost (the kernel's queue overflowed; "
                f"sysctl {QUEUE_SYSCTL} raises it): checking the folders again"
            )
            self._walk_now.update(self.watched)
            return
        if kind in ("limit", "instances"):
            space = self._space_of(src)
            if space is not None and space in self.watched:
                why = "inotify watches" if kind == "limit" else "inotify instances"
                self._fall_back(
                    space, f"{_label(space)} ran out of {why}", raise_limit=kind == "limit"
                )
                self._walk_now.add(space)  # what the missing watches would have seen
            return
        where = self._where(src)
        if kind == "moved":
            self._moved(where, self._where(dest), is_dir)
        elif where is None:
            return
        elif is_dir:
            if kind == "deleted":
                self._gone_folders.append((*where, self._clock()))
        else:
            self._touch(*where)

    def _space_of(self, path: str) -> str | None:
        """The space whose root holds ``path`` (the innermost, should roots nest)."""
        best: SpaceRoot | None = None
        for space in self.spaces.values():
            root = space.root.rstrip("/")
            inside = path == root or path.startswith(root + "/")
            if inside and (best is None or len(root) > len(best.root.rstrip("/"))):
                best = space
        return best.name if best is not None else None

    def _where(self, path: str) -> tuple[str, str] | None:
        """(space, rel) of an absolute path in a space, None for one outside or skipped."""
        space = self._space_of(path)
        if space is None:
            return None
        rel = path[len(self.spaces[space].root.rstrip("/")) + 1 :]
        if not rel or any(skipped(part) for part in rel.split("/")):
            return None
        return space, rel

    def _moved(
        self, src: tuple[str, str] | None, dest: tuple[str, str] | None, is_dir: bool
    ) -> None:
        if is_dir:
            # watchdog follows a folder's move with a move of each file in it; the photos
            # the index has under the old folder that no file move accounts for are gone
            if src is not None:
                self._gone_folders.append((*src, self._clock()))
            return
        if (
            src is not None
            and dest is not None
            and src[0] == dest[0]
            and _is_media(src[1])
            and _is_media(dest[1])
        ):
            self._moves.append((src[0], src[1], dest[1]))
            pending = self._pending.pop(src, None)
            if pending is not None:  # moved while still being written: read it there
                self._pending[dest] = pending
            return
        for where in (src, dest):
            if where is not None:
                self._touch(*where)

    def _touch(self, space: str, rel: str) -> None:
        if not (_is_media(rel) or _is_sidecar(rel)):
            return
        key = (space, rel)
        now = self._clock()
        pending = self._pending.get(key)
        if pending is None:
            new = _is_media(rel) and self.index.id_of(space, rel) is None
            self._pending[key] = _Pending(now, True, new)
        else:
            pending.since = now

    # -- settling ----------------------------------------------------------------------------------

    def _settled(self) -> Settled:
        batch = Settled(moved=self._moves)
        self._moves = []
        now = self._clock()
        settle = self.settings.settle
        folders: dict[tuple[str, str], set[str]] = {}  # (space, folder) -> names to read
        sidecars: dict[tuple[str, str], set[str]] = {}  # (space, folder) -> sidecar stems
        for key, pending in list(self._pending.items()):
            space, rel = key
            sig = _signature(self.spaces[space].root, rel)
            if sig != pending.sig:
                if pending.sig is not True:  # still changing (or appearing, or vanishing)
                    pending.since = now
                pending.sig = sig
            if now - pending.since < settle:
                continue
            del self._pending[key]
            folder, _, name = rel.rpartition("/")
            if _is_sidecar(rel):
                sidecars.setdefault((space, folder), set()).add(name[:-4].lower())
            elif sig is None:
                batch.removed.append(key)
                folders.setdefault((space, folder), set())
            else:
                folders.setdefault((space, folder), set()).add(name)
        # A folder gone, or moved away: what its files' own moves (which watchdog sends
        # after the folder's) have not taken elsewhere by the time it settles is gone.
        gone = [g for g in self._gone_folders if now - g[2] >= settle]
        self._gone_folders = [g for g in self._gone_folders if now - g[2] < settle]
        for space, folder, _at in gone:
            batch.removed += self._under(space, folder)
            # their listings go too (the next start's walk must not take a folder of that
            # name, come back, for one it saw unchanged)
            for known in self.index.folders_of(space):
                if known == folder or known.startswith(folder + "/"):
                    folders.setdefault((space, known), set())
        # The folders a move took files from and to are listed again, as a walk would see
        # them now (nothing in them is read again).
        for space, src, dest in batch.moved:
            folders.setdefault((space, src.rpartition("/")[0]), set())
            folders.setdefault((space, dest.rpartition("/")[0]), set())
        for key in sidecars:
            folders.setdefault(key, set())
        for (space, folder), names in folders.items():
            entries = self._listed(space, folder)
            batch.folders[(space, folder)] = entries
            stems = sidecars.get((space, folder), set())
            for entry in entries:
                name = entry.rel.rpartition("/")[2]
                lower = name.lower()
                if name in names or lower in stems or lower.rpartition(".")[0] in stems:
                    batch.ready.append((space, entry))
                    names.discard(name)
            # pending files the folder does not list (a link that leads out, a FIFO named
            # like a photo) are not photos: gone, if the index had them
            batch.removed += [(space, f"{folder}/{n}" if folder else n) for n in names]
        walk = self._walk_now | {s for s, at in self.walked.items() if at <= now}
        self._walk_now = set()
        for space in walk:
            if space in self.walked:
                self.walked[space] = now + self.settings.reconcile_interval
        batch.walk = tuple(sorted(walk))
        return batch

    def _under(self, space: str, folder: str) -> list[tuple[str, str]]:
        """Photos the index has in ``folder`` and below whose file is not there any more."""
        root = self.spaces[space].root
        gone = []
        for known in self.index.folders_of(space):
            if known == folder or known.startswith(folder + "/"):
                for rel in self.index.folder_files(space, known):
                    if _signature(root, rel) is None:
                        gone.append((space, rel))
        return gone

    def _listed(self, space: str, folder: str) -> list[ScanEntry]:
        root = self.spaces[space].root
        if not os.path.isdir(os.path.join(root, folder)):
            return []
        return scan_folder(root, folder)

    def _count_new(self) -> None:
        count = sum(1 for p in self._pending.values() if p.new)
        if count != self._new_count:
            self._new_count = count
            if self._on_pending is not None:
                self._on_pending(count)

    def watchdog_warning(self, record: logging.LogRecord) -> None:
        """(Any thread.) watchdog says it could not watch a folder: out of watches."""
        args = record.args if isinstance(record.args, tuple) else ()
        error = next((a for a in args if isinstance(a, OSError)), None)
        path = next((a for a in args if isinstance(a, bytes | str)), None)
        if error is None or error.errno not in (errno.ENOSPC, errno.EMFILE) or path is None:
            return
        kind = "limit" if error.errno == errno.ENOSPC else "instances"
        self._events.put((kind, os.fsdecode(path), "", True))  # acted on by the thread


class _Handler(FileSystemEventHandler):
    """watchdog's handler: every event goes to the queue, as plain values."""

    def __init__(self, events: queue.SimpleQueue[tuple[str, str, str, bool]]) -> None:
        self.events = events

    def dispatch(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind == "events_lost":
            self.events.put(("lost", "", "", True))
        elif kind in ("created", "modified", "deleted", "closed", "moved", "attrib"):
            src = os.fsdecode(event.src_path)
            dest = os.fsdecode(event.dest_path) if kind == "moved" else ""
            if kind in ("modified", "attrib", "closed") and event.is_directory:
                return  # a folder's listing changed: its files' own events say how
            self.events.put((kind, src, dest, event.is_directory))


class _WatchdogLog(logging.Handler):
    """watchdog's log, kept off the terminal; its warnings about watches are acted on."""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__(logging.WARNING)
        self.watcher = watcher

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # a log handler must never raise
            self.watcher.watchdog_warning(record)


def _stop_observer(observer: BaseObserver, timeout: float) -> None:
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(timeout)
    except (RuntimeError, OSError):  # never started, or its inotify instance is gone
        pass


# -- small helpers ----------------------------------------------------------------------------------


def _is_media(rel: str) -> bool:
    name = rel.rpartition("/")[2]
    dot = name.rfind(".")
    return dot > 0 and name[dot + 1 :].lower() in MEDIA_EXTENSIONS


def _is_sidecar(rel: str) -> bool:
    return rel.lower().endswith(".xmp") and rel.rpartition("/")[2].rfind(".") > 0


def _signature(root: str, rel: str) -> tuple[int, float] | None:
    """(size, mtime) of a regular file inside the space (a link may lead only inside), else
    None."""
    path = os.path.join(root, rel)
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not S_ISREG(st.st_mode):
        return None
    if os.path.islink(path) and not stays_inside(path, os.path.realpath(root)):
        return None
    return st.st_size, st.st_mtime


def _label(space: str) -> str:
    return LABELS.get(space, space)
