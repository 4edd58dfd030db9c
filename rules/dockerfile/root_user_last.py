"""The last USER of a stage is root.

## What it does
Reports the last `USER` instruction of a stage when it switches to `root`:
`USER root`, `USER 0`, or the same with a group (`root:root`, `0:0`). The user
is judged after `ARG` and `ENV` substitution; a `USER` that names a variable
with no known value is not reported. A stage with no `USER` at all is not
reported either (it runs as whatever user its base image sets).

## Why is this bad?
A container runs as the last `USER` of its stage. Running as root means that
any flaw in the application, or in a package it pulls in, gets root inside the
container, and a container escape or a mounted host folder gives root's
access on the host. Switching to root for installation steps is fine, as long
as the stage switches back to an unprivileged user before it ends.

## Example
```dockerfile
FROM debian:12-slim
RUN useradd --create-home app
USER root
CMD ["bash"]
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN useradd --create-home app
USER app
CMD ["bash"]
```

## Differences from hadolint
- hadolint compares the text of the `USER` as written, so `USER $RUN_AS`
  with `ARG RUN_AS=root` passes. dlint substitutes the variables it knows and
  reports it.
- hadolint does not remove quotes, so `USER "root"` passes. Docker removes
  them, and so does dlint.

## Known limitations
- Every stage is checked, build stages included, as hadolint does: a builder
  stage that ends as root is reported even when only files are copied out of
  it. Add `USER` back or suppress the finding for such stages.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL3002",
    name="root-user-last",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("security",),
    precision="high",
    security_severity=5.0,
)


def _user(ins: Instruction) -> str | None:
    """The user of a USER instruction after substitution; None when it is not known."""
    if not ins.args or ins.unresolved:
        return None
    return ins.expanded[0] if ins.expanded else ins.args[0].value


def _is_root(user: str) -> bool:
    return user in ("root", "0") or user.startswith(("root:", "0:"))


def check(df: Dockerfile) -> Iterator[Finding]:
    for stage in df.all_stages:
        users = [ins for ins in stage.instructions if ins.keyword == "USER"]
        if not users:
            continue
        last = users[-1]
        user = _user(last)
        if user is None or not _is_root(user):
            continue
        where = f"stage `{stage.name}`" if stage.name else "this stage"
        shown = last.args[0].value
        also = f" (`{user}`)" if shown != user else ""
        yield Finding(
            last.args[0].span,
            f"The last USER of {where} is `{shown}`{also}, so its containers run as root: "
            "switch to an unprivileged user before the stage ends.",
        )
