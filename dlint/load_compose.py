"""Load a Compose project from disk into IR, with its services' Dockerfiles."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from dlint.files import LoadError, ProjectFiles
from dlint.ir.compose import ComposeProject
from dlint.ir.dockerfile import Dockerfile

# (Dockerfile path, context folder) -> the Dockerfile, or why it cannot be had
DockerfileGetter = Callable[[Path, Path], "Dockerfile | LoadError"]


def load_compose_project(
    files: ProjectFiles,
    paths: list[Path],
    fragment: bool,
    display: Callable[[Path], str],
    get_dockerfile: DockerfileGetter,
    environ: Mapping[str, str] | None = None,
) -> ComposeProject:
    """Load, merge and check ``paths`` as one project; link its Dockerfiles."""
    from dlint.parsers.compose.load import LoadContext, Loader
    from dlint.parsers.compose.model import build_project

    ctx = LoadContext(files, display, environ)
    loaded = Loader(ctx).load(paths, fragment)

    def dockerfiles(path: Path, context: Path) -> Dockerfile | str:
        # Messages name the Dockerfile only: never what is written inside it.
        why = files.problem(path)
        if why is not None:
            return f"Dockerfile {display(path)} {why}"
        result = get_dockerfile(path, context)
        if isinstance(result, LoadError):
            return (
                f"Dockerfile {display(path)} cannot be read as a Dockerfile "
                f"(line {result.span.line}; see the parse-error on that file)"
            )
        return result

    return build_project(loaded, paths[0].parent, display, dockerfiles, fragment, files)
