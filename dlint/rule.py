"""What a rule is: its metadata, its documentation and its check."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

from dlint.edits import Edit, Fix
from dlint.ir.common import Severity, Span

__all__ = ["Edit", "Finding", "Fix", "Option", "Rule", "RuleMeta"]  # what a rule module imports

_HADOLINT_CODE = re.compile(r"^(?:DL|SC)\d{4}$")

Scope = Literal["dockerfile", "compose", "project", "engine"]
Precision = Literal["very-high", "high", "medium", "low"]

OptionKind = Literal["str", "int", "bool", "list[str]", "dict[str,str]"]


@dataclass(frozen=True, slots=True)
class Option:
    """A setting of a rule, given in config as ``[tool.dlint.rules.<rule>] <name> = ...``."""

    name: str  # kebab-case
    kind: OptionKind
    default: Any
    help: str
    required: bool = False  # the rule cannot fire until this is set (to a non-empty value)


def check_option(option: Option, value: Any) -> str | None:
    """Why ``value`` does not fit ``option`` (None when it does)."""
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "list[str]": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "dict[str,str]": isinstance(value, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()),
    }[option.kind]
    return None if ok else f"must be {option.kind}"


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """Everything about a rule except its logic.

    ``scope`` says what the check receives: ``dockerfile`` (one Dockerfile),
    ``compose`` (one compose project), ``project`` (a ``Project``: one Compose project
    with the Dockerfiles its services build, or a Dockerfile no service builds), or
    ``engine`` (no check: the engine itself reports these findings). A project rule
    that compares projects (their subnets, the stages each builds) also defines
    ``gather(project)``, which yields small facts of one project (picklable: they
    come back from worker processes); its check then receives the facts of every
    project of the run, once.
    """

    code: str
    name: str
    scope: Scope
    severity: Severity
    tags: tuple[str, ...] = ()
    precision: Precision = "high"
    hadolint: tuple[str, ...] = ()  # more hadolint codes than ``code`` (see hadolint_codes)
    buildkit: tuple[str, ...] = ()  # BuildKit check names: `# check=skip=`
    # codes and names the rule had before (a rule split in several lists them all):
    # config, suppressions and `dlint explain` still take them
    redirects: tuple[str, ...] = ()
    security_severity: float | None = None
    fixable: bool = False
    options: tuple[Option, ...] = ()
    default_enabled: bool = True  # off unless selected (or configured, for optional rules)
    # A new rule beyond the parity sets: it runs only in preview mode (`--preview`,
    # `preview = true`) or when selected by its exact code or name, so that upgrading
    # dlint never adds findings to a user's CI. Dropped in the release that makes the
    # rule a default one (the CHANGELOG says so).
    preview: bool = False
    # Its name is dclint's rule name (`no-version-field`), kept so that dclint's users
    # find it, even where dlint would name the anti-pattern instead.
    dclint: bool = False
    # Its findings carry codes of their own: the rule's code and four digits (SC2086 of
    # the rule SC). Selectors, suppressions and severities may name them, or a prefix.
    subcodes: bool = False
    subcode_url: str = ""  # where one of them is documented: "{code}" is replaced
    docs_url: str = ""  # a plugin rule's page (dlint's own: docs/rules/<code>.md)
    # What a project rule reads: ("compose",) for one that reads only Compose projects,
    # which a run without a Compose file skips (without importing it); () for anything.
    reads: tuple[str, ...] = ()

    @property
    def hadolint_codes(self) -> tuple[str, ...]:
        """The codes hadolint knows the rule by (`# hadolint ignore=`, .hadolint.yaml):
        its own code when that is a hadolint code (``DL3008``), and any others."""
        own = (self.code,) if _HADOLINT_CODE.match(self.code) else ()
        return own + self.hadolint

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every other name of the rule: hadolint codes and BuildKit check names that are
        not its code."""
        return self.hadolint + self.buildkit

    def subcode(self, key: str) -> str | None:
        """``key`` in upper case when it names some of the rule's sub-codes (``SC2086``,
        or a prefix such as ``SC20``); None otherwise."""
        wanted = key.strip().upper()
        digits = wanted[len(self.code) :]
        if self.subcodes and wanted.startswith(self.code) and 0 < len(digits) <= 4:
            return wanted if digits.isascii() and digits.isdigit() else None
        return None

    def answers_to(self, key: str) -> bool:
        """Whether ``key`` (any case) is the rule's code, name, an alias or a redirect."""
        wanted = key.strip().lower()
        return wanted in (
            self.code.lower(),
            self.name,
            *(a.lower() for a in self.aliases),
            *(r.lower() for r in self.redirects),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check yields; the engine adds code, name, severity and path."""

    span: Span
    message: str
    path: str | None = None  # another file than the one checked (project rules)
    severity: Severity | None = None  # other than the rule's default, for this finding only
    code: str | None = None  # its sub-code, for a rule whose findings have their own
    fix: Fix | None = None  # edits to its file that fix it (the rule's meta says fixable)


def covers(selected: str, code: str, rule: str) -> bool:
    """Whether ``selected`` (a rule code, or a sub-code or prefix of one that rule
    ``rule`` gives out) covers a finding with ``code`` of that rule."""
    if selected == rule:
        return True
    return code != rule and selected.startswith(rule) and code.startswith(selected)


class Rule:
    """A rule: its metadata, and its documentation and check.

    A rule read from the rule index (``module`` given) imports its module only when
    its documentation or its check is first asked for: listing and selecting rules
    imports no rule module, and a run imports only the rules it runs."""

    __slots__ = (
        "_check",
        "_doc",
        "_gather",
        "_may_be_unavailable",
        "_module",
        "_prepare",
        "_runs",
        "_summary",
        "_unavailable",
        "meta",
    )  # fmt: skip

    def __init__(
        self,
        meta: RuleMeta,
        doc: str = "",
        check: Callable[..., Iterable[Finding]] | None = None,
        unavailable: Callable[[], str | None] | None = None,
        *,
        module: str | None = None,
        summary: str | None = None,
        runs: bool | None = None,
        may_be_unavailable: bool = True,
    ) -> None:
        self.meta = meta
        self._doc = doc
        self._check = check
        self._unavailable = unavailable
        self._module = module  # where the rest is read from, until it is
        self._summary = summary
        self._runs = runs
        self._may_be_unavailable = may_be_unavailable
        self._prepare: Callable[[Sequence[Any]], None] | None = None
        self._gather: Callable[[Any], Iterable[Any]] | None = None

    def _load(self) -> None:
        if self._module is not None:
            module = importlib.import_module(self._module)
            self._doc = module.__doc__ or ""
            self._check = getattr(module, "check", None)
            self._unavailable = getattr(module, "unavailable", None)
            self._prepare = getattr(module, "prepare", None)
            self._gather = getattr(module, "gather", None)
            self._module = None

    @property
    def doc(self) -> str:
        self._load()
        return self._doc

    @property
    def check(self) -> Callable[..., Iterable[Finding]] | None:
        self._load()
        return self._check

    @property
    def unavailable(self) -> Callable[[], str | None] | None:
        """Why the rule cannot run on this machine (a program it needs is missing), or
        None."""
        if self._module is not None and not self._may_be_unavailable:
            return None
        self._load()
        return self._unavailable

    @property
    def prepare(self) -> Callable[[Sequence[Any]], None] | None:
        """What the rule does once before its checks, given every subject it will check
        in the run (ShellCheck asks about all the scripts at once), or None."""
        self._load()
        return self._prepare

    @property
    def gather(self) -> Callable[[Any], Iterable[Any]] | None:
        """For a project rule that compares Compose projects with each other (their
        subnets, the stages they build): what it takes from one project, or None.

        A run reads its projects one at a time and keeps only these facts of each; the
        rule's check then gets all of them, in the order of the projects, once."""
        self._load()
        return self._gather

    @property
    def runs(self) -> bool:
        """Whether the rule has a check to run (the engine reports the others itself),
        known without importing it."""
        if self._module is not None and self._runs is not None:
            return self._runs
        return self.check is not None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rule) and other.meta == self.meta

    def __hash__(self) -> int:
        return hash(self.meta.code)

    def __repr__(self) -> str:
        return f"Rule({self.meta.code} {self.meta.name})"

    @property
    def code(self) -> str:
        return self.meta.code

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def summary(self) -> str:
        if self._module is not None and self._summary is not None:
            return self._summary
        return summary_of(self.doc)

    def needs(self, options: Mapping[str, Any] | None) -> tuple[str, ...]:
        """The required options that ``options`` leaves unset: while there are any, the
        rule cannot fire."""
        given = options or {}
        return tuple(o.name for o in self.meta.options if o.required and not given.get(o.name))

    def defaults(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.meta.options}

    def run(self, subject: Any, options: Mapping[str, Any] | None = None) -> Iterable[Finding]:
        """The check, given its options when it has any (for a rule that gathers, over
        what it gathers from ``subject``)."""
        self._load()
        if self._gather is not None:
            return self.conclude(list(self._gather(subject)), options)
        return self.conclude(subject, options)

    def conclude(self, subject: Any, options: Mapping[str, Any] | None = None) -> Iterable[Finding]:
        """The check itself, over ``subject`` (for a rule that gathers: the facts)."""
        self._load()
        check = self._check
        assert check is not None
        if self.meta.options:
            merged = self.defaults()
            merged.update(options or {})
            return check(subject, merged)
        return check(subject)

    def section(self, title: str) -> str:
        """The text of one docstring section (``What it does`` ...)."""
        return doc_sections(self.doc).get(title, "")

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        meta = module.META
        if not isinstance(meta, RuleMeta):
            raise TypeError(f"{module.__name__}.META is not a RuleMeta")
        rule = cls(
            meta,
            module.__doc__ or "",
            getattr(module, "check", None),
            getattr(module, "unavailable", None),
        )
        rule._prepare = getattr(module, "prepare", None)
        rule._gather = getattr(module, "gather", None)
        return rule


def summary_of(doc: str) -> str:
    """A rule's one-line summary: the first line of its documentation."""
    return doc.strip().splitlines()[0].strip() if doc.strip() else ""


_HEADING = re.compile(
    r"^(?:## )?(What it does|Why is this bad\?|Example|Use instead|Options|References"
    r"|Known limitations|Differences from hadolint|Differences from BuildKit"
    r"|Differences from dclint|Fix)\s*:?\s*$"
)


def doc_sections(doc: str) -> dict[str, str]:
    """Split a rule docstring into its titled sections."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in doc.splitlines():
        m = _HEADING.match(line.strip())
        if m:
            current = sections.setdefault(m.group(1), [])
            continue
        if current is not None:
            current.append(line)
    return {k: _dedent("\n".join(v)).strip("\n") for k, v in sections.items()}


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text)


def code_block(section: str) -> str:
    """The example code of a section: the indented block under ``::`` or fences."""
    lines = section.splitlines()
    if any(line.strip().startswith("```") for line in lines):
        out: list[str] = []
        inside = False
        for line in lines:
            if line.strip().startswith("```"):
                if inside:
                    break
                inside = True
                continue
            if inside:
                out.append(line)
        return _dedent("\n".join(out)).strip("\n") + "\n"
    return _dedent("\n".join(lines)).strip("\n") + "\n"
