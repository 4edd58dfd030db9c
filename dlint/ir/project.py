"""Everything dlint read in one run, linked together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlint.ir.dockerfile import Dockerfile

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject


@dataclass(frozen=True, slots=True)
class Project:
    """The files of one run: Dockerfiles and Compose projects, linked.

    A service's ``build`` points at the Dockerfile (and stage) it builds; the
    same Dockerfile object is in ``dockerfiles``. Rules with scope ``project``
    receive this and may report on any file in it.
    """

    dockerfiles: tuple[Dockerfile, ...] = ()
    compose: tuple[ComposeProject, ...] = ()

    def dockerfile(self, path: str) -> Dockerfile | None:
        for df in self.dockerfiles:
            if df.path == path:
                return df
        return None
