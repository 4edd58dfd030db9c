"""Every snippet of the README works as written: the commands of "Use" and "Fixes" run
in a small project (none is a usage error), the config files are configs dlint takes,
the suppression examples suppress, and the editor and plugin configs parse. The CI
snippets are run by tests/test_ci.py and tests/test_pre_commit.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, write

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

README = (REPO / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```", re.DOTALL | re.MULTILINE)


def blocks(section: str, lang: str) -> list[str]:
    """The ``lang`` code blocks under the heading ``section`` (up to the next heading
    of the same or a higher level; `#` lines inside code blocks are no headings)."""
    level = len(section.split(" ", 1)[0])
    lines = README.splitlines(keepends=True)
    start = lines.index(section + "\n") + 1
    fenced = False
    end = len(lines)
    for i in range(start, len(lines)):
        if lines[i].startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(rf"#{{1,{level}}} ", lines[i]):
            end = i
            break
    text = "".join(lines[start:end])
    return [m["body"] for m in _BLOCK.finditer(text) if m["lang"] == lang]


PROJECT = {
    "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
    "path/to/Dockerfile": "from alpine:3.20 AS build\nRUN apk add curl\n",
    "other/folder/Dockerfile": "FROM debian:12\nMAINTAINER me@example.com\n",
    "deploy/compose.yaml": "services:\n  web:\n    image: nginx:1.27\n",
    "compose.yaml": "services:\n  api:\n    build: .\n    image: acme/api:1.0\n"
    "    environment:\n      TOKEN: ${TOKEN}\n",
    "compose.prod.yaml": "services:\n  api:\n    restart: always\n",
    "ci.env": "TOKEN=abc\n",
    "requirements.txt": "flask==3.0.3\n",
}


def _commands(block: str) -> list[str]:
    out = []
    for line in block.splitlines():
        command = re.sub(r"\s+#\s.*$", "", line).strip()  # the comment after two spaces
        if command:
            out.append(command)
    return out


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    env["DLINT_CACHE_DIR"] = str(cwd.parent / "cache")
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "command",
    [c for b in blocks("## Use", "sh") + blocks("### Fixes", "sh") for c in _commands(b)],
)
def test_each_command_works_as_written(command: str, tmp_path: Path) -> None:
    if shutil.which("dlint", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the dlint program is not installed in this environment")
    if command == "dlint server":  # it serves an editor until told to stop
        done = _run("dlint server --help", write(tmp_path / "p", PROJECT))
        assert done.returncode == 0 and "language server" in done.stdout.lower()
        return
    project = write(tmp_path / "p", PROJECT)
    done = _run(command, project)
    assert done.returncode in (0, 1), (command, done.stdout[-2000:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr


def test_the_config_example_is_a_config_dlint_takes(tmp_path: Path) -> None:
    (example,) = blocks("## Configuration", "toml")
    assert "[tool.dlint]" in example
    tomllib.loads(example)
    project = write(tmp_path / "p", {**PROJECT, "pyproject.toml": example})
    done = _run(f"{sys.executable} -m dlint .", project)
    assert done.returncode in (0, 1), done.stderr


def test_the_suppression_examples_suppress(tmp_path: Path) -> None:
    (dockerfile,) = blocks("## Inline suppressions", "dockerfile")
    (compose,) = blocks("## Inline suppressions", "yaml")
    yaml.safe_load(compose)
    project = write(tmp_path / "p", {"Dockerfile": dockerfile, "compose.yaml": compose})
    done = _run(f"{sys.executable} -m dlint --format json .", project)
    assert done.returncode in (0, 1), done.stderr
    codes = re.findall(r'"code": "(\w+)"', done.stdout)
    for silenced in ("DF101", "DF603", "DC201", "DC101", "DM003"):
        assert silenced not in codes, (silenced, done.stdout)


def test_the_editor_and_plugin_configs_parse() -> None:
    (helix,) = blocks("### Editors", "toml")
    assert tomllib.loads(helix)["language-server"]["dlint"] == {
        "command": "dlint",
        "args": ["server"],
    }
    (lua,) = blocks("### Editors", "lua")
    assert 'cmd = { "dlint", "server" }' in lua
    (plugin,) = blocks("### Custom rules", "toml")
    assert "dlint.rules" in tomllib.loads(plugin)["project"]["entry-points"]


def test_the_neovim_setup_starts_the_server(tmp_path: Path) -> None:
    """Run when Neovim 0.8 or later is installed: its vim.lsp.start is the README's."""
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("Neovim is not installed")
    version = subprocess.run([nvim, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"NVIM v0\.(\d+)", version)
    if m is None or int(m.group(1)) < 8:
        pytest.skip(f"vim.lsp.start needs Neovim 0.8: {version.splitlines()[0]}")
    (lua,) = blocks("### Editors", "lua")
    bin_dir = str(Path(sys.executable).parent)
    project = write(tmp_path / "p", {"Dockerfile": "FROM alpine:3.20 as build\n"})
    (project / "init.lua").write_text(lua)
    out = project / "out.txt"
    script = (
        f"lua local f=io.open('{out}','w'); for _,d in ipairs(vim.diagnostic.get(0)) do "
        "f:write(tostring(d.code)..'\\n') end; f:close()"
    )
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    subprocess.run(
        [nvim, "--headless", "-u", "init.lua", "Dockerfile", "-c", "sleep 4", "-c", script,
         "-c", "qa!"],
        cwd=project, env=env, capture_output=True, timeout=60,
    )  # fmt: skip
    assert "DF602" in out.read_text()
