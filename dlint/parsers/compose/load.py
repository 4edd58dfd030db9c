"""Load Compose files into one merged model, as ``docker compose`` does.

Per file: YAML (safe, positioned), documents merged, variables interpolated
from the project's ``.env``. Then files merged in order, ``!reset`` and
``!override`` applied, ``extends`` resolved (same file or another), ``include``
read (each included project with its own folder and ``.env``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dlint.files import NOT_FOUND, LoadError, ProjectFiles
from dlint.ir.common import Severity, Span
from dlint.ir.compose import ComposeProblem
from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence, node_text
from dlint.parsers.compose.interpolate import InterpolationLog, interpolate_tree, parse_dotenv
from dlint.parsers.compose.merge import MergeError, merge, strip_tags
from dlint.parsers.compose.yamlload import YamlError, load_yaml

SCHEMA = "compose-schema"
PARSE = "parse-error"
UNDEFINED = "undefined-variable"
# extends chains and include nesting deeper than this are not followed
MAX_REFERENCE_DEPTH = 64


@dataclass
class LoadContext:
    """What loading a project needs from outside: reading files, naming them."""

    files: ProjectFiles
    display: Callable[[Path], str]
    environ: Mapping[str, str] | None = None  # the machine's environment, when asked for


@dataclass
class Loaded:
    """A merged model, with where each file's relative paths start."""

    root: YMapping | None
    files: list[str]
    base_dirs: dict[str, Path]  # display file -> folder its relative paths start from
    problems: list[ComposeProblem] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    reported_variables: dict[str, int] = field(default_factory=dict)  # name -> uses
    missing_files: set[str] = field(default_factory=set)  # reported once each
    # each file is read once per project and environment, however often it is referenced
    parsed: dict[tuple[Path, int], YMapping | None] = field(default_factory=dict)
    included: set[tuple[Path, ...]] = field(default_factory=set)
    envs: dict[tuple[Path, tuple[Path, ...]], dict[str, str]] = field(default_factory=dict)
    # values substituted from env files and the environment: messages must never show them
    substituted: dict[str, str] = field(default_factory=dict)
    env_problems: set[str] = field(default_factory=set)  # env files reported once each


class Loader:
    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx

    def _problem(self, loaded: Loaded, rule: str, message: str, span: Span, file: str,
                 severity: Severity | None = None) -> None:  # fmt: skip
        loaded.problems.append(ComposeProblem(rule, message, span, file, severity))

    def read_file(
        self, path: Path, env: Mapping[str, str], loaded: Loaded, required: bool
    ) -> YMapping | None:
        """One file: its documents merged and interpolated; None when unusable.

        Read once per project and environment: a file included or extended from
        many places (a diamond) costs one read.
        """
        key = (_real(path), id(env))
        if key in loaded.parsed:
            return loaded.parsed[key]
        loaded.parsed[key] = None  # a file that reaches itself again reads as nothing
        result = self._read_file(path, env, loaded, required)
        loaded.parsed[key] = result
        return result

    def _read_file(
        self, path: Path, env: Mapping[str, str], loaded: Loaded, required: bool
    ) -> YMapping | None:
        display = self.ctx.display(path)
        try:
            text = self.ctx.files.read_text(path)
        except LoadError as exc:
            self._problem(loaded, PARSE, exc.message, exc.span, display)
            return None
        try:
            documents, dupes = load_yaml(text, display)
        except YamlError as exc:
            self._problem(loaded, PARSE, exc.message, exc.span, display)
            return None
        for d in dupes:
            self._problem(loaded, SCHEMA, d.message, d.span, display)
        root: YNode | None = None
        for doc in documents:
            if isinstance(doc, YScalar) and doc.value is None:
                continue
            if not isinstance(doc, YMapping):
                self._problem(
                    loaded, SCHEMA, "top-level object must be a mapping", doc.span, display
                )
                return None
            log = InterpolationLog()
            doc = interpolate_tree(doc, env, log)
            self._report_interpolation(loaded, log)
            try:
                root = doc if root is None else merge(root, doc)
            except MergeError as exc:
                self._problem(loaded, SCHEMA, exc.message, exc.node.span, exc.node.file)
        if root is None:
            if required:
                self._problem(loaded, SCHEMA, "empty compose file", Span.point(1), display)
            return None
        assert isinstance(root, YMapping)
        return root

    def _report_interpolation(self, loaded: Loaded, log: InterpolationLog) -> None:
        loaded.substituted.update(log.used)
        for message, node in log.errors:
            self._problem(loaded, SCHEMA, message, node.span, node.file)
        for message, node in log.limits:
            self._problem(loaded, PARSE, message, node.span, node.file)
        uses: dict[str, list[YScalar]] = {}
        for name, node in log.unresolved:
            uses.setdefault(name, []).append(node)
        for name, nodes in uses.items():
            if name in loaded.reported_variables:
                loaded.reported_variables[name] += len(nodes)
                continue
            loaded.reported_variables[name] = len(nodes)
            first = nodes[0]
            more = f" (and {len(nodes) - 1} more uses in this file)" if len(nodes) > 1 else ""
            self._problem(
                loaded,
                UNDEFINED,
                f"variable {name!r} is not set (no .env value, no default): Compose uses an "
                f"empty string{more}",
                first.span,
                first.file,
            )
        for name, message, node in log.required:
            self._problem(
                loaded,
                UNDEFINED,
                f"required variable {name!r} is missing a value: {message}",
                node.span,
                node.file,
            )

    def env(
        self,
        loaded: Loaded,
        directory: Path,
        env_files: tuple[Path, ...] = (),
        where: YNode | None = None,
    ) -> dict[str, str]:
        """Variables for interpolation: ``env_files`` in order (later ones win), or
        the folder's ``.env`` when there are none; then the machine's, if asked for.

        One mapping per source, so files read with it are cached once.
        """
        key = (directory, env_files)
        if key in loaded.envs:
            return loaded.envs[key]
        values: dict[str, str] = {}
        for path in env_files or (directory / ".env",):
            shown = self.ctx.display(path)
            why = self.ctx.files.problem(path)
            if (
                why is not None
                and not env_files
                and why in (NOT_FOUND, "is a directory, not a file")
            ):
                continue  # no .env: nothing to read
            try:
                text = self.ctx.files.read_text(path)
            except LoadError as exc:
                if shown not in loaded.env_problems:
                    loaded.env_problems.add(shown)
                    if where is not None:
                        message = f"env_file {shown} {exc.reason}"
                        self._problem(loaded, SCHEMA, message, where.span, where.file)
                    else:
                        self._problem(loaded, PARSE, exc.message, exc.span, shown)
                continue
            values.update(parse_dotenv(text, {**values, **(self.ctx.environ or {})}))
        if self.ctx.environ:
            values.update(self.ctx.environ)
        loaded.envs[key] = values
        return values

    def load(self, files: list[Path], fragment: bool = False) -> Loaded:
        """The merged model of ``files`` (in merge order)."""
        directory = files[0].parent
        loaded = Loaded(None, [], {})
        loaded.env = self.env(loaded, directory)
        root: YNode | None = None
        for i, path in enumerate(files):
            display = self.ctx.display(path)
            loaded.files.append(display)
            loaded.base_dirs[display] = directory
            doc = self.read_file(path, loaded.env, loaded, required=(i == 0 and not fragment))
            if doc is None:
                continue
            try:
                root = doc if root is None else merge(root, doc)
            except MergeError as exc:
                self._problem(loaded, SCHEMA, exc.message, exc.node.span, exc.node.file)
        if root is None:
            return loaded
        assert isinstance(root, YMapping)
        root = self._extends(root, directory, loaded, loaded.env, chain=())
        root = self._include(root, directory, loaded, seen=(_real(files[0]),))
        result = strip_tags(root)
        assert isinstance(result, YMapping)
        loaded.root = result
        return loaded

    # -- extends ---------------------------------------------------------------

    def _extends(
        self, root: YMapping, directory: Path, loaded: Loaded, env: Mapping[str, str],
        chain: tuple[tuple[str, str], ...],
    ) -> YMapping:  # fmt: skip
        services = root.get("services")
        if not isinstance(services, YMapping):
            return root
        resolved: dict[str, YNode] = {}
        for name, node in services.items():
            resolved[name] = self._resolve_service(
                name, node, services, directory, loaded, env, chain, resolved
            )
        pairs = tuple((k, resolved.get(str(k.value), v)) for k, v in services.pairs)
        new_services = YMapping(pairs, services.span, services.file, services.tag)
        return YMapping(
            tuple((k, new_services if k.value == "services" else v) for k, v in root.pairs),
            root.span,
            root.file,
            root.tag,
        )

    def _resolve_service(
        self, name: str, node: YNode, services: YMapping, directory: Path, loaded: Loaded,
        env: Mapping[str, str], chain: tuple[tuple[str, str], ...], done: dict[str, YNode],
    ) -> YNode:  # fmt: skip
        if not isinstance(node, YMapping):
            return node
        ext = node.get("extends")
        if ext is None:
            return node
        if isinstance(ext, YScalar):
            base_name, base_file = node_text(ext), None
        elif isinstance(ext, YMapping):
            base_name, base_file = node_text(ext.get("service")), node_text(ext.get("file"))
        else:
            return node
        if not base_name:
            return node
        me = (services.file, name)
        if me in chain:
            self._problem(
                loaded,
                SCHEMA,
                f"circular reference with extends in service {name!r}",
                ext.span,
                ext.file,
            )
            return _without(node, "extends")
        if base_file and _remote(base_file):
            return node  # a remote file dlint does not fetch: keep what it is
        if len(chain) >= MAX_REFERENCE_DEPTH:
            self._problem(
                loaded,
                PARSE,
                f"service {name!r}: extends chain longer than {MAX_REFERENCE_DEPTH} services; "
                "dlint does not follow it further",
                ext.span,
                ext.file,
            )
            return _without(node, "extends")
        if base_file:
            base_dir = loaded.base_dirs.get(ext.file, directory)
            path = _lexical(base_dir / base_file)
            other = self._other_file(path, loaded, env, ext)
            if other is None:
                return node  # keep `extends`: what it would add is unknown, not missing
            other_services = other.get("services")
            base = other_services.get(base_name) if isinstance(other_services, YMapping) else None
            if base is None:
                self._problem(
                    loaded,
                    SCHEMA,
                    f"cannot extend service {name!r}: service {base_name!r} not found in {base_file}",
                    ext.span,
                    ext.file,
                )
                return _without(node, "extends")
            assert isinstance(other_services, YMapping)
            base = self._resolve_service(
                base_name, base, other_services, path.parent, loaded, env, (*chain, me), {}
            )
        else:
            base = done.get(base_name) or services.get(base_name)
            if base is None:
                self._problem(
                    loaded,
                    SCHEMA,
                    f"cannot extend service {name!r}: service {base_name!r} not found",
                    ext.span,
                    ext.file,
                )
                return _without(node, "extends")
            base = self._resolve_service(
                base_name, base, services, directory, loaded, env, (*chain, me), done
            )
        try:
            merged = merge(base, _without(node, "extends"), ("services", name))
        except MergeError as exc:
            self._problem(loaded, SCHEMA, exc.message, exc.node.span, exc.node.file)
            return node
        done[name] = merged  # each service of a file is resolved once
        return merged

    def _other_file(
        self, path: Path, loaded: Loaded, env: Mapping[str, str], ref: YNode
    ) -> YMapping | None:
        why = self.ctx.files.problem(path)
        if why is not None:
            shown = self.ctx.display(path)
            if shown not in loaded.missing_files:
                loaded.missing_files.add(shown)
                message = (
                    f"extends: file not found: {shown}"
                    if why == NOT_FOUND
                    else f"extends: {shown} {why}"
                )
                self._problem(loaded, SCHEMA, message, ref.span, ref.file)
            return None
        display = self.ctx.display(path)
        loaded.base_dirs.setdefault(display, path.parent)
        return self.read_file(path, env, loaded, required=True)

    # -- include ---------------------------------------------------------------

    def _include(
        self, root: YMapping, directory: Path, loaded: Loaded, seen: tuple[Path, ...]
    ) -> YMapping:
        include = root.get("include")
        if not isinstance(include, YSequence):
            return root
        result = root
        for entry in include.items:
            paths, project_dir, env_files = _include_entry(entry)
            if not paths or any(_remote(p) for p in paths):
                continue  # nothing to read, or a remote project dlint does not fetch
            base = loaded.base_dirs.get(entry.file, directory)
            files = [_lexical(base / p) for p in paths]
            bad = next(((f, why) for f in files if (why := self.ctx.files.problem(f))), None)
            if bad is not None:
                shown, why = self.ctx.display(bad[0]), bad[1]
                message = (
                    f"include: file not found: {shown}"
                    if why == NOT_FOUND
                    else f"include: {shown} {why}"
                )
                self._problem(loaded, SCHEMA, message, entry.span, entry.file)
                continue
            identity = tuple(_real(f) for f in files)
            if identity[0] in seen:
                self._problem(
                    loaded,
                    SCHEMA,
                    f"include cycle: {self.ctx.display(files[0])} includes itself",
                    entry.span,
                    entry.file,
                )
                continue
            if identity in loaded.included:
                continue  # already part of this project: its resources are here
            if len(seen) > MAX_REFERENCE_DEPTH:
                self._problem(
                    loaded,
                    PARSE,
                    f"includes nested more than {MAX_REFERENCE_DEPTH} files deep; "
                    "dlint does not follow them further",
                    entry.span,
                    entry.file,
                )
                continue
            loaded.included.add(identity)
            inc_dir = _lexical(base / project_dir) if project_dir else files[0].parent
            env = self.env(loaded, inc_dir, tuple(_lexical(base / e) for e in env_files), entry)
            sub: YNode | None = None
            for f in files:
                display = self.ctx.display(f)
                loaded.base_dirs.setdefault(display, inc_dir)
                doc = self.read_file(f, env, loaded, required=True)
                if doc is not None:
                    try:
                        sub = doc if sub is None else merge(sub, doc)
                    except MergeError as exc:
                        self._problem(loaded, SCHEMA, exc.message, exc.node.span, exc.node.file)
            if not isinstance(sub, YMapping):
                continue
            sub = self._extends(sub, inc_dir, loaded, env, chain=())
            sub = self._include(sub, inc_dir, loaded, (*seen, identity[0]))
            result = self._import(result, sub, loaded)
        return result

    def _import(self, root: YMapping, sub: YMapping, loaded: Loaded) -> YMapping:
        pairs = list(root.pairs)
        for section in ("services", "networks", "volumes", "secrets", "configs"):
            incoming = sub.get(section)
            if not isinstance(incoming, YMapping):
                continue
            at = next((i for i, (k, _) in enumerate(pairs) if k.value == section), None)
            if at is None:
                key = sub.key_node(section)
                assert key is not None
                pairs.append((key, incoming))
                continue
            existing = pairs[at][1]
            if not isinstance(existing, YMapping):
                continue
            have = set(existing.keys())
            added = list(existing.pairs)
            for k, v in incoming.pairs:
                if str(k.value) in have:
                    mine = existing.key_node(str(k.value))
                    assert mine is not None
                    self._problem(
                        loaded, SCHEMA,
                        f"{section}.{k.value} conflicts with the imported resource from {k.file}",
                        mine.span, mine.file,
                    )  # fmt: skip
                    continue
                added.append((k, v))
            pairs[at] = (pairs[at][0], YMapping(tuple(added), existing.span, existing.file))
        return YMapping(tuple(pairs), root.span, root.file, root.tag)


_REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]+:(?![\\/])|git@)")


def _remote(reference: str) -> bool:
    """``oci://...``, ``git@...``, ``https://...``: not a local path."""
    return bool(_REMOTE.match(reference))


def _without(node: YMapping, key: str) -> YMapping:
    return YMapping(
        tuple((k, v) for k, v in node.pairs if k.value != key), node.span, node.file, node.tag
    )


def _strings(node: YNode | None) -> list[str]:
    """A string or a list of strings, as a list (empty items left out)."""
    items = node.items if isinstance(node, YSequence) else (node,) if node is not None else ()
    return [text for item in items if (text := node_text(item))]


def _include_entry(entry: YNode) -> tuple[list[str], str | None, list[str]]:
    """(paths, project_directory, env_files) of one ``include`` item."""
    if isinstance(entry, YScalar):
        return _strings(entry), None, []
    if isinstance(entry, YMapping):
        paths = _strings(entry.get("path"))
        return paths, node_text(entry.get("project_directory")), _strings(entry.get("env_file"))
    return [], None, []


def _lexical(path: Path) -> Path:
    """``path`` with ``..`` and ``.`` folded, symlinks left as they are (for display)."""
    return Path(os.path.normpath(path))


def _real(path: Path) -> Path:
    """Where ``path`` really is (its identity, symlinks followed)."""
    return Path(os.path.realpath(path))


_PROJECT_NAME = re.compile(r"[^a-z0-9_-]")


def normalize_project_name(name: str) -> str:
    """Compose's project name from a folder name: lowercase, [a-z0-9_-] only."""
    cleaned = _PROJECT_NAME.sub("", name.lower())
    return cleaned.lstrip("_-") or "default"
