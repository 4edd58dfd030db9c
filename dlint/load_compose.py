"""Load a Compose project from disk into IR, with its services' Dockerfiles."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from dlint.files import LoadError, read_text
from dlint.ir.compose import ComposeProject
from dlint.ir.dockerfile import Dockerfile

# (Dockerfile path, context folder) -> the Dockerfile, or why it cannot be had
DockerfileGetter = Callable[[Path, Path], "Dockerfile | LoadError"]


def load_compose_project(
    files: list[Path],
    fragment: bool,
    display: Callable[[Path], str],
    get_dockerfile: DockerfileGetter,
    environ: Mapping[str, str] | None = None,
) -> ComposeProject:
    """Load, merge and check ``files`` as one project; link its Dockerfiles."""
    from dlint.parsers.compose.load import LoadContext, Loader
    from dlint.parsers.compose.model import build_project

    ctx = LoadContext(read_text, display, environ)
    loaded = Loader(ctx).load(files, fragment)

    def dockerfiles(path: Path, context: Path) -> Dockerfile | str:
        if not path.is_file():
            return f"Dockerfile {display(path)} not found"
        result = get_dockerfile(path, context)
        if isinstance(result, LoadError):
            return f"Dockerfile {display(path)} cannot be read: {result.message}"
        return result

    return build_project(loaded, files[0].parent, display, dockerfiles, fragment)
