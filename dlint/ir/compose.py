"""The Compose part of the IR: projects, services, networks, volumes, and their links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Stage
from dlint.ir.image import ImageRef
from dlint.ir.text import quote
from dlint.ir.yaml import YMapping, YNode


@dataclass(frozen=True, slots=True)
class Located:
    """A value and where it is written (``file`` + ``span``)."""

    value: str
    span: Span
    file: str
    unresolved: tuple[str, ...] = ()  # variables it needed that had no value
    written: str | None = None  # as the file writes it, when variables were substituted

    @property
    def shown(self) -> str:
        """The value for a message: quoted, short, and with ``${NAME}`` where the file has
        a variable (a substituted value may be a secret from an env file)."""
        return quote(self.written if self.written is not None else self.value)


@dataclass(frozen=True, slots=True)
class Port:
    """One published (or exposed) port, short or long syntax."""

    target: str  # container port or range
    published: str | None  # host port or range; None: a random one
    host_ip: str | None
    protocol: str
    span: Span
    file: str


MountType = Literal["volume", "bind", "tmpfs", "npipe", "image", "cluster"]


@dataclass(frozen=True, slots=True)
class ServiceMount:
    """A service mount: named or anonymous volume, bind mount, tmpfs..."""

    type: MountType
    source: str | None  # volume name, or host path as written
    target: str  # container path
    read_only: bool
    span: Span
    file: str
    host_path: str | None = None  # bind source resolved against the compose file's folder
    unresolved: tuple[str, ...] = ()
    # whether a relative bind source exists (file or folder); None: not known (absolute or
    # ``~`` path, a variable without a value, outside the project)
    host_path_exists: bool | None = None

    @property
    def anonymous(self) -> bool:
        return self.type == "volume" and not self.source


@dataclass(frozen=True, slots=True)
class NetworkAttachment:
    """A service's membership in a network, with its static addresses."""

    network: str  # the key under top-level ``networks``
    span: Span
    file: str
    ipv4_address: Located | None = None
    ipv6_address: Located | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Build:
    """``build:`` of a service and the Dockerfile stage it builds, when found."""

    span: Span
    file: str
    context: Located | None  # as written (None: ".")
    context_path: str | None  # resolved, relative to where dlint runs; None when remote
    dockerfile: Located | None
    dockerfile_path: str | None  # resolved Dockerfile path (display form)
    inline: bool  # dockerfile_inline
    target: Located | None
    network: Located | None
    image: Dockerfile | None = None  # the parsed Dockerfile, when it could be read
    stage: Stage | None = None  # the stage built: ``target``, else the last one
    gap: BuildGap | None = None  # the first part that does not resolve


@dataclass(frozen=True, slots=True)
class BuildGap:
    """The part of a ``build:`` that does not resolve, and why."""

    part: Literal["context", "dockerfile", "target"]
    reason: str  # "not found", "points outside the project", ...
    span: Span
    file: str


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    name_span: Span
    file: str
    node: YMapping  # the merged definition (positions point at the files that wrote them)
    image: ImageRef | None
    image_node: Located | None
    build: Build | None
    ports: tuple[Port, ...]
    mounts: tuple[ServiceMount, ...]
    networks: tuple[NetworkAttachment, ...]
    network_mode: Located | None
    environment: tuple[tuple[str, str | None, Span, str], ...]  # name, value, span, file
    profiles: tuple[str, ...] = ()

    def env(self, name: str) -> str | None:
        for key, value, _span, _file in self.environment:
            if key == name:
                return value
        return None

    def get(self, key: str) -> YNode | None:
        return self.node.get(key)


@dataclass(frozen=True, slots=True)
class IpamConfig:
    span: Span
    file: str
    subnet: Located | None
    ip_range: Located | None = None
    gateway: Located | None = None
    aux_addresses: tuple[tuple[str, Located], ...] = ()


@dataclass(frozen=True, slots=True)
class Network:
    key: str  # the key under top-level ``networks``
    name: str  # the name Docker gives it (``name:``, else ``<project>_<key>``)
    span: Span
    file: str
    driver: str | None
    external: bool
    ipam: tuple[IpamConfig, ...] = ()
    declared: bool = True  # False: the implicit ``default`` network


@dataclass(frozen=True, slots=True)
class Volume:
    key: str
    name: str
    span: Span
    file: str
    external: bool
    driver: str | None


# "syntax": a file that cannot be read (reported as parse-error); "schema": something
# Compose refuses while loading (a merge conflict, a missing include...).
ProblemKind = Literal["syntax", "schema"]


@dataclass(frozen=True, slots=True)
class ComposeProblem:
    """Something wrong found while reading a project: a fact for a rule to report."""

    kind: ProblemKind
    message: str
    span: Span
    file: str
    severity: Severity | None = None  # lower than the rule's default for this one


@dataclass(frozen=True, slots=True)
class UnsetVariable:
    """A ``${NAME}`` that nothing gives a value, where it is first used in one file."""

    name: str
    span: Span
    file: str
    uses: int  # in that file
    required: str | None = None  # for ``${NAME:?message}``: the message, as written
    sources: tuple[str, ...] = ()  # the env files that file's variables come from


@dataclass(frozen=True, slots=True)
class ComposeProject:
    """Compose files loaded together, the way ``docker compose`` merges them."""

    name: str
    directory: str  # the project folder (display form)
    files: tuple[str, ...]  # in merge order
    node: YMapping | None  # the merged model
    services: tuple[Service, ...] = ()
    networks: tuple[Network, ...] = ()
    volumes: tuple[Volume, ...] = ()
    problems: tuple[ComposeProblem, ...] = field(default=())
    fragment: bool = False  # an override or variant file read on its own
    unset: tuple[UnsetVariable, ...] = ()
    env_files: tuple[str, ...] = ()  # what ${VARIABLES} were read from, in order
    # every file read through ``include`` or ``extends`` (display paths)
    pulled_in: tuple[tuple[str, Literal["include", "extends"]], ...] = ()
    # (name, value) of each variable substituted from an env file or the environment:
    # a value may be a secret, so no message may show it
    substituted: tuple[tuple[str, str], ...] = ()
    # each file of the project (display path) as it is written, before merging and
    # ``extends``: rules about how a file is laid out read these, not the merged model
    documents: tuple[tuple[str, YMapping], ...] = ()
    # each file read (display path) and its text as written: what a fix that moves whole
    # lines (comments with them) edits
    texts: tuple[tuple[str, str], ...] = ()

    def text(self, path: str) -> str | None:
        """The text of the project's file ``path`` as written (None: not read)."""
        return next((t for p, t in self.texts if p == path), None)

    def service(self, name: str) -> Service | None:
        for s in self.services:
            if s.name == name:
                return s
        return None

    def network(self, key: str) -> Network | None:
        for n in self.networks:
            if n.key == key:
                return n
        return None
