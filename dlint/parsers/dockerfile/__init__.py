"""The Dockerfile front end: text in, IR out, parsed the way BuildKit parses."""

from __future__ import annotations

from dlint.ir.context import BuildContext
from dlint.ir.dockerfile import Directive, Dockerfile
from dlint.parsers.dockerfile.convert import convert
from dlint.parsers.dockerfile.errors import DockerfileSyntaxError
from dlint.parsers.dockerfile.scan import scan
from dlint.parsers.dockerfile.stages import build_stages
from dlint.parsers.dockerfile.validate import check_instruction

__all__ = ["DockerfileSyntaxError", "parse_dockerfile"]


def parse_dockerfile(text: str, path: str, context: BuildContext | None = None) -> Dockerfile:
    """Parse ``text``; raises DockerfileSyntaxError where BuildKit stops reading.

    Problems BuildKit finds later (unknown instructions, bad flags, wrong
    argument counts) do not stop parsing: they are listed in ``problems``.
    """
    scanned = scan(text)
    instructions = [convert(raw) for raw in scanned.instructions]
    problems = [p for ins in instructions for p in check_instruction(ins)]
    built = build_stages(scanned.instructions, instructions, scanned.escape, scanned.lines)
    problems.extend(built.problems)
    problems.sort(key=lambda p: (p.span.line, p.span.column))
    directives = tuple(Directive(d.name, d.value, d.span) for d in scanned.directives)
    return Dockerfile(
        path=path,
        instructions=tuple(built.instructions),
        directives=directives,
        escape=scanned.escape,
        global_args=tuple(built.global_args),
        stages=tuple(built.stages),
        context=context or BuildContext("."),
        problems=tuple(problems),
        lines=tuple(scanned.lines),
        orphan=built.orphan,
    )
