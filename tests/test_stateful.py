"""The stateful-image knowledge base: looking an image up by its repository finds the
entry that a scan of the whole base, in order, finds."""

from __future__ import annotations

from dlint.ir.common import Span
from dlint.ir.image import ImageRef
from dlint.rules._shared import stateful


def _scan(ref: ImageRef) -> stateful.StatefulImage | None:
    key = (ref.registry, ref.repository)
    for image in stateful.knowledge():
        matches = [*image.match, *(m for v in image.variants for m in v.match or ())]
        if any(stateful._same(key, m) for m in matches):
            return image
    return None


def test_lookup_finds_what_a_scan_finds() -> None:
    names: set[str] = set()
    for image in stateful.knowledge():
        for registry, repository in [
            *image.match,
            *(m for v in image.variants for m in v.match or ()),
        ]:
            short = repository.split("/")[-1]
            names.update(
                {
                    repository,
                    f"{registry}/{repository}:1",
                    short,
                    f"mirror.example.com/hub/{repository}",  # a mirror of Docker Hub
                    f"mirror.example.com/{short}",
                    f"ghcr.io/someone/{short}",
                    f"quay.io/{repository}",
                }
            )
    checked = 0
    for name in sorted(names):
        try:
            ref = ImageRef.parse(name, Span.point(1))
        except ValueError:
            continue
        assert stateful.lookup(ref) is _scan(ref), name
        checked += 1
    assert checked > 500
    found = stateful.lookup(
        ImageRef.parse("mirror.example.com/hub/library/postgres", Span.point(1))
    )
    assert found is not None and found.name == "postgres"
