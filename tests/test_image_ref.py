"""Image references are parsed and normalised like Docker's reference package."""

from __future__ import annotations

import pytest

from dlint.ir.common import Span
from dlint.ir.image import ImageRef

S = Span(1, 1, 1, 2)


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest", "name"),
    [
        ("postgres", "docker.io", "library/postgres", None, None, "postgres"),
        ("library/postgres:16", "docker.io", "library/postgres", "16", None, "postgres"),
        (
            "docker.io/library/postgres:16@sha256:" + "a" * 64,
            "docker.io",
            "library/postgres",
            "16",
            "sha256:" + "a" * 64,
            "postgres",
        ),
        (
            "index.docker.io/bitnami/redis",
            "docker.io",
            "bitnami/redis",
            None,
            None,
            "bitnami/redis",
        ),
        (
            "localhost:5000/team/app:dev",
            "localhost:5000",
            "team/app",
            "dev",
            None,
            "localhost:5000/team/app",
        ),
        ("ghcr.io/org/tool", "ghcr.io", "org/tool", None, None, "ghcr.io/org/tool"),
        (
            "mcr.microsoft.com/dotnet/sdk:8.0",
            "mcr.microsoft.com",
            "dotnet/sdk",
            "8.0",
            None,
            "mcr.microsoft.com/dotnet/sdk",
        ),
    ],
)
def test_parse(
    text: str, registry: str, repository: str, tag: str | None, digest: str | None, name: str
) -> None:
    ref = ImageRef.parse(text, S)
    assert (ref.registry, ref.repository, ref.tag, ref.digest, ref.name) == (
        registry,
        repository,
        tag,
        digest,
        name,
    )
    assert ref.valid


@pytest.mark.parametrize("text", ["", "org/Upper", "a:b:c", "/lead", "x@notadigest"])
def test_invalid(text: str) -> None:
    assert not ImageRef.parse(text, S).valid
