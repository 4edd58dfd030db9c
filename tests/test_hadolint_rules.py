"""The rules driven by hadolint's settings (trusted registries, the label schema):
the exact positions and messages of each rule, which need options the fixture files
cannot give (hadolint's own cases are in test_hadolint_conformance.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from dlint.ir.common import Span
from dlint.ir.compose import ComposeProject
from dlint.ir.project import Project
from dlint.parsers.dockerfile import parse_dockerfile
from dlint.registry import find_rule
from dlint.rule import Finding, Rule
from tests.conftest import load_compose

# hadolint setting -> dlint option
SETTINGS = {
    "trustedRegistries": "trusted-registries",
    "label-schema": "label-schema",
    "strict-labels": "strict-labels",
}


def _options(config: Mapping[str, Any] | None) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for key, value in (config or {}).items():
        if key in SETTINGS:
            if key == "trustedRegistries" and isinstance(value, str):
                value = [value]
            options[SETTINGS[key]] = value
    return options


def run(rule: Rule, text: str, options: Mapping[str, Any]) -> list[Finding]:
    df = parse_dockerfile(text, "Dockerfile")
    subject: object = Project((df,), ()) if rule.meta.scope == "project" else df
    return list(rule.run(subject, options))


def lint(name: str, text: str, **options: Any) -> list[tuple[Span, str]]:
    rule = find_rule(name)
    assert rule is not None
    opts = {k.replace("_", "-"): v for k, v in options.items()}
    return [(f.span, f.message) for f in run(rule, text, opts)]


# ---- untrusted-registry ----------------------------------------------------


def test_registry_off_without_list() -> None:
    assert lint("untrusted-registry", "FROM random.com/debian:12\n") == []


def test_registry_positions() -> None:
    text = (
        "ARG BASE=ghcr.io/org/base:1\n"
        "ARG OTHER\n"
        "FROM quay.io/org/tool:1 AS tool\n"
        "FROM ${BASE} AS build\n"
        "FROM $OTHER\n"
        "FROM build\n"
        "COPY --from=tool /x /x\n"
        "COPY --from=0 /x /x\n"
        "COPY --from=quay.io/org/extra:2 /y /y\n"
        "RUN --mount=type=cache,target=/c,from=quay.io/org/cache:3 true\n"
        "RUN --mount=type=bind,from=tool,target=/t true\n"
        "FROM scratch\n"
        "COPY --from=scratch / /\n"
    )
    got = lint("untrusted-registry", text, trusted_registries=["ghcr.io"])
    assert [s for s, _ in got] == [
        Span(3, 6, 3, 24),
        Span(9, 13, 9, 32),
        Span(10, 39, 10, 58),
    ]
    assert "base image `quay.io/org/tool:1` is pulled from registry `quay.io`" in got[0][1]
    assert "COPY --from image `quay.io/org/extra:2`" in got[1][1]
    assert "mount source image `quay.io/org/cache:3`" in got[2][1]
    assert "(trusted-registries: `ghcr.io`)" in got[0][1]


def test_registry_variable_resolved_from_arg() -> None:
    text = "ARG REG=quay.io\nFROM ${REG}/org/app:1\n"
    got = lint("untrusted-registry", text, trusted_registries=["ghcr.io"])
    assert got == [(Span(2, 6, 2, 22), got[0][1])]
    assert "`quay.io/org/app:1`" in got[0][1]


@pytest.mark.parametrize(
    ("image", "trusted", "fires"),
    [
        ("debian:12", ["docker.io"], False),
        ("debian:12", ["hub.docker.com"], False),
        ("library/debian:12", ["docker.io"], False),
        ("docker.io/library/debian:12", ["docker.io"], False),
        ("index.docker.io/library/debian:12", ["docker.io"], False),
        ("debian:12", ["docker.*"], False),
        ("debian:12", ["*"], False),
        ("debian:12", ["ghcr.io"], True),
        ("docker.io/library/debian:12", ["ghcr.io"], True),
        ("foo.random.com/debian", ["*.random.com"], False),
        ("random.com/debian", ["*.random.com"], True),
        ("registry.corp.example:5000/app:1", ["registry.corp.*"], False),
        ("registry.corp.example:5000/app:1", ["registry.corp.example"], True),
        ("registry.corp.example:5000/app:1", ["registry.corp.example:5000"], False),
        ("localhost:5000/app", ["localhost:5000"], False),
        ("GHCR.io/org/app", ["ghcr.io"], False),
    ],
)
def test_registry_matching(image: str, trusted: list[str], fires: bool) -> None:
    got = lint("untrusted-registry", f"FROM {image}\n", trusted_registries=trusted)
    assert bool(got) is fires


def test_registry_without_from() -> None:
    # hadolint checks instructions even when no FROM came before them
    text = "COPY --from=untrusted.com/repo/image:tag /a /b\n"
    got = lint("untrusted-registry", text, trusted_registries=["trusted.com"])
    assert [s for s, _ in got] == [Span(1, 13, 1, 41)]


def _load_compose(root: Path) -> ComposeProject:
    return load_compose(root, "compose.yaml")


def test_registry_compose_images(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  db:\n"
        "    image: postgres:16\n"
        "  cache:\n"
        "    image: ghcr.io/org/cache:1\n"
        "  app:\n"
        "    build: .\n"
        "    image: quay.io/org/app:1\n",
        encoding="utf-8",
    )
    (tmp_path / "Dockerfile").write_text("FROM quay.io/org/base:1\n", encoding="utf-8")
    project = _load_compose(tmp_path)
    rule = find_rule("DL3026")
    assert rule is not None
    findings = list(rule.run(Project((), (project,)), {"trusted-registries": ["ghcr.io"]}))
    assert [(f.path, f.span) for f in findings] == [("compose.yaml", Span(3, 12, 3, 23))]
    assert "service 'db' image `postgres:16` is pulled from Docker Hub" in findings[0].message


# ---- missing-label -----------------------------------------------------------


def test_missing_label_positions() -> None:
    text = "FROM alpine:3.20 AS base\nLABEL other=1\n\nFROM base\nLABEL version=1.0.0\n"
    got = lint("missing-label", text, label_schema={"version": "semver", "owner": "email"})
    # base misses both, but the stage built on it sets version; owner is missing everywhere
    assert got == [
        (Span(1, 1, 1, 25), got[0][1]),
        (Span(4, 1, 4, 10), got[1][1]),
    ]
    assert got[0][1].startswith("label `owner` is missing: stage `base`")
    assert got[1][1].startswith("label `owner` is missing: stage 1")


def test_missing_label_stage_copied_from() -> None:
    text = (
        "FROM golang:1.23 AS build\nRUN go build -o /app .\n"
        "FROM alpine:3.20 AS assets\n"
        "FROM alpine:3.20\nLABEL owner=a@b.example\n"
        "COPY --from=build /app /app\nRUN --mount=from=assets,target=/m true\n"
    )
    assert lint("missing-label", text, label_schema={"owner": "email"}) == []


def test_missing_label_inherited_through_chain() -> None:
    text = "FROM alpine:3.20 AS a\nLABEL owner=x\nFROM a AS b\nFROM b\n"
    assert lint("missing-label", text, label_schema={"owner": "text"}) == []


def test_missing_label_variable_key_not_judged() -> None:
    text = "FROM alpine:3.20\nARG KEY\nLABEL $KEY=1\n"
    assert lint("missing-label", text, label_schema={"owner": "text"}) == []


def test_missing_label_off_without_schema() -> None:
    assert lint("missing-label", "FROM alpine:3.20\n") == []


# ---- superfluous-label -------------------------------------------------------


def test_superfluous_label_positions() -> None:
    text = 'FROM alpine:3.20\nLABEL version="1.0.0" \\\n      "build-host"=ci other=x\n'
    got = lint("superfluous-label", text, label_schema={"version": "semver"}, strict_labels=True)
    assert got == [
        (Span(3, 7, 3, 19), "label `build-host` is not in the label schema (strict-labels is on)."),
        (Span(3, 23, 3, 28), "label `other` is not in the label schema (strict-labels is on)."),
    ]


def test_superfluous_label_needs_strict() -> None:
    text = "FROM alpine:3.20\nLABEL other=x\n"
    assert lint("superfluous-label", text, label_schema={"version": "semver"}) == []


# ---- empty-label -------------------------------------------------------------


def test_empty_label_positions() -> None:
    text = (
        'FROM alpine:3.20\nARG UNSET\nARG EMPTY=\nLABEL a="" b= c=$UNSET d=$EMPTY e="x" other=""\n'
    )
    got = lint("empty-label", text, label_schema=dict.fromkeys("abcde", "text"))
    assert got == [
        (Span(4, 7, 4, 11), "label `a` is empty."),
        (Span(4, 12, 4, 14), "label `b` is empty."),
        (Span(4, 24, 4, 32), "label `d` is empty."),
    ]


# ---- invalid-label-<format> -----------------------------------------------------


def test_invalid_label_position_and_message() -> None:
    text = 'FROM alpine:3.20\nLABEL url="not a url" \\\n  hash="abc"\n'
    schema = {"url": "url", "hash": "hash"}
    got = lint("invalid-label-url", text, label_schema=schema)
    got += lint("invalid-label-hash", text, label_schema=schema)
    assert got == [
        (
            Span(2, 11, 2, 22),
            "label `url` (url) is not a valid URL (an absolute URI, RFC 3986): `not a url`.",
        ),
        (
            Span(3, 8, 3, 13),
            "label `hash` (hash) is not a git commit hash (7 or 40 lowercase hex digits): `abc`.",
        ),
    ]


def test_invalid_label_substitutes_variables() -> None:
    text = (
        "FROM alpine:3.20\nARG VERSION=1.2.3\nARG LATER\n"
        "LABEL v=$VERSION w=${LATER} x=v${VERSION}\n"
    )
    got = lint("invalid-label-semver", text, label_schema=dict.fromkeys("vwx", "semver"))
    # v is 1.2.3; w holds an ARG with no value: not judged
    assert [s for s, _ in got] == [Span(4, 31, 4, 42)]
    assert got[0][1].endswith(": `v1.2.3`.")


@pytest.mark.parametrize(
    ("fmt", "value", "valid"),
    [
        ("url", "http://example.com", True),
        ("url", "https://github.com/org/app/tree/main?x=1#readme", True),
        ("url", "https://[::1]:8080/", True),
        ("url", "mailto:team@example.com", True),
        ("url", "example.com", False),
        ("url", "not-url", False),
        ("url", "http://exa mple.com", False),
        ("url", "http://example.com/%zz", False),
        ("rfc3339", "2021-03-10T10:26:33.564595127+01:00", True),
        ("rfc3339", "2021-03-10T10:26:33Z", True),
        ("rfc3339", "2021-03-10t10:26:33z", True),
        ("rfc3339", "2016-12-31T23:59:60Z", True),
        ("rfc3339", "2021-03-10", False),
        ("rfc3339", "2021-02-30T10:26:33Z", False),
        ("rfc3339", "2021-03-10T24:00:00Z", False),
        ("rfc3339", "2021-03-10T10:26:33", False),
        ("rfc3339", "not-a-date", False),
        ("spdx", "MIT", True),
        ("spdx", "mit", True),
        ("spdx", "Apache-2.0", True),
        ("spdx", "GPL-2.0-or-later", True),
        ("spdx", "GPL-2.0+", True),
        ("spdx", "GPL-2.0", True),  # deprecated, still on the list
        ("spdx", "MIT OR Apache-2.0", True),
        ("spdx", "(MIT OR Apache-2.0) AND BSD-3-Clause", True),
        ("spdx", "GPL-2.0-or-later WITH Classpath-exception-2.0", True),
        ("spdx", "LicenseRef-Proprietary", True),
        ("spdx", "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", True),
        ("spdx", "Apache 2", False),
        ("spdx", "not-spdx", False),
        ("spdx", "MIT OR", False),
        ("spdx", "(MIT", False),
        ("spdx", "MIT Or Apache-2.0", False),
        ("spdx", "MIT WITH MIT", False),
        ("hash", "43c572f1272b6b3171dd1db9e41b7027128ce080", True),
        ("hash", "43c572f", True),
        ("hash", "43C572F", False),
        ("hash", "43c572f1", False),
        ("hash", "not-git-hash", False),
        ("semver", "1.0.0", True),
        ("semver", "2.0.1-rc1", True),
        ("semver", "1.0.0-alpha.1+build.5", True),
        ("semver", "v1.0.0", False),
        ("semver", "1.0", False),
        ("semver", "01.0.0", False),
        ("semver", "not-sem-ver", False),
        ("email", "abcd@google.com", True),
        ("email", "first.last+tag@sub.example.org", True),
        ("email", '"john doe"@example.com', True),
        ("email", "user@[192.168.0.1]", True),
        ("email", "abcd", False),
        ("email", "Team <team@example.com>", False),  # a display name: not an addr-spec
        ("email", "abcd@", False),
        ("email", "a@b@c.com", False),
        ("email", "first..last@example.com", False),
        ("email", "user@-example.com", False),
        ("text", "anything at all", True),
    ],
)
def test_label_formats(fmt: str, value: str, valid: bool) -> None:
    text = f"FROM alpine:3.20\nLABEL l='{value}'\n"
    got = [] if fmt == "text" else lint(f"invalid-label-{fmt}", text, label_schema={"l": fmt})
    assert (got == []) is valid, got


def test_invalid_label_leaves_empty_values_to_empty_label() -> None:
    text = 'FROM alpine:3.20\nLABEL l=""\n'
    assert lint("invalid-label-url", text, label_schema={"l": "url"}) == []
    assert lint("empty-label", text, label_schema={"l": "url"}) != []
