"""Build the Compose IR (services, networks, volumes) from a merged model."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path

from dlint.files import ProjectFiles
from dlint.ir.common import Span
from dlint.ir.compose import (
    Build,
    BuildGap,
    ComposeProblem,
    ComposeProject,
    IpamConfig,
    Located,
    MountType,
    Network,
    NetworkAttachment,
    Port,
    Service,
    ServiceMount,
    Volume,
)
from dlint.ir.dockerfile import Dockerfile, Stage
from dlint.ir.image import ImageRef
from dlint.ir.text import quote
from dlint.ir.yaml import YMapping, YNode, YScalar, YSequence, node_text
from dlint.parsers.compose.assemble import ENV_TEMPLATES, Assembled
from dlint.parsers.compose.syntax import SyntaxProblem, parse_port, parse_volume

_MOUNT_TYPES: dict[str, MountType] = {
    "volume": "volume", "bind": "bind", "tmpfs": "tmpfs", "npipe": "npipe",
    "image": "image", "cluster": "cluster",
}  # fmt: skip
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)

# (Dockerfile path, context folder) -> the parsed Dockerfile, or a reason it is missing
DockerfileSource = Callable[[Path, Path], "Dockerfile | str"]


class _Builder:
    def __init__(self, assembled: Assembled, project_dir: Path, display: Callable[[Path], str],
                 dockerfiles: DockerfileSource, files: ProjectFiles) -> None:  # fmt: skip
        self.files = files
        self.assembled = assembled
        self.project_dir = project_dir
        self.display = display
        self.dockerfiles = dockerfiles
        self.problems: list[ComposeProblem] = []

    def problem(self, message: str, node: YNode | Located) -> None:
        """Compose refuses what ``node`` says (a ``compose-schema`` fact)."""
        self.problems.append(ComposeProblem("schema", message, node.span, node.file))

    def base_dir(self, node: YNode) -> Path:
        return self.assembled.base_dirs.get(node.file, self.project_dir)

    # -- services ------------------------------------------------------------

    def service(self, key: YScalar, node: YMapping) -> Service:
        name = str(key.value)
        image_node = _located(node.get("image"))
        image = None
        if image_node is not None and image_node.value:
            image = ImageRef.parse(
                image_node.value, image_node.span, image_node.unresolved, image_node.written
            )
        self.env_files(node.get("env_file"))
        return Service(
            name=name,
            name_span=key.span,
            file=key.file,
            node=node,
            image=image,
            image_node=image_node,
            build=self.build(node.get("build"), name),
            ports=tuple(self.ports(node.get("ports"))),
            mounts=tuple(self.mounts(node)),
            networks=tuple(self.attachments(node.get("networks"))),
            network_mode=_located(node.get("network_mode")),
            environment=tuple(_environment(node.get("environment"))),
            profiles=tuple(node_text(p) or "" for p in _items(node.get("profiles"))),
        )

    def env_files(self, node: YNode | None) -> None:
        """A service's ``env_file`` that is missing (and not ``required: false``) is a
        Compose error. Files outside the project are not looked at."""
        items = node.items if isinstance(node, YSequence) else (node,) if node else ()
        for item in items:
            required = True
            where: YNode = item
            if isinstance(item, YMapping):
                flag = item.get("required")
                required = not (isinstance(flag, YScalar) and flag.value is False)
                where = item.get("path") or item
            text = node_text(where)
            if not text or not required or (isinstance(where, YScalar) and where.unresolved):
                continue
            path = Path(os.path.normpath(self.base_dir(where) / text))
            kind = self.files.kind(path)
            if kind == "missing" and self._has_template(path):
                continue  # users create it from the template the project ships
            if kind in ("missing", "dir"):
                why = "not found" if kind == "missing" else "is a directory, not a file"
                self.problem(
                    f"env_file {self.display(path)} {why}: Compose refuses to start the service "
                    "(mark it `required: false` in the long syntax if it is optional)",
                    where,
                )

    def build(self, node: YNode | None, service: str) -> Build | None:
        if node is None:
            return None
        if isinstance(node, YScalar):
            context, dockerfile, target, network, inline = _located(node), None, None, None, False
        elif isinstance(node, YMapping):
            context = _located(node.get("context"))
            dockerfile = _located(node.get("dockerfile"))
            target = _located(node.get("target"))
            network = _located(node.get("network"))
            inline = node.get("dockerfile_inline") is not None
        else:
            return None
        build = Build(
            node.span, node.file, context, None, dockerfile, None, inline, target, network
        )
        context_text = context.value if context is not None else "."
        if _REMOTE.match(context_text) or inline:
            return build
        if any(x is not None and x.unresolved for x in (context, dockerfile)):
            return build  # depends on an unset variable: reported as undefined-variable
        where = context if context is not None else node
        context_dir = Path(os.path.normpath(self.base_dir(node) / context_text))
        dockerfile_text = dockerfile.value if dockerfile is not None else "Dockerfile"
        dockerfile_path = Path(os.path.normpath(context_dir / dockerfile_text))
        build = Build(node.span, node.file, context, self.display(context_dir), dockerfile, None,
                      inline, target, network)  # fmt: skip
        if target is not None and target.unresolved:
            # the stage is unknown: the Dockerfile is named, and neither read nor checked
            return dataclasses.replace(build, dockerfile_path=self.display(dockerfile_path))
        kind = self.files.kind(context_dir)
        if kind != "dir":
            reason = {"file": "is a file, not a folder", "missing": "not found"}.get(
                kind, "is not a folder" if kind == "other" else kind
            )
            gap = BuildGap("context", reason, where.span, where.file)
            return dataclasses.replace(build, gap=gap)
        build = dataclasses.replace(build, dockerfile_path=self.display(dockerfile_path))
        parsed = self.dockerfiles(dockerfile_path, context_dir)
        if isinstance(parsed, str):
            at = dockerfile or where
            return dataclasses.replace(build, gap=BuildGap("dockerfile", parsed, at.span, at.file))
        stage = _stage(parsed, target.value if target is not None else None)
        build = dataclasses.replace(build, image=parsed, stage=stage)
        if stage is None and target is not None:
            reason = f"not found in {self.display(dockerfile_path)}"
            return dataclasses.replace(
                build, gap=BuildGap("target", reason, target.span, target.file)
            )
        return build

    def _has_template(self, path: Path) -> bool:
        """Whether the project ships a template to create ``path`` from (``app.env.example``,
        ``example.app.env``..., and for ``.env`` the usual ``.env.example`` names)."""
        names = [f"{path.name}.{s}" for s in ("example", "sample", "dist", "template")]
        names.append(f"example{path.name}" if path.name.startswith(".") else f"example.{path.name}")
        if path.name == ".env":
            names.extend(ENV_TEMPLATES)
        return any(self.files.is_file(path.with_name(n)) for n in names)

    def ports(self, node: YNode | None) -> list[Port]:
        out = []
        for item in _items(node):
            if isinstance(item, YMapping):
                target = node_text(item.get("target"))
                if target is None:
                    continue
                out.append(Port(target, node_text(item.get("published")), node_text(item.get("host_ip")),
                                (node_text(item.get("protocol")) or "tcp").lower(), item.span, item.file))  # fmt: skip
                continue
            text = node_text(item)
            if text is None:
                continue
            try:
                spec = parse_port(text)
            except SyntaxProblem as exc:
                if isinstance(item, YScalar) and item.raw is not None:
                    if not item.unresolved:  # never quote what a variable put there
                        self.problem(f"invalid port {quote(item.written)}", item)
                else:
                    self.problem(f"invalid port {quote(text)}: {exc}", item)
                continue
            out.append(
                Port(spec.target, spec.published, spec.host_ip, spec.protocol, item.span, item.file)
            )
        return out

    def mounts(self, service: YMapping) -> list[ServiceMount]:
        out: list[ServiceMount] = []
        for item in _items(service.get("volumes")):
            mount = self.mount(item)
            if mount is not None:
                out.append(mount)
        tmpfs = service.get("tmpfs")
        for item in (
            _items(tmpfs)
            if isinstance(tmpfs, YSequence)
            else ([tmpfs] if tmpfs is not None else [])
        ):
            text = node_text(item)
            if text:
                out.append(
                    ServiceMount("tmpfs", None, text.split(":", 1)[0], False, item.span, item.file)
                )
        return out

    def mount(self, item: YNode) -> ServiceMount | None:
        if isinstance(item, YMapping):
            kind = node_text(item.get("type")) or "volume"
            target = node_text(item.get("target"))
            if not target:
                return None
            source = node_text(item.get("source"))
            flag = item.get("read_only")
            read_only = isinstance(flag, YScalar) and flag.value is True
            mtype = _MOUNT_TYPES.get(kind, "volume")
            host = self.host_path(source, item) if mtype == "bind" and source else None
            unresolved = _unresolved(item)
            exists = self.host_exists(source, item, unresolved) if host and source else None
            return ServiceMount(
                mtype, source, target, read_only, item.span, item.file, host, unresolved, exists
            )
        text = node_text(item)
        if not text:
            return None
        spec = parse_volume(text)
        if spec is None:
            if not (isinstance(item, YScalar) and item.unresolved):
                written = item.written if isinstance(item, YScalar) else text
                self.problem(f"invalid volume {quote(written)}", item)
            return None
        mtype = "bind" if spec.type == "bind" else "volume"
        host = self.host_path(spec.source, item) if mtype == "bind" and spec.source else None
        unresolved = item.unresolved if isinstance(item, YScalar) else ()
        exists = self.host_exists(spec.source, item, unresolved) if host and spec.source else None
        return ServiceMount(mtype, spec.source, spec.target, spec.read_only, item.span, item.file,
                            host, unresolved, exists)  # fmt: skip

    def host_path(self, source: str, node: YNode) -> str:
        if source.startswith(("/", "~", "$")) or re.match(r"^[a-zA-Z]:[\\/]", source):
            return source
        return self.display(Path(os.path.normpath(self.base_dir(node) / source)))

    def host_exists(self, source: str, node: YNode, unresolved: tuple[str, ...]) -> bool | None:
        """Whether a relative bind source is there (file or folder); None when not known: an
        absolute or ``~`` path, a variable without a value, a path outside the project (never
        looked at), a file users create from a template the project ships."""
        if unresolved or source.startswith(("/", "~", "$")) or re.match(r"^[a-zA-Z]:", source):
            return None
        path = Path(os.path.normpath(self.base_dir(node) / source))
        kind = self.files.kind(path)
        if kind == "missing" and self._has_template(path):
            return None
        return {"missing": False, "file": True, "dir": True, "other": True}.get(kind)

    def attachments(self, node: YNode | None) -> list[NetworkAttachment]:
        out = []
        if isinstance(node, YSequence):
            for item in node.items:
                name = node_text(item)
                if name:
                    out.append(NetworkAttachment(name, item.span, item.file))
        elif isinstance(node, YMapping):
            for key, value in node.pairs:
                name = str(key.value)
                if isinstance(value, YMapping):
                    aliases = tuple(node_text(a) or "" for a in _items(value.get("aliases")))
                    out.append(NetworkAttachment(name, key.span, key.file, _located(value.get("ipv4_address")),
                                                 _located(value.get("ipv6_address")), aliases))  # fmt: skip
                else:
                    out.append(NetworkAttachment(name, key.span, key.file))
        return out

    # -- top level -----------------------------------------------------------

    def networks(self, root: YMapping, project: str, services: list[Service]) -> list[Network]:
        out = []
        section = root.get("networks")
        declared = set()
        if isinstance(section, YMapping):
            for key, value in section.pairs:
                name = str(key.value)
                declared.add(name)
                spec = value if isinstance(value, YMapping) else None
                external = _external(spec)
                explicit = node_text(spec.get("name")) if spec else None
                ext = spec.get("external") if spec else None
                ext_name = node_text(ext.get("name")) if isinstance(ext, YMapping) else None
                docker_name = explicit or ext_name or (name if external else f"{project}_{name}")
                ipam = []
                ipam_node = spec.get("ipam") if spec else None
                if isinstance(ipam_node, YMapping):
                    for cfg in _items(ipam_node.get("config")):
                        if isinstance(cfg, YMapping):
                            aux = cfg.get("aux_addresses")
                            aux_pairs = tuple(
                                (str(k.value), loc)
                                for k, v in (aux.pairs if isinstance(aux, YMapping) else ())
                                if (loc := _located(v)) is not None
                            )
                            ipam.append(IpamConfig(cfg.span, cfg.file, _located(cfg.get("subnet")),
                                                   _located(cfg.get("ip_range")), _located(cfg.get("gateway")),
                                                   aux_pairs))  # fmt: skip
                driver = node_text(spec.get("driver")) if spec else None
                out.append(
                    Network(name, docker_name, key.span, key.file, driver, external, tuple(ipam))
                )
        if "default" not in declared and any(
            not s.networks and s.network_mode is None for s in services
        ):
            out.append(
                Network(
                    "default", f"{project}_default", root.span, root.file, None, False, (), False
                )
            )
        return out

    def volumes(self, root: YMapping, project: str) -> list[Volume]:
        out = []
        section = root.get("volumes")
        if isinstance(section, YMapping):
            for key, value in section.pairs:
                name = str(key.value)
                spec = value if isinstance(value, YMapping) else None
                external = _external(spec)
                explicit = node_text(spec.get("name")) if spec else None
                docker_name = explicit or (name if external else f"{project}_{name}")
                driver = node_text(spec.get("driver")) if spec else None
                out.append(Volume(name, docker_name, key.span, key.file, external, driver))
        return out


def _stage(df: Dockerfile, target: str | None) -> Stage | None:
    if target is None:
        return df.stages[-1] if df.stages else None
    return df.stage_named(target)


def _items(node: YNode | None) -> tuple[YNode, ...]:
    return node.items if isinstance(node, YSequence) else ()


def _located(node: YNode | None) -> Located | None:
    if not isinstance(node, YScalar) or node.value is None:
        return None
    return Located(node_text(node) or "", node.span, node.file, node.unresolved, node.raw)


def _unresolved(node: YMapping) -> tuple[str, ...]:
    names: list[str] = []
    for _, v in node.pairs:
        if isinstance(v, YScalar):
            names.extend(v.unresolved)
    return tuple(names)


def _external(spec: YMapping | None) -> bool:
    if spec is None:
        return False
    ext = spec.get("external")
    return isinstance(ext, YMapping) or (isinstance(ext, YScalar) and ext.value is True)


def _environment(node: YNode | None) -> list[tuple[str, str | None, Span, str]]:
    out: list[tuple[str, str | None, Span, str]] = []
    if isinstance(node, YMapping):
        for key, value in node.pairs:
            out.append((str(key.value), node_text(value), key.span, key.file))
    else:
        for item in _items(node):
            name, eq, rest = (node_text(item) or "").partition("=")
            out.append((name, rest if eq else None, item.span, item.file))
    return out


_PROJECT_NAME = re.compile(r"[^a-z0-9_-]")


def normalize_project_name(name: str) -> str:
    """Compose's project name from a folder name: lowercase, [a-z0-9_-] only."""
    cleaned = _PROJECT_NAME.sub("", name.lower())
    return cleaned.lstrip("_-") or "default"


def build_project(
    assembled: Assembled,
    project_dir: Path,
    display: Callable[[Path], str],
    dockerfiles: DockerfileSource,
    fragment: bool,
    files: ProjectFiles,
) -> ComposeProject:
    """The IR of an assembled project, with the facts found while building it."""
    root = assembled.root
    name = normalize_project_name(project_dir.name)
    services: list[Service] = []
    networks: list[Network] = []
    volumes: list[Volume] = []
    builder = _Builder(assembled, project_dir, display, dockerfiles, files)
    if root is not None:
        name = node_text(root.get("name")) or name
        section = root.get("services")
        if isinstance(section, YMapping):
            for key, value in section.pairs:
                if isinstance(value, YMapping):
                    services.append(builder.service(key, value))
        networks = builder.networks(root, name, services)
        volumes = builder.volumes(root, name)
    return ComposeProject(
        name=name,
        directory=display(project_dir),
        files=tuple(assembled.files),
        node=root,
        services=tuple(services),
        networks=tuple(networks),
        volumes=tuple(volumes),
        problems=(*assembled.problems, *builder.problems),
        fragment=fragment,
        unset=tuple(assembled.unset),
        env_files=tuple(assembled.env_files),
        pulled_in=tuple(assembled.pulled_in.items()),
        documents=tuple(assembled.documents.items()),
        texts=tuple(assembled.texts.items()),
        substituted=tuple(assembled.substituted.items()),
    )
