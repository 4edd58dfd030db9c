"""Read a Compose project from disk into IR, with its services' Dockerfiles.

One pass: assemble the files (read, merge, interpolate, extends, include),
then build the model and its facts. Checking them is the rules' job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from dlint.files import LoadError, ProjectFiles
from dlint.ir.compose import ComposeProject
from dlint.ir.dockerfile import Dockerfile

# (Dockerfile path, context folder) -> the Dockerfile, or why it cannot be had
DockerfileGetter = Callable[[Path, Path], "Dockerfile | LoadError"]


def read_compose_project(
    files: ProjectFiles,
    paths: list[Path],
    fragment: bool,
    display: Callable[[Path], str],
    get_dockerfile: DockerfileGetter,
    environ: Mapping[str, str] | None = None,
    env_files: tuple[Path, ...] = (),
) -> ComposeProject:
    """Read ``paths`` as one project (merged in order); link its Dockerfiles."""
    from dlint.parsers.compose.assemble import Assembler, Sources
    from dlint.parsers.compose.model import build_project

    assembled = Assembler(Sources(files, display, environ, env_files)).assemble(paths, fragment)

    def dockerfiles(path: Path, context: Path) -> Dockerfile | str:
        # Why it cannot be had names the Dockerfile only: never what is written inside it.
        why = files.problem(path)
        if why is not None:
            return why
        result = get_dockerfile(path, context)
        if isinstance(result, LoadError):
            return f"cannot be read as a Dockerfile (line {result.span.line})"
        return result

    return build_project(assembled, paths[0].parent, display, dockerfiles, fragment, files)
