"""dlint in CI: the GitHub Action (action.yml), the container image (Dockerfile) and the
README's CI snippets, each run the way its CI system would run it, pointed at this checkout.

The action's steps run with bash as the runner runs them (the inputs reach them through
their `env:`); the README's workflows and job run their commands in order, with the
install command's GitHub address replaced by a local copy of this checkout (a git
repository with the README's tag for `git+https://...@TAG`, a tarball shaped like
GitHub's for the tag's archive). Installing takes a while: the dependencies come from
PyPI (pip's cache makes the second time quick). The image is built and run only where a
docker daemon answers.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from dlint import HOMEPAGE
from dlint.parsers.context import parse_dockerignore
from tests.conftest import REPO, write
from tests.test_pre_commit import git

OWNER_REPO = HOMEPAGE.removeprefix("https://github.com/")
SECTION, SECTION_END = "## In pre-commit, CI and editors", "### Fixes"
INPUTS = {"paths", "config", "fail-level", "format", "sarif-file", "version"}

pytestmark = pytest.mark.timeout(600)  # installs reach PyPI: a hang becomes a failure

# A project with findings: warnings (DL3045, DL3042) and an error (DL3012).
PROJECT = {
    "Dockerfile": "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n"
    "HEALTHCHECK NONE\nHEALTHCHECK NONE\n",
    "requirements.txt": "requests\n",
}

# What is not part of a checkout: version control, environments, caches, build output.
NOT_CHECKOUT = shutil.ignore_patterns(
    ".git", ".venv", ".*cache", ".hypothesis", "__pycache__", "build", "dist", "*.egg-info"
)


# -- the action, run the way the runner runs a composite action -------------------------


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return loaded


EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _value(expression: str, inputs: Mapping[str, str]) -> str:
    """An expression the action may use: ``inputs.NAME`` only (the rest is an env var)."""
    name = expression.removeprefix("inputs.")
    assert name != expression and name in inputs, f"unexpected expression: {expression}"
    return inputs[name]


def _condition(text: str, inputs: Mapping[str, str]) -> bool:
    """The ``if:`` forms the action may use: ``inputs.NAME != ''`` and ``== ''``."""
    match = re.fullmatch(r"(?:\$\{\{\s*)?(inputs\.[\w-]+) (!=|==) ''(?:\s*\}\})?", text.strip())
    assert match, f"unexpected condition: {text}"
    empty = _value(match[1], inputs) == ""
    return empty if match[2] == "==" else not empty


def run_action(
    steps: list[dict[str, Any]],
    given: Mapping[str, str],
    workspace: Path,
    runner_temp: Path,
    action_path: Path,
) -> subprocess.CompletedProcess[str]:
    """Run ``steps`` of action.yml with the inputs ``given``; stop at the first that fails.

    Returns the last step's exit code, with every step's output joined."""
    declared = action()["inputs"]
    assert set(given) <= set(declared), f"not inputs of the action: {set(given) - set(declared)}"
    inputs = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    inputs.update(given)
    out, err, code = [], [], 0
    for i, step in enumerate(steps):
        if "if" in step and not _condition(str(step["if"]), inputs):
            continue
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], "an expression pasted into a script"
        env = {
            **os.environ,
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(action_path),
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(runner_temp),
        }
        for name, text in step.get("env", {}).items():
            env[name] = EXPRESSION.sub(lambda m: _value(m[1], inputs), str(text))
        script = runner_temp / f"step-{uuid.uuid4().hex}-{i}.sh"
        script.write_text(step["run"], encoding="utf-8")
        # what the runner runs for `shell: bash`
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        out.append(done.stdout)
        err.append(done.stderr)
        code = done.returncode
        if code != 0:
            break
    return subprocess.CompletedProcess(steps, code, "".join(out), "".join(err))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout, as the runner downloads the action (and pip may build in it)."""
    dst = tmp_path_factory.mktemp("checkout") / "dlint"
    shutil.copytree(REPO, dst, ignore=NOT_CHECKOUT)
    return dst


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory, checkout: Path) -> Path:
    """RUNNER_TEMP after the action's install step (no `version`: the action's checkout)."""
    temp = tmp_path_factory.mktemp("runner-temp")
    workspace = tmp_path_factory.mktemp("workspace")
    done = run_action(action()["runs"]["steps"][:1], {}, workspace, temp, checkout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (temp / "dlint-venv" / "bin" / "dlint").is_file()
    return temp


def lint(
    given: Mapping[str, str], workspace: Path, runner_temp: Path, checkout: Path
) -> subprocess.CompletedProcess[str]:
    """The action's steps after the install, in ``workspace``."""
    return run_action(action()["runs"]["steps"][1:], given, workspace, runner_temp, checkout)


def test_action_declares_its_inputs_and_steps() -> None:
    spec = action()
    assert spec["runs"]["using"] == "composite"
    inputs = spec["inputs"]
    assert set(inputs) == INPUTS
    defaults = {name: str(value.get("default", "")) for name, value in inputs.items()}
    assert defaults == {
        "paths": ".",
        "config": "",
        "fail-level": "",
        "format": "github",
        "sarif-file": "",
        "version": "",
    }
    assert all(value.get("description") for value in inputs.values())

    steps = spec["runs"]["steps"]
    assert [step["name"] for step in steps] == ["Install dlint", "Write SARIF", "Lint"]
    used: set[str] = set()
    for step in steps:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], f"{step['name']}: an expression inside run:"
        for text in step.get("env", {}).values():
            for expression in EXPRESSION.findall(str(text)):
                assert expression.startswith("inputs."), expression
                used.add(expression.removeprefix("inputs."))
    assert used == INPUTS  # every input reaches a step, through env: only
    install, sarif, lint_step = steps
    assert 'python3 -m venv "$venv"' in install["run"]
    assert 'venv="$RUNNER_TEMP/' in install["run"]
    assert 'source="$GITHUB_ACTION_PATH"' in install["run"]
    assert f"git+{HOMEPAGE}@$INPUT_VERSION" in install["run"]
    assert sarif["if"] == "inputs.sarif-file != ''"
    assert "--format=sarif" in sarif["run"] and "--exit-zero" in sarif["run"]
    assert "if" not in lint_step  # the action's exit code is the lint's


def test_action_annotates_and_fails(tmp_path: Path, runner_temp: Path, checkout: Path) -> None:
    write(tmp_path, PROJECT)
    done = lint({}, tmp_path, runner_temp, checkout)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::warning file=Dockerfile,line=2," in done.stdout
    assert "::error file=Dockerfile,line=4," in done.stdout
    assert "DL3012 duplicate-healthcheck" in done.stdout
    assert not list(tmp_path.glob("*.sarif"))  # no SARIF unless asked


def test_action_writes_sarif_when_asked(tmp_path: Path, runner_temp: Path, checkout: Path) -> None:
    write(tmp_path, PROJECT)
    done = lint({"sarif-file": "dlint.sarif"}, tmp_path, runner_temp, checkout)
    assert done.returncode == 1, done.stdout + done.stderr  # the lint's exit code
    assert "::error file=Dockerfile,line=4," in done.stdout
    sarif = json.loads((tmp_path / "dlint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "dlint"
    assert {r["ruleId"] for r in run["results"]} >= {"DL3012", "DL3042", "DL3045"}
    region = next(r for r in run["results"] if r["ruleId"] == "DL3012")["locations"][0]
    assert region["physicalLocation"]["region"]["startLine"] == 4


def test_action_fail_level_never_passes(tmp_path: Path, runner_temp: Path, checkout: Path) -> None:
    write(tmp_path, PROJECT)
    done = lint({"fail-level": "never"}, tmp_path, runner_temp, checkout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::error file=Dockerfile,line=4," in done.stdout  # still reported


def test_action_config_paths_and_format(tmp_path: Path, runner_temp: Path, checkout: Path) -> None:
    write(tmp_path, {f"a/{k}": v for k, v in PROJECT.items()})
    write(tmp_path, {f"b/{k}": v for k, v in PROJECT.items()})
    write(tmp_path, {f"c/{k}": v for k, v in PROJECT.items()})
    write(tmp_path, {"ci/only errors.toml": 'select = ["DL3012"]\n'})
    given = {"paths": "a\n\nb/Dockerfile\n", "config": "ci/only errors.toml", "format": "json"}
    done = lint(given, tmp_path, runner_temp, checkout)
    assert done.returncode == 1, done.stdout + done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert sorted((f["path"], f["code"]) for f in findings) == [
        ("a/Dockerfile", "DL3012"),
        ("b/Dockerfile", "DL3012"),
    ]


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("paths", "$(touch pwned)", 2),
        ("paths", '"; touch pwned; echo "', 2),
        ("paths", "--fix", 2),  # a path, not an option: the Dockerfile stays as it is
        ("config", "$(touch pwned)", 2),
        ("fail-level", "`touch pwned`", 2),
        ("format", "github; touch pwned", 2),
        ("sarif-file", "$(touch pwned)", 1),  # a file of that name, and the lint's exit code
    ],
)
def test_action_inputs_are_values_never_commands(
    tmp_path: Path, runner_temp: Path, checkout: Path, name: str, value: str, code: int
) -> None:
    write(tmp_path, PROJECT)
    given = {"sarif-file": "x.sarif", name: value}  # the SARIF run takes the inputs too
    done = lint(given, tmp_path, runner_temp, checkout)
    assert done.returncode == code, done.stdout + done.stderr
    assert not (tmp_path / "pwned").exists()
    assert not (runner_temp / "pwned").exists()
    assert (tmp_path / "Dockerfile").read_text(encoding="utf-8") == PROJECT["Dockerfile"]
    if name == "paths":
        assert f"path does not exist: {value}" in done.stderr
    if name == "sarif-file":
        assert (tmp_path / value).is_file()


# -- the container image ------------------------------------------------------------------


def _instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of a Dockerfile without a parser directive or heredoc."""
    joined = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in joined.splitlines()]
    pairs = [line.split(None, 1) for line in lines if line and not line.startswith("#")]
    return [(p[0].upper(), p[1] if len(p) > 1 else "") for p in pairs]


def test_dockerfile_has_no_findings() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dlint", "Dockerfile"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings in 1 file." in done.stdout


def test_dockerfile_shape() -> None:
    steps = _instructions((REPO / "Dockerfile").read_text(encoding="utf-8"))
    froms = [i for i, (keyword, _) in enumerate(steps) if keyword == "FROM"]
    assert len(froms) == 2
    assert steps[froms[0]][1].endswith(" AS builder")
    final = steps[froms[1] :]
    assert final[0] == ("FROM", "python:3.12-slim")
    args = dict(final)
    assert "--from=builder" in args["COPY"]
    assert re.fullmatch(r"\d+", args["USER"]) and args["USER"] != "0"
    assert args["WORKDIR"] == "/src"
    assert json.loads(args["ENTRYPOINT"]) == ["dlint"]
    assert json.loads(args["CMD"]) == ["."]
    assert not any(k == "RUN" and re.search(r"apt|gcc|build-essential", v) for k, v in final)


def _context(root: Path) -> list[str]:
    """The files ``docker build root`` sends, after its .dockerignore."""
    ignore = parse_dockerignore((root / ".dockerignore").read_text(encoding="utf-8"), "")
    files = []
    for path in root.rglob("*"):
        name = path.relative_to(root).as_posix()
        if path.is_file() and not ignore.ignores(name):
            files.append(name)
    return sorted(files)


def test_dockerignore_sends_what_the_wheel_needs(tmp_path: Path, checkout: Path) -> None:
    sent = _context(checkout)
    assert "pyproject.toml" in sent and "dlint/cli.py" in sent
    assert not [f for f in sent if re.search(r"(^|/)(\.git|\.venv|__pycache__|.*cache)/", f)]
    ignore = parse_dockerignore((REPO / ".dockerignore").read_text(encoding="utf-8"), "")
    for name in [".git/HEAD", ".venv/bin/python", ".ruff_cache/x", "dlint/__pycache__/x.pyc"]:
        assert ignore.ignores(name), name
    # what the builder stage does with that context: build the wheel
    context = tmp_path / "context"
    for name in sent:
        (context / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(checkout / name, context / name)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "w"),
         str(context)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = (tmp_path / "w").glob("dlint_docker-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "dlint/cli.py" in names
    assert any(n.startswith("dlint/rules/dockerfile/") for n in names)
    assert any(n.startswith("dlint/rules/_shared/") and n.endswith(".json") for n in names)


def _docker_ready() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        info = subprocess.run(["docker", "info"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return info.returncode == 0


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    """The image built from this checkout (skipped where no docker daemon answers)."""
    if not _docker_ready():
        pytest.skip("docker is not installed, or its daemon does not answer `docker info`")
    tag = f"dlint-test-{uuid.uuid4().hex[:12]}"
    build = subprocess.run(
        ["docker", "build", "-t", tag, str(REPO)], capture_output=True, text=True, check=False
    )
    assert build.returncode == 0, build.stdout + build.stderr
    yield tag
    subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, check=False)


def test_image_lints_the_mounted_folder(tmp_path: Path, image: str) -> None:
    write(tmp_path, PROJECT)
    tmp_path.chmod(0o755)
    done = subprocess.run(
        ["docker", "run", "--rm", "-v", f"{tmp_path}:/src", image],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DL3012" in done.stdout
    user = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "id", image, "-u"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert user.stdout.strip() not in ("", "0")


# -- the README's snippets ----------------------------------------------------------------


def section_blocks() -> list[tuple[str, str]]:
    """(language, text) of each fenced block in README's CI section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"\n{SECTION}\n")
    end = readme.index(f"\n{SECTION_END}\n", start)
    text = readme[start:end]
    return re.findall(r"^```(\w*)\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def _kind(language: str, data: Any) -> str:
    if language != "yaml":
        return language
    if "repos" in data:
        return "pre-commit"
    return "github" if "jobs" in data else "gitlab"


def snippets(kind: str) -> list[Any]:
    """The section's snippets of one kind: sh (as text), pre-commit, github or gitlab (parsed)."""
    found: list[Any] = []
    for language, text in section_blocks():
        data = yaml.safe_load(text) if language == "yaml" else text
        if _kind(language, data) == kind:
            found.append(data)
    return found


def readme_tag() -> str:
    """The one release tag the section's snippets install."""
    text = "".join(t for _, t in section_blocks())
    tags = set(re.findall(r"rev: (\S+)", text))
    tags |= set(re.findall(rf"{re.escape(OWNER_REPO)}(?:\.git)?[@#](\S+?)[\"\s]", text))
    tags |= set(re.findall(r"/archive/refs/tags/(\S+)\.tar\.gz", text))
    assert len(tags) == 1, f"the snippets name different versions: {tags}"
    (tag,) = tags
    assert re.fullmatch(r"v\d+\.\d+\.\d+", tag), tag
    return tag


def test_readme_section_has_every_snippet() -> None:
    assert [language for language, _ in section_blocks()] == [
        "yaml", "yaml", "yaml", "yaml", "sh"
    ]  # fmt: skip
    assert len(snippets("pre-commit")) == 1
    assert len(snippets("github")) == 2
    assert len(snippets("gitlab")) == 1
    from dlint import __version__

    # the release the snippets install is this version (tag it when it is released)
    assert readme_tag() == f"v{__version__}"


def test_readme_pre_commit_config() -> None:
    (config,) = snippets("pre-commit")
    (repo,) = config["repos"]
    assert repo["repo"] == HOMEPAGE
    assert repo["rev"] == readme_tag()
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in repo["hooks"]} <= {h["id"] for h in hooks}
    # running the hook from a repository is tests/test_pre_commit.py's


def _fresh_venv(root: Path) -> dict[str, str]:
    """The environment of a job whose `pip` and `dlint` are a new virtual environment's."""
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    bin_dir = root / "bin"
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(root),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


@pytest.fixture(scope="module")
def tagged_repository(tmp_path_factory: pytest.TempPathFactory, checkout: Path) -> Path:
    """A git repository of this checkout with the README's tag, standing for GitHub's."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path_factory.mktemp("github") / "dlint"
    shutil.copytree(checkout, repo, ignore=NOT_CHECKOUT)
    assert git(repo, "init", "-q").returncode == 0
    assert git(repo, "add", "-A").returncode == 0
    assert git(repo, "commit", "-q", "-m", "release").returncode == 0
    assert git(repo, "tag", readme_tag()).returncode == 0
    return repo


@pytest.fixture(scope="module")
def tag_archive(tmp_path_factory: pytest.TempPathFactory, tagged_repository: Path) -> Path:
    """The tag's archive as GitHub serves it: one folder, `dlint-<version without v>`."""
    archive = tmp_path_factory.mktemp("archive") / f"{readme_tag()}.tar.gz"

    def tracked(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        return None if "/.git/" in f"/{info.name}/" else info

    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tagged_repository, f"dlint-{readme_tag().removeprefix('v')}", filter=tracked)
    return archive


def _local_install(command: str, repository: Path, archive: Path) -> str:
    """``command`` with the GitHub address of dlint replaced by its local stand-in; the
    command must be one of the two install forms, exactly."""
    tag = readme_tag()
    git_form = f'pip install "git+{HOMEPAGE}@{tag}"'
    archive_form = f"pip install {HOMEPAGE}/archive/refs/tags/{tag}.tar.gz"
    if command == git_form:
        return f"pip install {shlex.quote(f'git+{repository.as_uri()}@{tag}')}"
    if command == archive_form:
        return f"pip install {shlex.quote(str(archive))}"
    raise AssertionError(f"not an install command the test knows: {command}")


def _run_commands(
    commands: list[str], cwd: Path, env: Mapping[str, str], repository: Path, archive: Path
) -> list[subprocess.CompletedProcess[str]]:
    """Each command with bash, in order, as a CI job runs its script; stops at a failure."""
    results = []
    for command in commands:
        if command.startswith("pip install"):
            command = _local_install(command, repository, archive)
        done = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", command],
            cwd=cwd,
            env=dict(env),
            capture_output=True,
            text=True,
            check=False,
        )
        results.append(done)
        if done.returncode != 0:
            break
    return results


KNOWN_ACTIONS = {
    "actions/checkout@v4",
    "actions/setup-python@v5",
    "github/codeql-action/upload-sarif@v3",
}


@pytest.mark.parametrize("index", [0, 1])
def test_readme_github_workflow(
    tmp_path: Path,
    index: int,
    runner_temp: Path,
    checkout: Path,
    tagged_repository: Path,
    tag_archive: Path,
) -> None:
    workflow = snippets("github")[index]
    assert True in workflow or "on" in workflow  # PyYAML reads `on:` as True
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"  # a runner with git, python3 and its venv
    workspace = tmp_path / "workspace"
    write(workspace, PROJECT)
    env = _fresh_venv(tmp_path / "venv") | {"GITHUB_ACTIONS": "true"}
    failed = False  # a step failed: later steps run only with `if: always()`
    for step in job["steps"]:
        if failed and step.get("if") != "always()":
            continue
        if "run" in step:
            (done,) = _run_commands([step["run"]], workspace, env, tagged_repository, tag_archive)
            if done.returncode != 0:
                # only the lint may fail, and it fails because of the findings
                assert done.returncode == 1 and step["run"].startswith("dlint"), done.stderr
                assert "::error file=Dockerfile,line=4," in done.stdout
                failed = True
            continue
        uses = step["uses"]
        if uses == f"{OWNER_REPO}@{readme_tag()}":
            given = {k: str(v) for k, v in step.get("with", {}).items()}
            done = run_action(
                action()["runs"]["steps"][1:], given, workspace, runner_temp, checkout
            )
            assert done.returncode in (0, 1), done.stdout + done.stderr
            assert "::error file=Dockerfile,line=4," in done.stdout
            failed = failed or done.returncode != 0
        elif uses == "github/codeql-action/upload-sarif@v3":
            assert job["permissions"]["security-events"] == "write"
            sarif = json.loads((workspace / step["with"]["sarif_file"]).read_text("utf-8"))
            assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
        else:
            assert uses in KNOWN_ACTIONS, uses
    assert failed  # the project has findings: the job fails


def test_readme_gitlab_job(tmp_path: Path, tagged_repository: Path, tag_archive: Path) -> None:
    (config,) = snippets("gitlab")
    ((_, job),) = config.items()
    script = job["script"]
    if job["image"].endswith("-slim"):
        # Debian's slim images have no git: pip cannot fetch a git+ address there
        assert not any("git+" in command for command in script), script
    workspace = tmp_path / "workspace"
    write(workspace, PROJECT)
    env = _fresh_venv(tmp_path / "venv")
    results = _run_commands(script, workspace, env, tagged_repository, tag_archive)
    assert len(results) == len(script)
    for done in results:
        assert done.returncode == 0, done.stdout + done.stderr
    report_file = job["artifacts"]["reports"]["codequality"]
    report = json.loads((workspace / report_file).read_text(encoding="utf-8"))
    assert isinstance(report, list) and report
    assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(report[0])
    assert {r["location"]["path"] for r in report} == {"Dockerfile"}


def test_readme_docker_commands() -> None:
    (text,) = snippets("sh")
    build, run = (shlex.split(line) for line in text.strip().splitlines())
    assert build[:3] == ["docker", "build", "-t"]
    name, url = build[3:]
    assert url == f"{HOMEPAGE}.git#{readme_tag()}"
    assert run == ["docker", "run", "--rm", "-v", "$PWD:/src", name]
    steps = dict(_instructions((REPO / "Dockerfile").read_text(encoding="utf-8")))
    assert run[4].split(":", 1)[1] == steps["WORKDIR"]  # mounted where the image lints


def test_readme_docker_commands_run(tmp_path: Path, image: str) -> None:
    (text,) = snippets("sh")
    build, run = text.strip().splitlines()
    name = shlex.split(build)[3]
    write(tmp_path, PROJECT)
    tmp_path.chmod(0o755)
    command = run.replace(f" {name}", f" {image}").replace("$PWD", str(tmp_path))
    done = subprocess.run(
        ["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DL3012" in done.stdout
