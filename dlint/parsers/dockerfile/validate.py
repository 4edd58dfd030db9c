"""The checks BuildKit makes when it turns its AST into typed instructions.

Follows BuildKit's ``instructions/parse.go`` and ``instructions/bflag.go``
(Apache-2.0): known instructions, allowed flags and their types, argument
counts. A failed check is a problem at the exact token; the rest of the file
is still linted.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from dlint.ir.common import Span
from dlint.ir.dockerfile import Instruction, ParseProblem
from dlint.ir.text import clip
from dlint.parsers.dockerfile.scan import parse_heredoc_word

_STR, _BOOL, _STRS = "string", "bool", "strings"
_HEALTH_FLAGS = {
    "interval": _STR,
    "timeout": _STR,
    "start-period": _STR,
    "start-interval": _STR,
    "retries": _STR,
}
FLAGS: dict[str, dict[str, str]] = {
    "ADD": {
        "chown": _STR,
        "chmod": _STR,
        "link": _BOOL,
        "keep-git-dir": _BOOL,
        "checksum": _STR,
        "exclude": _STRS,
        "unpack": _BOOL,
    },
    "COPY": {
        "chown": _STR,
        "from": _STR,
        "chmod": _STR,
        "link": _BOOL,
        "parents": _BOOL,
        "exclude": _STRS,
    },
    "FROM": {"platform": _STR},
    "RUN": {"mount": _STRS, "network": _STR, "security": _STR, "device": _STRS},
}
INSTRUCTIONS = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
]
_STAGE_NAME = re.compile(r"^[a-z][a-z0-9-_.]*$")
# Each number has one way to match (no backtracking on a long run of digits).
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_DURATION = re.compile(rf"^[-+]?(?:{_NUMBER}(?:ns|us|µs|μs|ms|s|m|h))+$|^0$")
_UNIT_NS = {"ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 6e10, "h": 3.6e12}
_DURATION_PART = re.compile(rf"({_NUMBER})(ns|us|µs|μs|ms|s|m|h)")


_INTEGER = re.compile(r"^[-+]?[0-9]+$")
_MAX_DURATION_NS = 2.0**63  # Go's time.Duration is an int64 of nanoseconds


def _problem(message: str, span: Span) -> ParseProblem:
    return ParseProblem(message, span)


def _check_flags(ins: Instruction, allowed: dict[str, str]) -> Iterator[ParseProblem]:
    """The first flag BuildKit refuses, if any (it stops reading the flags there)."""
    for problem in _flag_problems(ins, allowed):
        yield problem
        return


def _flag_problems(ins: Instruction, allowed: dict[str, str]) -> Iterator[ParseProblem]:
    used: set[str] = set()
    for flag in ins.flags:
        if flag.name not in allowed:
            hint = difflib.get_close_matches(flag.name, list(allowed), n=1)
            more = f" (did you mean {hint[0]}?)" if hint else ""
            yield _problem(f"unknown flag: {clip(flag.name)}{more}", flag.span)
            continue
        kind = allowed[flag.name]
        if flag.name in used and kind != _STRS:
            yield _problem(f"duplicate flag specified: {flag.name}", flag.span)
        used.add(flag.name)
        if kind == _BOOL:
            if flag.value == "":
                yield _problem(f"missing a value on flag: {flag.name}", flag.span)
            elif flag.value is not None and flag.value.lower() not in ("true", "false"):
                yield _problem(
                    f"expecting boolean value for flag {flag.name}, not: {clip(flag.value)}",
                    flag.span,
                )
        elif flag.value is None:
            yield _problem(f"missing a value on flag: {flag.name}", flag.span)


def _go_duration_ns(text: str) -> float | None:
    if not _DURATION.match(text):
        return None
    if text == "0":
        return 0.0
    sign = -1.0 if text.startswith("-") else 1.0
    total = sum(float(n) * _UNIT_NS[u] for n, u in _DURATION_PART.findall(text))
    return None if total > _MAX_DURATION_NS else sign * total


def _count(ins: Instruction, exactly: int | None = None, at_least: int | None = None) -> str | None:
    n = len(ins.args)
    name = ins.keyword
    if exactly is not None and n != exactly:
        return f"{name} requires exactly one argument"
    if at_least is not None and n < at_least:
        if at_least == 1:
            return f"{name} requires at least one argument"
        return (
            f"{name} requires at least two arguments, but only one was provided. "
            "Destination could not be determined"
        )
    return None


def check_instruction(ins: Instruction) -> Iterator[ParseProblem]:
    """Problems BuildKit reports for one instruction (ONBUILD's trigger too)."""
    kw = ins.keyword
    whole = ins.span
    if kw not in INSTRUCTIONS:
        hint = difflib.get_close_matches(kw.lower(), [i.lower() for i in INSTRUCTIONS], n=1)
        more = f" (did you mean {hint[0]}?)" if hint else ""
        yield _problem(f"unknown instruction: {ins.keyword_text}{more}", ins.keyword_span)
        return
    allowed = FLAGS.get(kw, {})
    if kw == "HEALTHCHECK" and ins.args and ins.args[0].value.upper() != "NONE":
        allowed = _HEALTH_FLAGS
    yield from _check_flags(ins, allowed)
    args = ins.args
    if kw in ("ENV", "LABEL"):
        if not args:
            yield _problem(f"{kw} requires at least one argument", whole)
        for key, _value, _eq in ins.pairs:
            if not key.value:
                yield _problem(f"{kw} names can not be blank", key.span)
    elif kw in ("MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"):
        if (msg := _count(ins, exactly=1)) is not None:
            yield _problem(msg, whole)
    elif kw in ("ADD", "COPY"):
        if (msg := _count(ins, at_least=2)) is not None:
            yield _problem(msg, whole)
        elif parse_heredoc_word(args[-1].value) is not None:
            yield _problem(f"{kw} cannot accept a heredoc as a destination", args[-1].span)
    elif kw == "FROM":
        if len(args) == 3 and args[1].value.lower() == "as":
            if not _STAGE_NAME.match(args[2].value.lower()):
                yield _problem(
                    f'invalid name for build stage: "{args[2].value}", '
                    "name can't start with a number or contain symbols",
                    args[2].span,
                )
        elif len(args) != 1:
            yield _problem("FROM requires either one or three arguments", whole)
    elif kw == "ONBUILD":
        trigger = ins.trigger
        if trigger is None:
            yield _problem("ONBUILD requires at least one argument", whole)
        elif trigger.keyword == "ONBUILD":
            yield _problem(
                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", trigger.keyword_span
            )
        elif trigger.keyword in ("MAINTAINER", "FROM"):
            yield _problem(
                f"{trigger.keyword} isn't allowed as an ONBUILD trigger", trigger.keyword_span
            )
        else:
            yield from check_instruction(trigger)
    elif kw == "HEALTHCHECK":
        yield from _check_healthcheck(ins)
    elif kw in ("EXPOSE", "VOLUME", "ARG"):
        if not args:
            yield _problem(f"{kw} requires at least one argument", whole)
        if kw == "VOLUME":
            for a in args:
                if not a.value.strip():
                    yield _problem("VOLUME specified can not be an empty string", a.span)
    elif kw == "SHELL":
        if not ins.json:
            yield _problem("SHELL requires the arguments to be in JSON form", whole)
        elif not args:
            yield _problem("SHELL requires at least one argument", whole)


def _check_healthcheck(ins: Instruction) -> Iterator[ParseProblem]:
    args = ins.args
    if not args:
        yield _problem("HEALTHCHECK requires at least one argument", ins.span)
        return
    kind = args[0].value.upper()
    if kind == "NONE":
        if len(args) != 1:
            yield _problem("HEALTHCHECK NONE takes no arguments", args[1].span)
        return
    if kind != "CMD":
        yield _problem(f'Unknown type "{kind}" in HEALTHCHECK (try CMD)', args[0].span)
        return
    if len(args) < 2 or (not ins.json and not args[1].value):
        yield _problem("Missing command after HEALTHCHECK CMD", ins.span)
    for flag in ins.flags:
        if flag.name in ("interval", "timeout", "start-period", "start-interval") and flag.value:
            ns = _go_duration_ns(flag.value)
            if ns is None:
                yield _problem(f'time: invalid duration "{clip(flag.value)}"', flag.span)
            elif 0 < ns < 1e6:
                yield _problem(f'Interval "{flag.name}" cannot be less than 1ms', flag.span)
        elif flag.name == "retries" and flag.value:
            if not _INTEGER.match(flag.value):
                yield _problem(
                    f'strconv.ParseInt: parsing "{clip(flag.value)}": invalid syntax', flag.span
                )
                continue
            if len(flag.value.lstrip("+-0")) > 18:  # past int64 (Python would refuse 4300+ digits)
                yield _problem(
                    f'strconv.ParseInt: parsing "{clip(flag.value)}": value out of range',
                    flag.span,
                )
                continue
            digits = flag.value.lstrip("+-").lstrip("0") or "0"
            retries = -int(digits) if flag.value.startswith("-") else int(digits)
            if retries < 0:
                yield _problem(f"--retries cannot be negative ({retries})", flag.span)
