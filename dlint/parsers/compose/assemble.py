"""Assemble Compose files into one merged model, as ``docker compose`` does.

Per file: YAML (safe, positioned), documents merged, variables interpolated
from the project's ``.env`` (or its one ``.env.example``-style template when
there is no ``.env``). Then files merged in order, ``!reset`` and
``!override`` applied, ``extends`` resolved (same file or another), ``include``
read (each included project with its own folder and env files).

It reports facts, never findings: problems with a kind (``syntax`` or
``schema``), and the variables that nothing gives a value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dlint.cache import note as note_path
from dlint.files import NOT_FOUND, LoadError, ProjectFiles
from dlint.ir.common import Severity, Span
from dlint.ir.compose import ComposeProblem, ProblemKind, UnsetVariable
from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence, node_text
from dlint.parsers.compose.interpolate import InterpolationLog, interpolate_tree, parse_dotenv
from dlint.parsers.compose.merge import MergeError, merge, strip_tags
from dlint.parsers.compose.yamlload import YamlError, load_yaml

# extends chains and include nesting deeper than this are not followed
MAX_REFERENCE_DEPTH = 64
# What a project ships instead of .env, for users to copy; read when there is no .env.
ENV_TEMPLATES = (".env.example", ".env.sample", ".env.dist", "example.env", "env.example")


@dataclass
class Sources:
    """What assembling a project needs from outside: reading files, naming them."""

    files: ProjectFiles
    display: Callable[[Path], str]
    environ: Mapping[str, str] | None = None  # the machine's environment, when asked for
    env_files: tuple[Path, ...] = ()  # --env-file: read instead of the project's .env


@dataclass
class Assembled:
    """A merged model, with where each file's relative paths start, and the facts found."""

    root: YMapping | None
    files: list[str]
    base_dirs: dict[str, Path]  # display file -> folder its relative paths start from
    problems: list[ComposeProblem] = field(default_factory=list)
    unset: list[UnsetVariable] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    env_files: list[str] = field(default_factory=list)  # what the project's env came from
    notes: list[str] = field(default_factory=list)  # for verbose output
    pulled_in: dict[str, Literal["include", "extends"]] = field(default_factory=dict)
    # each file read, as it writes its model (before merging), in the order read
    documents: dict[str, YMapping] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # each file read, as written
    # values substituted from env files and the environment: messages must never show them
    substituted: dict[str, str] = field(default_factory=dict)
    # bookkeeping: each variable reported once, each missing file once, each file read
    # once per environment, each include once, each env source once
    reported_variables: set[str] = field(default_factory=set)
    missing_files: set[str] = field(default_factory=set)
    parsed: dict[tuple[Path, int], YMapping | None] = field(default_factory=dict)
    included: set[tuple[Path, ...]] = field(default_factory=set)
    envs: dict[tuple[Path, tuple[Path, ...]], dict[str, str]] = field(default_factory=dict)
    env_sources: dict[int, tuple[str, ...]] = field(default_factory=dict)  # by id of an env
    env_problems: set[str] = field(default_factory=set)

    def problem(self, kind: ProblemKind, message: str, span: Span, file: str,
                severity: Severity | None = None) -> None:  # fmt: skip
        self.problems.append(ComposeProblem(kind, message, span, file, severity))

    def at(self, kind: ProblemKind, message: str, node: YNode) -> None:
        self.problem(kind, message, node.span, node.file)


class Assembler:
    def __init__(self, sources: Sources) -> None:
        self.sources = sources

    def read_file(
        self, path: Path, env: Mapping[str, str], out: Assembled, required: bool
    ) -> YMapping | None:
        """One file: its documents merged and interpolated; None when unusable.

        Read once per project and environment: a file included or extended from
        many places (a diamond) costs one read.
        """
        key = (_real(path), id(env))
        if key in out.parsed:
            return out.parsed[key]
        out.parsed[key] = None  # a file that reaches itself again reads as nothing
        result = self._read_file(path, env, out, required)
        out.parsed[key] = result
        return result

    def _read_file(
        self, path: Path, env: Mapping[str, str], out: Assembled, required: bool
    ) -> YMapping | None:
        display = self.sources.display(path)
        try:
            text = self.sources.files.read_text(path)
        except LoadError as exc:
            out.problem("syntax", exc.message, exc.span, display)
            return None
        out.texts.setdefault(display, text)
        try:
            documents, dupes = load_yaml(text, display)
        except YamlError as exc:
            out.problem("syntax", exc.message, exc.span, display)
            return None
        for d in dupes:
            out.problem("schema", d.message, d.span, display)
        root: YNode | None = None
        log = InterpolationLog()
        for doc in documents:
            if isinstance(doc, YScalar) and doc.value is None:
                continue
            if not isinstance(doc, YMapping):
                out.at("schema", "top-level object must be a mapping", doc)
                return None
            doc = interpolate_tree(doc, env, log)
            try:
                root = doc if root is None else merge(root, doc)
            except MergeError as exc:
                out.at("schema", exc.message, exc.node)
        self._record_interpolation(out, log, out.env_sources.get(id(env), ()))
        if root is None:
            if required:
                out.problem("schema", "empty compose file", Span.point(1), display)
            return None
        assert isinstance(root, YMapping)
        out.documents.setdefault(display, root)
        return root

    def _record_interpolation(
        self, out: Assembled, log: InterpolationLog, sources: tuple[str, ...]
    ) -> None:
        out.substituted.update(log.used)
        for message, node in log.errors:
            out.at("schema", message, node)
        for message, node in log.limits:
            out.at("syntax", message, node)
        uses: dict[str, list[YScalar]] = {}
        for name, node in log.unresolved:
            uses.setdefault(name, []).append(node)
        for name, nodes in uses.items():
            if name not in out.reported_variables:
                out.reported_variables.add(name)
                first = nodes[0]
                out.unset.append(
                    UnsetVariable(name, first.span, first.file, len(nodes), None, sources)
                )
        for name, message, node in log.required:
            out.unset.append(UnsetVariable(name, node.span, node.file, 1, message, sources))

    def env(
        self,
        out: Assembled,
        directory: Path,
        env_files: tuple[Path, ...] = (),
        where: YNode | None = None,
    ) -> dict[str, str]:
        """Variables for interpolation: ``env_files`` in order (later ones win), or
        the folder's ``.env`` when there are none (or, without a ``.env``, its one
        template such as ``.env.example``); then the machine's, if asked for.

        One mapping per source, so files read with it are cached once.
        """
        key = (directory, env_files)
        if key in out.envs:
            return out.envs[key]
        values: dict[str, str] = {}
        read: list[str] = []
        for path in env_files or self._default_env(out, directory):
            shown = self.sources.display(path)
            try:
                text = self.sources.files.read_text(path)
            except LoadError as exc:
                if shown not in out.env_problems:
                    out.env_problems.add(shown)
                    if where is not None:
                        out.at("schema", f"env_file {shown} {exc.reason}", where)
                    else:
                        out.problem("syntax", exc.message, exc.span, shown)
                continue
            read.append(shown)
            if where is None and shown not in out.env_files:
                out.env_files.append(shown)
            values.update(parse_dotenv(text, {**values, **(self.sources.environ or {})}))
        if self.sources.environ:
            values.update(self.sources.environ)
        out.envs[key] = values
        out.env_sources[id(values)] = tuple(read)
        return values

    def _may_be(self, path: Path) -> bool:
        """Whether there is something at ``path`` (on disk or unsaved in an editor) for
        the reading gate to be asked about: most folders have none of the templates."""
        note_path(path)
        overlay = self.sources.files.overlay
        return os.path.lexists(path) or (bool(overlay) and os.path.abspath(path) in overlay)

    def _default_env(self, out: Assembled, directory: Path) -> tuple[Path, ...]:
        """The folder's ``.env``; without one, its template when there is exactly one."""
        dotenv = directory / ".env"
        note_path(dotenv)
        if os.path.lexists(dotenv) and self.sources.files.kind(dotenv) != "dir":
            return (dotenv,)
        templates = [
            directory / n
            for n in ENV_TEMPLATES
            if self._may_be(directory / n) and self.sources.files.is_file(directory / n)
        ]
        if len(templates) == 1:
            shown = self.sources.display(templates[0])
            note = f"{self.sources.display(directory)} has no .env: variables come from {shown}"
            if note not in out.notes:
                out.notes.append(note)
            return (templates[0],)
        return ()

    def assemble(self, files: list[Path], fragment: bool = False) -> Assembled:
        """The merged model of ``files`` (in merge order)."""
        directory = files[0].parent
        out = Assembled(None, [], {})
        out.env = self.env(out, directory, self.sources.env_files)
        root: YNode | None = None
        for i, path in enumerate(files):
            display = self.sources.display(path)
            out.files.append(display)
            out.base_dirs[display] = directory
            doc = self.read_file(path, out.env, out, required=(i == 0 and not fragment))
            if doc is None:
                continue
            try:
                root = doc if root is None else merge(root, doc)
            except MergeError as exc:
                out.at("schema", exc.message, exc.node)
        if root is None:
            return out
        assert isinstance(root, YMapping)
        root = self._extends(root, directory, out, out.env, chain=())
        root = self._include(root, directory, out, seen=(_real(files[0]),))
        result = strip_tags(root)
        assert isinstance(result, YMapping)
        out.root = result
        return out

    # -- extends ---------------------------------------------------------------

    def _extends(
        self, root: YMapping, directory: Path, out: Assembled, env: Mapping[str, str],
        chain: tuple[tuple[str, str], ...],
    ) -> YMapping:  # fmt: skip
        services = root.get("services")
        if not isinstance(services, YMapping):
            return root
        resolved: dict[str, YNode] = {}
        for name, node in services.items():
            resolved[name] = self._resolve_service(
                name, node, services, directory, out, env, chain, resolved
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
        self, name: str, node: YNode, services: YMapping, directory: Path, out: Assembled,
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
            out.problem(
                "schema",
                f"circular reference with extends in service {name!r}",
                ext.span,
                ext.file,
            )
            return _without(node, "extends")
        if base_file and _remote(base_file):
            return node  # a remote file dlint does not fetch: keep what it is
        if len(chain) >= MAX_REFERENCE_DEPTH:
            out.problem(
                "syntax",
                f"service {name!r}: extends chain longer than {MAX_REFERENCE_DEPTH} services; "
                "dlint does not follow it further",
                ext.span,
                ext.file,
            )
            return _without(node, "extends")
        if base_file:
            base_dir = out.base_dirs.get(ext.file, directory)
            path = _lexical(base_dir / base_file)
            other = self._other_file(path, out, env, ext)
            if other is None:
                return node  # keep `extends`: what it would add is unknown, not missing
            other_services = other.get("services")
            base = other_services.get(base_name) if isinstance(other_services, YMapping) else None
            if base is None:
                out.problem(
                    "schema",
                    f"cannot extend service {name!r}: service {base_name!r} not found in {base_file}",
                    ext.span,
                    ext.file,
                )
                return _without(node, "extends")
            assert isinstance(other_services, YMapping)
            base = self._resolve_service(
                base_name, base, other_services, path.parent, out, env, (*chain, me), {}
            )
        else:
            base = done.get(base_name) or services.get(base_name)
            if base is None:
                out.problem(
                    "schema",
                    f"cannot extend service {name!r}: service {base_name!r} not found",
                    ext.span,
                    ext.file,
                )
                return _without(node, "extends")
            base = self._resolve_service(
                base_name, base, services, directory, out, env, (*chain, me), done
            )
        try:
            merged = merge(base, _without(node, "extends"), ("services", name))
        except MergeError as exc:
            out.problem("schema", exc.message, exc.node.span, exc.node.file)
            return node
        done[name] = merged  # each service of a file is resolved once
        return merged

    def _other_file(
        self, path: Path, out: Assembled, env: Mapping[str, str], ref: YNode
    ) -> YMapping | None:
        why = self.sources.files.problem(path)
        if why is not None:
            shown = self.sources.display(path)
            if shown not in out.missing_files:
                out.missing_files.add(shown)
                message = (
                    f"extends: file not found: {shown}"
                    if why == NOT_FOUND
                    else f"extends: {shown} {why}"
                )
                out.problem("schema", message, ref.span, ref.file)
            return None
        display = self.sources.display(path)
        out.base_dirs.setdefault(display, path.parent)
        out.pulled_in.setdefault(display, "extends")
        return self.read_file(path, env, out, required=True)

    # -- include ---------------------------------------------------------------

    def _include(
        self, root: YMapping, directory: Path, out: Assembled, seen: tuple[Path, ...]
    ) -> YMapping:
        include = root.get("include")
        if not isinstance(include, YSequence):
            return root
        result = root
        for entry in include.items:
            paths, project_dir, env_files = _include_entry(entry)
            if not paths or any(_remote(p) for p in paths):
                continue  # nothing to read, or a remote project dlint does not fetch
            base = out.base_dirs.get(entry.file, directory)
            files = [_lexical(base / p) for p in paths]
            bad = next(((f, why) for f in files if (why := self.sources.files.problem(f))), None)
            if bad is not None:
                shown, why = self.sources.display(bad[0]), bad[1]
                message = (
                    f"include: file not found: {shown}"
                    if why == NOT_FOUND
                    else f"include: {shown} {why}"
                )
                out.problem("schema", message, entry.span, entry.file)
                continue
            identity = tuple(_real(f) for f in files)
            if identity[0] in seen:
                out.problem(
                    "schema",
                    f"include cycle: {self.sources.display(files[0])} includes itself",
                    entry.span,
                    entry.file,
                )
                continue
            if identity in out.included:
                continue  # already part of this project: its resources are here
            if len(seen) > MAX_REFERENCE_DEPTH:
                out.problem(
                    "syntax",
                    f"includes nested more than {MAX_REFERENCE_DEPTH} files deep; "
                    "dlint does not follow them further",
                    entry.span,
                    entry.file,
                )
                continue
            out.included.add(identity)
            inc_dir = _lexical(base / project_dir) if project_dir else files[0].parent
            env = self.env(out, inc_dir, tuple(_lexical(base / e) for e in env_files), entry)
            sub: YNode | None = None
            for f in files:
                display = self.sources.display(f)
                out.base_dirs.setdefault(display, inc_dir)
                out.pulled_in[display] = "include"
                doc = self.read_file(f, env, out, required=True)
                if doc is not None:
                    try:
                        sub = doc if sub is None else merge(sub, doc)
                    except MergeError as exc:
                        out.problem("schema", exc.message, exc.node.span, exc.node.file)
            if not isinstance(sub, YMapping):
                continue
            sub = self._extends(sub, inc_dir, out, env, chain=())
            sub = self._include(sub, inc_dir, out, (*seen, identity[0]))
            result = self._import(result, sub, out)
        return result

    def _import(self, root: YMapping, sub: YMapping, out: Assembled) -> YMapping:
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
                    out.problem("schema",
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
