"""The pre-commit hook, run for real by pre-commit against a throwaway repository.

It installs dlint from a snapshot of this checkout into pre-commit's own
environment (from PyPI for the dependencies), so it takes a while.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **IDENTITY}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A git repository holding this checkout's tracked files, committed."""
    snapshot = tmp_path_factory.mktemp("dlint-hook")
    files = git(REPO, "ls-files", "-z").stdout.split("\0")
    for name in filter(None, files):
        src = REPO / name
        if src.is_file():
            dst = snapshot / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "-m", "snapshot")
    rev = git(snapshot, "rev-parse", "HEAD").stdout.strip()
    yield snapshot, rev


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _project(root: Path) -> None:
    git(root, "init", "-q")
    (root / "app.py").write_text("print('hi')\n", encoding="utf-8")
    (root / "Dockerfile").write_text(
        "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n", encoding="utf-8"
    )
    (root / "docs.md").write_text("not linted\n", encoding="utf-8")


def test_hook_manifest_matches_the_files_dlint_lints() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = hooks[0]
    assert (hook["id"], hook["language"], hook["require_serial"]) == ("dlint", "python", True)
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])

    def matched(path: str) -> bool:
        return bool(files.search(path)) and not exclude.search(path)

    for path in ["Dockerfile", "svc/Dockerfile.dev", "a/Dockerfile-prod", "api.dockerfile", "Containerfile",
                 "compose.yaml", "deploy/docker-compose.override.yml", "compose.prod.yaml",
                 "mail/fetchmail-compose.yaml"]:  # fmt: skip
        assert matched(path), path
    for path in [
        "Dockerfile.dockerignore",
        "docs/Dockerfile.md",
        "Dockerfile.j2",
        "composer.json",
        "app.py",
        "values.yaml",
    ]:
        assert not matched(path), path


def test_try_repo_reports_a_finding(
    tmp_path: Path, hook_repo: tuple[Path, str], home: Path
) -> None:
    _project(tmp_path)
    git(tmp_path, "add", "-A")
    result = pre_commit(tmp_path, home, "try-repo", str(hook_repo[0]), "dlint", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "warning[DF101] layer-cache-order" in result.stdout
    assert "--> Dockerfile:2:1" in result.stdout


def test_hook_fails_the_commit(tmp_path: Path, hook_repo: tuple[Path, str], home: Path) -> None:
    _project(tmp_path)
    config = {
        "repos": [{"repo": str(hook_repo[0]), "rev": hook_repo[1], "hooks": [{"id": "dlint"}]}]
    }
    (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    assert pre_commit(tmp_path, home, "install").returncode == 0
    git(tmp_path, "add", "-A")
    env = {**os.environ, **IDENTITY, "PRE_COMMIT_HOME": str(home)}
    commit = subprocess.run(
        ["git", "commit", "-m", "add a Dockerfile"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert commit.returncode != 0, commit.stdout + commit.stderr
    assert "[DF101] layer-cache-order" in commit.stdout + commit.stderr
    assert git(tmp_path, "rev-parse", "HEAD").returncode != 0  # nothing was committed


def test_the_readme_config_with_its_release_tag(
    tmp_path: Path, hook_repo: tuple[Path, str], home: Path
) -> None:
    """The README's pre-commit snippet as written, the repository standing for GitHub's:
    its `rev:` is a tag the release has."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(repos:\n.*?)```", readme, re.DOTALL)
    assert block is not None
    config = yaml.safe_load(block.group(1))
    entry = config["repos"][0]
    assert entry["repo"] == "https://github.com/dlint-dev/dlint"
    git(hook_repo[0], "tag", "-f", entry["rev"])
    entry["repo"] = str(hook_repo[0])
    _project(tmp_path)
    (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(tmp_path, "add", "-A")
    result = pre_commit(tmp_path, home, "run", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[DF101] layer-cache-order" in result.stdout
