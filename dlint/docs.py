"""Rule documentation pages, generated from each rule's docstring and metadata.

``scripts/rule_docs.py`` writes them to this repository's docs/rules/; a test fails
when they are stale, so the pages (the SARIF ``helpUri`` targets) never drift from
the code.
"""

from __future__ import annotations

from dlint.registry import all_rules


def pages() -> dict[str, str]:
    """File name -> content: one page per rule and an index."""
    from dlint.reporters.sarif_format import markdown

    out: dict[str, str] = {}
    rows = [
        "# dlint rules",
        "",
        "| code | name | severity | default | summary |",
        "|---|---|---|---|---|",
    ]
    for rule in all_rules():
        out[f"{rule.code}.md"] = markdown(rule)
        meta = rule.meta
        default = "preview" if meta.preview else "on" if meta.default_enabled else "off"
        rows.append(
            f"| [{rule.code}]({rule.code}.md) | {rule.name} | {meta.severity.label} | "
            f"{default} | {rule.summary} |"
        )
    out["README.md"] = "\n".join(rows) + "\n"
    return out
