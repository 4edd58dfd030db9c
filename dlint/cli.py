"""The command line: ``dlint [PATH...]`` (``dlint check``), ``dlint rules``, ``dlint
explain``, ``dlint server``.

Exit codes: 0 nothing at or above the fail level (default: warning), 1 findings at
or above it, 2 usage or config error, or internal failure.

The arguments are read with argparse, which costs a run about a millisecond to import:
on one file, start-up is most of dlint's time.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from dlint import __version__
from dlint.printable import printable
from dlint.reporters import FORMATS

if TYPE_CHECKING:
    from dlint.engine import Options
    from dlint.report import Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
LEVELS = ("error", "warning", "info", "style", "never")


class Failure(Exception):
    """A run that cannot go on: one line on stderr, exit code 2, no usage text."""


class UsageError(Exception):
    """A command line dlint cannot run: the usage, one line, exit code 2."""


def _echo(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _warn(text: str) -> None:
    sys.stderr.write(f"dlint: {text}\n")


# -- arguments ------------------------------------------------------------------------


def _path(kind: str) -> Callable[[str], str]:
    """An argument type: a path that exists and is a file (``file``) or a folder
    (``dir``), or that need not exist but is not a folder (``not-dir``)."""

    def check(value: str) -> str:
        if kind == "not-dir":
            if os.path.isdir(value):
                raise argparse.ArgumentTypeError(f"{printable(value)!r} is a folder")
            return value
        if not os.path.exists(value):
            raise argparse.ArgumentTypeError(f"{printable(value)!r} does not exist")
        if kind == "file" and os.path.isdir(value):
            raise argparse.ArgumentTypeError(f"{printable(value)!r} is a folder")
        if kind == "dir" and not os.path.isdir(value):
            raise argparse.ArgumentTypeError(f"{printable(value)!r} is not a folder")
        return value

    check.__name__ = "path"
    return check


def _jobs(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{printable(value)!r} is not a number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{number} is below 0")
    return number


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(c.strip() for c in value.split(",") if c.strip())


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The program's parser, and each command's."""
    top = argparse.ArgumentParser(
        prog="dlint",
        allow_abbrev=False,
        usage="dlint [check] [options] [PATH ...] | dlint {rules,explain,server} ...",
        description="Lint Dockerfiles and Compose files, one project at a time. "
        "`dlint PATH...` is `dlint check PATH...`.",
    )
    top.add_argument("--version", action="version", version=f"dlint, version {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        prog="dlint check",
        help="lint PATHS (the default command)",
        description="Lint PATHS (files or folders; default: the current folder, recursively).",
        usage="dlint [check] [options] [PATH ...]",
        epilog="Other commands: `dlint rules` lists the rules, `dlint explain RULE` prints a "
        "rule's documentation, `dlint server` runs the language server for editors. "
        "Exit codes: 0 no finding at the fail level, 1 findings, 2 a usage or config error.",
        allow_abbrev=False,
    )
    _check_arguments(check)
    rules = commands.add_parser(
        "rules",
        prog="dlint rules",
        help="list every rule",
        description="List every rule: code, name, default severity, on by default, "
        "fixable, summary.",
    )
    rules.set_defaults(run=_rules)
    explain = commands.add_parser(
        "explain",
        prog="dlint explain",
        help="print a rule's documentation",
        description="Print the documentation of RULE (a code, name or alias).",
    )
    explain.add_argument("rule")
    explain.set_defaults(run=_explain)
    server = commands.add_parser(
        "server",
        prog="dlint server",
        help="run the language server (LSP, over standard input and output)",
        description="Run the Language Server Protocol server for editors, over standard "
        "input and output (needs pygls: the `server` extra, or `pip install pygls`).",
    )
    server.set_defaults(run=_server)
    return top, {
        "check": check,
        "rules": rules,
        "explain": explain,
        "server": server,
    }


def _check_arguments(p: argparse.ArgumentParser) -> None:
    add = p.add_argument
    add("paths", nargs="*", metavar="PATH")
    add(
        "--format",
        dest="output_format",
        choices=FORMATS,
        help="output format [default: the config's output-format, else text; github "
        "inside GitHub Actions]",
    )
    add("-o", "--output-file", metavar="FILE", type=_path("not-dir"), help="write the report here")
    add(
        "-f",
        "--compose-file",
        metavar="FILE",
        dest="compose_files",
        action="append",
        default=[],
        type=_path("file"),
        help="Compose files to merge into one project, in order (like docker compose -f)",
    )
    add(
        "--env",
        dest="use_env",
        action="store_true",
        help="use this machine's environment for ${VARIABLES} in Compose files (default: "
        ".env only)",
    )
    add(
        "--env-file",
        metavar="FILE",
        dest="env_files",
        action="append",
        default=[],
        type=_path("file"),
        help="read ${VARIABLES} from this file instead of each project's .env (repeatable; "
        "later files win), like docker compose --env-file",
    )
    add("-v", "--verbose", action="store_true", help="also say what dlint assumed (on stderr)")
    add(
        "--select", metavar="CODES", help="rules to run (codes, prefixes or names, comma-separated)"
    )
    add("--extend-select", metavar="CODES", help="rules to run in addition to the configured ones")
    add("--ignore", metavar="CODES", help="rules not to run")
    add(
        "--preview",
        action="store_true",
        help="also run the preview rules (new rules, off until a release makes them default)",
    )
    add(
        "--fail-level",
        choices=LEVELS,
        help="exit 1 when a finding is at or above this level [default: warning]",
    )
    add(
        "--exit-zero",
        action="store_true",
        help="exit 0 even with findings (2 still means failure)",
    )
    add(
        "--config",
        metavar="FILE",
        dest="config_path",
        type=_path("file"),
        help="use this config file for every path (dlint TOML or .hadolint.yaml)",
    )
    add("--isolated", action="store_true", help="ignore all config files")
    add(
        "--root",
        metavar="DIR",
        dest="roots",
        action="append",
        default=[],
        type=_path("dir"),
        help="let dlint read files under this folder too (default: only inside the git work "
        "tree of the linted paths, or the current folder)",
    )
    add(
        "--force-exclude",
        action="store_true",
        help="apply excludes to files named on the command line too",
    )
    add(
        "--baseline",
        metavar="FILE",
        dest="baseline_file",
        type=_path("not-dir"),
        help="report only findings this file does not hold; when it does not exist, write "
        "today's findings into it",
    )
    add(
        "--baseline-prune",
        action="store_true",
        help="with --baseline: remove the findings that were fixed from the file",
    )
    add(
        "--no-cache",
        action="store_true",
        help="lint everything again; neither read nor write the cache",
    )
    add(
        "--cache-dir",
        metavar="DIR",
        default=os.environ.get("DLINT_CACHE_DIR") or None,
        help="where runs are cached (default: the config's `cache-dir`, else the user's "
        "cache folder; $DLINT_CACHE_DIR)",
    )
    add(
        "-j",
        "--jobs",
        metavar="N",
        type=_jobs,
        default=0,
        help="processes to lint many Dockerfiles with (0, the default: one per core; 1: no "
        "worker processes)",
    )
    add(
        "--statistics",
        action="store_true",
        help="print how many findings each rule has (and how many it can fix) instead of them",
    )
    add("--fix", action="store_true", help="apply the safe fixes to the files")
    add(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff: also the fixes that may change what is built or run",
    )
    add(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff and change nothing (exit 1 when there are some)",
    )
    add(
        "--stdin-filename",
        metavar="PATH",
        help="lint standard input as the file at PATH (its kind, config and project); "
        "`-` as a path also reads standard input (default name: Dockerfile)",
    )
    p.set_defaults(run=_check)


# -- commands -------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> NoReturn:
    from dlint.config import ConfigError
    from dlint.discovery import MissingPath
    from dlint.engine import Options, lint
    from dlint.reporters import get_chunks

    if args.baseline_prune and args.baseline_file is None:
        raise UsageError("--baseline-prune needs --baseline FILE")
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes needs --fix or --diff")
    targets, overlay = _stdin(args)
    options = Options(
        compose_files=tuple(args.compose_files),
        environ=dict(os.environ) if args.use_env else None,
        env_files=tuple(args.env_files),
        select=_codes(args.select),
        extend_select=_codes(args.extend_select) or (),
        ignore=_codes(args.ignore) or (),
        config=args.config_path,
        isolated=args.isolated,
        force_exclude=args.force_exclude,
        fail_level=args.fail_level,
        roots=tuple(args.roots),
        preview=args.preview,
        cache=not args.no_cache,
        cache_dir=args.cache_dir,
        jobs=args.jobs,
        overlay=overlay,
    )
    fixed_stdin: str | None = None  # with --fix, standard input's text once fixed
    try:
        if args.fix or args.diff:
            report, fixed_stdin = _fixed(args, targets, options)
        else:
            with _Progress() as progress:
                report = lint(targets, options=options, progress=progress)
    except MissingPath as exc:
        raise UsageError(f"path does not exist: {printable(str(exc))}") from None
    except ConfigError as exc:
        raise Failure(f"config: {printable(str(exc))}") from None
    if args.baseline_file is not None:
        report = _baselined(report, args.baseline_file, args.baseline_prune)
    for warning in report.warnings:
        _warn(f"warning: {printable(warning)}")
    if args.verbose or report.verbose:
        for note in report.notes:
            _warn(printable(note))
    output_format = args.output_format
    if output_format is None:
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
        output_format = report.output_format or ("github" if in_actions else "text")
    text: Iterable[str]  # written a piece at a time: a large report is never one string
    if args.statistics:
        from dlint.reporters.statistics import render as statistics

        text = (statistics(report),)
    elif output_format == "text":  # colour on a terminal, never in a file
        from dlint.reporters.text_format import chunks, wants_colour

        out = sys.stdout if fixed_stdin is None else sys.stderr
        text = chunks(report, colour=not args.output_file and wants_colour(out.isatty()))
    else:
        text = get_chunks(output_format)(report)
    if fixed_stdin is not None:  # the fixed text goes to standard output, as with ruff
        sys.stdout.write(fixed_stdin)
    if args.output_file:
        from dlint.output import OutputError, write_report

        try:
            write_report(args.output_file, text)
        except OutputError as exc:
            raise Failure(str(exc)) from None
    else:
        (sys.stdout if fixed_stdin is None else sys.stderr).writelines(text)
    if report.failed:
        _warn("a rule failed on some file (see internal-error findings)")
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if report.fails() and not args.exit_zero else EXIT_CLEAN)


class _Progress:
    """``dlint: 120/427 files`` on standard error, on a terminal only, once a run has
    taken more than ``AFTER`` seconds; the line is erased at the end."""

    AFTER = 2.0

    def __init__(self) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._shown = False
        self._on = sys.stderr.isatty() and os.environ.get("TERM") != "dumb"

    def __call__(self, done: int, total: int) -> None:
        if self._on and self._clock() - self._start > self.AFTER:
            sys.stderr.write(f"\r\x1b[2Kdlint: {done:,}/{total:,} files")
            sys.stderr.flush()
            self._shown = True

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


def _stdin(args: argparse.Namespace) -> tuple[list[str], dict[str, bytes] | None]:
    """The paths to lint, and standard input as the file it stands for when it is read:
    for the path ``-``, or with --stdin-filename and no other path."""
    paths = list(args.paths)
    if "-" not in paths and not (args.stdin_filename and not paths):
        if args.stdin_filename:
            raise UsageError("--stdin-filename lints standard input: give no path, or `-`")
        return paths or ([] if args.compose_files else ["."]), None
    if paths.count("-") > 1:
        raise UsageError("standard input can be read once")
    name = args.stdin_filename or "Dockerfile"
    from dlint.files import MAX_FILE_BYTES

    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)  # the reader refuses more
    paths = [name if p == "-" else p for p in paths] or [name]
    return paths, {name: data}


def _fixed(
    args: argparse.Namespace, targets: list[str], options: Options
) -> tuple[Report, str | None]:
    """Fix the findings: write the files (--fix) or print the diff (--diff); the report
    of what is left, and standard input's text once fixed (when it was read)."""
    from pathlib import Path

    from dlint.fixing import fix, unified_diff

    outcome = fix(targets, Path.cwd(), options, unsafe=args.unsafe_fixes)
    if args.diff:
        for path, (old, new) in sorted(outcome.changed.items()):
            sys.stdout.write(unified_diff(path, old, new))
        _warn(
            f"would fix {_count(outcome.count, 'finding')} in {_count(len(outcome.changed), 'file')}"
        )
        sys.exit(EXIT_FINDINGS if outcome.changed else EXIT_CLEAN)
    stdin: str | None = None
    for name, data in (options.overlay or {}).items():  # printed, not written
        stdin = (
            outcome.changed[name][1]
            if name in outcome.changed
            else data.decode("utf-8", "surrogateescape")
        )
    for path, (_, new) in sorted(outcome.changed.items()):
        if options.overlay and path in options.overlay:
            continue
        try:
            Path(path).write_bytes(new.encode("utf-8", "surrogateescape"))
        except OSError as exc:
            raise Failure(f"cannot write {printable(path)}: {exc.strerror or exc}") from None
    if outcome.count:
        _warn(f"fixed {_count(outcome.count, 'finding')} in {_count(len(outcome.changed), 'file')}")
    return outcome.report, stdin


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n:,} {what}s"


def _baselined(report: Report, name: str, prune: bool) -> Report:
    """``report`` without what the baseline holds; says on stderr what changed."""
    from dlint.baseline import BaselineError, apply

    try:
        outcome = apply(name, report, prune)
    except BaselineError as exc:
        raise Failure(str(exc)) from None
    shown = printable(name)
    if outcome.written is not None:
        _warn(
            f"wrote {outcome.written} findings to the new baseline {shown}; "
            "runs with --baseline report only new ones"
        )
    elif outcome.pruned:
        _warn(f"removed {outcome.fixed} fixed findings from {shown}")
    elif outcome.fixed:
        _warn(
            f"{outcome.fixed} findings of the baseline {shown} are fixed: "
            "--baseline-prune removes them"
        )
    return outcome.report


def _rules(args: argparse.Namespace) -> None:
    from dlint.registry import all_rules

    _echo(f"{'CODE':7} {'NAME':32} {'SEVERITY':8} {'DEFAULT':7} {'FIX':7} SUMMARY")
    inert = preview = False
    for rule in all_rules():
        meta = rule.meta
        fix = "yes" if meta.fixable else "-"
        default = "on" if meta.default_enabled else "off"
        if meta.default_enabled and rule.needs(None):
            default, inert = "config", True
        if meta.preview:
            default, preview = "preview", True
        aliases = f" [{', '.join(meta.aliases)}]" if meta.aliases else ""
        if meta.redirects:
            aliases += f" (was {', '.join(meta.redirects)})"
        _echo(
            f"{rule.code:7} {rule.name:32} {meta.severity.label:8} {default:7} {fix:7} "
            f"{rule.summary}{aliases}"
        )
    if inert or preview:
        _echo()
    if inert:
        _echo("config: on, but silent until its options are set (see `dlint explain CODE`)")
    if preview:
        _echo(
            "preview: a new rule, run with --preview (or `preview = true`) or when selected "
            "by its code or name"
        )


def _explain(args: argparse.Namespace) -> None:
    from dlint.registry import all_rules, find_rules

    rule: str = args.rule
    found = find_rules(rule)
    owner = next((r for r in all_rules() if r.meta.subcode(rule) is not None), None)
    if not found and owner is not None:
        code = owner.meta.subcode(rule)
        url = owner.meta.subcode_url.format(code=code) if owner.meta.subcode_url else None
        _echo(
            f"{code} is one of the checks of {owner.code} {owner.name}"
            + (f": see {url}" if url else "")
        )
        _echo()
        found = (owner,)
    if not found:
        raise UsageError(f"unknown rule: {printable(rule)} (see `dlint rules`)")
    if len(found) > 1:
        _echo(f"{rule} is now {len(found)} rules:")
        for each in found:
            _echo(f"  {each.code} {each.name}: {each.summary}")
        return
    meta = found[0].meta
    _echo(f"{meta.code} {meta.name} ({meta.severity.label})")
    if meta.preview:
        _echo(
            "Preview rule: it runs with --preview (or `preview = true`), or when selected by "
            "its code or name."
        )
    if meta.aliases:
        _echo(f"Also known as: {', '.join(meta.aliases)}")
    if meta.redirects:
        _echo(f"Formerly: {', '.join(meta.redirects)}")
    _echo()
    _echo(found[0].doc.strip())


def _server(args: argparse.Namespace) -> None:
    try:
        from dlint.server import serve
    except ImportError:
        raise Failure(
            "the language server needs pygls: install dlint's `server` extra, or pip install pygls"
        ) from None
    serve()


# -- the program ----------------------------------------------------------------------


COMMANDS = ("check", "rules", "explain", "server")


def _with_command(argv: Sequence[str]) -> list[str]:
    """``dlint .`` is ``dlint check .``: the first argument names a command, or the
    command is ``check``; ``dlint --help`` is the check's help (its options are the
    ones people look for). A command word that is also a path in the current folder
    runs the command, and says how to lint the path instead (``./rules``)."""
    if argv and argv[0] in ("-h", "--help"):
        return ["check", *argv]
    if not argv or (argv[0] not in COMMANDS and argv[0] != "--version"):
        return ["check", *argv]
    if argv[0] in COMMANDS and argv[0] != "check" and os.path.exists(argv[0]):
        _warn(
            f"`{printable(argv[0])}` runs the command `dlint {printable(argv[0])}`; "
            f"to lint the path {printable(argv[0])}, write ./{printable(argv[0])}"
        )
    return list(argv)


def _safe_streams() -> None:
    """Never fail on output: characters the terminal's encoding lacks become escapes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _tune_gc() -> None:
    """For a whole process: what was imported stays (``gc.freeze``), and the cyclic
    collector runs less often. A run builds many objects and frees few until it ends,
    so frequent collections only walk the same live objects again (about 15% of a
    corpus run, measured with benchmarks/bench.py)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def main(argv: list[str] | None = None) -> Any:
    """Entry point; every usage error exits 2, never with a traceback."""
    _safe_streams()
    if argv is None:  # the program itself, not a caller in the same process
        _tune_gc()
    args = _with_command(sys.argv[1:] if argv is None else argv)
    parser, commands = _parser()
    try:
        namespace = parser.parse_args(args)
        namespace.run(namespace)
    except UsageError as exc:
        commands[namespace.command].error(str(exc))
    except Failure as exc:
        _warn(str(exc))
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(EXIT_CLEAN)


if __name__ == "__main__":  # pragma: no cover
    main()
