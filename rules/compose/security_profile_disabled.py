"""A service turns off one of the kernel's confinements of its container.

## What it does
Reports each entry of a service's `security_opt` that switches a protection
off: `seccomp=unconfined`, `apparmor=unconfined`, `label=disable` (and the
SELinux types `spc_t` and `unconfined_t` given with `label=type:`),
`no-new-privileges=false` (any spelling of false Docker accepts) and
`systempaths=unconfined`. Options are read the way Docker Compose reads them,
with `=` or the older `:` as separator. Override files and `extends` count:
the merged service is checked. A value given by a variable that has no value
is not reported.

## Why is this bad?
Docker confines every container with a seccomp filter (which blocks system
calls such as `mount`, `kexec_load` and `open_by_handle_at`), an AppArmor or
SELinux profile (which keeps it out of the host's files and away from `/proc`
and `/sys`) and masked `/proc` paths. Each is a wall between root in the
container and the host: turning one off makes a kernel bug or a stray
capability enough to escape. `no-new-privileges=false` lets a process gain
privileges through setuid binaries, and undoes a daemon that sets
`no-new-privileges` for every container.

## Example
```yaml
services:
  app:
    image: nginx:1.27
    security_opt:
      - seccomp:unconfined
```

## Use instead
```yaml
services:
  app:
    image: nginx:1.27
    security_opt:
      - no-new-privileges:true
      - seccomp=./seccomp-profile.json
```

## Known limitations
A custom seccomp or AppArmor profile is not read: one that allows everything
is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.project import Project
from dlint.ir.yaml import YScalar, YSequence
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DC306",
    name="security-profile-disabled",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("security", "privileges"),
    precision="very-high",
    security_severity=7.0,
)

# strconv.ParseBool's spellings of false (how the daemon reads no-new-privileges)
_FALSE = {"0", "f", "F", "false", "False", "FALSE"}
_UNCONFINED_LABELS = {"type:spc_t", "type:unconfined_t"}


def _split(option: str) -> tuple[str, str] | None:
    """(key, value) of an option, the way docker compose splits it (``=``, else ``:``)."""
    if "=" in option:
        key, _, value = option.partition("=")
    elif ":" in option:
        key, _, value = option.partition(":")
    else:
        return None
    return key, value


def _problem(option: str) -> str | None:
    """What the option turns off, and what to do instead (None: nothing turned off)."""
    if option == "systempaths=unconfined":
        return (
            "unmasks /proc and /sys paths Docker hides or makes read-only (such as "
            "/proc/kcore and /proc/sysrq-trigger); remove it"
        )
    parts = _split(option)
    if parts is None:
        return None
    key, value = parts
    if key == "seccomp" and value == "unconfined":
        return (
            "turns off the seccomp filter, so every system call reaches the host's kernel; "
            "remove it, or give a profile that allows only the calls the service needs"
        )
    if key == "apparmor" and value == "unconfined":
        return (
            "turns off the AppArmor profile that keeps the container away from host files, "
            "/proc and /sys; remove it, or give a profile of your own"
        )
    if key == "label" and value == "disable":
        return (
            "turns off SELinux separation, so the container is not kept to its own files; "
            "remove it, or relabel the mounts it needs (`:z` or `:Z`)"
        )
    if key == "label" and value in _UNCONFINED_LABELS:
        return (
            "runs the container in an unconfined SELinux type; remove it, or relabel the "
            "mounts it needs (`:z` or `:Z`)"
        )
    if key == "no-new-privileges" and value in _FALSE:
        return "lets processes gain privileges through setuid binaries; use no-new-privileges:true"
    return None


def check(project: Project) -> Iterator[Finding]:
    for compose in project.compose:
        for service in compose.services:
            options = service.get("security_opt")
            if not isinstance(options, YSequence):
                continue
            for item in options.items:
                if not isinstance(item, YScalar) or not item.is_string or item.unresolved:
                    continue
                problem = _problem(str(item.value))
                if problem is not None:
                    yield Finding(
                        item.span,
                        f"service {service.name!r} sets security_opt {item.written}, which "
                        f"{problem}.",
                        path=item.file,
                    )
