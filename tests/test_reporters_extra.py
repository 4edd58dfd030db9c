"""The statistics and HTML reporters over small projects and the real corpus."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dlint import DOCS_URL, __version__, shellcheck
from dlint.engine import Options, lint
from dlint.ir.common import Span
from dlint.report import Report
from dlint.reporters import html_format, statistics
from tests.conftest import REPO, shared, write

DOCKERFILE = (
    "FROM debian:12 as build\n"
    "RUN apt-get update && apt-get install -y curl\n"
    "FROM alpine:3.20\n"
    "RUN apk add curl\n"
)
SUB = "FROM alpine:3.20\nRUN apk add git\n"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def run(root: Path, *paths: str) -> Report:
    return lint(list(paths) or ["."], cwd=root, options=Options(isolated=True))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write(tmp_path, {"Dockerfile": DOCKERFILE, "sub/Dockerfile": SUB})


# statistics


def test_statistics_lines(project: Path) -> None:
    assert statistics.render(run(project)).splitlines() == [
        "2  DL3018  apk-version-unpinned",
        "2  DL3019  apk-cache-kept            2 fixable",
        "1  DF602   from-as-casing            1 fixable",
        "1  DL3008  apt-version-unpinned",
        "1  DL3015  apt-recommends-installed  1 fixable with --unsafe-fixes",
        "7  total                             3 fixable, 1 fixable with --unsafe-fixes",
    ]


def test_statistics_right_aligns_counts(tmp_path: Path) -> None:
    write(tmp_path, {f"d{i}/Dockerfile": SUB for i in range(10)})
    write(tmp_path, {"Dockerfile": "FROM debian:12 as build\n"})
    assert statistics.render(run(tmp_path)).splitlines() == [
        "10  DL3018  apk-version-unpinned",
        "10  DL3019  apk-cache-kept        10 fixable",
        " 1  DF602   from-as-casing        1 fixable",
        "21  total                         11 fixable",
    ]


def test_statistics_of_a_clean_run(tmp_path: Path) -> None:
    write(tmp_path, {"Dockerfile": "FROM alpine:3.20\n"})
    assert statistics.render(run(tmp_path)) == "No findings.\n"


# HTML


class Checker(HTMLParser):
    """Every opened tag is closed, in order; the ids are unique; links are collected."""

    VOID = frozenset({"meta", "link", "br", "hr", "img", "input", "wbr", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.decl: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.decl.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            if name == "href" and value:
                self.hrefs.append(value)
            if name.startswith("on"):
                self.errors.append(f"event handler {name} on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def check(page: str) -> Checker:
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.decl == ["DOCTYPE html"]
    assert not checker.errors, checker.errors[:5]
    assert not checker.stack, checker.stack
    assert len(checker.ids) == len(set(checker.ids))
    assert not {"script", "img", "iframe", "link", "object"} & set(checker.tags)
    # nothing is fetched: the only links are the rules' pages and the page's own anchors
    assert all(h.startswith(("https://", "#")) for h in checker.hrefs)
    return checker


def sections(page: str) -> dict[str, str]:
    """Each file's section, by the file name as shown (escaped)."""
    out = {}
    for part in page.split('<section class="file" ')[1:]:
        body = part[: part.index("</section>")]
        name = re.search(r"<h2>(.*?) <span", body)
        assert name
        out[name.group(1)] = body
    return out


def test_html_summary_charts_and_links(project: Path) -> None:
    page = html_format.render(run(project))
    checker = check(page)
    assert f"dlint {__version__}: 7 findings in 2 of 2 files." in page
    for label, count in [("error", 0), ("warning", 3), ("info", 3), ("style", 1)]:
        assert f'<li class="count-{label}"><b>{count}</b>' in page
    assert '<li class="fixable"><b>3</b>fixable</li>' in page
    assert '<li class="unsafe-fixable"><b>1</b>' in page
    rules = re.search(r'<figure class="chart" id="chart-rules">.*?</figure>', page, re.S)
    files = re.search(r'<figure class="chart" id="chart-files">.*?</figure>', page, re.S)
    assert rules and files
    assert "<svg" in rules.group(0) and "<svg" in files.group(0)
    bars = re.findall(r'<a href="([^"]+)"><title>([^<]+)</title>', rules.group(0))
    assert bars[0] == (f"{DOCS_URL}/DL3018.md", "DL3018 apk-version-unpinned: 2")
    assert [title for _, title in bars][2:] == [
        "DF602 from-as-casing: 1",
        "DL3008 apt-version-unpinned: 1",
        "DL3015 apt-recommends-installed: 1",
    ]
    file_bars = re.findall(r'<a href="(#[^"]+)"><title>([^<]+)</title>', files.group(0))
    assert [title for _, title in file_bars] == ["Dockerfile: 5", "sub/Dockerfile: 2"]
    for anchor, _ in file_bars:
        assert anchor[1:] in checker.ids
    assert f'<a class="code" href="{DOCS_URL}/DF602.md">DF602</a>' in page
    assert sorted(sections(page)) == ["Dockerfile", "sub/Dockerfile"]
    assert page.count('<article class="finding ') == 7
    assert page == html_format.render(run(project))  # deterministic


def test_html_finding_with_snippet_and_fix(project: Path) -> None:
    page = html_format.render(run(project))
    top = sections(page)["Dockerfile"]
    first = top[top.index("<article") : top.index("</article>")]
    assert '<span class="name">from-as-casing</span>' in first
    assert '<span class="sev sev-style">style</span>' in first
    assert '<span class="loc">1:16</span>' in first
    assert '<p class="fix">Fix: Write `AS`</p>' in first
    assert (
        '<pre class="src">'
        '<span class="line hit"><span class="ln">1</span>FROM debian:12 <mark>as</mark> build</span>'
        '<span class="line"><span class="ln">2</span>RUN apt-get update &amp;&amp; '
        "apt-get install -y curl</span></pre>"
    ) in first
    unsafe = top[top.index("DL3015") :]
    assert '<p class="fix unsafe">Fix (with --unsafe-fixes): Add `--no-install-recommends`</p>' in (
        unsafe
    )
    # one line before and after, the span marked
    assert (
        '<span class="line"><span class="ln">1</span>FROM debian:12 as build</span>'
        '<span class="line hit"><span class="ln">2</span>RUN apt-get update &amp;&amp; '
        "<mark>apt-get install</mark> -y curl</span>"
        '<span class="line"><span class="ln">3</span>FROM alpine:3.20</span>'
    ) in unsafe


def test_html_escapes_names_messages_and_source(tmp_path: Path) -> None:
    # a relative WORKDIR's message quotes it (DL3000)
    write(
        tmp_path,
        {
            f"{SCRIPT[:-9]}/Dockerfile": f"FROM alpine:3.20\nWORKDIR {SCRIPT}\n",
            f"{IMG}/Dockerfile": f"FROM alpine:3.20\nWORKDIR x{IMG}\n",
            "ctl/Dockerfile": "FROM alpine:3.20\nWORKDIR \x1b[2Jx\u202e\n",
        },
    )
    report = run(tmp_path)
    assert [(d.path, d.code) for d in report.diagnostics] == [
        (f"{IMG}/Dockerfile", "DL3000"),
        (f"{SCRIPT[:-9]}/Dockerfile", "DL3000"),
        ("ctl/Dockerfile", "DL3000"),
    ]
    assert SCRIPT in report.diagnostics[1].message and IMG in report.diagnostics[0].message
    page = html_format.render(report)
    check(page)
    assert "<script" not in page and "<img" not in page
    assert "\x1b" not in page and "\u202e" not in page
    script, img = (
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
    )
    files = sections(page)
    assert set(files) == {
        f"{img}/Dockerfile",
        "&lt;script&gt;alert(1)/Dockerfile",
        "ctl/Dockerfile",
    }
    assert f"WORKDIR `{script}` is relative" in files["&lt;script&gt;alert(1)/Dockerfile"]
    assert f"WORKDIR <mark>{script}</mark>" in files["&lt;script&gt;alert(1)/Dockerfile"]
    assert f"WORKDIR `x{img}` is relative" in files[f"{img}/Dockerfile"]
    assert f"WORKDIR <mark>x{img}</mark>" in files[f"{img}/Dockerfile"]
    assert f"<title>{img}/Dockerfile: 1</title>" in page  # the chart's label too
    assert "WORKDIR <mark>\\x1b[2Jx\\u202e</mark>" in files["ctl/Dockerfile"]  # shown, not obeyed


def test_html_file_that_cannot_be_read_anymore(project: Path) -> None:
    report = run(project)
    (project / "sub" / "Dockerfile").unlink()
    page = html_format.render(report)
    check(page)
    gone = sections(page)["sub/Dockerfile"]
    assert "cannot be read anymore" in gone
    assert gone.count('<article class="finding ') == 2
    assert "<pre" not in gone
    assert '<span class="loc">2:5</span>' in gone and "apk-cache-kept" in gone
    assert "<pre" in sections(page)["Dockerfile"]


def test_html_clean_run(tmp_path: Path) -> None:
    write(tmp_path, {"Dockerfile": "FROM alpine:3.20\n"})
    page = html_format.render(run(tmp_path))
    check(page)
    assert "no findings in 1 file." in page
    assert '<li class="total"><b>0</b>findings</li>' in page
    assert "<svg" not in page and "<article" not in page


def test_html_charts_count_the_rest(tmp_path: Path) -> None:
    write(tmp_path, {f"d{i:02}/Dockerfile": SUB for i in range(23)})
    page = html_format.render(run(tmp_path))
    check(page)
    files = re.search(r'id="chart-files">.*?</figure>', page, re.S)
    assert files
    titles = re.findall(r"<title>([^<]+)</title>", files.group(0))
    assert titles[:2] == ["d00/Dockerfile: 2", "d01/Dockerfile: 2"]
    assert len(titles) == 21 and titles[-1] == "3 other files: 6"
    assert files.group(0).count("<a href=") == 20  # the rest has no link


@pytest.mark.skipif(shellcheck.program() is None, reason="ShellCheck is not installed")
def test_html_links_a_sub_code_to_its_page(tmp_path: Path) -> None:
    write(tmp_path, {"Dockerfile": 'FROM alpine:3.20\nSHELL ["/bin/sh", "-c"]\nRUN echo $1\n'})
    page = html_format.render(run(tmp_path))
    assert '<a class="code" href="https://www.shellcheck.net/wiki/SC2086">SC2086</a>' in page


def test_snippet_marks_points_long_spans_and_crlf() -> None:
    lines = [f"line {n}\r" for n in range(1, 31)]
    point = html_format._snippet(Span.point(2, 3), lines)[0]
    assert '<span class="ln">2</span>li<mark class="point"></mark>ne 2</span>' in point
    assert "\r" not in point
    long = html_format._snippet(Span(3, 6, 25, 5), lines)[0]
    numbers = re.findall(r'<span class="ln">([^<]+)</span>', long)
    assert numbers == [" 2", " 3", " 4", " 5", " 6", " 7", " 8", "⋮", "20", "21", "22", "23",
                       "24", "25", "26"]  # fmt: skip
    assert '<span class="ln"> 3</span>line <mark>3</mark></span>' in long
    assert '<span class="ln">25</span><mark>line</mark> 25</span>' in long
    assert html_format._snippet(Span.point(40), lines) == []  # the file changed since


def test_html_and_statistics_on_the_corpus() -> None:
    corpus = shared("corpus")
    report = lint([str(corpus)], cwd=REPO, options=Options(isolated=True))
    assert report.diagnostics
    page = html_format.render(report)
    checker = check(page)
    assert page.count('<article class="finding ') == len(report.diagnostics)
    assert checker.tags.count("svg") == 2
    assert re.search(r"<title>\d+ other rules: \d+</title>", page)
    assert re.search(r"<title>\d+ other files: \d+</title>", page)
    lines = statistics.render(report).splitlines()
    counts = [int(line.split()[0]) for line in lines[:-1]]
    assert counts == sorted(counts, reverse=True)
    assert lines[-1].split()[:2] == [str(len(report.diagnostics)), "total"]
    assert len({re.match(r" *\d+  ", line).end() for line in lines}) == 1  # type: ignore[union-attr]
