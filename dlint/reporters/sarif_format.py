"""SARIF 2.1.0 for code scanning and editors, built with sarif-om.

The log is built from sarif-om's classes and serialized by the small walker
below, not by jschema-to-python's ``to_json``: that one drops an explicit
``level: "warning"`` (a result then inherits its rule's default level, so a
finding downgraded in config shows as an error) and it is slow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attr
import sarif_om as om

from dlint import DOCS_URL, HOMEPAGE, __version__
from dlint.edits import Fix
from dlint.ir.common import Severity
from dlint.printable import encoded_path
from dlint.report import Diagnostic, Report
from dlint.rule import Rule, doc_sections

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.STYLE: "note",
}
_FIRST = ("$schema", "version", "id", "name", "ruleId", "ruleIndex", "level", "message")


def level(severity: Severity) -> str:
    return _LEVEL[severity]


def _json(obj: Any) -> Any:
    """sarif-om objects to plain JSON values: schema names, defaults left out, ``level`` kept."""
    if attr.has(type(obj)):
        out: dict[str, Any] = {}
        for field in attr.fields(type(obj)):
            value = getattr(obj, field.name)
            name = field.metadata.get("schema_property_name", field.name)
            if value is None:
                continue
            default = field.default
            if isinstance(default, attr.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if name != "level" and default is not attr.NOTHING and value == default:
                continue  # the schema's default; `level` is always written (it is inherited)
            out[name] = _json(value)
        ordered = {k: out[k] for k in _FIRST if k in out}
        ordered.update((k, v) for k, v in out.items() if k not in ordered)
        return ordered
    if isinstance(obj, dict):
        return {str(k): _json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json(v) for v in obj]
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    raise TypeError(f"cannot write {type(obj).__name__} into SARIF")


def _descriptor(rule: Rule) -> om.ReportingDescriptor:
    meta = rule.meta
    what = doc_sections(rule.doc).get("What it does", rule.summary)
    tags = list(meta.tags)
    properties: dict[str, Any] = {
        "precision": meta.precision,
        "problem.severity": _problem(meta.severity),
    }
    if meta.security_severity is not None:
        if "security" not in tags:
            tags.append("security")
        properties["security-severity"] = f"{meta.security_severity:.1f}"
    properties["tags"] = tags
    return om.ReportingDescriptor(
        id=meta.code,
        name=meta.name,
        short_description=om.MultiformatMessageString(text=rule.summary),
        full_description=om.MultiformatMessageString(text=" ".join(what.split())),
        help=om.MultiformatMessageString(text=rule.doc.strip(), markdown=markdown(rule)),
        help_uri=meta.docs_url or f"{DOCS_URL}/{meta.code}.md",
        default_configuration=om.ReportingConfiguration(level=level(meta.severity)),
        properties=properties,
    )


def _sub_descriptor(code: str, rule: Rule) -> om.ReportingDescriptor:
    """A sub-code's entry (``SC2086`` of the rule ``SC``): its own page, if it has one."""
    meta = rule.meta
    url = meta.subcode_url.format(code=code) if meta.subcode_url else f"{DOCS_URL}/{meta.code}.md"
    text = f"{code}, one of the checks of {meta.code} {meta.name}: see {url}"
    return om.ReportingDescriptor(
        id=code,
        name=meta.name,
        short_description=om.MultiformatMessageString(text=text),
        help=om.MultiformatMessageString(text=text),
        help_uri=url,
        default_configuration=om.ReportingConfiguration(level=level(meta.severity)),
        properties={"precision": meta.precision, "tags": list(meta.tags)},
    )


def _problem(severity: Severity) -> str:
    return {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(severity, "recommendation")


def markdown(rule: Rule) -> str:
    """The rule's page: title, metadata, then its docstring (already Markdown)."""
    meta = rule.meta
    lines = [f"# {meta.code} {meta.name}", "", rule.summary, ""]
    lines.append(f"- Default severity: {meta.severity.label}")
    if meta.preview:
        lines.append(
            "- Preview: a new rule, run with `--preview` (or `preview = true`) or when "
            "selected by its code or name"
        )
    elif not meta.default_enabled:
        lines.append("- Off by default: select it to run it")
    if meta.aliases:
        lines.append(f"- Also known as: {', '.join(meta.aliases)}")
    lines.append(f"- Precision: {meta.precision}")
    if meta.tags:
        lines.append(f"- Tags: {', '.join(meta.tags)}")
    body = "\n".join(rule.doc.strip().splitlines()[1:]).strip()
    return "\n".join(lines) + "\n\n" + body + "\n"


def _uri(path: str) -> str:
    """The path's bytes, percent-encoded: exact even for names that are not UTF-8."""
    return quote(encoded_path(path), safe="/._-~")


def _result(d: Diagnostic, index: dict[str, int]) -> om.Result:
    region = om.Region(
        start_line=d.span.line,
        start_column=d.span.column,
        end_line=d.span.end_line,
        end_column=max(d.span.end_column, d.span.column + 1)
        if d.span.end_line == d.span.line
        else d.span.end_column,
    )
    location = om.Location(
        physical_location=om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=_uri(d.path), uri_base_id=SRCROOT),
            region=region,
        )
    )
    return om.Result(
        rule_id=d.code,
        rule_index=index[d.code],
        level=level(d.severity),
        message=om.Message(text=d.message),
        locations=[location],
        partial_fingerprints={"dlint/v1": d.fingerprint} if d.fingerprint else None,
        fixes=[_fix(d, d.fix)] if d.fix is not None else None,
    )


def _fix(d: Diagnostic, fix: Fix) -> om.Fix:
    """The fix as a SARIF fix: its edits as replacements in the finding's file."""
    replacements = [
        om.Replacement(
            deleted_region=om.Region(
                start_line=e.span.line,
                start_column=e.span.column,
                end_line=e.span.end_line,
                end_column=e.span.end_column,
            ),
            inserted_content=om.ArtifactContent(text=e.text) if e.text else None,
        )
        for e in fix.edits
    ]
    title = fix.title if fix.safe else f"{fix.title} (unsafe: it may change what runs)"
    change = om.ArtifactChange(
        artifact_location=om.ArtifactLocation(uri=_uri(d.path), uri_base_id=SRCROOT),
        replacements=replacements,
    )
    return om.Fix(description=om.Message(text=title), artifact_changes=[change])


def build(report: Report) -> om.SarifLog:
    rules = {r.code: r for r in report.rules}
    if any(d.rule_code not in rules for d in report.diagnostics):
        from dlint.registry import all_rules

        for r in all_rules():
            if any(d.rule_code == r.code for d in report.diagnostics):
                rules.setdefault(r.code, r)
    descriptors = {code: _descriptor(r) for code, r in rules.items()}
    for d in report.diagnostics:
        if d.rule and d.code not in descriptors:
            descriptors[d.code] = _sub_descriptor(d.code, rules[d.rule])
    ordered = sorted(descriptors)
    index = {code: i for i, code in enumerate(ordered)}
    root = (report.root or Path.cwd()).absolute().as_uri().rstrip("/") + "/"
    driver = om.ToolComponent(
        name="dlint",
        version=__version__,
        semantic_version=__version__,
        information_uri=HOMEPAGE,
        rules=[descriptors[code] for code in ordered],
    )
    run = om.Run(
        tool=om.Tool(driver=driver),
        results=[_result(d, index) for d in report.diagnostics],
        column_kind="unicodeCodePoints",
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=root)},
    )
    return om.SarifLog(version="2.1.0", schema_uri=SCHEMA, runs=[run])


def render(report: Report) -> str:
    return json.dumps(_json(build(report)), indent=2, ensure_ascii=False) + "\n"
