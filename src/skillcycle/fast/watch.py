"""`skillcycle watch`: a process that keeps a journal of what changes in the repo, so that
other commands need not stat every file to learn that nothing did.

Stat-ing is all a warm run does, and at 100k people (3M files) it takes as long
as `find` (benchmarks/README.md). The watcher (Linux inotify, one watch per folder:
73 at 100k people) appends every changed path to a journal; a command asks it
to *sync* (see `sync`) and then re-lists only the folders that the journal names
since the listing its snapshot was made from (walk.relisted).

Its files live in `<repo>/.skillcycle/watch/`:

- `lock`: held (flock) by the watcher as long as it runs. Nothing else is trusted
  when no live process holds it, so a journal left behind, or committed, is inert.
- `session`: the id of the watcher's journal; a new one when the kernel dropped
  events (queue overflow) or the watcher restarted. A mark of another session
  tells nothing: the command walks the repo.
- `journal-<session>`: entries ended by NUL (a file name can hold a newline, never
  a NUL): `p:<rel>` a path changed, `t:<rel>` a folder appeared, went or moved
  (everything below it is to be listed again), `c:<name>` a sync answered.
- `cookies/`: a command syncs by creating a file here and waiting for its `c:`
  entry. The kernel queues one watcher's events in the order they happen, so
  once the watcher has seen the cookie it has journalled every change made
  before it: a *mark* (session, offset after the entry) is a point in time.

A command stores the mark taken *before* it listed the files with the listing
(snapshot head.bin); the entries after that mark are all that can have changed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import secrets
import select
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Callable, NamedTuple

from ..core import walk
from ..core.kinds import FOLDER_KINDS, TOP_KINDS
from ..core.ownfiles import OwnFolder, Refused, open_regular, state_folder

WATCH_DIR = Path(".skillcycle") / "watch"
_SESSION = frozenset("0123456789abcdef")
SYNC_TIMEOUT = 2.0  # seconds a command waits for the watcher before walking the repo itself
JOURNAL_LIMIT = 64 << 20  # bytes; then a new session: a watcher left running for months stays small

# inotify(7)
_MODIFY, _ATTRIB, _CLOSE_WRITE = 0x2, 0x4, 0x8
_MOVED_FROM, _MOVED_TO, _CREATE, _DELETE = 0x40, 0x80, 0x100, 0x200
_DELETE_SELF, _MOVE_SELF, _OVERFLOW, _IGNORED = 0x400, 0x800, 0x4000, 0x8000
_ONLYDIR, _DONT_FOLLOW, _EXCL_UNLINK, _ISDIR = 0x01000000, 0x02000000, 0x04000000, 0x40000000
_FOLDER_EVENTS = (
    _MODIFY | _ATTRIB | _CLOSE_WRITE | _MOVED_FROM | _MOVED_TO | _CREATE | _DELETE | _DELETE_SELF | _MOVE_SELF
    | _ONLYDIR | _DONT_FOLLOW | _EXCL_UNLINK
)
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, length of the name that follows

# The names at the top of the repo that the walk reads; any other is no concern of it.
_TOP_NAMES = frozenset(kind + suffix for kind in TOP_KINDS for suffix in walk.SUFFIXES) | frozenset(walk.SETTINGS_NAMES)


class Mark(NamedTuple):
    """A point in the watcher's journal: every change before it is in the journal before `offset`."""

    session: str
    offset: int


class WatchError(Exception):
    """The repo cannot be watched (another watcher, no inotify, too many folders): exit code 2."""


# -- the watcher --------------------------------------------------------------------------


class _Inotify:
    def __init__(self) -> None:
        if not sys.platform.startswith("linux"):
            raise WatchError("watching needs Linux (inotify); elsewhere every command walks the repo")
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self._add, self._remove = libc.inotify_add_watch, libc.inotify_rm_watch
        self._add.argtypes, self._remove.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32], [ctypes.c_int, ctypes.c_int]
        self.fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
        if self.fd < 0:
            raise WatchError(f"cannot start inotify: {os.strerror(ctypes.get_errno())}")

    def add(self, path: str) -> int:
        wd = self._add(self.fd, os.fsencode(path), _FOLDER_EVENTS)
        if wd < 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), path)
        return wd

    def remove(self, wd: int) -> None:
        self._remove(self.fd, wd)

    def events(self) -> list[tuple[int, int, str]]:
        """The (wd, mask, name) queued now; none when there are none."""
        try:
            data = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return []
        found, at = [], 0
        while at < len(data):
            wd, mask, _, length = _EVENT.unpack_from(data, at)
            at += _EVENT.size
            found.append((wd, mask, os.fsdecode(data[at:at + length].rstrip(b"\0"))))
            at += length
        return found

    def close(self) -> None:
        os.close(self.fd)


class _Watcher:
    """The state of a running watcher: which folder each watch is, and the journal."""

    def __init__(self, root: Path) -> None:
        self.root, self.top = root, os.fspath(root)
        self.own = state_folder(root, "watch")
        self.cookies = OwnFolder(root, WATCH_DIR / "cookies")
        self.folder = self.own.path
        self.inotify = _Inotify()
        self.folders: dict[int, str] = {}  # wd -> the folder's repo-relative prefix ('' at the top)
        self.cookies_wd = -1
        self.journal_fd = -1
        self.session = ""

    def start(self) -> int:
        """Watch the repo's folders and open a journal; how many folders are watched."""
        try:
            cookies = self.cookies.ensure()
            for stale, _ in self.cookies.names():
                self.cookies.remove(stale)
            for stale, _ in self.own.names("journal-"):
                self.own.remove(stale)
        except Refused as exc:
            raise WatchError(f"{exc.filename} {exc.strerror}") from None
        self.cookies_wd = self._add(os.fspath(cookies))
        self.folders[self._add(self.top)] = ""
        for kind in FOLDER_KINDS:
            self._watch_tree(kind)
        self._new_session()
        return len(self.folders)

    def _add(self, path: str) -> int:
        try:
            return self.inotify.add(path)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise WatchError(
                    f"too many folders to watch: raise fs.inotify.max_user_watches (now {_max_watches()})"
                ) from None
            raise

    def _watch_tree(self, rel: str) -> None:
        """Watch the folder `rel` and every folder below it (never through a symlink: the walk does not follow them)."""
        pending = [rel]
        while pending:
            at = pending.pop()
            try:
                wd = self._add(os.path.join(self.top, at))
            except OSError:  # gone, not a folder, or a symlink: the walk reports what it finds there
                continue
            self.folders[wd] = at + "/"
            try:
                with os.scandir(os.path.join(self.top, at)) as entries:
                    pending += [f"{at}/{e.name}" for e in entries if e.name[0] != "." and e.is_dir(follow_symlinks=False)]
            except OSError:
                continue

    def _forget_tree(self, rel: str) -> None:
        for wd, prefix in list(self.folders.items()):
            if prefix.startswith(rel + "/"):
                self.inotify.remove(wd)
                del self.folders[wd]

    def _new_session(self) -> None:
        """A new journal: the one before may have missed events, so no mark of it is trusted now.
        The old journal goes last: a command that read the old session still finds it."""
        old_fd, old_session = self.journal_fd, self.session
        self.session = secrets.token_hex(8)
        self.own.check()
        self.journal_fd = os.open(
            self.folder / f"journal-{self.session}", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600
        )
        self.own.write("session", self.session.encode())
        if old_fd >= 0:
            os.close(old_fd)
            self.own.remove(f"journal-{old_session}")

    def handle(self, events: list[tuple[int, int, str]]) -> bool:
        """Journal a batch of events; False when the repo's folder, or the watcher's own, went away."""
        entries: list[bytes] = []
        for wd, mask, name in events:
            if mask & _OVERFLOW:  # events were lost: folders made since may not be watched
                self._new_session()
                entries = []  # the old journal is gone; cookies lost with the events time out
                for kind in FOLDER_KINDS:
                    self._watch_tree(kind)
                continue
            if wd == self.cookies_wd:
                if mask & _IGNORED:  # .skillcycle/ deleted: no command finds this watcher any more
                    return False
                if mask & _CREATE:
                    self.cookies.remove(name)
                    entries.append(b"c:" + os.fsencode(name))
                continue
            prefix = self.folders.get(wd)
            if prefix is None:
                continue
            if mask & _IGNORED:
                del self.folders[wd]
                continue
            if mask & (_DELETE_SELF | _MOVE_SELF):
                if prefix == "":
                    return False
                continue  # its parent's watch reports it, by name
            if not name or name[0] == "." or (prefix == "" and name not in _TOP_NAMES and name not in FOLDER_KINDS):
                continue  # the walk skips dot names, and reads only these at the top
            rel = prefix + name
            if mask & _ISDIR:  # made, gone, moved, or its permissions changed: watched afresh
                self._forget_tree(rel)
                if not mask & (_DELETE | _MOVED_FROM):
                    self._watch_tree(rel)  # before the entry: a change after it reaches the journal
                entry = b"t:" + os.fsencode(rel)
            else:
                entry = b"p:" + os.fsencode(rel)
            if not entries or entries[-1] != entry:  # a file written in parts: one entry per batch
                entries.append(entry)
        if entries:
            os.write(self.journal_fd, b"\0".join(entries) + b"\0")
            if os.fstat(self.journal_fd).st_size > JOURNAL_LIMIT:
                self._new_session()  # after the batch: its cookies are answered in the journal they wait on
        return True

    def close(self) -> None:
        self.own.remove("session")
        if self.journal_fd >= 0:
            os.close(self.journal_fd)
            self.own.remove(f"journal-{self.session}")
        self.inotify.close()


def _max_watches() -> str:
    try:
        return Path("/proc/sys/fs/inotify/max_user_watches").read_text().strip()
    except OSError:
        return "unknown"


def watch(root: Path, ready: Callable[[int], None] | None = None, stop: threading.Event | None = None) -> None:
    """Journal the changes to the repo at root until `stop` is set, the process is stopped, or
    the repo's folder goes; `ready(folders watched)` once commands can rely on the journal."""
    own = state_folder(root, "watch")
    try:
        folder = own.ensure()
        lock, _ = open_regular(folder / "lock", 0, _LOCK_FLAGS | os.O_RDWR | os.O_CREAT)
    except Refused as exc:
        raise WatchError(f"{exc.filename} {exc.strerror}") from None
    try:
        import fcntl

        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WatchError(f"{root} is already being watched") from None
        own.remove("session")
        watcher = _Watcher(root)
        try:
            watched = watcher.start()
            if ready is not None:
                ready(watched)
            poll = select.poll()
            poll.register(watcher.inotify.fd, select.POLLIN)
            while stop is None or not stop.is_set():
                if poll.poll(200) and not watcher.handle(watcher.inotify.events()):
                    return
        finally:
            watcher.close()
    finally:
        os.close(lock)


# -- what a command asks ------------------------------------------------------------------


def sync(root: Path, timeout: float = SYNC_TIMEOUT) -> Mark | None:
    """A mark of now, once the watcher has journalled every change made before this call;
    None when no watcher runs for this repo (or it does not answer in `timeout` seconds)."""
    own = OwnFolder(root, WATCH_DIR)
    try:
        import fcntl
    except ImportError:  # not POSIX
        return None
    try:
        if not own.check():
            return None
        lock, _ = open_regular(own.path / "lock", 0, _LOCK_FLAGS | os.O_RDONLY)
    except OSError:  # none, or a link, a FIFO, a file with content: no watcher of ours
        return None
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return None  # nobody holds it: no watcher
        except BlockingIOError:
            pass
        return _ask(own, timeout)
    finally:
        os.close(lock)


# The lock holds nothing: anything else at its name (a FIFO would block the open) is not ours.
_LOCK_FLAGS = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | os.O_CLOEXEC


def _session(own: OwnFolder) -> str | None:
    """The watcher's session id: 16 hex digits (anything else was not written by a watcher)."""
    try:
        found = own.read("session", 16)
    except OSError:
        return None
    session = found.decode("ascii", "replace") if found else ""
    return session if len(session) == 16 and set(session) <= _SESSION else None


def _journal(own: OwnFolder, session: str):
    # The watcher starts a new journal past JOURNAL_LIMIT, after the batch that crossed it.
    return own.open(f"journal-{session}", 2 * JOURNAL_LIMIT)


def _ask(own: OwnFolder, timeout: float) -> Mark | None:
    session = _session(own)
    if not session:
        return None  # starting
    try:
        journal = _journal(own, session)
    except OSError:  # gone with its session since: ask the new one
        return _ask(own, timeout) if timeout > 0 and _session(own) != session else None
    cookies = OwnFolder(own.root, WATCH_DIR / "cookies")
    with journal:
        journal.seek(0, os.SEEK_END)
        offset = journal.tell()  # the answer comes after everything written so far
        name = f"{os.getpid()}-{secrets.token_hex(8)}"
        cookie = cookies.path / name
        try:
            if not cookies.check():
                return None
            os.close(os.open(cookie, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
        except OSError:
            return None
        wanted, seen = b"c:" + name.encode() + b"\0", b""
        deadline, pause = time.monotonic() + timeout, 0.0002
        while True:
            journal.seek(offset + len(seen))
            seen += journal.read()
            found = seen.find(wanted)
            if found >= 0 and (found == 0 or seen[found - 1] == 0):
                return Mark(session, offset + found + len(wanted))
            if time.monotonic() > deadline:
                cookies.remove(name)
                return None
            if _session(own) != session:  # events lost: the answer is in the new session's journal
                cookies.remove(name)
                return _ask(own, deadline - time.monotonic())
            time.sleep(pause)
            pause = min(pause * 2, 0.01)


def changes(root: Path, since: Mark, now: Mark) -> list[tuple[str, bool]] | None:
    """The paths journalled between two marks, each with whether it names a folder (all below
    it is to be listed again), sorted, once each; None when the marks are of different sessions."""
    if since.session != now.session or since.offset > now.offset:
        return None
    try:
        with _journal(OwnFolder(root, WATCH_DIR), now.session) as journal:
            journal.seek(since.offset)
            data = journal.read(now.offset - since.offset)
    except OSError:
        return None
    found = {(os.fsdecode(entry[2:]), entry[:1] == b"t") for entry in data.split(b"\0") if entry[:2] in (b"p:", b"t:")}
    return sorted(found)
