"""dlint's resident process: it imports dlint once, then does each run handed to it
(see ``dlint.launch``) in a fork of itself.

    python -m dlint.resident KEY

The fork takes on the run's arguments, folder, environment, umask, resource limits
and standard streams, so the run does what it would have done in the command's own
process; the cyclic collector has frozen what was imported, so the fork shares it
with the resident process. Nothing of one run outlives its fork.

The resident process stops after ``IDLE_SECONDS`` with no run, on SIGTERM, and when
a fork finds that a file the process imported, or a folder it imports from, has
changed since it started (an upgrade, a plugin installed, an edit in a checkout).
Only one runs per place: it holds a lock beside its socket.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import gc
import importlib
import marshal
import os
import pkgutil
import signal
import socket
import struct
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

from dlint.launch import ENDED, IDLE_SECONDS, STARTED, UNFIT, key_of_this_python, socket_path

# not imported ahead: the language server (resident itself) and these modules
_NOT_PRELOADED = ("dlint.__main__", "dlint.launch", "dlint.resident", "dlint.server")
# what dlint's modules import only when a run needs it
_ALSO_PRELOADED = (
    "hashlib",
    "importlib.resources.readers",
    "jsonschema",  # for a Compose file the schema refuses (40 ms to import)
    "locale",
    "subprocess",
    "tree_sitter",
    "tree_sitter_bash",
    "zipfile",
)
Stamps = dict[str, tuple[int, int]]  # a path's modification time and size
_STDLIB = os.path.join(os.path.dirname(os.__file__), "")


def serve(key: str) -> None:
    """Serve runs for ``key`` until idle, stopped or outdated."""
    place = socket_path(key)
    if place is None:
        return
    if key != key_of_this_python():  # this Python imports from elsewhere than the run's
        _unserved(place)
        return
    lock = os.open(place + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another one serves this place
    os.ftruncate(lock, 0)
    os.write(lock, f"{os.getpid()}\n".encode())  # who to stop, for those who must
    try:
        _preload()
    except Exception:  # a broken install or plugin: the runs show it, in their process
        _unserved(place)
        return
    stamps = _stamps()
    gc.freeze()
    if os.path.lexists(place):
        os.unlink(place)  # left by one that did not stop cleanly: we hold the lock
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(place)
    listener.listen(64)
    ours = os.stat(place).st_ino
    signal.signal(signal.SIGTERM, _stop)
    try:
        _accept(listener, lock, lambda: _inode(place) == ours, key, stamps)
    finally:
        if _inode(place) == ours:
            with contextlib.suppress(OSError):
                os.unlink(place)
        listener.close()


def _unserved(place: str) -> None:
    """Say beside the socket that runs of its key are not served (for a while: see
    dlint.launch), so that they do not start one process after another."""
    with open(place + ".unserved", "w", encoding="utf-8"):
        pass


def _stop(_signum: int, _frame: object) -> NoReturn:
    raise SystemExit(0)


def _accept(
    listener: socket.socket, lock: int, bound: Callable[[], bool], key: str, stamps: Stamps
) -> None:
    """Fork for each run until idle, or until the socket is no longer ``bound`` to
    this process (a cleaner of temporary files took it: no run can reach it any more)."""
    last = time.monotonic()
    while True:
        left = IDLE_SECONDS - (time.monotonic() - last)
        if left <= 0:
            return
        listener.settimeout(min(left, 10.0))
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            _reap()
            if not bound():
                return
            continue
        last = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                listener.close()
                os.close(lock)  # the lock stays this process's alone
                _serve_one(conn, key, stamps)
            finally:
                os._exit(0)
        conn.close()
        _reap()


def _inode(path: str) -> int:
    try:
        return os.stat(path).st_ino
    except OSError:
        return -1


def _reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _serve_one(conn: socket.socket, key: str, stamps: Stamps) -> None:
    """In the fork: take on the run, do it, say how it ended."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    conn.settimeout(10.0)
    if not _same_user(conn):
        return
    got = _receive(conn)
    if got is None:
        return
    request, fds = got
    their_key, argv, cwd, environ, umask, limits, streams = request
    if their_key != key:
        conn.sendall(UNFIT)
        return
    if _changed(stamps):
        conn.sendall(UNFIT)
        os.kill(os.getppid(), signal.SIGTERM)  # outdated: the next run starts a fresh one
        return
    try:
        os.chdir(cwd)
        _take_limits(limits)
    except (OSError, ValueError):
        conn.sendall(UNFIT)
        return
    for target, fd in zip((0, 1, 2), fds, strict=True):
        if fd != target:
            os.dup2(fd, target)
            os.close(fd)
    os.environ.clear()
    os.environ.update(environ)
    os.umask(umask)
    sys.argv = list(argv)
    _take_streams(streams)
    conn.settimeout(None)
    conn.sendall(STARTED + f"{os.getpid()}\n".encode())
    code = _run()
    conn.sendall(ENDED + f"{code}\n".encode())


def _same_user(conn: socket.socket) -> bool:
    """Whether the peer is this user (Linux says; elsewhere the socket's folder, which
    only this user may enter, already made sure)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    raw = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", raw)
    return bool(uid == os.getuid())


def _receive(conn: socket.socket) -> tuple[tuple[Any, ...], list[int]] | None:
    try:
        data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
        if len(fds) != 3 or len(data) < 4:
            return None
        size = int.from_bytes(data[:4], "big")
        data = data[4:]
        while len(data) < size:
            more = conn.recv(size - len(data))
            if not more:
                return None
            data += more
        request = marshal.loads(data)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(request, tuple) or len(request) != 7:
        return None
    return request, fds


def _take_limits(limits: tuple[tuple[int, int, int], ...]) -> None:
    import resource

    for kind, soft, hard in limits:
        if resource.getrlimit(kind) != (soft, hard):
            resource.setrlimit(kind, (soft, hard))


def _take_streams(streams: tuple[tuple[str, str], ...]) -> None:
    """Standard streams on the run's descriptors, with its encodings, buffered as
    Python buffers them (standard error by line, output by line on a terminal)."""
    (in_enc, in_err), (out_enc, out_err), (err_enc, err_err) = streams
    sys.stdin = open(0, encoding=in_enc, errors=in_err, closefd=False)  # noqa: SIM115
    sys.stdout = open(  # noqa: SIM115
        1, "w", buffering=1 if os.isatty(1) else -1, encoding=out_enc, errors=out_err, closefd=False
    )
    sys.stderr = open(2, "w", buffering=1, encoding=err_enc, errors=err_err, closefd=False)  # noqa: SIM115


def _run() -> int:
    """Run the command as ``dlint.cli.main`` would in its own process; its exit code."""
    from dlint.cli import main

    code: Any = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:  # ^C before the command line was read
        code = 130
    except BaseException:
        traceback.print_exc()
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        with contextlib.suppress(OSError, ValueError):
            print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # as the process of a run ends (the fork leaves by os._exit)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            stream.flush()
    return int(code)


def _preload() -> None:
    """Import every module of dlint and its rules, and what they import on first use,
    and find the rules (the installed rules and plugins: the folders they come from
    are watched)."""
    from dlint.registry import all_rules

    for name in _ALSO_PRELOADED:
        importlib.import_module(name)
    for package in (importlib.import_module("dlint"), importlib.import_module("dlint.rules")):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.startswith(_NOT_PRELOADED):
                continue
            try:
                importlib.import_module(info.name)
            except Exception:  # an optional extra not installed: imported when used
                continue
    all_rules()


def _stamps() -> Stamps:
    """The modification time and size of every file imported from outside Python's
    own library (which changes only with Python, and then its folders change too),
    and of every folder imported from."""
    paths = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
    paths = [p for p in paths if isinstance(p, str) and p and not _in_stdlib(p)]
    return {path: _stamp(path) for path in [*paths, *sys.path[1:]] if path}


def _in_stdlib(path: str) -> bool:
    parts = path.split(os.sep)
    installed = "site-packages" in parts or "dist-packages" in parts
    return path.startswith(_STDLIB) and not installed


def _stamp(path: str) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


def _changed(stamps: Stamps) -> bool:
    return any(_stamp(path) != stamp for path, stamp in stamps.items())


if __name__ == "__main__":
    if len(sys.argv) == 2:
        serve(sys.argv[1])
