"""A gem is installed without a pinned version.

## What it does
Reports each gem a `gem install` (or `gem i`) names without a version, in
`RUN` and `ONBUILD RUN`: `bundler` rather than `bundler:2.5.6`.

Not reported: installs given a version with `-v`/`--version` (it applies to
the gem named), local `.gem` files, gems from a Gemfile (`gem install -g`),
and gems written with a variable (`gem install "$GEM"`).

## Why is this bad?
Without a version, each build installs whatever is newest on rubygems.org
that day: two builds of the same Dockerfile get different code, and a release
that breaks your image can arrive without any change on your side.

## Example
```dockerfile
FROM ruby:3.3-slim
RUN gem install bundler
```

## Use instead
```dockerfile
FROM ruby:3.3-slim
RUN gem install bundler:2.5.6
```

## Differences from hadolint
- hadolint reads the values of options such as `--install-dir /opt/gems` or
  `--source URL` as gems; dlint skips them.
- Local `.gem` files are not reported.
- Each unpinned gem is reported at its own place, not the whole `RUN`.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity
from dlint.ir.dockerfile import Dockerfile, Instruction
from dlint.ir.shell import ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.packages import Invocation, invocations

META = RuleMeta(
    code="DL3028",
    name="gem-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain", "ruby"),
    precision="high",
)

# gem options that take a value but are missing from the shared table.
_EXTRA_VALUED = frozenset({"-P", "--trust-policy", "--config-file", "--target-rbconfig"})


def _gems(inv: Invocation) -> list[ShellWord]:
    """The operands, without the values of options the shared table misses."""
    argv = inv.command.argv
    values = {argv[i + 1].span for i, word in enumerate(argv[:-1]) if word.value in _EXTRA_VALUED}
    return [w for w in inv.operands if w.span not in values]


def _runs(df: Dockerfile) -> Iterator[Instruction]:
    for ins in df.instructions:
        if ins.keyword == "RUN":
            yield ins
        elif ins.keyword == "ONBUILD" and ins.trigger and ins.trigger.keyword == "RUN":
            yield ins.trigger


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in _runs(df):
        for inv in invocations(run.script, "gem"):
            if inv.subcommand != "install" or inv.has("--version", "--file"):
                continue
            for word in _gems(inv):
                gem = word.value
                if not gem or ":" in gem or gem.endswith(".gem"):
                    continue
                yield Finding(
                    word.span,
                    f"`{gem}` is installed without a version: write `gem install {gem}:<version>` "
                    "or add `-v <version>`.",
                )
