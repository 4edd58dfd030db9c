"""One self-contained HTML page: counts by severity, bar charts of findings per rule
and per file (inline SVG), then every finding grouped by file with its source.

Nothing is fetched: the CSS is inline and the page needs no JavaScript. Everything
that comes from the linted files (names, messages, source lines) is hostile: it is
made printable and then escaped with ``html.escape``, as are codes and links. The page
holds no timestamp, so the same report always gives the same page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from html import escape

from dlint import DOCS_URL, __version__
from dlint.ir.common import Severity, Span
from dlint.printable import printable
from dlint.report import Diagnostic, Report
from dlint.rule import Rule

TOP = 20  # bars per chart; the rest are counted in one more bar
CONTEXT = 1  # lines shown before and after a finding's lines
MAX_SPAN_LINES = 12  # a longer finding shows its first and last lines only
_LABEL_CHARS = 48  # a bar's label is cut (from the left for paths) to this many characters

_CSS = """
:root{--error:#c62828;--warning:#ef6c00;--info:#1565c0;--style:#6a1b9a;--muted:#666}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;
max-width:1100px;padding:1em 1.5em;color:#222;background:#fff}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.4em 0 .5em}
a{color:#0b5cad}.muted{color:var(--muted)}
.counts{display:flex;gap:.8em;flex-wrap:wrap;padding:0;list-style:none}
.counts li{border:1px solid #ddd;border-radius:6px;padding:.4em .9em;min-width:6em}
.counts b{display:block;font-size:1.5em}
.sev{display:inline-block;border-radius:3px;padding:0 .4em;color:#fff;font-size:.85em}
.sev-error{background:var(--error)}.sev-warning{background:var(--warning)}
.sev-info{background:var(--info)}.sev-style{background:var(--style)}
.charts{display:flex;flex-wrap:wrap;gap:2em}.chart{flex:1 1 480px}
.chart svg{width:100%;height:auto}.chart text{font:12px ui-monospace,monospace;fill:#222}
.chart .bar{fill:#5c8fd6}.chart .rest{fill:#aaa}
section.file{border-top:2px solid #ddd;margin-top:1.5em}
section.file h2{font-family:ui-monospace,monospace;word-break:break-all}
.finding{border:1px solid #e3e3e3;border-radius:6px;margin:.7em 0;padding:.5em .8em}
.finding .head{display:flex;flex-wrap:wrap;gap:.6em;align-items:baseline}
.code{font-family:ui-monospace,monospace;font-weight:600}
.loc{font-family:ui-monospace,monospace;color:var(--muted)}
.msg{margin:.3em 0;white-space:pre-wrap;word-break:break-word}
.fix{font-size:.9em;color:#2e7d32}.fix.unsafe{color:#8d6e00}
pre.src{background:#f7f7f7;border-radius:4px;margin:.4em 0 0;padding:.4em 0;overflow-x:auto;
font:12.5px/1.5 ui-monospace,monospace;tab-size:4}
pre.src span.line{display:block;padding-right:1em}
pre.src span.hit{background:#fff4e0}
pre.src span.ln{display:inline-block;min-width:3.5em;padding-right:1em;text-align:right;
color:#999;user-select:none}
mark{background:#ffcc80;color:inherit;border-bottom:2px solid var(--warning)}
mark.point{border-left:2px solid var(--error);background:none;border-bottom:none;margin-left:-1px}
.gap{color:#999}
""".strip()


def _text(text: str) -> str:
    """A name, message or code from the run, escaped for HTML."""
    return escape(printable(text), quote=True)


def _source(text: str) -> str:
    """A piece of a source line, escaped, tabs as four spaces (no control character
    reaches the page, a tab included)."""
    return escape(printable(text.replace("\t", "    ")), quote=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class _Links:
    """The page of each code: the rule's own, or a sub-code's (as SARIF links them)."""

    def __init__(self, report: Report) -> None:
        self.rules: dict[str, Rule] = {r.code: r for r in report.rules}
        if any(d.rule_code not in self.rules for d in report.diagnostics):
            from dlint.registry import all_rules

            for r in all_rules():
                self.rules.setdefault(r.code, r)

    def url(self, code: str, rule_code: str) -> str:
        rule = self.rules.get(rule_code)
        if code != rule_code and rule is not None and rule.meta.subcode_url:
            return rule.meta.subcode_url.format(code=code)
        return f"{DOCS_URL}/{rule_code}.md"


def render(report: Report) -> str:
    links = _Links(report)
    by_file: dict[str, list[Diagnostic]] = {}
    for d in report.diagnostics:
        by_file.setdefault(d.path, []).append(d)
    anchors = {path: f"file-{i}" for i, path in enumerate(sorted(by_file), 1)}
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="dlint">',
        "<title>dlint report</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>dlint report</h1>",
        f'<p class="muted">dlint {escape(__version__)}: {_summary(report, by_file)}</p>',
        "</header>",
        "<main>",
    ]
    out += _counts(report)
    if report.diagnostics:
        out += _charts(report, links, by_file, anchors)
        out.append('<h2 id="findings">Findings</h2>')
        for path in sorted(by_file):
            out += _file(report, path, by_file[path], anchors[path], links)
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _summary(report: Report, by_file: dict[str, list[Diagnostic]]) -> str:
    files = _plural(len(report.files), "file")
    if not report.diagnostics:
        return f"no findings in {files}."
    return f"{_plural(len(report.diagnostics), 'finding')} in {len(by_file)} of {files}."


def _counts(report: Report) -> list[str]:
    out = ['<section class="summary">', "<h2>Summary</h2>", '<ul class="counts">']
    out.append(f'<li class="total"><b>{len(report.diagnostics)}</b>findings</li>')
    for severity in sorted(Severity, reverse=True):
        label = escape(severity.label)
        out.append(
            f'<li class="count-{label}"><b>{report.count(severity)}</b>'
            f'<span class="sev sev-{label}">{label}</span></li>'
        )
    fixable = sum(1 for d in report.diagnostics if d.fix is not None and d.fix.safe)
    unsafe = sum(1 for d in report.diagnostics if d.fix is not None and not d.fix.safe)
    out.append(f'<li class="fixable"><b>{fixable}</b>fixable</li>')
    out.append(f'<li class="unsafe-fixable"><b>{unsafe}</b>fixable with --unsafe-fixes</li>')
    out += ["</ul>", "</section>"]
    return out


def _charts(
    report: Report,
    links: _Links,
    by_file: dict[str, list[Diagnostic]],
    anchors: dict[str, str],
) -> list[str]:
    codes = Counter(d.code for d in report.diagnostics)
    rule_of = {d.code: d.rule_code for d in report.diagnostics}
    names = {d.code: d.name for d in report.diagnostics}
    rules = [
        (f"{code} {names[code]}", count, links.url(code, rule_of[code]))
        for code, count in sorted(codes.items(), key=lambda item: (-item[1], item[0]))
    ]
    files = [
        (path, len(found), f"#{anchors[path]}")
        for path, found in sorted(by_file.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    return [
        '<section class="charts">',
        *_chart("rules", "Findings per rule", rules, "rule", cut_left=False),
        *_chart("files", "Findings per file", files, "file", cut_left=True),
        "</section>",
    ]


def _label(text: str, cut_left: bool) -> str:
    text = printable(text)
    if len(text) <= _LABEL_CHARS:
        return text
    return "…" + text[-_LABEL_CHARS + 1 :] if cut_left else text[: _LABEL_CHARS - 1] + "…"


def _chart(
    key: str, title: str, bars: list[tuple[str, int, str]], noun: str, cut_left: bool
) -> list[str]:
    """A horizontal bar chart of the first ``TOP`` bars, the rest as one grey bar."""
    shown = bars[:TOP]
    rest = bars[TOP:]
    rows: list[tuple[str, str, int, str | None]] = [
        (_label(label, cut_left), label, count, href) for label, count, href in shown
    ]
    if rest:
        more = f"{_plural(len(rest), f'other {noun}')}"
        rows.append((more, more, sum(count for _, count, _ in rest), None))
    row_height, label_width, bar_width, count_width = 20, 380, 260, 60
    width = label_width + bar_width + count_width
    height = row_height * len(rows) + 4
    most = max(count for *_, count, _ in rows)
    out = [
        f'<figure class="chart" id="chart-{key}">',
        f"<figcaption><h2>{escape(title)}</h2></figcaption>",
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
    ]
    for i, (label, full, count, href) in enumerate(rows):
        y = i * row_height + 2
        length = max(1, round(bar_width * count / most))
        kind = "bar" if href is not None else "rest"
        row = [
            f"<title>{escape(printable(full))}: {count}</title>",
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>',
            f'<rect class="{kind}" x="{label_width}" y="{y + 3}" width="{length}" height="14"/>',
            f'<text x="{label_width + length + 4}" y="{y + 14}">{count}</text>',
        ]
        if href is not None:
            out.append(f'<a href="{escape(href, quote=True)}">{"".join(row)}</a>')
        else:
            out.append(f"<g>{''.join(row)}</g>")
    out += ["</svg>", "</figure>"]
    return out


def _file(
    report: Report, path: str, found: list[Diagnostic], anchor: str, links: _Links
) -> list[str]:
    lines = report.lines(path)
    out = [
        f'<section class="file" id="{anchor}">',
        f'<h2>{_text(path)} <span class="muted">({_plural(len(found), "finding")})</span></h2>',
    ]
    if lines is None:
        out.append('<p class="muted">The file cannot be read anymore: no source is shown.</p>')
    for d in found:
        out += _finding(d, lines, links)
    out.append("</section>")
    return out


def _finding(d: Diagnostic, lines: list[str] | None, links: _Links) -> list[str]:
    label = escape(d.severity.label)
    url = escape(links.url(d.code, d.rule_code), quote=True)
    span = d.span
    out = [
        f'<article class="finding {label}">',
        '<div class="head">',
        f'<a class="code" href="{url}">{_text(d.code)}</a>',
        f'<span class="name">{_text(d.name)}</span>',
        f'<span class="sev sev-{label}">{label}</span>',
        f'<span class="loc">{span.line}:{span.column}</span>',
        "</div>",
        f'<p class="msg">{_text(d.message)}</p>',
    ]
    if d.fix is not None:
        if d.fix.safe:
            out.append(f'<p class="fix">Fix: {_text(d.fix.title)}</p>')
        else:
            out.append(f'<p class="fix unsafe">Fix (with --unsafe-fixes): {_text(d.fix.title)}</p>')
    if lines is not None:
        out += _snippet(span, lines)
    out.append("</article>")
    return out


def _snippet(span: Span, lines: list[str]) -> list[str]:
    """The finding's lines and one line around them, numbered, the span marked."""
    if not 1 <= span.line <= len(lines):
        return []
    last = min(max(span.end_line, span.line), len(lines))
    numbers: Iterable[int | None]
    first_shown, last_shown = max(1, span.line - CONTEXT), min(len(lines), last + CONTEXT)
    if last - span.line + 1 > MAX_SPAN_LINES:
        head = range(first_shown, span.line + MAX_SPAN_LINES // 2)
        tail = range(last - MAX_SPAN_LINES // 2 + 1, last_shown + 1)
        numbers = [*head, None, *tail]
    else:
        numbers = range(first_shown, last_shown + 1)
    width = len(str(last_shown))
    rows = []
    for n in numbers:
        if n is None:
            rows.append('<span class="line gap"><span class="ln">⋮</span></span>')
            continue
        text = lines[n - 1].removesuffix("\r")
        hit = span.line <= n <= last
        body = _marked(text, n, span) if hit else _source(text)
        rows.append(
            f'<span class="line{" hit" if hit else ""}">'
            f'<span class="ln">{n:>{width}}</span>{body}</span>'
        )
    return [f'<pre class="src">{"".join(rows)}</pre>']


def _marked(text: str, n: int, span: Span) -> str:
    """Line ``n`` of a finding, its part of the span in ``<mark>`` (columns are code
    points, 1-based, the end exclusive; an empty span is a point)."""
    start = span.column - 1 if n == span.line else 0
    end = span.end_column - 1 if n == span.end_line else len(text)
    start = min(max(start, 0), len(text))
    end = min(max(end, start), len(text))
    if start == end:
        if span.line != span.end_line:  # a line of a longer span that has no text
            return _source(text)
        return f'{_source(text[:start])}<mark class="point"></mark>{_source(text[start:])}'
    return f"{_source(text[:start])}<mark>{_source(text[start:end])}</mark>{_source(text[end:])}"
