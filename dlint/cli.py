"""The command line: ``dlint [PATH...]``, ``dlint rules``, ``dlint explain``.

Exit codes: 0 nothing at or above the fail level (default: warning), 1 findings at
or above it, 2 usage or config error, or internal failure.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, Any

import click

from dlint import __version__
from dlint.printable import printable

if TYPE_CHECKING:
    from dlint.report import Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class Failure(click.ClickException):
    """A run that cannot go on: one line on stderr, exit code 2, no usage text."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"dlint: {self.message}", err=True)


class _DefaultCheck(click.Group):
    """A group whose default command is ``check``: ``dlint .`` == ``dlint check .``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (
            args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")
        ):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dlint")
def cli() -> None:
    """Lint Dockerfiles and Compose files, one project at a time."""


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(c.strip() for c in value.split(",") if c.strip())


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github", "gitlab"]),
    default=None,
    help="Output format [default: the config's output-format, else text; github inside "
    "GitHub Actions].",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report here.",
)
@click.option(
    "-f",
    "--compose-file",
    "compose_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=str),
    help="Compose files to merge into one project, in order (like docker compose -f).",
)
@click.option(
    "--env",
    "use_env",
    is_flag=True,
    help="Use this machine's environment for ${VARIABLES} in Compose files (default: .env only).",
)
@click.option(
    "--env-file",
    "env_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=str),
    help="Read ${VARIABLES} from this file instead of each project's .env (repeatable; "
    "later files win), like docker compose --env-file.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also say what dlint assumed (on stderr).")
@click.option("--select", help="Rules to run (codes, prefixes or names, comma-separated).")
@click.option("--extend-select", help="Rules to run in addition to the configured ones.")
@click.option("--ignore", help="Rules not to run.")
@click.option(
    "--preview",
    is_flag=True,
    help="Also run the preview rules (new rules, off until a release makes them default).",
)
@click.option(
    "--fail-level",
    type=click.Choice(["error", "warning", "info", "style", "never"]),
    help="Exit 1 when a finding is at or above this level [default: warning].",
)
@click.option(
    "--exit-zero", is_flag=True, help="Exit 0 even with findings (2 still means failure)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Use this config file for every path (dlint TOML or .hadolint.yaml).",
)
@click.option("--isolated", is_flag=True, help="Ignore all config files.")
@click.option(
    "--root",
    "roots",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=str),
    help="Let dlint read files under this folder too (default: only inside the git work tree "
    "of the linted paths, or the current folder).",
)
@click.option(
    "--force-exclude", is_flag=True, help="Apply excludes to files named on the command line too."
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=str),
    help="Report only findings this file does not hold; when it does not exist, write "
    "today's findings into it.",
)
@click.option(
    "--baseline-prune",
    is_flag=True,
    help="With --baseline: remove the findings that were fixed from the file.",
)
@click.option(
    "--no-cache", is_flag=True, help="Lint everything again; neither read nor write the cache."
)
@click.option(
    "--cache-dir",
    envvar="DLINT_CACHE_DIR",
    help="Where runs are cached (default: the config's `cache-dir`, else the user's cache "
    "folder; $DLINT_CACHE_DIR).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes to lint many Dockerfiles with (0: one per core; 1: no worker processes).",
)
def check(
    paths: tuple[str, ...],
    output_format: str | None,
    output_file: str | None,
    compose_files: tuple[str, ...],
    use_env: bool,
    env_files: tuple[str, ...],
    verbose: bool,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    preview: bool,
    fail_level: str | None,
    exit_zero: bool,
    config_path: str | None,
    isolated: bool,
    roots: tuple[str, ...],
    force_exclude: bool,
    baseline_file: str | None,
    baseline_prune: bool,
    no_cache: bool,
    cache_dir: str | None,
    jobs: int,
) -> None:
    """Lint PATHS (files or folders; default: the current folder, recursively)."""
    import os

    from dlint.config import ConfigError
    from dlint.discovery import MissingPath
    from dlint.engine import Options, lint
    from dlint.reporters import get_reporter

    options = Options(
        compose_files=compose_files,
        environ=dict(os.environ) if use_env else None,
        env_files=env_files,
        select=_codes(select),
        extend_select=_codes(extend_select) or (),
        ignore=_codes(ignore) or (),
        config=config_path,
        isolated=isolated,
        force_exclude=force_exclude,
        fail_level=fail_level,
        roots=roots,
        preview=preview,
        cache=not no_cache,
        cache_dir=cache_dir,
        jobs=jobs,
    )
    targets = list(paths) or ([] if compose_files else ["."])
    try:
        report = lint(targets, options=options)
    except MissingPath as exc:
        raise click.UsageError(f"path does not exist: {printable(str(exc))}") from None
    except ConfigError as exc:
        raise Failure(f"config: {printable(str(exc))}") from None
    if baseline_prune and baseline_file is None:
        raise click.UsageError("--baseline-prune needs --baseline FILE")
    if baseline_file is not None:
        report = _baselined(report, baseline_file, baseline_prune)
    for warning in report.warnings:
        click.echo(f"dlint: warning: {printable(warning)}", err=True)
    if verbose or report.verbose:
        for note in report.notes:
            click.echo(f"dlint: {printable(note)}", err=True)
    if output_format is None:
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
        output_format = report.output_format or ("github" if in_actions else "text")
    text = get_reporter(output_format)(report)
    if output_file:
        from dlint.output import OutputError, write_report

        try:
            write_report(output_file, text)
        except OutputError as exc:
            raise Failure(str(exc)) from None
    else:
        sys.stdout.write(text)
    if report.failed:
        click.echo("dlint: a rule failed on some file (see internal-error findings)", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if report.fails() and not exit_zero else EXIT_CLEAN)


def _baselined(report: Report, name: str, prune: bool) -> Report:
    """``report`` without what the baseline holds; says on stderr what changed."""
    from dlint.baseline import BaselineError, apply

    try:
        outcome = apply(name, report, prune)
    except BaselineError as exc:
        raise Failure(str(exc)) from None
    shown = printable(name)
    if outcome.written is not None:
        click.echo(
            f"dlint: wrote {outcome.written} findings to the new baseline {shown}; "
            "runs with --baseline report only new ones",
            err=True,
        )
    elif outcome.pruned:
        click.echo(f"dlint: removed {outcome.fixed} fixed findings from {shown}", err=True)
    elif outcome.fixed:
        click.echo(
            f"dlint: {outcome.fixed} findings of the baseline {shown} are fixed: "
            "--baseline-prune removes them",
            err=True,
        )
    return outcome.report


@cli.command("rules")
def list_rules() -> None:
    """List every rule: code, name, default severity, on by default, fixable, summary."""
    from dlint.registry import all_rules

    click.echo(f"{'CODE':7} {'NAME':32} {'SEVERITY':8} {'DEFAULT':7} {'FIX':7} SUMMARY")
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
        click.echo(
            f"{rule.code:7} {rule.name:32} {meta.severity.label:8} {default:7} {fix:7} "
            f"{rule.summary}{aliases}"
        )
    if inert or preview:
        click.echo()
    if inert:
        click.echo("config: on, but silent until its options are set (see `dlint explain CODE`)")
    if preview:
        click.echo(
            "preview: a new rule, run with --preview (or `preview = true`) or when selected "
            "by its code or name"
        )


@cli.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Print the documentation of RULE (a code, name or alias)."""
    from dlint.registry import all_rules, find_rules

    found = find_rules(rule)
    owner = next((r for r in all_rules() if r.meta.subcode(rule) is not None), None)
    if not found and owner is not None:
        code = owner.meta.subcode(rule)
        url = owner.meta.subcode_url.format(code=code) if owner.meta.subcode_url else None
        click.echo(
            f"{code} is one of the checks of {owner.code} {owner.name}"
            + (f": see {url}" if url else "")
        )
        click.echo()
        found = (owner,)
    if not found:
        raise click.UsageError(f"unknown rule: {rule} (see `dlint rules`)")
    if len(found) > 1:
        click.echo(f"{rule} is now {len(found)} rules:")
        for each in found:
            click.echo(f"  {each.code} {each.name}: {each.summary}")
        return
    meta = found[0].meta
    click.echo(f"{meta.code} {meta.name} ({meta.severity.label})")
    if meta.preview:
        click.echo(
            "Preview rule: it runs with --preview (or `preview = true`), or when selected by "
            "its code or name."
        )
    if meta.aliases:
        click.echo(f"Also known as: {', '.join(meta.aliases)}")
    if meta.redirects:
        click.echo(f"Formerly: {', '.join(meta.redirects)}")
    click.echo()
    click.echo(found[0].doc.strip())


@cli.command()
@click.argument("folder", default="docs/rules", type=click.Path(file_okay=False))
def docs(folder: str) -> None:
    """Write one Markdown page per rule into FOLDER (default: docs/rules)."""
    from pathlib import Path

    from dlint.docs import write_docs

    written = write_docs(Path(folder))
    click.echo(f"wrote {len(written)} files to {folder}")


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
    try:
        cli.main(args=argv, prog_name="dlint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(EXIT_CLEAN)


if __name__ == "__main__":  # pragma: no cover
    main()
