"""A service bind-mounts a sensitive part of the host's filesystem.

## What it does
Reports a bind mount (short or long syntax) whose host path is, or is under,
a part of the host that holds its secrets, its kernel interfaces or its
control points:

- always, read-only or not: `/` itself, `/etc`, `/proc`, `/sys`, `/dev`,
  `/boot`, `/run` and `/var/run`, `/var/lib/docker`, `/var/lib/containerd`,
  `/var/lib/kubelet`, a home folder (`/home`, `/home/<user>`, `/root`, `~`)
  and the credentials folders in it (`.ssh`, `.aws`, `.kube`, `.docker`,
  `.gnupg`, `.config/gcloud`...);
- when writable: the system's programs and libraries (`/usr`, `/bin`,
  `/sbin`, `/lib`, `/lib64`, `/lib32`).

Common read-only mounts that expose nothing are not reported:
`/etc/localtime`, `/etc/timezone` (read-only or not),
`/usr/share/zoneinfo`, and, read-only, `/etc/hostname`, `/etc/hosts`,
`/etc/resolv.conf`, `/etc/machine-id`, `/etc/os-release`, the CA
certificates (`/etc/ssl/certs`, `/etc/pki/ca-trust`...). A project folder
deeper in a home (`/home/me/app/data`) is not reported, nor a relative path.
The Docker socket is DC302's (`docker-socket-mounted`), not reported here.

## Why is this bad?
These paths break the container's isolation: `/etc` holds the host's
password hashes, keys and service configuration, `/proc` and `/sys` reach
into the host's kernel and other processes, `/dev` its disks, `/run` the
sockets of its daemons (systemd, containerd, D-Bus), a home folder its SSH and
cloud keys. Written to, `/etc`, `/usr` or `/` let the container plant code the
host runs as root. Read-only still lets a compromised container read
secrets. Monitoring agents mount some of them on purpose: suppress the
finding there, with the reason.

## Example
```yaml
services:
  app:
    image: alpine:3.20
    volumes:
      - /etc:/host/etc
```

## Use instead
```yaml
services:
  app:
    image: alpine:3.20
    volumes:
      - /etc/localtime:/etc/localtime:ro
      - ./config:/etc/app:ro
```

## Known limitations
A mount whose host path comes from a variable without a value is not
reported, nor a top-level volume that binds a host path through
`driver_opts: {type: none, o: bind, device: ...}`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.text import quote
from dlint.rule import Finding, RuleMeta

from .._shared.compose_values import mount_node

META = RuleMeta(
    code="DC303",
    name="sensitive-host-path-mounted",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("security", "volumes"),
    precision="high",
    security_severity=7.0,
)

# path -> what it is (reported read-only or not, with anything under it)
_ALWAYS = {
    "/proc": "the host's kernel and processes",
    "/sys": "the host's kernel and hardware settings",
    "/dev": "the host's devices",
    "/boot": "the host's kernel and boot loader",
    "/run": "the sockets and state of the host's daemons",
    "/var/run": "the sockets and state of the host's daemons",
    "/var/lib/docker": "every container's files and secrets",
    "/var/lib/containerd": "every container's files",
    "/var/lib/kubelet": "the node's pod secrets",
}
# /etc itself and these in it (a folder of one application's own configuration,
# such as /etc/pihole mounted into pihole, is not reported)
_ETC = (
    "passwd", "shadow", "group", "gshadow", "sudoers", "sudoers.d", "ssh", "ssl/private",
    "pki/tls/private", "kubernetes", "docker", "containerd", "systemd", "crontab", "cron.d",
    "cron.hourly", "cron.daily", "cron.weekly", "cron.monthly", "pam.d", "security",
    "profile", "profile.d", "ld.so.preload", "ld.so.conf", "ld.so.conf.d", "init.d",
    "rc.local", "modprobe.d", "modules-load.d", "udev", "apparmor", "apparmor.d", "selinux",
)  # fmt: skip
# reported when writable: the host runs what is there as root
_WRITABLE = (
    "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libexec",
    "/usr/local", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib",
    "/bin", "/sbin", "/lib", "/lib64", "/lib32",
)  # fmt: skip
# the whole folder (the others: anything under them too)
_WRITABLE_TREE = ("/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib32", "/usr/lib64",
                  "/usr/libexec", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib",
                  "/bin", "/sbin", "/lib", "/lib64", "/lib32")  # fmt: skip
# never reported
_HARMLESS = ("/etc/localtime", "/etc/timezone", "/usr/share/zoneinfo")
# not reported read-only
_HARMLESS_RO = (
    "/etc/hostname",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/machine-id",
    "/etc/os-release",
    "/etc/ssl/certs",
    "/etc/ca-certificates",
    "/etc/pki/ca-trust",
    "/etc/pki/tls/certs",
    "/usr/share/ca-certificates",
    "/usr/local/share/ca-certificates",
    "/var/lib/dbus/machine-id",
    "/sys/fs/cgroup",
)
# credentials in a home folder
_SECRETS_IN_HOME = re.compile(
    r"^/(?:\.ssh|\.aws|\.azure|\.kube|\.docker|\.gnupg|\.netrc|\.git-credentials"
    r"|\.config/gcloud|\.config/gh|\.password-store)(?:/|$)"
)
_SOCKET = re.compile(r"(?:docker|podman)\.sock(?![\w-])", re.IGNORECASE)


def _under(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip("/") + "/")


def _normalize(source: str) -> str | None:
    """The host path as an absolute POSIX path (``~`` stays), None when it is relative
    or a Windows path."""
    if source.startswith("~"):
        return "~" + posixpath.normpath("/" + source[1:].lstrip("/")).rstrip("/")
    if not source.startswith("/") or source.startswith("//./"):
        return None
    path = posixpath.normpath("/" + source.lstrip("/"))
    return path


def _home(path: str) -> str | None:
    """What a path in a home folder exposes (None: a project folder deeper in it)."""
    if path == "~" or path == "/root" or path == "/home" or re.fullmatch(r"/home/[^/]+", path):
        return "a home folder, with its SSH and cloud keys"
    rest = None
    if path.startswith("~/"):
        rest = path[1:]
    elif path.startswith("/root/"):
        rest = path[len("/root") :]
    else:
        m = re.match(r"^/home/[^/]+(/.*)$", path)
        if m:
            rest = m[1]
    if rest is not None and _SECRETS_IN_HOME.match(rest):
        return "credentials from a home folder"
    return None


def _sensitive(path: str, read_only: bool) -> str | None:
    """What the host path exposes (None: nothing sensitive)."""
    if path == "/":
        return "the host's whole filesystem"
    if _SOCKET.search(path):
        return None  # docker-socket-mounted
    if any(_under(path, p) for p in _HARMLESS):
        return None
    if read_only and any(_under(path, p) for p in _HARMLESS_RO):
        return None
    if path == "/etc" or any(_under(path, "/etc/" + p) for p in _ETC):
        return "the host's configuration and secrets"
    for base, what in _ALWAYS.items():
        if _under(path, base):
            return what
    home = _home(path)
    if home is not None:
        return home
    if not read_only and (path in _WRITABLE or any(_under(path, p) for p in _WRITABLE_TREE)):
        return "the host's programs and libraries, which the host runs as root"
    return None


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for service in compose.services:
            for mount in service.mounts:
                if mount.type != "bind" or not mount.source or mount.unresolved:
                    continue
                path = _normalize(mount.source)
                if path is None:
                    continue
                what = _sensitive(path, mount.read_only)
                if what is None:
                    continue
                found = mount_node(mount, service)
                if found is None:
                    continue
                node, text = found
                access = "read-only" if mount.read_only else "writable"
                yield Finding(
                    node.span,
                    f"service {service.name!r} bind-mounts {quote(text)} from the host "
                    f"({access}): it exposes {what}; mount only the file or folder it "
                    "needs, read-only, or a project folder instead.",
                    path=node.file,
                )
