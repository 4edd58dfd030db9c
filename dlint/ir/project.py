"""What a project rule reads: a Compose project and the Dockerfiles it builds, linked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlint.ir.dockerfile import Dockerfile

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject


@dataclass(frozen=True, slots=True)
class Project:
    """Dockerfiles and Compose projects, linked: a run gives its project rules one
    Compose project at a time, with the Dockerfiles its services build (or one
    Dockerfile that no service builds), and keeps only their findings.

    A service's ``build`` points at the Dockerfile (and stage) it builds; the
    same Dockerfile object is in ``dockerfiles``. Rules with scope ``project``
    receive this and may report on any file in it; one that compares projects
    defines ``gather`` (see ``dlint.rule.RuleMeta``).
    """

    dockerfiles: tuple[Dockerfile, ...] = ()
    compose: tuple[ComposeProject, ...] = ()

    def dockerfile(self, path: str) -> Dockerfile | None:
        for df in self.dockerfiles:
            if df.path == path:
                return df
        return None
