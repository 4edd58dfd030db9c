"""The build context: .dockerignore matching as Docker does it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dlint.files import ProjectFiles
from dlint.ir.context import BuildContext
from dlint.parsers.context import list_context, load_context, parse_dockerignore

IGNORE = (
    "\n# comment\nnode_modules\n**/*.log\n/build\n!build/keep.txt\ndocs/**\n*.md\n"
    "!README.md\n  spaced/  \n"
)


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("node_modules", True),
        ("node_modules/x/index.js", True),
        ("src/node_modules/x", False),
        ("a.log", True),
        ("deep/er/b.log", True),
        ("build/out.bin", True),
        ("build/keep.txt", False),
        ("docs/guide/intro.txt", True),
        ("CHANGES.md", True),
        ("README.md", False),
        ("sub/NOTES.md", False),
        ("spaced/file", True),
        ("src/app.py", False),
        ("# comment", False),
    ],
)
def test_patterns(path: str, ignored: bool) -> None:
    ignore = parse_dockerignore(IGNORE, ".dockerignore")
    assert ignore.ignores(path) is ignored


def _files(root: Path) -> ProjectFiles:
    return ProjectFiles.around([root], root)


def _display(root: Path) -> Callable[[Path], str]:
    return lambda path: path.relative_to(root).as_posix() or "."


def test_listing_applies_dockerignore(tmp_path: Path) -> None:
    for name in ("Dockerfile", "package.json", "src/a.js", "node_modules/m/i.js", "notes.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / ".dockerignore").write_text("node_modules\n*.md\n")
    ctx = load_context(
        _files(tmp_path), _display(tmp_path), tmp_path, tmp_path / "Dockerfile", True
    )
    assert ctx.files == (".dockerignore", "Dockerfile", "package.json", "src/a.js")
    assert ctx.matching("src") == ("src/a.js",)
    assert ctx.matching("*.json") == ("package.json",)
    assert ctx.matching(".") == ctx.files


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    (tmp_path / "app.Dockerfile").write_text("FROM a\n")
    (tmp_path / "app.Dockerfile.dockerignore").write_text("secret\n")
    (tmp_path / ".dockerignore").write_text("other\n")
    ctx = load_context(
        _files(tmp_path), _display(tmp_path), tmp_path, tmp_path / "app.Dockerfile", False
    )
    assert ctx.dockerignore is not None and ctx.dockerignore.ignores("secret")
    assert ctx.files is None


def test_large_context_has_no_listing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dlint.parsers.context as context

    monkeypatch.setattr(context, "MAX_CONTEXT_ENTRIES", 3)
    for i in range(5):
        (tmp_path / f"f{i}").write_text("x")
    assert list_context(tmp_path, None) is None
    assert BuildContext(".").matching("x") is None
