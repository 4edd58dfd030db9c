"""A repository from a stranger cannot make dlint publish a file from outside it.

Each attack puts a secret somewhere dlint must not read (outside the project,
inside ``.git``, in the environment) and asserts that no output format shows
it, while the finding still names the path and the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlint.cli import main
from tests.conftest import write

SECRET = "s3cr3t-T0KEN-9f8e7d"
FORMATS = ("text", "json", "sarif", "github", "gitlab")


def outputs(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> dict[str, str]:
    """stdout and stderr of a run in each format, by format."""
    old = Path.cwd()
    os.chdir(project)
    saved = dict(os.environ)
    os.environ.update(env or {})
    found: dict[str, str] = {}
    try:
        for fmt in FORMATS:
            with pytest.raises(SystemExit) as exit_info:
                main(["--format", fmt, *args])
            assert exit_info.value.code in (0, 1), exit_info.value.code
            out, err = capsys.readouterr()
            found[fmt] = out + err
    finally:
        os.chdir(old)
        os.environ.clear()
        os.environ.update(saved)
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git work tree at tmp_path/repo, with a secret file beside it."""
    write(tmp_path, {"outside/secret.txt": f"{SECRET}\n", "outside/passwd": f"root:{SECRET}:0\n"})
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(
        tmp_path, {"repo/.git/config": f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n"}
    )
    return tmp_path / "repo"


def assert_hidden(found: dict[str, str], *expected: str) -> None:
    for fmt, text in found.items():
        assert SECRET not in text, f"{fmt} output shows the secret:\n{text}"
        for piece in expected:
            assert piece in text, f"{fmt} output lacks {piece!r}:\n{text}"


@pytest.mark.parametrize("context", ["../outside", "ABSOLUTE"])
def test_build_context_outside_the_project_is_never_read(
    project: Path, capsys: pytest.CaptureFixture[str], context: str
) -> None:
    where = str(project.parent / "outside") if context == "ABSOLUTE" else context
    write(
        project,
        {
            "compose.yaml": f"services:\n  a:\n    build:\n      context: {where}\n      dockerfile: passwd\n"
        },
    )
    assert_hidden(outputs(project, capsys), "points outside the project")


def test_dockerfile_that_leaves_the_context_is_never_read(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "app/x": "",
            "compose.yaml": "services:\n  a:\n    build:\n      context: app\n"
            "      dockerfile: ../../outside/secret.txt\n",
        },
    )
    assert_hidden(outputs(project, capsys), "points outside the project")


def test_dockerfile_symlinked_out_of_the_project(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "Dockerfile").symlink_to(project.parent / "outside" / "passwd")
    found = outputs(project, capsys)
    assert_hidden(found, "Dockerfile", "points outside the project")
    found = outputs(project, capsys, ("Dockerfile",))  # named on the command line too
    assert_hidden(found, "points outside the project")


def test_dockerfile_symlinked_into_git(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Dockerfile").symlink_to(project / ".git" / "config")
    assert_hidden(outputs(project, capsys, ("Dockerfile",)), "is inside .git")


def test_include_env_file_in_git_is_never_read(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "compose.yaml": "include:\n  - path: app/x.yaml\n    env_file: .git/config\n",
            "app/x.yaml": "services:\n  a:\n    image: nginx\n    ports: ['${extraheader}']\n",
        },
    )
    assert_hidden(outputs(project, capsys), "is inside .git")


def test_dotenv_symlinked_into_git_is_never_read(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {"compose.yaml": "services:\n  a:\n    image: nginx\n    ports: ['${extraheader}']\n"},
    )
    (project / ".env").symlink_to(project / ".git" / "config")
    assert_hidden(outputs(project, capsys), ".env", "is inside .git")


def test_dotenv_symlinked_out_of_the_project_is_never_read(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"compose.yaml": "services:\n  a:\n    image: 'nginx:${TAG}'\n"})
    (project / ".env").symlink_to(project.parent / "outside" / "secret.txt")
    assert_hidden(outputs(project, capsys), ".env", "points outside the project")


def test_extends_and_include_outside_the_project(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "compose.yaml": "include:\n  - ../outside/secret.txt\nservices:\n  a:\n"
            "    extends:\n      file: ../outside/passwd\n      service: b\n",
        },
    )
    assert_hidden(outputs(project, capsys), "include: ../outside/secret.txt points outside")


def test_values_from_env_files_are_quoted_by_name(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            ".env": f"TOKEN={SECRET}\nNET={SECRET}/16\n",
            "compose.yaml": "services:\n  a:\n    image: nginx\n    ports: ['${TOKEN}']\n"
            "    volumes: ['${TOKEN}:']\n    networks: [n]\n"
            "networks:\n  n:\n    ipam:\n      config:\n        - subnet: ${NET}\n",
        },
    )
    assert_hidden(outputs(project, capsys), "${TOKEN}", "${NET}")


def test_machine_environment_is_quoted_by_name(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project, {"compose.yaml": "services:\n  a:\n    image: nginx\n    ports: ['${GH_TOKEN}']\n"}
    )
    found = outputs(project, capsys, ("--env",), env={"GH_TOKEN": SECRET})
    assert_hidden(found, "${GH_TOKEN}")


def test_references_inside_the_work_tree_still_work(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "Dockerfile": 'FROM alpine\nUSER 65534\nCMD ["true"]\n',
            "deploy/compose.yaml": "services:\n  a:\n    build:\n      context: ..\n",
            "deploy/.env": "TAG=1\n",
        },
    )
    old = Path.cwd()
    os.chdir(project / "deploy")  # linted from below: the git work tree is the root
    try:
        with pytest.raises(SystemExit) as exit_info:
            main(["--format", "json", "compose.yaml"])
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    assert exit_info.value.code == 0, out + err
    assert '"findings": []' in out


def test_root_widens_what_dlint_reads(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project.parent,
        {
            "outside/Dockerfile": "FROM alpine\nUSER 65534\n",
            "repo/compose.yaml": "services:\n  a:\n    build: ../outside\n",
        },
    )
    found = outputs(project, capsys)
    assert "points outside the project" in found["text"]
    found = outputs(project, capsys, ("--root", ".."))
    assert "points outside" not in found["text"] and "No findings" in found["text"]
