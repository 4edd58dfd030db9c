"""Plugins: a package installed beside dlint adds rules through the entry-point group
``dlint.rules``, and they are treated as dlint's own (selection, options, suppression,
fixes, docs, SARIF). The sample plugin is tests/plugin_sample; it is "installed" here
the way pip leaves a package: the package and its .dist-info on the path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dlint import plugins
from tests.conftest import REPO, write

SAMPLE = REPO / "tests" / "plugin_sample"


def _install(site: Path, entry_points: str, name: str = "dlint_acme") -> Path:
    """The sample package and a .dist-info with ``entry_points`` in ``site``."""
    shutil.copytree(SAMPLE / "dlint_acme", site / "dlint_acme", dirs_exist_ok=True)
    info = site / f"{name}-0.1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text(entry_points)
    return site


ACME = "[console_scripts]\nx = y:z\n\n[dlint.rules]\nacme = dlint_acme.registry_rule\n"


def _dlint(site: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    env["DLINT_CACHE_DIR"] = str(project.parent / "cache")
    return subprocess.run(
        [sys.executable, "-m", "dlint", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write(
        tmp_path / "project",
        {
            ".dlint.toml": '[rules.ACME001]\nregistry = "registry.acme.example"\n',
            "Dockerfile": "FROM python:3.12-slim\n"
            "# dlint: ignore=ACME001 -- the builder is mirrored elsewhere\n"
            "FROM golang:1.23 AS tools\n"
            "FROM registry.acme.example/python:3.12-slim\n",
        },
    )


def test_a_plugin_rule_runs_like_a_builtin_one(tmp_path: Path, project: Path) -> None:
    site = _install(tmp_path / "site", ACME)
    done = _dlint(site, project, "--format", "json", ".")
    found = [(f["code"], f["line"]) for f in json.loads(done.stdout)["findings"]]
    assert ("ACME001", 1) in found  # found with the option its config gives
    assert ("ACME001", 3) not in found  # suppressed
    assert ("ACME001", 4) not in found  # from the registry
    listed = _dlint(site, project, "rules").stdout
    assert "ACME001 image-outside-acme-registry" in listed
    explained = _dlint(site, project, "explain", "ACME001").stdout
    assert explained.startswith("ACME001 image-outside-acme-registry (error)")
    sarif = json.loads(_dlint(site, project, "--format", "sarif", ".").stdout)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert {"id": "ACME001", "helpUri": "https://acme.example/dlint/ACME001"}.items() <= next(
        r for r in rules if r["id"] == "ACME001"
    ).items()
    off = _dlint(site, project, "--format", "json", "--ignore", "ACME001", ".")
    assert not [f for f in json.loads(off.stdout)["findings"] if f["code"] == "ACME001"]
    _dlint(site, project, "--fix", "--unsafe-fixes", "--select", "ACME001", ".")
    assert (
        (project / "Dockerfile")
        .read_text()
        .startswith("FROM registry.acme.example/python:3.12-slim\n")
    )


def test_a_broken_or_clashing_plugin_is_left_out_with_a_warning(
    tmp_path: Path, project: Path
) -> None:
    broken = "[dlint.rules]\ngone = dlint_missing.rule\n"
    site = _install(tmp_path / "site", broken, name="dlint_broken")
    _install(site, ACME)
    clash = site / "dlint_clash"
    clash.mkdir()
    (clash / "__init__.py").write_text(
        (SAMPLE / "dlint_acme" / "registry_rule.py")
        .read_text()
        .replace('code="ACME001"', 'code="DL3008"')
    )
    _install(site, "[dlint.rules]\nclash = dlint_clash\n", name="dlint_clash")
    done = _dlint(site, project, "--format", "json", ".")
    assert done.returncode == 1, done.stderr
    assert "plugin gone (dlint_missing.rule) was not loaded: ModuleNotFoundError" in done.stderr
    assert "plugin clash: rule DL3008 image-outside-acme-registry left out" in done.stderr
    assert '"code": "ACME001"' in done.stdout  # the good plugin still runs


def test_entry_points_are_found_as_importlib_finds_them(tmp_path: Path) -> None:
    from importlib.metadata import distributions

    site = _install(tmp_path / "site", ACME)
    ours = plugins.entry_points([str(site)])
    theirs = [
        (e.name, e.value)
        for d in distributions(path=[str(site)])
        for e in d.entry_points
        if e.group == plugins.GROUP
    ]
    assert ours == theirs == [("acme", "dlint_acme.registry_rule")]
