"""What dclint's layout rules (DC501-DC507) read the same way: each Compose file as it
is written, how JavaScript's ``localeCompare`` orders names, which pairs a mapping
writes itself, and which names are out of order."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence

if TYPE_CHECKING:
    from dlint.ir.project import Project

# The order of printable ASCII in the Unicode collation (CLDR root, as ICU and so
# JavaScript's `localeCompare` apply it): spaces and punctuation, symbols, digits,
# then letters with lower case first.
_ASCII_ORDER = (
    " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789"
    "aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ"
)
_WEIGHTS: dict[str, tuple[int, int]] = {}
for _i, _c in enumerate(_ASCII_ORDER):
    _base = _ASCII_ORDER.index(_c.lower()) if _c.isalpha() else _i
    _WEIGHTS[_c] = (_base, 1 if _c.isupper() else 0)
_ZERO = _WEIGHTS["0"][0]
_DIGITS = re.compile(r"[0-9]+")

CollationKey = tuple[tuple[tuple[int, int], ...], tuple[int, ...]]


def _weight(char: str) -> tuple[int, int]:
    known = _WEIGHTS.get(char)
    if known is not None:
        return known
    base = unicodedata.normalize("NFD", char)[0]  # an accented letter sorts by its base
    known = _WEIGHTS.get(base)
    if known is not None:
        return known
    return (len(_ASCII_ORDER) + ord(base), 1 if char.isupper() else 0)


def collation_key(text: str, numeric: bool = False) -> CollationKey:
    """A sort key that orders strings as JavaScript's ``a.localeCompare(b)`` does
    (``numeric``: as ``localeCompare(b, "en", {numeric: true})``, where a run of
    digits compares as a number). Primary weights first, case only to break ties."""
    primary: list[tuple[int, int]] = []
    tertiary: list[int] = []
    at = 0
    while at < len(text):
        run = _DIGITS.match(text, at) if numeric else None
        if run is not None:
            primary.append((_ZERO, int(run.group())))
            at = run.end()
            continue
        weight, case = _weight(text[at])
        primary.append((weight, 0))
        tertiary.append(case)
        at += 1
    return (tuple(primary), tuple(tertiary))


def written_here(key: YScalar, value: YNode) -> bool:
    """Whether ``value`` is written right after ``key`` (not an alias of a node written
    elsewhere, which the ordering rules check where it is written)."""
    return value.file == key.file and (value.span.line, value.span.column) > (
        key.span.line,
        key.span.column,
    )


def own_pairs(mapping: YMapping) -> list[tuple[YScalar, YNode]]:
    """The pairs written in ``mapping`` itself, in file order: not those a ``<<`` merge
    key brings from an anchor."""
    out: list[tuple[YScalar, YNode]] = []
    last = (mapping.span.line, mapping.span.column - 1)
    for key, value in mapping.pairs:  # merged pairs follow the written ones, from elsewhere
        start = (key.span.line, key.span.column)
        if key.file != mapping.file or start <= last:
            break
        out.append((key, value))
        last = start
    return out


def name_of(key: YScalar) -> str:
    """A key as dclint reads it (``String(key.value)``), with ``${VAR}`` as written."""
    if isinstance(key.value, bool):
        return "true" if key.value else "false"
    if key.value is None:
        return "null" if key.text in ("", "~", "null", "Null", "NULL") else key.text
    return key.written


def misplaced(names: Sequence[str], numeric: bool = False) -> Iterator[tuple[int, str]]:
    """(index, name) for each name that sorts before a name above it, with the first
    name above it in sorted order that sorts after it (where it belongs), as dclint's
    services-alphabetical-order finds it. O(n log n) in the names' keys."""
    keys: list[CollationKey] = []  # the names seen so far, sorted
    shown: list[str] = []
    for index, name in enumerate(names):
        key = collation_key(name, numeric)
        at = bisect.bisect_right(keys, key)
        if at < len(keys):
            yield index, shown[at]
        keys.insert(at, key)
        shown.insert(at, name)


def services_of(root: YMapping) -> YMapping | None:
    services = root.get("services")
    return services if isinstance(services, YMapping) else None


def written_documents(project: Project) -> Iterator[YMapping]:
    """Each Compose file's model as it is written, once: a file that several projects
    read (an included or extended one) is the same text in each."""
    done: set[str] = set()
    for compose in project.compose:
        for display, root in compose.documents:
            if display not in done:
                done.add(display)
                yield root


def written_services(root: YMapping) -> Iterator[tuple[YScalar, YMapping]]:
    """The services a file writes itself, with their keys (not those a ``<<`` merge key
    or an alias brings from elsewhere)."""
    services = services_of(root)
    if services is None:
        return
    for key, service in own_pairs(services):
        if isinstance(service, YMapping) and written_here(key, service):
            yield key, service


def written_member(mapping: YMapping, name: str) -> tuple[YScalar, YNode] | None:
    """The first pair ``mapping`` writes itself under the key ``name``, when its value is
    written there too."""
    found = next(((k, v) for k, v in own_pairs(mapping) if name_of(k) == name), None)
    return found if found is not None and written_here(*found) else None


def section_items(root: YMapping, section: str) -> Iterator[YScalar]:
    """The scalar entries of the list ``section`` (``ports``, ``volumes``...) of each
    service, merged ones included: an entry an anchor brings twice comes twice."""
    services = services_of(root)
    if services is None:
        return
    for _key, service in services.pairs:
        entries = service.get(section) if isinstance(service, YMapping) else None
        if isinstance(entries, YSequence):
            yield from (item for item in entries.items if isinstance(item, YScalar))
