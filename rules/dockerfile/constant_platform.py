"""FROM --platform names a fixed platform.

## What it does
Reports a `FROM --platform=<value>` whose value is a constant platform
(`linux/amd64`, `linux/arm64/v8`), written without any variable, as
BuildKit's `FromPlatformFlagConstDisallowed` check does. A stage whose name
holds the platform's operating system or architecture (`AS build-arm64` with
`--platform=linux/arm64`) is not reported: building one stage per platform is
a deliberate pattern.

## Why is this bad?
A fixed platform makes the stage ignore the platform the image is built for.
On a multi-platform build (`--platform linux/amd64,linux/arm64`), every
variant gets the same base, so the arm64 image can ship amd64 binaries, and
on a machine of another architecture the stage runs under emulation. Use
`$BUILDPLATFORM` for stages that run build tools (and cross-compile for
`$TARGETPLATFORM`), or leave the flag out so the stage follows the target.

## Example
```dockerfile
FROM --platform=linux/amd64 golang:1.23 AS build
RUN go build -o /out/app .
```

## Use instead
```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.23 AS build
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
```

## Differences from hadolint
- hadolint reports every `--platform` value that does not mention
  `BUILDPLATFORM` or `TARGETPLATFORM`, including one taken from another
  variable (`--platform=$PLATFORM`, set on the command line). dlint, like
  BuildKit, reports only constant values: a variable is a choice left to
  whoever runs the build.
- Stages named after their platform's operating system or architecture are
  not reported (BuildKit's exception).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3029",
    name="constant-platform",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("portability", "buildkit-check"),
    precision="high",
    buildkit=("FromPlatformFlagConstDisallowed",),
)

_COMPONENT = re.compile(r"^[a-z0-9_-]+$")
_OSES = frozenset(
    [
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "illumos",
        "ios",
        "js",
        "linux",
        "netbsd",
        "openbsd",
        "plan9",
        "solaris",
        "wasip1",
        "windows",
    ]
)
# architecture spellings, with the name Docker normalises them to
_ARCHES = {
    "386": "386",
    "i386": "386",
    "i686": "386",
    "x86": "386",
    "amd64": "amd64",
    "x86_64": "amd64",
    "x86-64": "amd64",
    "arm": "arm",
    "armhf": "arm",
    "armel": "arm",
    "arm64": "arm64",
    "aarch64": "arm64",
    "loong64": "loong64",
    "mips": "mips",
    "mipsle": "mipsle",
    "mips64": "mips64",
    "mips64le": "mips64le",
    "ppc64": "ppc64",
    "ppc64le": "ppc64le",
    "riscv64": "riscv64",
    "s390x": "s390x",
    "wasm": "wasm",
}


def _parse(platform: str) -> tuple[str, str] | None:
    """(os, architecture) of a platform string, as containerd reads it; None if unreadable."""
    parts = platform.strip().lower().split("/")
    if not 1 <= len(parts) <= 3 or not all(_COMPONENT.match(p) for p in parts):
        return None
    if len(parts) == 1:
        if parts[0] in _OSES:
            return parts[0], ""
        if parts[0] in _ARCHES:
            return "linux", _ARCHES[parts[0]]
        return None
    return parts[0], _ARCHES.get(parts[1], parts[1])


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.stages:
        ins = stage.from_instruction
        flag = ins.flag("platform") if ins is not None else None
        if flag is None or not flag.value or "$" in flag.value:
            continue
        parsed = _parse(flag.value.strip("\"'"))
        if parsed is None:
            continue
        os, arch = parsed
        name = stage.name or ""
        if (os and os in name) or (arch and arch in name):
            continue
        yield Finding(
            flag.span,
            f"FROM --platform={flag.value} fixes the stage's platform, so builds for other "
            "platforms get this one too: use $BUILDPLATFORM or $TARGETPLATFORM, or drop "
            "the flag.",
        )
