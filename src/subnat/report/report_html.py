"""headline.html: the headline table and summary for the Snakemake HTML report.

The report's start page includes this file (workflow/report/workflow.rst), so a policy reader
sees the numbers with their intervals before any figure; the report also lists it as a result of
its own, opened as a page. It is a complete HTML5 document (doctype, charset, title) that opens on
its own in a browser; included in the start page, whose description is set as innerHTML, the
document's <html>, <head> and <body> tags are dropped and its hidden <title> and <meta> are
harmless, so the same file serves both. The charset keeps the Chinese summary intact in the
report's data-URI embedding.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from subnat.outputs import write_atomic
from subnat.report import headline as H
from subnat.report.report_md import headline_years
from subnat.report.results import CaseResults


def render(results: CaseResults, languages: Sequence[str] = ("en",)) -> str:
    """The page: title, summary paragraphs (en, zh), the headline table."""
    heads = [H.headline(results, year=y) for y in headline_years(results)]
    table = H.headline_table(results)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in table.itertuples(index=False))
    title = f"Headline results: {html.escape(results.name)} ({html.escape(results.country)})"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{title}</title>",
        "</head>",
        "<body>",
        f'<section class="subnat-headline" id="headline-{html.escape(results.name)}">',
        f"<h2>{title}</h2>",
        *[f'<p lang="en">{html.escape(H.english(h))}</p>' for h in heads],
    ]
    if "zh" in languages:
        parts += ['<h3 lang="zh-Hans">摘要</h3>']
        parts += [f'<p lang="zh-Hans">{html.escape(H.chinese(h))}</p>' for h in heads]
    parts += [
        f'<table class="subnat-summary" id="summary-{html.escape(results.name)}">',
        "<caption>Medians with 5 % to 95 % intervals over draws (summary.csv)</caption>",
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        "</section>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def write(results: CaseResults, out_html: str | Path, languages: Sequence[str] = ("en",)) -> None:
    text = render(results, languages)
    write_atomic(Path(out_html), lambda p: p.write_text(text, encoding="utf-8"))
