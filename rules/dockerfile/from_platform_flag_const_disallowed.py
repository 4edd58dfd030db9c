"""FROM --platform names a fixed platform.

## What it does
Reports a `FROM --platform=<value>` whose value is a constant platform
(`linux/amd64`, `linux/arm64/v8`), as BuildKit's
`FromPlatformFlagConstDisallowed` check does, or one taken from a global `ARG`
whose default is a constant platform (`ARG PLATFORM=linux/amd64`, then
`--platform=$PLATFORM`): unless the build overrides it, that default fixes the
platform as well.

Not reported: values that use BuildKit's automatic platform arguments
(`$BUILDPLATFORM`, `$TARGETPLATFORM`, `$TARGETOS/$TARGETARCH`...), which follow
the build, and a variable with no default, set by whoever runs the build. A
stage whose name holds the platform's operating system or architecture
(`AS build-arm64` with `--platform=linux/arm64`) is not reported either:
building one stage per platform is a deliberate pattern (BuildKit's
exception).

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
  `BUILDPLATFORM` or `TARGETPLATFORM`, including a build argument with no
  default (`--platform=$PLATFORM`, given with `--build-arg`). That value is
  chosen when the build runs, as `docker build --platform` would choose it, so
  dlint does not report it. A default that fixes the platform is reported.
- hadolint reports `--platform=$TARGETOS/$TARGETARCH` (and the `BUILDOS`,
  `BUILDARCH`, variant forms): these follow the target or build platform just
  as `$TARGETPLATFORM` does, so dlint does not.
- Stages named after their platform's operating system or architecture are
  not reported (BuildKit's exception, which BuildKit's own tests require).
"""

from __future__ import annotations

import string
from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Stage
from dlint.rule import Finding, RuleMeta

from .._shared.buildkit import AUTOMATIC_ARGS

META = RuleMeta(
    code="DL3029",
    name="from-platform-flag-const-disallowed",
    redirects=("constant-platform",),
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("portability", "buildkit-check"),
    precision="high",
    buildkit=("FromPlatformFlagConstDisallowed",),
)

_COMPONENT = frozenset(string.ascii_lowercase + string.digits + "_-")  # what a part may hold
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
    if not 1 <= len(parts) <= 3 or not all(p and set(p) <= _COMPONENT for p in parts):
        return None
    if len(parts) == 1:
        if parts[0] in _OSES:
            return parts[0], ""
        if parts[0] in _ARCHES:
            return "linux", _ARCHES[parts[0]]
        return None
    return parts[0], _ARCHES.get(parts[1], parts[1])


def _platform(stage: Stage, written: str) -> str | None:
    """The constant platform a ``--platform`` value sets; None when it follows the build."""
    if "$" not in written:
        return written.strip("\"'")
    if any(name in written for name in AUTOMATIC_ARGS):
        return None
    # a variable: its global ARG default, when every variable in it has one
    return stage.platform or None


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.stages:
        ins = stage.from_instruction
        flag = ins.flag("platform") if ins is not None else None
        if flag is None or not flag.value:
            continue
        platform = _platform(stage, flag.value)
        parsed = _parse(platform) if platform is not None else None
        if platform is None or parsed is None:
            continue
        os, arch = parsed
        name = stage.name or ""
        if (os and os in name) or (arch and arch in name):
            continue
        if "$" in flag.value:
            yield Finding(
                flag.span,
                f"FROM --platform={flag.value} is `{platform}` unless the build sets it "
                "otherwise, which fixes the stage's platform: use $BUILDPLATFORM or "
                "$TARGETPLATFORM, or drop the flag.",
            )
            continue
        yield Finding(
            flag.span,
            f"FROM --platform={flag.value} fixes the stage's platform, so builds for other "
            "platforms get this one too: use $BUILDPLATFORM or $TARGETPLATFORM, or drop "
            "the flag.",
        )
