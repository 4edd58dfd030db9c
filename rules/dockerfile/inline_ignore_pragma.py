"""An inline comment turns off a rule (`# hadolint ignore=...`, `# dlint: ignore=...`).

## What it does
Off by default. Reports each comment line that suppresses findings:
hadolint's `# hadolint ignore=DL3008`, `# hadolint global ignore=...` and
`# hadolint stage ignore=...`, and dlint's own `# dlint: ignore=...` and
`# dlint: global ignore=...`, at the comment. Other comments, including
`# hadolint shell=...`, are not reported.

## Why is this bad?
Teams that agree on a rule set in a reviewed config file do not want anyone
to opt out of a rule with a comment next to the code. Turn this rule on to
keep every exception in the config file (`ignore`, `per-file-ignores`),
where it is visible and reviewed as such.

## Example
```dockerfile
FROM debian:bookworm-slim
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
```

## Differences from hadolint
hadolint reports only its next-instruction pragma, `# hadolint ignore=...`;
dlint also reports `# hadolint global ignore=...` and `# hadolint stage
ignore=...`, which opt out of a rule for a whole file or stage, and dlint's
own suppressions, since each is an inline opt-out all the same. Like dlint's
engine, it also counts pragmas that name codes in lower case, which hadolint
ignores.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta

META = RuleMeta(
    code="DL1001",
    name="inline-ignore-pragma",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("suppression", "policy"),
    precision="very-high",
    default_enabled=False,
)

_BLANKS = " \t"


def _skip(text: str, word: str, *, blank_after: bool = False) -> str | None:
    """``text`` after ``word`` and the blanks that follow; None if it does not start so
    (or, with ``blank_after``, if no blank follows)."""
    if not text.startswith(word):
        return None
    rest = text[len(word) :]
    if blank_after and rest[:1] not in (" ", "\t"):
        return None
    return rest.lstrip(_BLANKS)


def _hadolint(body: str) -> str | None:
    """The kind of hadolint ignore pragma ``body`` (after ``#``) is, or None."""
    rest = _skip(body.lstrip(_BLANKS), "hadolint", blank_after=True)
    if rest is None:
        return None
    kind = "ignore"
    for reach in ("global", "stage"):
        after = _skip(rest, reach, blank_after=True)
        if after is not None:
            kind, rest = f"{reach} ignore", after
            break
    rest = _skip(rest, "ignore")
    rest = _skip(rest, "=") if rest is not None else None
    if rest is None:
        return None
    codes = rest.partition("#")[0].strip()
    if not codes or any(not (ch.isalnum() or ch in "_,- \t") for ch in codes):
        return None
    return f"hadolint {kind}"


def _dlint(body: str) -> str | None:
    """The kind of dlint suppression ``body`` (after ``#``) is, or None."""
    rest = _skip(body.lstrip(_BLANKS), "dlint")
    rest = _skip(rest, ":") if rest is not None else None
    if rest is None:
        return None
    head, eq, _ = rest.partition("=")
    words = head.split()
    if not eq or words not in (["ignore"], ["global", "ignore"]):
        return None
    return "dlint: " + " ".join(words)


def check(df: Dockerfile) -> Iterator[Finding]:
    inside: set[int] = set()
    for ins in df.instructions:
        inside.update(range(ins.span.line + 1, ins.span.end_line + 1))
        inside.add(ins.span.line)
    for index, raw in enumerate(df.lines):
        lineno = index + 1
        stripped = raw.lstrip()
        if lineno in inside or not stripped.startswith("#"):
            continue
        kind = _hadolint(stripped[1:]) or _dlint(stripped[1:])
        if kind is None:
            continue
        column = 1 + len(raw) - len(stripped)
        span = Span(lineno, column, lineno, len(raw.rstrip()) + 1)
        yield Finding(
            span,
            f"Inline `# {kind}=` pragma: fix the finding, or turn the rule off in the "
            "config file, where exceptions are reviewed.",
        )
