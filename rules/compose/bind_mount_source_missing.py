"""A bind mount's relative source path does not exist in the project.

## What it does
Reports a bind mount whose source is a relative path (`./nginx.conf`,
`../config/app.yml`, a long-syntax `source:` that does not start with `/` or
`~`) that is not in the project, when:

- the source names a file (its last part has an extension, such as
  `nginx.conf` or `init.sql`) mounted at a file path in the container (the
  target has an extension too), in the short or the long syntax;
- or the mount uses the long syntax (`type: bind`) without
  `bind.create_host_path: true`, whatever the source names.

A source with an unresolved variable, an absolute or `~` path, a path outside
the project (never looked at) and a file the project ships a template of
(`config.yml.example`, `example.config.yml`...: users create it from that) are
not reported. Override files, `extends` and `include` count: each path is
resolved against the folder of the file that wrote it.

## Why is this bad?
When the source of a short-syntax bind mount is missing, Docker creates an
empty folder owned by root in its place: a configuration file mounted that way
(`./nginx.conf:/etc/nginx/nginx.conf:ro`) becomes a folder, and the container
fails to start ("not a directory") or runs without its configuration. The long
syntax is documented to refuse to start instead ("bind source path does not
exist") unless `bind.create_host_path: true` is set; some Compose versions
create the empty folder there too. Either way the path is a typo, a file that
was never committed, or a file a setup step must create first.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    volumes:
      - ./nginx.conf:/etc/nginx/nginx.conf:ro
```

## Use instead
```yaml
services:
  web:
    image: nginx:1.27
    volumes:
      - ./data:/usr/share/nginx/html:ro
```
Commit the file the mount needs (here `./data` is a folder the service may
create on its first run: a missing folder in the short syntax is not reported).

## Known limitations
A short-syntax source that names a folder (no extension) is not reported:
projects often mount a folder the service creates on its first run
(`./data:/var/lib/app`, ignored by git). A file without an extension
(`./Caddyfile`) or a dotfile (`./.htpasswd`) is judged as a folder.

The rule is in preview: it needs the whole repository to judge, and what Docker
does with a missing source has changed between Compose releases. A file that a
setup script generates before `docker compose up` is reported.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.text import quote
from dlint.ir.yaml import YMapping, YScalar, YSequence
from dlint.rule import Finding, RuleMeta

if TYPE_CHECKING:
    from dlint.ir.compose import Service, ServiceMount
    from dlint.ir.yaml import YNode

META = RuleMeta(
    code="DC010",
    name="bind-mount-source-missing",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("reliability", "volumes"),
    precision="high",
    preview=True,
)

# a file name: a stem that does not start with a dot, then an extension with a letter
# (`conf.d` is a folder, `node-1.2` a version, `app.sock` a socket made at run time)
_FILE = re.compile(r"^[^.].*\.(?=[A-Za-z0-9_-]*[A-Za-z])([A-Za-z0-9_-]{1,12})$")
_FOLDER_EXTENSIONS = {"d", "sock", "socket"}


def _file_like(path: str) -> bool:
    if path.endswith(("/", "\\")):
        return False
    m = _FILE.match(posixpath.basename(path))
    return m is not None and m[1].lower() not in _FOLDER_EXTENSIONS


def _written(mount: ServiceMount, service: Service) -> tuple[YNode, str, YMapping | None] | None:
    """The node to point at, the text to quote and, for the long syntax, the mapping."""
    volumes = service.get("volumes")
    for item in volumes.items if isinstance(volumes, YSequence) else ():
        if item.span != mount.span or item.file != mount.file:
            continue
        if isinstance(item, YScalar):
            return item, item.written, None
        if isinstance(item, YMapping):
            source = item.get("source")
            if isinstance(source, YScalar):
                return source, source.written, item
    return None


def _creates_host_path(item: YMapping) -> bool:
    bind = item.get("bind")
    flag = bind.get("create_host_path") if isinstance(bind, YMapping) else None
    return isinstance(flag, YScalar) and flag.value is True


def _check_mount(service: Service, mount: ServiceMount) -> Finding | None:
    if mount.type != "bind" or mount.host_path_exists is not False or not mount.source:
        return None
    found = _written(mount, service)
    if found is None:
        return None
    node, text, long_syntax = found
    refuses = long_syntax is not None and not _creates_host_path(long_syntax)
    is_file = _file_like(mount.source) and _file_like(mount.target)
    where = f"service {service.name!r} bind-mounts {quote(text)}, which is not in the project"
    if is_file and not refuses:
        message = (
            f"{where}: Docker creates an empty root-owned folder in its place, so the container "
            "gets a folder where it expects a file; commit the file or fix the path."
        )
    elif refuses:
        made = "an empty root-owned folder" + (" where a file is expected" if is_file else "")
        fix = (
            "commit the file or fix the path"
            if is_file
            else (
                "commit the folder (a `.gitkeep` keeps it in git), fix the path, or set "
                "`bind.create_host_path: true`"
            )
        )
        message = (
            f"{where}: Compose refuses to start the service (bind source path does not exist; "
            f"some versions create {made} instead); {fix}."
        )
    else:
        return None
    return Finding(node.span, message, path=node.file)


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for service in compose.services:
            for mount in service.mounts:
                finding = _check_mount(service, mount)
                if finding is not None:
                    yield finding
