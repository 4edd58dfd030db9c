"""Inline suppressions: find them in the files, apply them, and report useless ones.

Dockerfiles (only own-line comments exist there):

- ``# dlint: ignore=DF101,layer-cache-order -- reason`` on the lines directly
  above an instruction applies to that instruction (all its lines);
- ``# dlint: global ignore=...`` applies to the whole file;
- hadolint's ``# hadolint ignore=DL3008`` / ``# hadolint global ignore=...``
  for rules that carry hadolint codes;
- BuildKit's ``# check=skip=Name1,Name2`` directive for rules that carry
  BuildKit check names.

Compose files: ``# dlint: ignore=...`` at the end of a line, or on the line
above, applies to the node written there and everything under it;
``# dlint: global ignore=...`` to the whole file. dclint's comments work for the
rules that carry dclint's names, with dclint's reach: ``# dclint disable-line
[rule ...]`` at the end of a line or on the line above, ``# dclint disable
[rule ...]`` and ``# dclint disable-file`` on the first line of the file (no
rule named: all of them).

A ``# dlint:`` suppression that suppresses nothing, or names no rule, is
itself reported (``unused-suppression``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from dlint.ir.common import Span
from dlint.ir.dockerfile import Dockerfile
from dlint.report import Diagnostic
from dlint.rule import Rule, covers
from dlint.span_index import SpanIndex

if TYPE_CHECKING:
    from dlint.ir.yaml import YNode

Kind = Literal["dlint", "hadolint", "buildkit", "dclint"]
UNSUPPRESSIBLE = "parse-error"

# Comments are read with string operations and single-pass patterns only: a
# comment is text from a stranger, and may be a megabyte of spaces.
DLINT_PRAGMA = re.compile(r"#\s*dlint\s*:")
# hadolint's grammar: codes of the letters D, L, S, C and digits, separated by commas;
# a pragma with anything else in its list is no pragma (hadolint's Pragma.hs)
_HADOLINT_CODES = re.compile(r"[DLSC0-9]+(?:[ \t]*,[ \t]*[DLSC0-9]+)*")
# dclint's comments (its linter.ts): what follows is a list of rule names, or nothing
DCLINT_PRAGMA = re.compile(r"#\s*dclint\s+(disable-line|disable-file|disable)\b")


def _after(text: str, word: str, *, space: bool = False, case: bool = True) -> str | None:
    """``text`` after ``word`` (and the whitespace that follows), or None when it does not
    start with it; with ``space`` the word must be followed by whitespace."""
    head = text[: len(word)]
    if (head if case else head.lower()) != word:
        return None
    rest = text[len(word) :]
    if space and not rest[:1].isspace():
        return None
    return rest.lstrip()


def dlint_pragma_body(body: str) -> tuple[bool, list[str]] | None:
    """(global, selectors) of ``[global] ignore=A,B [-- reason]``; None when malformed."""
    head, eq, rest = body.partition("=")
    words = head.split()
    if not eq or words not in (["ignore"], ["global", "ignore"]):
        return None
    codes = rest.partition("--")[0].split(",")
    selectors = [c.strip() for c in codes]
    if not all(selectors) or any(len(c.split()) != 1 for c in selectors):
        return None
    return words[0] == "global", selectors


def check_directive(raw: str) -> str | None:
    """The value of a ``# check=...`` comment line (BuildKit's directive), or None."""
    rest = _after(raw.strip(), "#")
    rest = _after(rest, "check", case=False) if rest is not None else None
    rest = _after(rest, "=") if rest is not None else None
    return rest.rstrip() if rest is not None else None


def hadolint_pragma(raw: str) -> tuple[str, list[str]] | None:
    """(reach, codes) of ``# hadolint [global|stage] ignore=DL3008,DL3009``, or None;
    reach is "next" (the next instruction), "global" or "stage"."""
    rest = _after(raw.strip(), "#")
    rest = _after(rest, "hadolint", space=True) if rest is not None else None
    if rest is None:
        return None
    reach = "next"
    for word in ("global", "stage"):
        after_word = _after(rest, word, space=True)
        if after_word is not None:
            reach, rest = word, after_word
            break
    rest = _after(rest, "ignore")
    rest = _after(rest, "=") if rest is not None else None
    if rest is None:
        return None
    codes = rest.partition("#")[0].strip()
    if not codes or _HADOLINT_CODES.fullmatch(codes) is None:
        return None
    return reach, codes.split(",")


@dataclass
class Suppression:
    path: str
    kind: Kind
    codes: tuple[str, ...]  # rule codes it silences
    comment: Span  # where it is written
    scope: Span | None  # None: the whole file
    names: tuple[str, ...] = ()  # as written, index for index with codes
    unknown: tuple[str, ...] = ()  # selectors that name no rule
    refused: tuple[str, ...] = ()  # selectors naming parse-error, which is never suppressed
    used: set[str] = field(default_factory=set)
    malformed: bool = False

    def covers(self, d: Diagnostic) -> str | None:
        """Which of its codes silences ``d`` (None: none does)."""
        if d.path != self.path:
            return None
        code = next((c for c in self.codes if covers(c, d.code, d.rule_code)), None)
        if code is None or self.scope is None:
            return code
        start = (d.span.line, d.span.column)
        inside = (
            (self.scope.line, self.scope.column)
            <= start
            <= (self.scope.end_line, self.scope.end_column)
        )
        return code if inside else None


def _resolve(selectors: Iterable[str], rules: list[Rule]) -> tuple[list[str], list[str], list[str]]:
    """(codes, names as written for them, unknown selectors) for dlint's own pragmas."""
    codes: list[str] = []
    names: list[str] = []
    unknown: list[str] = []
    for sel in selectors:
        key = sel.strip()
        found = [r.code for r in rules if r.meta.answers_to(key)]
        found += [sub for r in rules if (sub := r.meta.subcode(key)) is not None]
        if not found:
            unknown.append(key)
        for code in found:
            codes.append(code)
            names.append(key)
    return codes, names, unknown


def _by_hadolint(selectors: Iterable[str], rules: list[Rule]) -> tuple[str, ...]:
    """Rules carrying these hadolint codes, and ShellCheck codes (hadolint's pragmas know
    no other names)."""
    wanted = {s.strip().upper() for s in selectors}
    carried = tuple(r.code for r in rules if wanted & set(r.meta.hadolint_codes))
    return carried + tuple(
        code
        for code in sorted(wanted)
        for r in rules
        if r.meta.subcode(code) == code and len(code) == len(r.code) + 4
    )


def _by_buildkit(selectors: Iterable[str], rules: list[Rule]) -> tuple[str, ...]:
    """Rules carrying these BuildKit check names (``all``: every one that has one)."""
    wanted = {s.strip().lower() for s in selectors}
    return tuple(
        r.code
        for r in rules
        if r.meta.buildkit and ("all" in wanted or wanted & {b.lower() for b in r.meta.buildkit})
    )


def _dlint_pragma(path: str, line: int, col: int, text: str, rules: list[Rule],
                  scope: Span | None) -> Suppression | None:  # fmt: skip
    m = DLINT_PRAGMA.search(text)
    if m is None:
        return None
    comment = Span(line, col + m.start(), line, col + len(text.rstrip()))
    body = dlint_pragma_body(text[m.end() :].strip())
    if body is None:
        return Suppression(path, "dlint", (), comment, scope, malformed=True)
    is_global, selectors = body
    codes, names, unknown = _resolve(selectors, rules)
    unsuppressible = {r.code for r in rules if r.name == UNSUPPRESSIBLE}
    refused = tuple(n for c, n in zip(codes, names, strict=True) if c in unsuppressible)
    kept = [(c, n) for c, n in zip(codes, names, strict=True) if c not in unsuppressible]
    return Suppression(
        path, "dlint", tuple(c for c, _ in kept), comment, None if is_global else scope,
        tuple(n for _, n in kept), tuple(unknown), refused=refused,
    )  # fmt: skip


# -- Dockerfiles --------------------------------------------------------------------


def dockerfile(df: Dockerfile, rules: list[Rule]) -> list[Suppression]:
    lines = df.lines
    covered: set[int] = set()
    starts: dict[int, Span] = {}
    for ins in df.instructions:
        covered.update(range(ins.span.line, ins.span.end_line + 1))
        starts[ins.span.line] = ins.span
    out: list[Suppression] = []
    for d in df.directives:
        if d.name == "check":
            skip = _check_skip(d.value)
            if skip:  # what experimental= turns on, skip= does not turn off (BuildKit)
                wanted = set(experimental(df, rules))
                codes = tuple(c for c in _by_buildkit(skip, rules) if c not in wanted)
                out.append(Suppression(df.path, "buildkit", codes, d.span, None))
    below = _instructions_below(lines, covered, starts)
    stages = {
        stage.head.span.line: stage.head.span.cover(stage.instructions[-1].span)
        if stage.instructions
        else stage.head.span
        for stage in df.all_stages
    }
    for index, raw in enumerate(lines):
        lineno = index + 1
        if lineno in covered:
            continue
        stripped = raw.lstrip()
        if not stripped.startswith("#"):
            continue
        col = 1 + len(raw) - len(stripped)
        scope = below[lineno + 1] or Span(lineno, 1, lineno, len(raw) + 1)
        check = check_directive(raw)
        if check is not None:  # BuildKit honours `# check=skip=` right above an instruction too
            codes = _by_buildkit(_check_skip(check), rules)
            comment = Span(lineno, col, lineno, len(raw.rstrip()) + 1)
            out.append(Suppression(df.path, "buildkit", codes, comment, scope))
            continue
        hadolint = hadolint_pragma(raw)
        if hadolint is not None:
            reach, names = hadolint
            codes = _by_hadolint(names, rules)
            comment = Span(lineno, col, lineno, len(raw.rstrip()) + 1)
            reaches: Span | None = scope
            if reach == "global":
                reaches = None
            elif reach == "stage":  # directly above a FROM: that stage's instructions
                reaches = stages.get(scope.line, Span.point(lineno))
            out.append(Suppression(df.path, "hadolint", codes, comment, reaches))
            continue
        found = _dlint_pragma(df.path, lineno, col, stripped, rules, scope)
        if found is not None:
            out.append(found)
    return out


def check_error(value: str) -> bool:
    """Whether a ``# check=`` directive's value holds ``error=true``: BuildKit then fails
    the build on any of its checks' findings."""
    for part in value.split(";"):
        key, _, val = part.partition("=")
        if key.strip().lower() == "error":
            return val.strip().lower() in ("true", "1")
    return False


def experimental(df: Dockerfile, rules: list[Rule]) -> tuple[str, ...]:
    """Codes of the rules a ``# check=experimental=Name,...`` directive (or ``all``)
    turns on for the file: BuildKit's experimental checks, off by default."""
    names = [
        name
        for d in df.directives
        if d.name == "check"
        for name in _check_list(d.value, "experimental")
    ]
    if not names:
        return ()
    codes = _by_buildkit(names, rules)
    return tuple(c for c in codes if not next(r for r in rules if r.code == c).meta.default_enabled)


def _check_list(value: str, option: str) -> list[str]:
    """The names an option of a ``# check=`` directive lists (``skip=A,B``)."""
    for part in value.split(";"):
        key, _, val = part.partition("=")
        if key.strip().lower() == option:
            return [v.strip() for v in val.split(",") if v.strip()]
    return []


def _check_skip(value: str) -> list[str]:
    return _check_list(value, "skip")


def _instructions_below(
    lines: tuple[str, ...], covered: set[int], starts: dict[int, Span]
) -> list[Span | None]:
    """By line number: the instruction that starts there, or below it through comment
    lines only (what a comment on the line above applies to). One pass from the end."""
    below: list[Span | None] = [None] * (len(lines) + 2)
    for lineno in range(len(lines), 0, -1):
        if lineno in starts:
            below[lineno] = starts[lineno]
        elif lineno not in covered and lines[lineno - 1].strip().startswith("#"):
            below[lineno] = below[lineno + 1]
    return below


# -- Compose ---------------------------------------------------------------------------


def _comment_start(line: str) -> int:
    """Index of a YAML comment on the line (outside quotes), or -1."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"" and (i == 0 or line[i - 1] in " \t:[{,-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
    return -1


def _node_starts(root: YNode) -> tuple[dict[int, Span], set[int]]:
    """Span of the outermost entry starting on each line; lines inside multi-line scalars."""
    starts: dict[int, Span] = {}
    inside: set[int] = set()
    from dlint.ir.yaml import YMapping, YScalar, YSequence  # loaded with any compose file

    stack: list[YNode] = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, YScalar):
            if node.span.end_line > node.span.line:
                inside.update(range(node.span.line + 1, node.span.end_line + 1))
            continue
        if isinstance(node, YMapping):
            for key, value in node.pairs:
                if key.span.line not in starts:
                    starts[key.span.line] = key.span.cover(value.span)
                stack.append(value)
        elif isinstance(node, YSequence):
            for item in node.items:
                if item.span.line not in starts:
                    starts[item.span.line] = item.span
                stack.append(item)
    return starts, inside


def _by_dclint(selectors: list[str], rules: list[Rule]) -> tuple[str, ...]:
    """Rules carrying these dclint rule names (none named: every one that has one)."""
    wanted = {s.lower() for s in selectors}
    return tuple(r.code for r in rules if r.meta.dclint and (not wanted or r.name in wanted))


def _dclint_pragma(
    path: str, lineno: int, at: int, comment: str, first: bool, scope: Span, rules: list[Rule]
) -> Suppression | None:
    """dclint's ``disable-line`` (reaching ``scope``), or its file-wide ``disable`` and
    ``disable-file``, which count only on the first line of the file."""
    m = DCLINT_PRAGMA.match(comment)
    if m is None:
        return None
    span = Span(lineno, at + 1, lineno, at + 1 + len(comment.rstrip()))
    if m[1] == "disable-line":
        return Suppression(
            path, "dclint", _by_dclint(comment[m.end() :].split(), rules), span, scope
        )
    if not first:
        return None
    selectors = [] if m[1] == "disable-file" else comment[m.end() :].split()
    return Suppression(path, "dclint", _by_dclint(selectors, rules), span, None)


def compose(path: str, text: str, rules: list[Rule]) -> list[Suppression]:
    if "dlint" not in text and "dclint" not in text:
        return []
    from dlint.parsers.compose.yamlload import YamlError, load_yaml

    try:
        documents, _ = load_yaml(text, path)
    except YamlError:
        documents = []
    starts: dict[int, Span] = {}
    inside: set[int] = set()
    for doc in documents:
        s, i = _node_starts(doc)
        for line, span in s.items():
            starts.setdefault(line, span)
        inside |= i
    lines = text.split("\n")
    below = _content_below(lines)
    # dclint reads its file-wide comments on the first line that is not blank or `---`
    first_line = next((i + 1 for i, line in enumerate(lines) if line.strip() not in ("", "---")), 0)
    out: list[Suppression] = []
    for index, raw in enumerate(lines):
        lineno = index + 1
        if lineno in inside:
            continue
        at = _comment_start(raw)
        if at < 0:
            continue
        comment = raw[at:]
        dclint = DCLINT_PRAGMA.match(comment)
        if dclint is None and DLINT_PRAGMA.search(comment) is None:
            continue
        own_line = not raw[:at].strip()
        scope = _compose_scope(lineno, own_line, lines, starts, below)
        if dclint is not None:
            first = own_line and lineno == first_line
            found = _dclint_pragma(path, lineno, at, comment, first, scope, rules)
        else:
            found = _dlint_pragma(path, lineno, at + 1, comment, rules, scope)
        if found is not None:
            out.append(found)
    return out


def _content_below(lines: list[str]) -> list[int]:
    """By line number: the first line at or below it that is not blank or a comment."""
    below = [len(lines) + 1] * (len(lines) + 2)
    for lineno in range(len(lines), 0, -1):
        text = lines[lineno - 1].strip()
        below[lineno] = below[lineno + 1] if not text or text.startswith("#") else lineno
    return below


def _compose_scope(
    lineno: int, own_line: bool, lines: list[str], starts: dict[int, Span], below: list[int]
) -> Span:
    own = Span(lineno, 1, lineno, len(lines[lineno - 1]) + 1)
    if not own_line:
        return starts.get(lineno, own)
    return starts.get(below[lineno + 1], own)


# -- applying -------------------------------------------------------------------------


def apply(diagnostics: list[Diagnostic], suppressions: list[Suppression]) -> list[Diagnostic]:
    """The diagnostics no suppression covers; marks the suppressions used.

    Suppressions are looked up by file, code and position (``_Reach``), so a file with
    thousands of pragmas and thousands of findings costs no more than the two added."""
    reach: dict[str, _Reach] = {}
    by_path: dict[str, list[Suppression]] = {}
    for s in suppressions:
        by_path.setdefault(s.path, []).append(s)
    for path, found in by_path.items():
        reach[path] = _Reach(found)
    kept: list[Diagnostic] = []
    for d in diagnostics:
        where = reach.get(d.path)
        if where is None or not where.apply(d):
            kept.append(d)
    return kept


@dataclass
class _Group:
    """The suppressions of one file that name one code and reach one span."""

    members: list[Suppression]
    marked: set[str] = field(default_factory=set)  # finding codes already marked used


class _Reach:
    """The suppressions of one file, by the code they name and the span they reach."""

    def __init__(self, suppressions: list[Suppression]) -> None:
        everywhere: dict[str, dict[int, Suppression]] = {}
        scoped: dict[str, list[tuple[Span, Suppression]]] = {}
        for s in suppressions:
            for code in dict.fromkeys(s.codes):
                if s.scope is None:
                    everywhere.setdefault(code, {})[id(s)] = s
                else:
                    scoped.setdefault(code, []).append((s.scope, s))
        self._everywhere = {c: _Group(list(m.values())) for c, m in everywhere.items()}
        self._scoped = {
            c: SpanIndex((span, _Group(members)) for span, members in _by_span(pairs))
            for c, pairs in scoped.items()
        }

    def apply(self, d: Diagnostic) -> bool:
        """Whether a suppression covers ``d``; marks each covering one used."""
        rule = d.rule_code
        # the codes that can cover it: its rule's, and each sub-code prefix of its own
        keys = (
            [rule]
            if d.code == rule
            else [rule, *(d.code[:k] for k in range(len(rule) + 1, len(d.code) + 1))]
        )
        hit = False
        for key in keys:
            groups: list[_Group] = []
            if key in self._everywhere:
                groups.append(self._everywhere[key])
            index = self._scoped.get(key)
            if index is not None:
                for found in index.around(d.span.line, d.span.column):
                    groups.extend(found)
            for group in groups:
                hit = True
                if d.code in group.marked:
                    continue
                group.marked.add(d.code)
                for s in group.members:
                    code = s.covers(d)
                    if code is not None:
                        s.used.add(code)
        return hit


def _by_span(pairs: list[tuple[Span, Suppression]]) -> Iterator[tuple[Span, list[Suppression]]]:
    grouped: dict[Span, dict[int, Suppression]] = {}
    for span, s in pairs:
        grouped.setdefault(span, {})[id(s)] = s
    for span, members in grouped.items():
        yield span, list(members.values())


def useless(suppressions: list[Suppression]) -> list[tuple[Suppression, str]]:
    """(suppression, message) for each ``# dlint:`` pragma that does nothing."""
    out: list[tuple[Suppression, str]] = []
    for s in suppressions:
        if s.kind != "dlint":
            continue
        if s.malformed:
            out.append(
                (s, "malformed suppression: write `# dlint: ignore=CODE[,CODE...] [-- reason]`")
            )
            continue
        for name in s.unknown:
            out.append((s, f"suppression names {name!r}, which is not a dlint rule"))
        for name in dict.fromkeys(s.refused):
            out.append(
                (s, f"{name} cannot be suppressed: a file that cannot be read is always reported")
            )
        unused = [name for code, name in zip(s.codes, s.names, strict=True) if code not in s.used]
        if unused:
            out.append((s, f"suppression of {', '.join(dict.fromkeys(unused))} suppresses nothing"))
    return out
