"""A RUN step runs with BuildKit's insecure security mode.

## What it does
Reports `RUN --security=insecure`, also in an `ONBUILD` trigger (where it
runs in the builds of every image made from this one).

`RUN --network=host`, the other flag that lets a build step out of its
sandbox, is reported by `host-network` (DC101) and not again here.

## Why is this bad?
`--security=insecure` runs the step like `docker run --privileged`: with
every Linux capability, no seccomp or AppArmor profile, and the host's
devices. A command of that step (often a downloaded install script or a
package's post-install hook) can then reach the machine that runs the build,
CI runners included. The build needs the `security.insecure` entitlement
(`docker buildx build --allow security.insecure`, and a builder started to
allow it), so whoever builds the image must weaken their builder for it.
Most steps that seem to need it (mounting file systems, loop devices,
`sysctl`) can be moved to the container's run time or done without root.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN --security=insecure mount -t tmpfs tmpfs /mnt && make -C /src install
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN make -C /src install
```

## Known limitations
A value given through a variable (`--security=$MODE`) is not resolved, and
not reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DF802",
    name="insecure-run",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("security", "buildkit"),
    precision="very-high",
    security_severity=7.0,
    preview=True,
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for outer in df.instructions:
        ins = outer.trigger if outer.keyword == "ONBUILD" and outer.trigger else outer
        if ins.keyword != "RUN":
            continue
        for flag in ins.flags:
            if flag.name != "security" or flag.value != "insecure":
                continue
            machine = (
                "the machines that build the images made from this one"
                if ins is not outer
                else "the build machine"
            )
            yield Finding(
                flag.span,
                f"`--security=insecure` runs the step with full root privileges on {machine}: "
                "drop the flag and do the privileged work at run time, or without it.",
            )
