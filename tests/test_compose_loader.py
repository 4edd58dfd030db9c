"""Loading Compose files the way docker compose does, with positions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dlint.discovery import Target, group_compose
from dlint.engine import Options, lint
from dlint.ir.common import Span
from dlint.ir.compose import ComposeProject
from dlint.ir.yaml import YMapping, YScalar, YSequence
from dlint.parsers.compose.interpolate import interpolate, parse_dotenv
from dlint.parsers.compose.syntax import parse_port, parse_volume
from dlint.parsers.compose.yamlload import YamlError, load_yaml
from tests.conftest import load_compose, shared, write

load = load_compose


def problems(project: ComposeProject) -> list[tuple[str, str]]:
    """(rule, message) of what the loading rules report on ``project``."""
    from dlint.ir.project import Project
    from dlint.registry import find_rule

    out = [("parse-error", p.message) for p in project.problems if p.kind == "syntax"]
    whole = Project((), (project,))
    for name in ("compose-schema", "undefined-variable", "broken-build-reference"):
        rule = find_rule(name)
        assert rule is not None
        out.extend((name, f.message) for f in rule.run(whole))
    return out


# -- YAML ------------------------------------------------------------------------


def test_yaml_1_2_scalars_and_positions() -> None:
    (doc,), _ = load_yaml(
        "ports:\n  - 22:22\n  - 8080\nflag: on\nyes: no\nq: '010'\nn: ~\nf: 1.5\nh: 0x1F\n",
        "c.yaml",
    )
    assert isinstance(doc, YMapping)
    ports = doc.get("ports")
    assert isinstance(ports, YSequence)
    first, second = ports.items
    assert isinstance(first, YScalar) and first.value == "22:22"
    assert first.span == Span(2, 5, 2, 10)
    assert isinstance(second, YScalar) and second.value == 8080
    values = {k: v.value for k, v in doc.items() if isinstance(v, YScalar)}
    assert values == {"flag": "on", "yes": "no", "q": "010", "n": None, "f": 1.5, "h": 31}


def test_anchors_and_merge_keys() -> None:
    text = (
        "x-base: &base\n  image: app:1\n  restart: always\n"
        "x-more: &more\n  restart: never\n  init: true\n"
        "services:\n  a:\n    <<: [*base, *more]\n    restart: unless-stopped\n"
    )
    (doc,), _ = load_yaml(text, "c.yaml")
    assert isinstance(doc, YMapping)
    services = doc.get("services")
    assert isinstance(services, YMapping)
    a = services.get("a")
    assert isinstance(a, YMapping)
    got = {k: v.value for k, v in a.items() if isinstance(v, YScalar)}
    assert got == {"restart": "unless-stopped", "image": "app:1", "init": True}
    image = a.get("image")
    assert image is not None and image.span.line == 2  # where the anchor wrote it


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    prev = "a"
    for name in "bcdefghijk":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
        prev = name
    with pytest.raises(YamlError, match="alias bomb"):
        load_yaml("\n".join(lines) + "\n", "bomb.yaml")


def test_python_tags_are_refused_never_run(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    text = f"services:\n  a:\n    image: !!python/object/apply:os.system ['touch {canary}']\n"
    with pytest.raises(YamlError, match="not allowed"):
        load_yaml(text, "evil.yaml")
    assert not canary.exists()


def test_sentry_compose_file_with_many_aliases_loads() -> None:
    path = shared("corpus", "getsentry__self-hosted", "docker-compose.yml")
    project = load(path.parent, path.name)
    assert len(project.services) > 30
    assert not [p for p in project.problems if p.rule in ("parse-error", "compose-schema")]


# -- files, merging, extends, include ----------------------------------------------


def test_duplicate_keys_and_empty_files(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: x\n    image: y\n"})
    assert problems(load(tmp_path, "compose.yaml")) == [
        ("compose-schema", "duplicate key 'image' (first defined at line 3)")
    ]
    write(
        tmp_path, {"compose.yaml": "# nothing yet\n", "compose.override.yaml": "# comments only\n"}
    )
    assert problems(load(tmp_path, "compose.yaml")) == [("compose-schema", "empty compose file")]
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: x\n"})
    assert problems(load(tmp_path, "compose.yaml", "compose.override.yaml")) == []


def test_override_merge_rules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n  web:\n    image: web:1\n    command: [a, b]\n"
                "    ports: ['8080:80', '9090:90']\n    volumes: ['data:/data', './conf:/etc/app']\n"
                "    environment: [A=1, B=2]\n    dns: [1.1.1.1]\n    labels: {x: '1'}\n"
                "volumes:\n  data:\n"
            ),
            "compose.override.yaml": (
                "services:\n  web:\n    command: [c]\n    ports: ['8080:80']\n"
                "    volumes: ['./data:/data']\n    environment: {B: '3', C: '4'}\n    dns: [8.8.8.8]\n"
                "    labels: !override {y: '2'}\n"
            ),
        },
    )
    project = load(tmp_path, "compose.yaml", "compose.override.yaml")
    web = project.services[0]
    assert [p.published for p in web.ports] == ["8080", "9090"]
    assert [(m.type, m.target) for m in web.mounts] == [("bind", "/data"), ("bind", "/etc/app")]
    assert web.mounts[0].file == "compose.override.yaml"
    assert [(k, v) for k, v, _, _ in web.environment] == [("A", "1"), ("B", "3"), ("C", "4")]
    command = web.get("command")
    assert isinstance(command, YSequence) and [i.value for i in command.items] == ["c"]  # type: ignore[union-attr]
    dns = web.get("dns")
    assert isinstance(dns, YSequence) and len(dns.items) == 2
    labels = web.get("labels")
    assert isinstance(labels, YMapping) and list(labels.keys()) == ["y"]


def test_reset_removes_and_multi_document_files_merge(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n  a:\n    image: x\n    ports: ['80:80']\n---\n"
                "services:\n  a:\n    image: y\n    ports: !reset []\n"
            )
        },
    )
    project = load(tmp_path, "compose.yaml")
    a = project.services[0]
    assert a.image is not None and a.image.text == "y" and a.ports == ()


def test_extends_same_file_and_other_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n  base:\n    image: app:1\n    volumes: ['./src:/src']\n"
                "  dev:\n    extends: base\n    environment: [DEBUG=1]\n"
                "  shared:\n    extends:\n      file: common/services.yaml\n      service: db\n"
            ),
            "common/services.yaml": "services:\n  db:\n    image: postgres:16\n    volumes: ['./seed:/seed']\n",
        },
    )
    project = load(tmp_path, "compose.yaml")
    dev = project.service("dev")
    assert dev is not None and dev.image is not None and dev.image.text == "app:1"
    assert dev.mounts[0].host_path == "src"
    shared_db = project.service("shared")
    assert shared_db is not None and shared_db.mounts[0].host_path == "common/seed"
    assert shared_db.image is not None and shared_db.image.span.line == 3


def test_include_brings_resources_with_its_own_env(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: web:1\n",
            "sub/compose.yaml": "services:\n  db:\n    image: postgres:${PG:-15}\n",
            "sub/.env": "PG=17\n",
        },
    )
    project = load(tmp_path, "compose.yaml")
    db = project.service("db")
    assert db is not None and db.image is not None and db.image.tag == "17"
    assert db.file == "sub/compose.yaml"


# -- interpolation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unresolved"),
    [
        ("${A}", "a", []),
        ("$A-$B", "a-", ["B"]),
        ("${B:-dflt}", "dflt", []),
        ("${E:-dflt}", "dflt", []),
        ("${E-dflt}", "", []),
        ("${A:+alt}", "alt", []),
        ("${E:+alt}", "", []),
        ("${B:-${C:-${A}}}", "a", []),
        ("$$A and $${A}", "$A and ${A}", []),
        ("price: 5$", "price: 5$", []),
    ],
)
def test_interpolation(text: str, value: str, unresolved: list[str]) -> None:
    result = interpolate(text, {"A": "a", "E": ""})
    assert (result.value, result.unresolved) == (value, unresolved)


def test_required_variables_and_bad_templates(tmp_path: Path) -> None:
    assert interpolate("${X:?set it}", {}).required == [("X", "set it")]
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: '${oops'\n"})
    assert problems(load(tmp_path, "compose.yaml"))[0][0] == "compose-schema"


def test_dotenv_file() -> None:
    text = (
        "# comment\nexport A=1\nB = two words # trailing comment\nC='literal $A'\n"
        'D="line\\nbreak ${A}"\nE=\nF="multi\nline"\n'
    )
    assert parse_dotenv(text) == {
        "A": "1",
        "B": "two words",
        "C": "literal $A",
        "D": "line\nbreak 1",
        "E": "",
        "F": "multi\nline",
    }


def test_unset_variables_are_reported_once_each_and_not_guessed(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n  a:\n    image: ${IMAGE}\n    ports: ['${PORT}:80', '${PORT}:81']\n"
                "  b:\n    image: nginx:${TAG:-1.27}\n"
            ),
            ".env": "TAG=1.25\n",
        },
    )
    project = load(tmp_path, "compose.yaml")
    assert problems(project) == [
        (
            "undefined-variable",
            "variable 'IMAGE' is not set (no .env value, no default): Compose uses an empty string",
        ),
        (
            "undefined-variable",
            "variable 'PORT' is not set (no .env value, no default): Compose uses an empty string"
            " (and 1 more uses in this file)",
        ),
    ]
    b = project.service("b")
    assert b is not None and b.image is not None and b.image.tag == "1.25"


# -- short syntaxes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80", ("80", None, None, "tcp")),
        ("8080:80", ("80", "8080", None, "tcp")),
        ("127.0.0.1:8080:80/udp", ("80", "8080", "127.0.0.1", "udp")),
        ("[::1]:80:80", ("80", "80", "::1", "tcp")),
        ("9000-9005:9000-9005", ("9000-9005", "9000-9005", None, "tcp")),
        ("127.0.0.1::80", ("80", None, "127.0.0.1", "tcp")),
    ],
)
def test_port_syntax(text: str, expected: tuple[str, str | None, str | None, str]) -> None:
    spec = parse_port(text)
    assert (spec.target, spec.published, spec.host_ip, spec.protocol) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/data", ("volume", None, "/data", False)),
        ("db:/var/lib/mysql:ro", ("volume", "db", "/var/lib/mysql", True)),
        ("./rel:/app", ("bind", "./rel", "/app", False)),
        ("/abs:/app:rw", ("bind", "/abs", "/app", False)),
        ("~/x:/y", ("bind", "~/x", "/y", False)),
        ("C:\\data:/data", ("bind", "C:\\data", "/data", False)),
    ],
)
def test_volume_syntax(text: str, expected: tuple[str, str | None, str, bool]) -> None:
    spec = parse_volume(text)
    assert spec is not None
    assert (spec.type, spec.source, spec.target, spec.read_only) == expected


# -- projects ------------------------------------------------------------------------


def test_projects_form_as_docker_compose_forms_them(tmp_path: Path) -> None:
    names = ["compose.yaml", "compose.override.yaml", "docker-compose.yml", "compose.prod.yaml"]
    write(tmp_path, dict.fromkeys(names, "services: {}\n"))
    groups = group_compose([Target(tmp_path / n, "compose", False) for n in names])
    assert [([p.name for p in g.files], g.fragment) for g in groups] == [
        (["compose.yaml", "compose.override.yaml"], False),
        (["compose.prod.yaml"], True),
        (["docker-compose.yml"], True),
    ]


def test_build_links_to_the_dockerfile_stage(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n  api:\n    build:\n      context: ./api\n      target: prod\n"
                "  bad:\n    build:\n      context: ./api\n      target: nope\n"
            ),
            "api/Dockerfile": 'FROM python:3.12 AS build\nFROM build AS prod\nCMD ["x"]\n',
        },
    )
    project = load(tmp_path, "compose.yaml")
    api = project.service("api")
    assert api is not None and api.build is not None
    assert api.build.stage is not None and api.build.stage.name == "prod"
    assert api.build.dockerfile_path == "api/Dockerfile"
    assert problems(project) == [
        (
            "broken-build-reference",
            "service 'bad': target stage 'nope' not found in api/Dockerfile",
        )
    ]


def test_pre_commit_scope_reads_dockerfiles_but_reports_only_passed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  db:\n    build: ./db\n",
            "db/Dockerfile": "FROM postgres:16\nCOPY . /srv\nRUN npm ci --prefix /srv\n",
        },
    )
    report = lint(["compose.yaml"], cwd=tmp_path, options=Options())
    assert [(d.path, d.name) for d in report.diagnostics] == [
        ("compose.yaml", "stateful-path-without-volume")
    ]
    report = lint(["."], cwd=tmp_path)
    assert {(d.path, d.name) for d in report.diagnostics} == {
        ("compose.yaml", "stateful-path-without-volume"),
        ("db/Dockerfile", "layer-cache-order"),
    }


# -- projects as users have them ---------------------------------------------------------


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dlint", "--format", "json", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_file_named_alone_is_linted_as_part_of_the_project_that_includes_it(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - path: admin/compose.yml\n    project_directory: .\n"
            "networks:\n  front: {}\n",
            ".env": "TAG=1\n",
            "admin/compose.yml": "services:\n  admin:\n    image: a:${TAG}\n    networks: [front]\n",
        },
    )
    done = _cli(tmp_path, "admin/compose.yml")  # what pre-commit passes for a changed file
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == {"findings": []}


def test_env_template_is_used_and_said_in_verbose_output(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"compose.yaml": "services:\n  a:\n    image: a:${TAG}\n", "env.example": "TAG=1\n"},
    )
    done = _cli(tmp_path, "--verbose")
    assert done.returncode == 0 and json.loads(done.stdout) == {"findings": []}
    assert "no .env, so ${VARIABLES} take their values from env.example" in done.stderr
    write(tmp_path, {".env.sample": "OTHER=2\n"})  # two templates: neither is guessed
    done = _cli(tmp_path)
    assert [f["code"] for f in json.loads(done.stdout)["findings"]] == ["DC002"]


def test_env_template_in_an_editor_buffer_and_a_cached_run(tmp_path: Path) -> None:
    """A template an editor has open and not saved is read; a cached run sees one that
    appears."""
    from dlint.engine import Options, lint

    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: a:${TAG}\n"})
    unsaved = {str(tmp_path / ".env.dist"): b"TAG=1\n"}
    assert lint(["."], tmp_path, Options(isolated=True, overlay=unsaved)).diagnostics == ()
    cached = Options(isolated=True, cache_dir=str(tmp_path / "cache"))
    assert [d.code for d in lint(["compose.yaml"], tmp_path, cached).diagnostics] == ["DC002"]
    write(tmp_path, {".env.dist": "TAG=1\n"})
    assert lint(["compose.yaml"], tmp_path, cached).diagnostics == ()


def test_env_file_option_replaces_dotenv(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    image: a:${TAG}\n",
            ".env": "OTHER=1\n",
            "ci.env": "TAG=2\n",
        },
    )
    assert [f["code"] for f in json.loads(_cli(tmp_path).stdout)["findings"]] == ["DC002"]
    done = _cli(tmp_path, "--env-file", "ci.env")
    assert json.loads(done.stdout) == {"findings": []}


def test_include_env_file_missing_is_an_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - path: a.yaml\n    env_file: [gone.env]\n",
            "a.yaml": "services:\n  a:\n    image: a:1.0\n",
        },
    )
    findings = json.loads(_cli(tmp_path).stdout)["findings"]
    assert [(f["code"], f["line"], f["message"]) for f in findings] == [
        ("DC001", 2, "env_file gone.env not found")
    ]


def test_positions_count_lines_at_newlines_only(tmp_path: Path) -> None:
    """YAML also breaks lines at a lone CR, NEL, LS and PS; dlint's lines end at LF."""
    text = "services:\r  a:\r    image: x\x85    ports: ['nope']\u2028\n  b:\n    ports: [bad]\n"
    write(tmp_path, {"compose.yaml": text})
    findings = lint([str(tmp_path)], cwd=tmp_path).diagnostics
    lines = text.split("\n")
    assert findings
    for d in findings:
        assert d.span.end_line <= len(lines), d
        assert d.span.end_column <= len(lines[d.span.end_line - 1]) + 1, d
    assert [(d.span.line, d.span.column) for d in findings if "'bad'" in d.message] == [(3, 13)]
