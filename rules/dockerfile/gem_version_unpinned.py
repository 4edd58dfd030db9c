"""A gem is installed without a pinned version.

## What it does
Reports each gem a `gem install` (or `gem i`) names without a version, in
`RUN` and `ONBUILD RUN`: `bundler` rather than `bundler:2.5.6`.

Not reported: installs given a version with `-v`/`--version` (it applies to
the gem named), local `.gem` files, gems from a Gemfile (`gem install -g`),
the build options after `--` (`gem install nokogiri:1.16.5 --
--use-system-libraries`), and a word that is only a variable dlint cannot know
(`gem install "$GEM"`): what it holds is not known.

A variable the script sets itself is read: `GEMS="bundler rake" && gem
install $GEMS` reports each gem it holds without a version, on `$GEMS`.

A gem whose name is written with a variable part (`"rubocop-${PLUGIN}"`) is
reported: its written text names no version. A version in the written text
pins it (`"bundler:${BUNDLER_VERSION}"`), and so does a variable that brings
the `:` along.

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
- hadolint takes the word after any option for that option's value, so it
  misses `bundler` in `gem install --no-document bundler` (or `-N bundler`,
  `--user-install bundler`); dlint knows which of gem's options take a value,
  and skips only those values (`--install-dir /opt/gems`, `--source URL`).
- Local `.gem` files are not reported, nor is a word that is only a variable
  the script does not set (`"$GEM"`, as in the apt and apk rules): hadolint
  reports both.
- `-v=2.5.6` gives a version (gem reads `=2.5.6` as the requirement);
  hadolint does not read that spelling.
- gem run through `sudo` is checked; hadolint does not see it.
- Each unpinned gem is reported at its own place, not the whole `RUN`.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.operands import names, show
from .._shared.packages import Invocation, invocations
from .._shared.runs import runs

META = RuleMeta(
    code="DL3028",
    name="gem-version-unpinned",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("reproducibility", "supply-chain", "ruby"),
    precision="high",
)

# the kinds of documentation ``--document`` takes as its optional value
_DOC_KINDS = frozenset({"ri", "rdoc", "ri,rdoc", "rdoc,ri"})


def _gems(inv: Invocation) -> list[ShellWord]:
    """The operands that name gems: not the optional value of ``--document``, nor what
    follows ``--`` (options for the gem's build: ``-- --use-system-libraries``)."""
    argv = inv.command.argv
    skipped: set[Span] = set()
    for i, word in enumerate(argv[:-1]):
        text = word.value or ""
        if text == "--":
            skipped.update(w.span for w in argv[i + 1 :])
            break
        if text == "--document" and argv[i + 1].value in _DOC_KINDS:
            skipped.add(argv[i + 1].span)
    return [w for w in inv.operands if w.span not in skipped]


def check(df: Dockerfile) -> Iterator[Finding]:
    for run in runs(df):
        for inv in invocations(run.script, "gem"):
            if inv.subcommand != "install" or inv.has("--version", "--file"):
                continue
            for word in _gems(inv):
                for gem, sources, origin in names(run, word):
                    if not gem or gem.startswith("-") or ":" in gem or gem.endswith(".gem"):
                        continue  # an option, pinned (``bundler:2.5``), or a local file
                    if any(":" in e for e in sources):
                        continue  # the version comes with a variable: ``rake${V:+:$V}``
                    shown = show(gem, sources)
                    yield Finding(
                        word.span,
                        f"`{shown}`{origin} is installed without a version: write "
                        f"`gem install {shown}:<version>` or add `-v <version>`.",
                    )
