"""report.md and the HTML headline of the demo case: ICAT items, exclusions, numbers, Chinese summary."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from report_demo import build

from subnat.report import headline as H
from subnat.report import report_md
from subnat.report.results import load

ICAT_ITEMS = ["## Summary", "## 1. Objective", "## 2. Scope", "## 3. Sources and vintages",
              "## 4. Exclusions by reason", "## 5. Method choices", "## 6. Results", "## 7. Uncertainty",
              "## 8. Limitations"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.getbasetemp() / "report-demo")


def test_report_follows_the_icat_items_in_order(demo: Path) -> None:
    text = (demo / "report.md").read_text(encoding="utf-8")
    positions = [text.index(item) for item in ICAT_ITEMS]
    assert positions == sorted(positions)
    for reason in pd.read_csv(demo / "exclusions.csv")["reason_code"].unique():
        assert f"| {reason} |" in text
    assert "synthetic: made up for tests" in text
    assert "![National projection: full implementation](figures/fan_full_implementation.png)" in text
    for name in re.findall(r"\]\((figures/[^)]+)\)", text):
        assert (demo / name).is_file(), name


def test_headline_numbers_come_from_summary_csv(demo: Path) -> None:
    results = load(demo)
    summary = pd.read_csv(demo / "summary.csv").set_index(["scenario", "year"])
    row = summary.loc[("full_implementation", results.main_year)]
    text = (demo / "report.md").read_text(encoding="utf-8")
    assert f"{row['pct_below_base_p50']:.1f} % below 2005" in text
    assert f"{row['pct_below_base_p50']:.1f}%（" in text  # the Chinese sentence carries the same number
    ndc = H.headline(results, year=2030)
    assert ndc.ndc_label == "NDC 2030 (-40 % vs 2005)"
    share = summary.loc[("full_implementation", 2030), "ndc_gap_share_p50"]
    assert f"This closes {100 * share:.0f} %" in text


def test_chinese_summary_is_written_from_the_numbers(demo: Path) -> None:
    results = load(demo)
    h = H.headline(results, year=2030)
    zh = H.chinese(h)
    assert zh.startswith("2030年") and "百万吨二氧化碳当量" in zh and "全部完全落实" in zh
    assert f"{h.pct_below[0]:.1f}%" in zh and f"{h.gap_share[0]:.0%}" in zh
    assert "### 摘要（简体中文）" in (demo / "report.md").read_text(encoding="utf-8")
    english_only = report_md.render(results, pd.read_csv(demo / "assumptions.csv", keep_default_na=False), ["en"])
    assert "摘要" not in english_only


def test_headline_html_holds_the_summary_table(demo: Path) -> None:
    html = (demo / "headline.html").read_text(encoding="utf-8")
    assert 'id="summary-demo"' in html
    n_rows = len(pd.read_csv(demo / "summary.csv"))
    assert html.count("<tr>") == n_rows + 1
    assert 'lang="zh-Hans"' in html


def test_headline_html_is_a_complete_document(demo: Path) -> None:
    """A page of its own (doctype, charset, title, one html/head/body); the report's start page sets
    it as innerHTML, which drops those tags, so the section with the table comes through unchanged."""
    from html.parser import HTMLParser

    text = (demo / "headline.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>\n")

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.seen: list[tuple[str, tuple[str, ...]]] = []
            self.title = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.seen.append((tag, tuple(self.stack)))
            if tag != "meta":
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert self.stack and self.stack[-1] == tag, (tag, self.stack)
            self.stack.pop()

        def handle_data(self, data: str) -> None:
            if self.stack and self.stack[-1] == "title":
                self.title += data

    tags = Tags()
    tags.feed(text)
    assert tags.stack == [], "unclosed elements"
    where = {tag: parents for tag, parents in tags.seen}
    assert where["head"] == ("html",) and where["body"] == ("html",)
    assert where["meta"] == ("html", "head") and where["title"] == ("html", "head")
    assert where["section"] == ("html", "body")
    assert '<meta charset="utf-8">' in text
    assert tags.title == "Headline results: demo (XDM)"


def test_uncertainty_section_says_what_a_draw_varies():
    """§7 follows the config: one CPS with the projection error (us2017) or an ensemble member."""
    from types import SimpleNamespace

    from subnat.report.report_md import _draws_sentence

    def config(cps, projection, growth):
        return SimpleNamespace(config={"uncertainty": {"cps": {"value": cps}, "projection_error": {"value": projection},
                                                       "reference_growth": {"value": growth}}})

    single = _draws_sentence(config("central", "auto", True), 2000)
    assert "projection error" in single and "ensemble member" not in single and "reference growth" in single
    off = _draws_sentence(config("central", "off", False), 2000)
    assert "no projection error" in off and "deviation" not in off
    ensemble = _draws_sentence(config("ensemble", "auto", True), 2000)
    assert "ensemble member" in ensemble
