"""The resident process (dlint.launch, dlint.resident): a run handed to it does what
it would have done in its own process, and one it cannot stand for is run there."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlint import launch
from tests.conftest import write

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX only")

# the `dlint` command; the second cannot run here, so a run it finishes was handed over
COMMAND = "import sys; sys.argv[0] = 'dlint'; from dlint.launch import main; main()"
HANDED_OVER = (
    "import sys, dlint.cli; sys.argv[0] = 'dlint'; dlint.cli.main = None\n"
    "from dlint.launch import main; main()"
)
BAD = "FROM alpine:3.20\nRUN apk add curl\n"


@pytest.fixture
def place() -> Iterator[Path]:
    """A folder of the resident process's own (short: a socket's path is), cleaned
    up with the process it holds."""
    folder = Path(tempfile.mkdtemp(prefix="dlr"))
    yield folder
    for lock in folder.glob("dlint-*/*.lock"):
        _stop(lock)
    shutil.rmtree(folder, ignore_errors=True)


def _stop(lock: Path) -> None:
    text = lock.read_text(encoding="utf-8").strip()
    if text:
        try:
            os.kill(int(text), signal.SIGTERM)
        except ProcessLookupError:
            return
        _until(lambda: not _alive(int(text)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purpose
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")


def _until(ready: object, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not ready():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _env(place: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TMPDIR")}
    return {**env, "XDG_RUNTIME_DIR": str(place), "DLINT_RESIDENT": "1", **extra}


def _dlint(
    code: str, args: list[str], cwd: Path, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _resident(place: Path) -> int:
    """The process id of the resident process once it listens."""
    folder = place / f"dlint-{os.getuid()}"
    _until(lambda: any(folder.glob("*.sock")))
    (lock,) = folder.glob("*.lock")
    return int(lock.read_text(encoding="utf-8"))


def test_the_command_imports_little_before_handing_over() -> None:
    """What every run of the command imports: built-in modules, no dlint.cli, no
    typing (start-up is most of a small run's time)."""
    code = (
        "import sys; before = set(sys.modules); import dlint.launch\n"
        "print(' '.join(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert set(out.stdout.split()) <= {"dlint", "dlint.launch", "_socket"}, out.stdout


def test_a_handed_over_run_is_the_same_run(place: Path, tmp_path: Path) -> None:
    """Output, exit code, working folder, environment and standard input are the
    run's own."""
    write(tmp_path, {"app/Dockerfile": BAD, "ok/Dockerfile": "FROM alpine:3.20\n"})
    here = _env(place, DLINT_RESIDENT="0")
    first = _dlint(COMMAND, ["--no-cache", "app"], tmp_path, _env(place))
    assert first.returncode == 1 and "app/Dockerfile:2:" in first.stdout
    _resident(place)
    cases: list[tuple[list[str], str | None, dict[str, str]]] = [
        (["--no-cache", "app"], None, {}),
        (["--no-cache", "--format", "json", "app", "ok"], None, {}),
        (["--no-cache", "ok"], None, {}),
        (["--no-cache", "app"], None, {"FORCE_COLOR": "1"}),  # the run's environment
        (["--no-cache", "-", "--stdin-filename", "x/Dockerfile"], BAD, {}),
        (["--no-cache", "missing"], None, {}),
        (["--bogus"], None, {}),
    ]
    for args, stdin, extra in cases:
        served = _dlint(HANDED_OVER, args, tmp_path, _env(place, **extra), stdin)
        alone = _dlint(COMMAND, args, tmp_path, {**here, **extra}, stdin)
        assert (served.returncode, served.stdout, served.stderr) == (
            alone.returncode,
            alone.stdout,
            alone.stderr,
        ), args
    assert (
        "\x1b["
        in _dlint(HANDED_OVER, ["--no-cache", "app"], tmp_path, _env(place, FORCE_COLOR="1")).stdout
    )


def test_a_changed_import_folder_retires_the_resident_process(place: Path, tmp_path: Path) -> None:
    """An install or an edit where Python imports from: the next run is done in its
    own process, the resident process stops, and the run after starts a fresh one."""
    extra = tmp_path / "site"
    extra.mkdir()
    env = _env(place, PYTHONPATH=str(extra))
    write(tmp_path, {"app/Dockerfile": BAD})
    _dlint(COMMAND, ["--no-cache", "app"], tmp_path, env)
    old = _resident(place)
    assert _dlint(HANDED_OVER, ["--no-cache", "app"], tmp_path, env).returncode == 1
    time.sleep(0.05)  # a modification time a step later
    (extra / "plugin.py").write_text("", encoding="utf-8")
    run = _dlint(COMMAND, ["--no-cache", "app"], tmp_path, env)
    assert run.returncode == 1 and "app/Dockerfile:2:" in run.stdout
    _until(lambda: not _alive(old))
    _until(lambda: _resident(place) != old)
    assert _dlint(HANDED_OVER, ["--no-cache", "app"], tmp_path, env).returncode == 1


def test_a_resident_process_for_another_python_says_so(place: Path) -> None:
    env = _env(place)
    key = repr(("another", "python"))
    subprocess.run(
        [sys.executable, "-m", "dlint.resident", key], env=env, cwd="/", timeout=60, check=True
    )
    folder = place / f"dlint-{os.getuid()}"
    assert list(folder.glob("*.unserved")) and not list(folder.glob("*.sock"))
    socket = str(next(folder.glob("*.unserved"))).removesuffix(".unserved")
    assert launch._unserved_lately(socket)  # its runs start no other for a while
    hours_ago = time.time() - 2 * launch.UNSERVED_SECONDS
    os.utime(socket + ".unserved", (hours_ago, hours_ago))
    assert not launch._unserved_lately(socket)


def test_an_interrupted_run_stops(place: Path, tmp_path: Path) -> None:
    """^C stops the fork doing the run, and the command exits 130 as it does alone."""
    lines = "".join(f"RUN echo {i} && apt-get install -y curl\n" for i in range(20_000))
    write(tmp_path, {"Dockerfile": "FROM alpine:3.20\n" + lines})
    env = _env(place)
    _dlint(COMMAND, ["--version"], tmp_path, env)
    resident = _resident(place)
    children = Path(f"/proc/{resident}/task/{resident}/children")
    if not children.exists():
        pytest.skip("this system does not list a process's children in /proc")
    before = set(children.read_text().split())  # the last run's fork, if not reaped yet
    run = subprocess.Popen(
        [sys.executable, "-c", HANDED_OVER, "--no-cache", "Dockerfile"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _until(lambda: set(children.read_text().split()) - before)
    # the command connected, so it passes signals on from now
    (fork,) = set(children.read_text().split()) - before
    time.sleep(0.5)  # into the run (it takes seconds)
    run.send_signal(signal.SIGINT)
    assert run.wait(timeout=60) == 130, run.stderr.read() if run.stderr else ""
    _until(lambda: not _alive(int(fork)))


@pytest.mark.parametrize("mode", [0o755, 0o750])
def test_a_socket_folder_others_may_enter_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    folder = tmp_path / f"dlint-{os.getuid()}"
    folder.mkdir()
    folder.chmod(mode)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert launch.socket_path("key") is None
    folder.chmod(0o700)
    assert launch.socket_path("key") is not None


def test_a_socket_folder_that_is_a_link_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    (tmp_path / f"dlint-{os.getuid()}").symlink_to(tmp_path / "elsewhere")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert launch.socket_path("key") is None


@pytest.mark.parametrize(
    ("argv", "environ", "wanted"),
    [
        (["dlint", "."], {}, True),
        (["dlint", "."], {"CI": "true"}, False),
        (["dlint", "."], {"CI": "false"}, True),
        (["dlint", "."], {"CI": "true", "DLINT_RESIDENT": "1"}, True),
        (["dlint", "."], {"DLINT_RESIDENT": "0"}, False),
        (["dlint", "server"], {"DLINT_RESIDENT": "1"}, False),
    ],
)
def test_when_the_resident_process_is_used(
    argv: list[str], environ: dict[str, str], wanted: bool
) -> None:
    assert launch._wanted(argv, environ) is wanted  # type: ignore[arg-type]
