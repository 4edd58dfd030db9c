"""Everything dlint read in one run, linked together."""

from __future__ import annotations

from dataclasses import dataclass

from dlint.ir.dockerfile import Dockerfile


@dataclass(frozen=True, slots=True)
class Project:
    """The files of one run: Dockerfiles now, Compose projects beside them.

    Rules with scope ``project`` receive this and may report on any file in it.
    """

    dockerfiles: tuple[Dockerfile, ...] = ()

    def dockerfile(self, path: str) -> Dockerfile | None:
        for df in self.dockerfiles:
            if df.path == path:
                return df
        return None
