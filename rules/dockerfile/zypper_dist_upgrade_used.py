"""`zypper dist-upgrade` upgrades the whole distribution inside the image.

## What it does
Reports each `zypper dist-upgrade` (`zypper dup`) in `RUN` and `ONBUILD RUN`.

## Why is this bad?
`dist-upgrade` moves every package to what the repositories offer today,
switching vendors and dropping packages when it has to. What the image ends up
with depends on the day it is built, not on the Dockerfile, and it drifts away
from the base image it claims to be. Build from a base image of the release
you want instead, and install or update the few packages you need.

## Example
```dockerfile
FROM opensuse/leap:15.5
RUN zypper --non-interactive dist-upgrade && zypper clean -a
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install curl=8.6.0 && zypper clean -a
```

## Differences from hadolint
hadolint reports any `dup` or `dist-upgrade` word after `zypper`
(`zypper install dup`, `zypper search dist-upgrade`); dlint only the
subcommand, also through `sudo`, a full path, `sh -c` or a heredoc script.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

from .._shared.rpm import calls, zypper_action

META = RuleMeta(
    code="DL3035",
    name="zypper-dist-upgrade-used",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "zypper"),
    precision="very-high",
)


def check(df: Dockerfile) -> Iterator[Finding]:
    for _run, inv in calls(df, "zypper"):
        action = zypper_action(inv)
        if action is not None and action.name == "dist-upgrade":
            yield Finding(
                action.span,
                f"`zypper {action.written}` upgrades the whole distribution in the image: "
                "build from a base image of the release you want instead.",
            )
