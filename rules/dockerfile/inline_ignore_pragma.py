"""An inline comment turns off a rule (`# hadolint ignore=...`, `# dlint: ignore=...`).

## What it does
Off by default. Reports each comment line that suppresses findings:
hadolint's `# hadolint ignore=DL3008`, `# hadolint global ignore=...` and
`# hadolint stage ignore=...`, and dlint's own `# dlint: ignore=...` and
`# dlint: global ignore=...`, at the comment: exactly the comments dlint's
engine takes as suppressions. Other comments are not reported: `# hadolint
shell=...`, a hadolint pragma whose list holds something other than codes
(`# hadolint ignore=DL3008;x`, lower-case `dl3008`), which hadolint and dlint
ignore, and a malformed `# dlint:` comment, which `unused-suppression`
reports.

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
own suppressions, since each is an inline opt-out all the same.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile
from dlint.rule import Finding, RuleMeta
from dlint.suppress import DLINT_PRAGMA, check_directive, dlint_pragma_body, hadolint_pragma

META = RuleMeta(
    code="DL1001",
    name="inline-ignore-pragma",
    scope="dockerfile",
    severity=Severity.INFO,
    tags=("suppression", "policy"),
    precision="very-high",
    default_enabled=False,
)


def _hadolint(raw: str) -> str | None:
    """The kind of ``# hadolint [global|stage] ignore=DL3008,...`` pragma a line is."""
    found = hadolint_pragma(raw)
    if found is None:
        return None
    reach = found[0]
    return "hadolint ignore" if reach == "next" else f"hadolint {reach} ignore"


def _dlint(comment: str) -> str | None:
    """The kind of ``# dlint: [global] ignore=A,B [-- reason]`` suppression a comment
    is (None: none, or a malformed one, which suppresses nothing)."""
    m = DLINT_PRAGMA.search(comment)
    body = dlint_pragma_body(comment[m.end() :].strip()) if m is not None else None
    if body is None:
        return None
    return "dlint: global ignore" if body[0] else "dlint: ignore"


def _kind(raw: str) -> str | None:
    """The kind of suppression a comment line is, read in the engine's order."""
    if check_directive(raw) is not None:  # BuildKit's `# check=`: neither kind
        return None
    return _hadolint(raw) or _dlint(raw.lstrip())


def check(df: Dockerfile) -> Iterator[Finding]:
    inside: set[int] = set()
    for ins in df.instructions:
        inside.update(range(ins.span.line, ins.span.end_line + 1))
    for index, raw in enumerate(df.lines):
        lineno = index + 1
        stripped = raw.lstrip()
        if lineno in inside or not stripped.startswith("#"):
            continue
        kind = _kind(raw)
        if kind is None:
            continue
        column = 1 + len(raw) - len(stripped)
        yield Finding(
            Span(lineno, column, lineno, len(raw.rstrip()) + 1),
            f"Inline `# {kind}=` pragma: fix the finding, or turn the rule off in the "
            "config file, where exceptions are reviewed.",
        )
