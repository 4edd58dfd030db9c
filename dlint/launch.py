"""The ``dlint`` command: hand the run to dlint's resident process, or run it here.

Starting Python and importing dlint costs a run on one small file far more than
linting it. So the command, after its first run, leaves a resident process
(``dlint.resident``) that has imported everything; each later run connects to it
over a Unix socket and hands over its arguments, working folder, environment, umask,
resource limits and its standard input, output and error themselves; the resident
process forks, and the fork runs exactly what this process would have run, writing
to those same streams. The fork's exit code comes back and is this process's own.
Mercurial's ``chg`` works the same way.

This module is what every run imports, so it imports nothing that Python has not
loaded at start-up but a few built-in modules (not even ``typing``).

The resident process is used on POSIX systems only, not for ``dlint server`` (the
language server is resident already), and not when the ``CI`` environment variable
is set (one run per machine gains nothing from it). ``DLINT_RESIDENT=0`` never uses
it, ``DLINT_RESIDENT=1`` uses it in CI too. A run falls back to running here, before
it has written anything, whenever the resident process is missing, was started by
another Python or another dlint, or finds that a file it imported has changed since
(then it stops, and the next run starts a fresh one). One that cannot stand for the
runs that started it (a relative ``PYTHONPATH``, say, or an install it cannot import)
says so beside its socket, and those runs start no other for an hour.
"""

from __future__ import annotations

import _socket
import marshal
import os
import sys

PROTOCOL = 1
IDLE_SECONDS = 600.0  # a resident process that served nobody this long stops
UNSERVED_SECONDS = 3600.0  # how long runs trust a resident process that said it cannot serve them
# What the resident process answers: the fork's process id before it runs, its exit
# code after; "unfit" instead of the process id means "run it yourself".
UNFIT, STARTED, ENDED = b"U", b"P", b"E"


def main() -> None:
    """The entry point of the ``dlint`` command."""
    if _wanted(sys.argv, os.environ):
        key = key_of_this_python()
        place = socket_path(key)
        if place is not None:
            code = _handed_over(place, key)
            if code is not None:
                sys.exit(code)
            if not _unserved_lately(place):
                _start_resident(key)
    from dlint.cli import main as run_here

    run_here()


def _wanted(argv: list[str], environ: os._Environ[str]) -> bool:
    setting = environ.get("DLINT_RESIDENT", "")
    if setting == "0" or os.name != "posix" or not hasattr(os, "fork"):
        return False
    if len(argv) > 1 and argv[1] == "server":
        return False
    return setting == "1" or environ.get("CI", "").lower() in ("", "0", "false")


def key_of_this_python() -> str:
    """What a resident process must share with a run to stand for it: dlint's version
    and folder; the Python, its flags, warning options and where it imports from (its
    first entry aside: the command's own folder, or the resident process's); the user
    and groups; and the file system it sees (a container or chroot sharing /tmp has
    another one)."""
    import dlint

    try:
        namespace = os.readlink("/proc/self/ns/mnt")
    except OSError:
        namespace = ""
    root = os.stat("/")
    return repr(
        (
            PROTOCOL,
            dlint.__version__,
            os.path.dirname(dlint.__file__),
            sys.executable,
            tuple(sys.flags),
            sys.warnoptions,
            sys.getfilesystemencoding(),
            sys.path[1:],
            (os.getuid(), os.geteuid(), os.getgid(), os.getegid(), sorted(os.getgroups())),
            (namespace, root.st_dev, root.st_ino),
        )
    )


def socket_path(key: str) -> str | None:
    """Where the resident process for ``key`` listens: a folder only this user may
    enter (made if missing), or None when there is none."""
    import zlib

    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    folder = os.path.join(base, f"dlint-{os.getuid()}")
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    # a folder another user made first, or that others may enter, is not used
    if not (info.st_mode & 0o170000 == 0o040000 and info.st_uid == os.getuid()):
        return None
    if info.st_mode & 0o077:
        return None
    path = os.path.join(folder, f"{zlib.crc32(key.encode()):08x}.sock")
    return path if len(path.encode()) < 100 else None  # the limit of a socket's path


def _handed_over(place: str, key: str) -> int | None:
    """The exit code of the run the resident process did, or None when it did not
    take the run (nothing is written then). Until the run ends, the signals that stop
    a run are passed on to the fork doing it, and ^Z suspends both."""
    import signal

    stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
    caught: list[int] = []
    fork = [0]

    def send(signum: int) -> None:
        if fork[0]:
            try:
                os.kill(fork[0], signum)
            except ProcessLookupError:
                return  # it has just ended

    def forward(signum: int, _frame: object) -> None:
        caught.append(signum)
        send(signum)

    def suspend(_signum: int, _frame: object) -> None:
        send(signal.SIGSTOP)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stopped here until resumed
        signal.signal(signal.SIGTSTP, suspend)
        send(signal.SIGCONT)

    before = [signal.signal(signum, forward) for signum in stops]
    before.append(signal.signal(signal.SIGTSTP, suspend))
    code = _outcome(_request(place, key), fork, caught)
    if code is None:
        for signum, handler in zip((*stops, signal.SIGTSTP), before, strict=True):
            signal.signal(signum, handler)
    if caught and (code is None or code < 0):
        if caught[-1] == signal.SIGINT:
            return 130  # as a run here stops on ^C
        signal.signal(caught[-1], signal.SIG_DFL)
        os.kill(os.getpid(), caught[-1])
    return None if code is None else abs(code)


def _request(place: str, key: str) -> _socket.socket | None:
    """A connection to the resident process that has the run's request, or None."""
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        conn.connect(place)
        streams = []
        for stream in (sys.stdin, sys.stdout, sys.stderr):
            if stream is None:
                conn.close()
                return None
            streams.append((stream.encoding, stream.errors))
        request = marshal.dumps(
            (
                key,
                sys.argv,
                os.getcwd(),
                dict(os.environ),
                _umask(),
                _limits(),
                tuple(streams),
            )
        )
        fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (0, 1, 2))
        head = len(request).to_bytes(4, "big")
        conn.sendmsg([head + request], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
    except OSError:
        conn.close()
        return None
    return conn


def _outcome(conn: _socket.socket | None, fork: list[int], caught: list[int]) -> int | None:
    """The run's exit code; None when it never started; -2 when it started and ended
    without one (killed)."""
    if conn is None:
        return None
    received = b""
    try:
        while True:
            chunk = conn.recv(64)
            if not chunk:
                break
            received += chunk
            if not fork[0] and received[:1] == STARTED and b"\n" in received:
                fork[0] = int(received[1 : received.index(b"\n")])
                for signum in caught:  # before it started
                    os.kill(fork[0], signum)
    except OSError:
        pass
    finally:
        conn.close()
    if not fork[0]:
        return None  # unfit, or gone before it began: nothing was written
    tail = received[received.index(b"\n") + 1 :]
    if tail[:1] == ENDED and tail.endswith(b"\n"):
        return int(tail[1:-1])
    if not caught:
        sys.stderr.write("dlint: the resident process ended before the run did\n")
    return -2


def _unserved_lately(place: str) -> bool:
    """Whether a resident process said in the last hour that it cannot serve these runs
    (it imports from elsewhere, or could not import dlint)."""
    import time

    try:
        said = os.stat(place + ".unserved").st_mtime
    except OSError:
        return False
    return time.time() - said < UNSERVED_SECONDS


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _limits() -> tuple[tuple[int, int, int], ...]:
    """This process's resource limits, which the fork takes on."""
    import resource

    names = ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_NOFILE")
    kinds = [getattr(resource, name) for name in names if hasattr(resource, name)]
    return tuple((kind, *resource.getrlimit(kind)) for kind in kinds)


def _start_resident(key: str) -> None:
    """Start a resident process for later runs, detached from this one: its own
    session, no standard streams of ours (a caller reading our output must not wait
    for it). It stops at once if another one holds the place."""
    import contextlib
    import subprocess

    with contextlib.suppress(OSError):
        subprocess.Popen(
            [
                sys.executable,
                *subprocess._args_from_interpreter_flags(),  # type: ignore[attr-defined]
                "-m",
                "dlint.resident",
                key,
            ],
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
