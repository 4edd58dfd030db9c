"""Where stateful images keep their data: the knowledge base in stateful_images.json.

The data (which images, which paths, which variables move them) lives in the
JSON file beside this module, with a source for every entry; this module only
matches an image reference against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dlint.ir.common import Span
from dlint.ir.image import ImageRef


@dataclass(frozen=True, slots=True)
class _Variant:
    match: tuple[tuple[str, str], ...] | None  # (registry, repository) pairs
    tag: re.Pattern[str] | None
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StatefulImage:
    name: str
    match: tuple[tuple[str, str], ...]
    paths: tuple[str, ...]
    variants: tuple[_Variant, ...]
    path_env: tuple[str, ...]
    source: str
    ephemeral_command: tuple[re.Pattern[str], ...] = ()  # a command that turns persistence off

    def ephemeral(self, command: str) -> bool:
        return any(p.search(command) for p in self.ephemeral_command)

    def paths_for(self, ref: ImageRef) -> tuple[tuple[str, ...], ...]:
        """The data paths for this reference.

        Each candidate is a set of paths that must all be covered. There is one
        candidate when the reference is fully known; when a variable left its
        tag unknown, every variant it could match is a candidate and covering
        any one of them is enough.
        """
        key = _key(ref)
        tag_unknown = bool(ref.unresolved)
        candidates: list[tuple[str, ...]] = []
        for variant in self.variants:
            if variant.match is not None and not any(_same(key, m) for m in variant.match):
                continue
            if variant.tag is not None:
                if tag_unknown:
                    candidates.append(variant.paths)  # it may apply
                    continue
                if not variant.tag.search(ref.tag or ""):
                    continue
            candidates.append(variant.paths)
            return tuple(dict.fromkeys(candidates))
        candidates.append(self.paths)
        return tuple(dict.fromkeys(candidates))


def _key(ref: ImageRef) -> tuple[str, str]:
    return (ref.registry, ref.repository)


def _same(key: tuple[str, str], entry: tuple[str, str]) -> bool:
    """Same repository, on any registry; or a mirror path ending in a Docker Hub one."""
    repository = key[1]
    if repository == entry[1]:
        return True
    return entry[0] == "docker.io" and repository.endswith("/" + entry[1])


_POINT = Span(1, 1, 1, 1)


def _ref(text: str) -> tuple[str, str]:
    return _key(ImageRef.parse(text, _POINT))


@lru_cache(maxsize=1)
def knowledge() -> tuple[StatefulImage, ...]:
    import json  # here: only runs that need the data pay for reading it
    from importlib import resources

    text = resources.files(__package__).joinpath("stateful_images.json").read_text(encoding="utf-8")
    data = json.loads(text)
    images = []
    for entry in data["images"]:
        variants = tuple(
            _Variant(
                tuple(_ref(m) for m in v["match"]) if "match" in v else None,
                re.compile(v["tag_regex"]) if "tag_regex" in v else None,
                tuple(v["paths"]),
            )
            for v in entry.get("variants", ())
        )
        images.append(
            StatefulImage(
                entry["name"],
                tuple(_ref(m) for m in entry["match"]),
                tuple(entry["paths"]),
                variants,
                tuple(entry.get("path_env", ())),
                entry.get("source", ""),
                tuple(re.compile(p) for p in entry.get("ephemeral_command", ())),
            )
        )
    return tuple(images)


def lookup(ref: ImageRef) -> StatefulImage | None:
    """The knowledge-base entry for an image reference (registry mirrors included): the
    first that names its repository (``_same``), found by the repository and each of
    its tails after a ``/``."""
    repository = _key(ref)[1]
    index = _by_repository()
    found = [i for i, _ in index.get(repository, ())]
    parts = repository.split("/")
    for k in range(1, len(parts)):
        tail = index.get("/".join(parts[k:]), ())
        found += [i for i, registry in tail if registry == "docker.io"]
    return knowledge()[min(found)] if found else None


@lru_cache(maxsize=1)
def _by_repository() -> dict[str, list[tuple[int, str]]]:
    """Where each repository the knowledge base matches is: (entry, registry)."""
    out: dict[str, list[tuple[int, str]]] = {}
    for i, image in enumerate(knowledge()):
        variants = [m for v in image.variants for m in v.match or ()]
        for registry, repository in (*image.match, *variants):
            out.setdefault(repository, []).append((i, registry))
    return out
