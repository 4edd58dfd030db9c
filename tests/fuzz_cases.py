"""Hostile projects for property tests, and what must hold for every one of them.

``projects()`` draws a small project: random bytes, or real files (from
``../shared/corpus`` when present, this repository's fixtures otherwise)
mutated by byte flips, truncation, duplicated and shuffled lines, and inserted
pieces of hostile text: random instructions, flags, heredocs, quotes, NUL and
unicode, very long lines, deep nesting, YAML anchors, aliases, merge keys and
tags. ``check()`` lints it and asserts the invariants: no exception escapes
and no internal error, every finding's span lies inside its file, the JSON and
SARIF outputs parse (SARIF against the official schema when ``../shared`` is
present), the human formats carry no control character, and nothing in the
linted tree changed.

Used by tests/test_fuzz.py (a short budget) and benchmarks/fuzz.py (long runs).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from dlint.config import ConfigError
from dlint.engine import lint
from dlint.reporters import FORMATS, get_reporter

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
Project = dict[str, bytes]

_DOCKERFILE_PIECES = [
    "RUN --mount=type=cache,target=/root/.cache,sharing=locked pip install -r r.txt",
    "RUN <<EOF\nset -e\necho $HOME\nEOF",
    "COPY --from=build --chmod=755 --link <<-EOT /x\n\tbody\n\tEOT",
    "ARG V=${A:-${B:+${C#*x}}}",
    'ENV A="q\\"uote" B=\'single\' C=unclosed"',
    "FROM ${BASE:-alpine}:${TAG%%-*} AS Build-Stage",
    'HEALTHCHECK --interval=1x --retries=-1 CMD ["curl", "-f"]',
    'SHELL ["pwsh", "-c"]',
    "ONBUILD ONBUILD RUN x",
    'CMD ["a", 1, null]',
    "LABEL a=b \\\n  c=d \\",
    "# escape=`",
    "# check=skip=all;error=true",
    "# dlint: ignore=DF101 -- reason",
    "# hadolint global ignore=DL3008",
    "EXPOSE 80/udp 443-445 ${P}",
    "WORKDIR ../../etc",
    'VOLUME ["/data", ""]',
    "USER 0:0",
    "RUN echo ${X/\\//_} ${Y//*/z} $(cat /etc/passwd) `id` | tee >(wc) && [[ -f x ]]",
    "ADD https://example.com/x.tgz git@github.com:a/b.git#main /src/",
    "\x00\x01\x1b[31m\u202e\ufeff\u2028 ÿ 漢字 \U0001f600",
    "RUN " + "[" * 300,
    "ARG D=" + "${a:-" * 60 + "x" + "}" * 60,
]
_YAML_PIECES = [
    "x-base: &base\n  image: nginx\n  environment: &env\n    A: 1",
    "  <<: *base",
    "    <<: [*env, *env]",
    "  ports: !reset []",
    "  command: !override [sh, -c, 'x']",
    "  image: !!python/object/apply:os.system ['id']",
    "include:\n  - path: [a.yaml, b.yaml]\n    env_file: [.env, other.env]\n    project_directory: ..",
    "    extends:\n      file: ../x.yaml\n      service: base",
    "  build:\n    context: ${CTX:-..}\n    dockerfile: ../../Dockerfile\n    target: ${T:?set it}",
    "  volumes: ['${HOME}:/h:ro', {type: bind, source: /var/run/docker.sock, target: /s}]",
    "  networks: {n: {ipv4_address: 10.0.0.300}}",
    "networks:\n  n:\n    ipam:\n      config: [{subnet: 10.0.0.0/8}, {subnet: 10.1.0.0/16}]",
    "  depends_on: [a, a, ${X}]",
    "  healthcheck: {test: [CMD, x], interval: 1x}",
    "? [complex, key]\n: value",
    "a: &a [*a]",
    "'quoted key': \"\\u0000\\x1b\\ud800\"",
    "--- !!map\n...\n---",
    "  image: " + "[" * 120 + "]" * 120,
    "  image: '" + "${a:-" * 60 + "x" + "}" * 60 + "'",
    "\t- tab\n\x00",
]
_NAMES = ["Dockerfile", "compose.yaml", "app/Dockerfile", "app/compose.override.yaml",
          "docker-compose.yml", ".env", "app/.dockerignore", ".dockerignore", "a.yaml",
          "api.Dockerfile", "compose.prod.yaml", ".dlint.toml", ".hadolint.yaml"]  # fmt: skip


@lru_cache(maxsize=1)
def seeds() -> tuple[tuple[str, bytes], ...]:
    """(name, content) of real files to mutate: the corpus, else the fixtures."""
    found: list[tuple[str, bytes]] = []
    listing = SHARED / "corpus" / "files.txt"
    if listing.is_file():
        rows = [line.split("\t") for line in listing.read_text(encoding="utf-8").splitlines()]
        for rel, kind in rows:
            path = SHARED / "corpus" / rel
            name = {"dockerfile": "Dockerfile", "compose": "compose.yaml"}.get(
                kind, ".dockerignore"
            )
            if path.is_file() and path.stat().st_size < 64_000:
                found.append((name, path.read_bytes()))
    else:
        for path in sorted((REPO / "fixtures").rglob("*")):
            if path.is_file() and not path.name.endswith(".expect"):
                name = "compose.yaml" if path.suffix in (".yaml", ".yml") else "Dockerfile"
                found.append((name, path.read_bytes()))
    return tuple(found)


def _mutate(data: bytes, rng: random.Random, pieces: list[str], steps: int) -> bytes:
    for _ in range(steps):
        op = rng.randrange(8)
        lines = data.split(b"\n")
        if op == 0 and data:  # flip a byte
            i = rng.randrange(len(data))
            data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
        elif op == 1 and data:  # truncate
            data = data[: rng.randrange(len(data))]
        elif op == 2:  # duplicate a line
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            data = b"\n".join(lines)
        elif op == 3:  # shuffle some lines
            i = rng.randrange(len(lines))
            part = lines[i : i + 8]
            rng.shuffle(part)
            data = b"\n".join(lines[:i] + part + lines[i + 8 :])
        elif op in (4, 5):  # insert or replace with a hostile piece
            piece = rng.choice(pieces).encode("utf-8", "surrogatepass")
            i = rng.randrange(len(lines) + 1)
            lines[i : i + (op - 4)] = [piece]
            data = b"\n".join(lines)
        elif op == 6:  # a very long line
            i = rng.randrange(len(lines) + 1)
            lines.insert(
                i, rng.choice([b"RUN ", b"  x: ", b"#", b""]) + b"a " * rng.randrange(20_000)
            )
            data = b"\n".join(lines)
        else:  # unicode, NUL, CR
            i = rng.randrange(len(data) + 1)
            data = (
                data[:i]
                + rng.choice(["\r\n", "\x00", "é", "\u202e", "\ufeff", "\\"]).encode()
                + data[i:]
            )
    return data


@st.composite
def projects(draw: Callable[..., Any]) -> Project:
    """A project of one to three files, each random or a mutated real file."""
    rng = draw(st.randoms(use_true_random=False))
    files: Project = {}
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 9)) == 0:
            name = draw(st.sampled_from(_NAMES))
            files[name] = draw(st.binary(max_size=2_000))
            continue
        name, data = draw(st.sampled_from(seeds()))
        pieces = _YAML_PIECES if name.endswith(".yaml") else _DOCKERFILE_PIECES
        files[name if name not in files else "app/" + name] = _mutate(
            data, rng, pieces, draw(st.integers(0, 12))
        )
    return files


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            st_ = path.lstat()
            out[str(path.relative_to(root))] = (st_.st_size, st_.st_mtime_ns)
    return out


@lru_cache(maxsize=1)
def sarif_validator() -> Any:
    schema = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if not schema.is_file():
        return None
    from jsonschema import Draft7Validator

    return Draft7Validator(json.loads(schema.read_text(encoding="utf-8")))


def _unsafe(text: str) -> list[str]:
    return [c for c in set(text) if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0]


def check(files: Project) -> int:
    """Lint ``files`` as a project and assert the invariants; the number of findings."""
    root = Path(tempfile.mkdtemp(prefix="dlint-fuzz-"))
    try:
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        before = _snapshot(root)
        try:
            report = lint([str(root)], cwd=root)
        except ConfigError:
            return 0  # a config file that cannot be used: exit 2 with one line
        assert not report.failed, [
            d.message for d in report.diagnostics if d.name == "internal-error"
        ]
        for d in report.diagnostics:
            text = files.get(d.path)
            lines = text.decode("utf-8", "replace").split("\n") if text is not None else None
            s = d.span
            assert s.line >= 1 and s.column >= 1, d
            assert (s.line, s.column) <= (s.end_line, s.end_column), d
            if lines is not None:
                assert s.end_line <= len(lines), (d, len(lines))
                assert s.column <= len(lines[s.line - 1]) + 1, d
                assert s.end_column <= len(lines[s.end_line - 1]) + 1, d
        for fmt in FORMATS:
            out = get_reporter(fmt)(report)
            assert not _unsafe(out), (fmt, _unsafe(out))
            if fmt in ("json", "sarif", "gitlab"):
                data = json.loads(out)
                if fmt == "sarif" and sarif_validator() is not None:
                    errors = list(sarif_validator().iter_errors(data))
                    assert not errors, errors[0].message
        assert _snapshot(root) == before, "dlint changed the linted tree"
        return len(report.diagnostics)
    finally:
        shutil.rmtree(root, ignore_errors=True)
