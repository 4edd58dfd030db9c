"""Check a merged Compose model against the compose-spec JSON schema, and what the
schema cannot say (conflicting keys, dependency cycles, undefined references).

The schema is the official one: ``compose-spec.json`` from compose-spec/compose-spec
(``schema/compose-spec.json``, commit 170098ba, Apache-2.0); update it by copying a
newer release of that file. ``compose-spec.compose-go.json`` is compose-go's copy of
the same schema (commit e70e961c, Apache-2.0), which is newer: what only it accepts
(such as ``build.no_cache_filter``) is reported as information, not as an error.
Both are checked with jsonschema, once each per model. Errors are turned into
one-line messages at the position of the offending node. A key the schema does not
know is reported as information only: it may be newer than the schema dlint ships.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

from dlint.ir.common import Severity
from dlint.ir.text import quote
from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence, node_text
from dlint.rule import Finding


def _problem(node: YNode, message: str, severity: Severity | None = None) -> Finding:
    """A finding at ``node`` (in whichever file wrote it)."""
    return Finding(node.span, message, path=node.file, severity=severity)


_TYPE_NAMES = {
    "string": "a string", "number": "a number", "integer": "an integer", "boolean": "a boolean",
    "object": "a mapping", "array": "a list", "null": "null",
}  # fmt: skip


@lru_cache(maxsize=2)
def _validator(name: str = "compose-spec.json") -> Any:
    from jsonschema import Draft7Validator, Draft202012Validator

    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    schema = json.loads(text)
    # the spec repo's schema is draft-07; compose-go's copy is draft 2020-12
    cls = Draft202012Validator if "$defs" in schema else Draft7Validator
    return cls(schema)


def _valid(instance: Any) -> bool:
    """Whether ``instance`` is valid for the Compose schema, by the schema compiled to
    code (scripts/compose_schema_code.py): the errors themselves come from jsonschema."""
    from . import compose_schema_valid

    try:
        compose_schema_valid.validate_compose_spec_json(instance)  # type: ignore[no-untyped-call]
    except compose_schema_valid.JsonSchemaValueException:
        return False
    return True


class _NewerSchema:
    """Where compose-go's newer schema finds errors in one model, validated once.

    An error at ``path`` is one the newer schema accepts when none of its own
    errors is at ``path``, above it or below it. The paths and all their
    prefixes are kept in sets, so each question costs the length of ``path``.
    """

    def __init__(self, instance: Any) -> None:
        self.errors: set[tuple[Any, ...]] = set()
        self.above: set[tuple[Any, ...]] = set()  # every prefix of an error path
        for error in _validator("compose-spec.compose-go.json").iter_errors(instance):
            path = tuple(error.absolute_path)
            self.errors.add(path)
            self.above.update(path[:i] for i in range(len(path) + 1))

    def accepts(self, path: tuple[Any, ...]) -> bool:
        if path in self.above:  # an error at path or below it
            return False
        return not any(path[:i] in self.errors for i in range(len(path)))


def to_python(node: YNode) -> Any:
    """The plain value jsonschema checks (keys as strings)."""
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YSequence):
        return [to_python(i) for i in node.items]
    return {str(k.value) if k.value is not None else k.text: to_python(v) for k, v in node.pairs}


def node_at(root: YNode, path: tuple[Any, ...]) -> tuple[YNode, YScalar | None]:
    """The node at a JSON path, and the key naming it (for mapping members)."""
    node: YNode = root
    key: YScalar | None = None
    for part in path:
        if isinstance(node, YMapping):
            found = None
            for k, v in node.pairs:
                if (str(k.value) if k.value is not None else k.text) == part:
                    found = (k, v)
                    break
            if found is None:
                break
            key, node = found
        elif isinstance(node, YSequence) and isinstance(part, int) and part < len(node.items):
            node, key = node.items[part], None
        else:
            break
    return node, key


def dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def _types(schema_type: Any) -> str:
    names = [schema_type] if isinstance(schema_type, str) else list(schema_type)
    words = [_TYPE_NAMES.get(n, n) for n in names]
    return " or ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " or " + words[-1]


def _describe(error: Any) -> str:
    path = dotted(tuple(error.absolute_path))
    validator = error.validator
    if validator == "type":
        return f"{path} must be {_types(error.validator_value)}"
    if validator == "required":
        missing = re.match(r"'(.*)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        return f"{path}: missing required key {name!r}"
    if validator == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        return f"{path} must be one of: {options}"
    if validator in ("minimum", "exclusiveMinimum"):
        return f"{path} must be greater than or equal to {error.validator_value}"
    if validator in ("maximum", "exclusiveMaximum"):
        return f"{path} must be less than or equal to {error.validator_value}"
    if validator == "uniqueItems":
        return f"{path} must not repeat an item"
    if validator in ("minItems", "minProperties"):
        return f"{path} must not be empty"
    if validator == "pattern":
        return f"{path} does not match the expected form ({error.validator_value})"
    if validator in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        if best is not None and best.validator not in ("oneOf", "anyOf", "additionalProperties"):
            return _describe(best)
        return f"{path} is not in any of the forms Compose accepts"
    if validator == "not":
        return f"{path} is not allowed here"
    if validator == "format":
        return f"{path} is not a valid {error.validator_value}"
    # jsonschema's own messages quote the value, which may come from an env file
    return f"{path} is not valid for Compose (fails the schema's {validator!r} check)"


def _unknown_keys(error: Any, root: YNode) -> Iterator[tuple[str, YScalar | None, YNode]]:
    node, _ = node_at(root, tuple(error.absolute_path))
    if not isinstance(node, YMapping):
        return
    schema = error.schema
    allowed = set(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    for key, value in node.pairs:
        name = str(key.value) if key.value is not None else key.text
        if name not in allowed and not any(p.search(name) for p in patterns):
            yield name, key, value


def _non_string_keys(node: YNode, path: tuple[Any, ...]) -> Iterator[Finding]:
    if isinstance(node, YMapping):
        for key, value in node.pairs:
            if not isinstance(key.value, str):
                where = f"in {dotted(path)}" if path else "at top level"
                yield _problem(key, f"non-string key {where}: {key.text}")
            yield from _non_string_keys(value, (*path, str(key.value)))
    elif isinstance(node, YSequence):
        for i, item in enumerate(node.items):
            yield from _non_string_keys(item, (*path, i))


def _branch_unknown_only(error: Any) -> list[Any] | None:
    """For a oneOf/anyOf error: the unknown-key errors of a branch that fails only on them."""
    branches: dict[Any, list[Any]] = {}
    for sub in error.context or ():
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    for subs in branches.values():
        if subs and all(s.validator == "additionalProperties" for s in subs):
            return subs
    return None


def _one_typo(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` with one letter added, dropped, changed or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return shorter[i:] == longer[i + 1 :]


def _unknown_key_problems(
    error: Any, root: YMapping, newer: Callable[[], _NewerSchema]
) -> Iterator[Finding]:
    """A key the schema does not know: an error when it looks like a misspelt known key
    that the newer schema does not know either; information otherwise (it may be newer)."""
    path = tuple(error.absolute_path)
    known = list(error.schema.get("properties", {}))
    for name, key, value in _unknown_keys(error, root):
        where = dotted(path)
        span_node = key if key is not None else value
        if (
            not path
            and isinstance(value, YMapping)
            and (value.get("image") is not None or value.get("build") is not None)
        ):
            yield _problem(
                span_node,
                f"service {name!r} at the top level: this is the version 1 file format, "
                "which Compose no longer reads; put services under `services:`",
            )
            continue
        close = [k for k in known if len(name) >= 4 and _one_typo(name, k)]
        if close and not newer().accepts(path):
            yield _problem(
                span_node,
                f"unknown key {name!r} in {where}: did you mean {close[0]!r}? "
                "(Compose refuses keys it does not know)",
            )
            continue
        yield _problem(
            span_node,
            f"unknown key {name!r} in {where} (not in the Compose schema dlint knows; "
            "it may be newer, or misspelt)",
            Severity.INFO,
        )


def validate(root: YMapping) -> Iterator[Finding]:
    """Schema problems of the merged model ``root``."""
    bad_keys = list(_non_string_keys(root, ()))
    yield from bad_keys
    if bad_keys:
        return  # the schema would only repeat them less clearly
    instance = to_python(root)
    if _valid(instance):
        return  # the common case, without importing jsonschema
    found: list[_NewerSchema] = []

    def newer() -> _NewerSchema:  # validated once, and only when something is wrong
        if not found:
            found.append(_NewerSchema(instance))
        return found[0]

    for error in _validator().iter_errors(instance):
        path = tuple(error.absolute_path)
        if error.validator in ("oneOf", "anyOf"):
            unknown = _branch_unknown_only(error)
            if unknown is not None:
                for sub in unknown:
                    yield from _unknown_key_problems(sub, root, newer)
                continue
        if error.validator == "additionalProperties":
            yield from _unknown_key_problems(error, root, newer)
            continue
        node, _ = node_at(root, path)
        if _depends_on_unset(node):
            continue  # reported as undefined-variable; the value is unknown, not wrong
        if newer().accepts(path):
            yield _problem(
                node,
                f"{_describe(error)} for this schema, but newer Compose releases accept it",
                Severity.INFO,
            )
            continue
        yield _problem(node, _describe(error))


def _depends_on_unset(node: YNode, budget: int = 2000) -> bool:
    """Whether a value (or anything in it) came from a variable without a value."""
    stack = [node]
    while stack and budget > 0:
        budget -= 1
        current = stack.pop()
        if isinstance(current, YScalar):
            if current.unresolved:
                return True
        elif isinstance(current, YSequence):
            stack.extend(current.items)
        else:
            stack.extend(v for _, v in current.pairs)
    return False


def _mapping(node: YNode | None) -> YMapping | None:
    return node if isinstance(node, YMapping) else None


def semantic(root: YMapping, fragment: bool) -> Iterator[Finding]:
    """What Compose refuses beyond the schema."""
    for section in ("volumes", "networks", "secrets", "configs"):
        for name, value in (
            _mapping(root.get(section)) or YMapping((), root.span, root.file)
        ).items():
            item = _mapping(value)
            if item is None:
                continue
            external = item.get("external")
            ext_true = isinstance(external, YScalar) and external.value is True
            ext_map = _mapping(external)
            if ext_true or ext_map is not None:
                for conflict in ("driver", "driver_opts", "labels"):
                    key = item.key_node(conflict)
                    if key is not None and section in ("volumes", "networks"):
                        yield _problem(
                            key,
                            f'{section}.{name}: conflicting parameters "external" and "{conflict}" specified',
                        )
            if (
                ext_map is not None
                and ext_map.get("name") is not None
                and item.get("name") is not None
            ):
                key = item.key_node("name")
                assert key is not None
                yield _problem(
                    key,
                    f"{section}.{name}: name and external.name conflict; only use name",
                )
    services = _mapping(root.get("services"))
    if services is None:
        return
    yield from _service_checks(root, services, fragment)


def _service_checks(root: YMapping, services: YMapping, fragment: bool) -> Iterator[Finding]:
    declared = {
        section: set((_mapping(root.get(section)) or YMapping((), root.span, root.file)).keys())
        for section in ("networks", "volumes", "secrets", "configs")
    }
    names = set(services.keys())
    graph: dict[str, list[str]] = {}
    for name, entry in services.items():
        svc = _mapping(entry)
        if svc is None:
            continue
        for mount in _seq(svc.get("volumes")):
            m = _mapping(mount)
            if (
                m is not None
                and node_text(m.get("type")) == "bind"
                and not node_text(m.get("source"))
            ):
                yield _problem(
                    m,
                    'invalid mount config for type "bind": field Source must not be empty',
                )
        yield from _device_checks(svc)
        deps = svc.get("depends_on")
        targets = _dep_names(deps)
        graph[name] = [t for t, _ in targets]
        if fragment:
            continue
        for target, node in targets:
            if target not in names:
                yield _problem(
                    node,
                    f"service {name!r} depends on undefined service {quote(node.written)}",
                )
        for net, node in _dep_names(svc.get("networks")):
            if net not in declared["networks"] and net != "default":
                yield _problem(
                    node,
                    f"service {name!r} refers to undefined network {quote(node.written)}",
                )
        for section in ("secrets", "configs"):
            for ref in _seq(svc.get(section)):
                ref_map = _mapping(ref)
                ref_node = ref_map.get("source") if ref_map else ref
                ref_name = node_text(ref_node)
                if ref_name and ref_name not in declared[section]:
                    assert isinstance(ref_node, YScalar)
                    yield _problem(
                        ref,
                        f"service {name!r} refers to undefined {section[:-1]} "
                        f"{quote(ref_node.written)}",
                    )
        for mount in _seq(svc.get("volumes")):
            volume = _named_volume(mount)
            if volume is not None and volume[0] not in declared["volumes"]:
                yield _problem(
                    volume[2],
                    f"service {name!r} refers to undefined volume {quote(volume[1])}",
                )
        mode = node_text(svc.get("network_mode"))
        if mode is not None and svc.get("networks") is not None:
            key = svc.key_node("network_mode")
            assert key is not None
            yield _problem(
                key,
                f"service {name!r} declares mutually exclusive `network_mode` and `networks`",
            )
        if (
            mode is not None
            and mode.startswith("service:")
            and mode[len("service:") :] not in names
        ):
            mode_node = svc.get("network_mode")
            assert isinstance(mode_node, YScalar)
            yield _problem(
                mode_node,
                f"service {name!r} uses network_mode of an undefined service: "
                f"{quote(mode_node.written)}",
            )
        if all(svc.get(k) is None for k in ("image", "build", "extends", "provider")):
            key = services.key_node(name)
            assert key is not None
            yield _problem(
                key,
                f"service {name!r} has neither an image nor a build context specified",
            )
    yield from _cycles(graph, services)


def _named_volume(mount: YNode) -> tuple[str, str, YScalar] | None:
    """The named volume a service's ``volumes`` entry mounts, as (name, as written, the
    node that names it: the entry, or the ``source:`` of a long-syntax one); None
    for a bind mount, an anonymous volume, tmpfs, or a name from a variable with no
    value. As compose-go reads it: a source starting with ``.``, ``/`` or ``~`` (or a
    Windows drive) is a host path."""
    m = _mapping(mount)
    if m is not None:
        if node_text(m.get("type")) != "volume":
            return None
        source = m.get("source")
    elif isinstance(mount, YScalar) and mount.is_string:
        source = mount
    else:
        return None
    if not isinstance(source, YScalar) or source.unresolved:
        return None
    text = node_text(source) or ""
    if m is None:  # short syntax: SOURCE:TARGET[:MODE], a lone path is anonymous
        if len(text) > 1 and text[1] == ":" and text[0].isalpha():
            return None  # C:\data:/data, a Windows host path
        name, colon, _rest = text.partition(":")
        if not colon:
            return None
        text = name
    if not text or text[0] in "./~" or (len(text) > 1 and text[1] == ":"):
        return None
    written = source.written.partition(":")[0] if m is None else source.written
    return text, written, source


def _seq(node: YNode | None) -> tuple[YNode, ...]:
    return node.items if isinstance(node, YSequence) else ()


def _dep_names(node: YNode | None) -> list[tuple[str, YScalar]]:
    """(name, the node that writes it) of a list of names or a mapping keyed by them."""
    if isinstance(node, YSequence):
        return [(node_text(i) or "", i) for i in node.items if isinstance(i, YScalar)]
    if isinstance(node, YMapping):
        return [(str(k.value), k) for k, _ in node.pairs]
    return []


def _device_checks(svc: YMapping) -> Iterator[Finding]:
    deploy = _mapping(svc.get("deploy"))
    resources_node = _mapping(deploy.get("resources")) if deploy else None
    reservations = _mapping(resources_node.get("reservations")) if resources_node else None
    devices = _seq(reservations.get("devices")) if reservations else ()
    for device in devices:
        d = _mapping(device)
        if d is None:
            continue
        count = d.get("count")
        if count is not None and d.get("device_ids") is not None:
            yield _problem(d, '"count" and "device_ids" attributes are exclusive')
        if isinstance(count, YScalar) and isinstance(count.value, str) and count.value != "all":
            try:
                int(count.value)
            except ValueError:
                yield _problem(
                    count,
                    f"invalid value {quote(count.written)}, the only value allowed is 'all' or "
                    "a number",
                )


def _cycles(graph: dict[str, list[str]], services: YMapping) -> Iterator[Finding]:
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()

    def visit(name: str, stack: list[str]) -> Iterator[Finding]:
        state[name] = 1
        stack.append(name)
        for dep in graph.get(name, []):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep) :], dep]
                members = frozenset(cycle)
                if members not in reported:
                    reported.add(members)
                    key = services.key_node(cycle[0])
                    assert key is not None
                    yield _problem(key, f"dependency cycle detected: {' -> '.join(cycle)}")
            elif state.get(dep) is None:
                yield from visit(dep, stack)
        stack.pop()
        state[name] = 2

    for name in graph:
        if state.get(name) is None:
            yield from visit(name, [])
