"""The Snakemake HTML report of the demo case, opened in headless Chromium.

Runs the workflow on the demo case in a tmp dir, builds `snakemake --report`, and checks what a
reader's browser shows after the report's JavaScript ran: the start page with the plain-language
description and the headline table (numbers from summary.csv), the result categories, and one
figure decoded as an image. Screenshots are kept in the tmp dir for a human look.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,2000", "--virtual-time-budget=30000"]
CATEGORIES = ["Headline results", "Effect on national projections", "Coverage", "Uncertainty"]
FIGURE = "fan_full_implementation.png"
# Test-only navigation, injected into a copy of the report: as soon as React has mounted, do what
# the result's "eye" button does (show the embedded figure, its caption in the side panel), rendered
# synchronously with flushSync, and mark the title when the <img> with the embedded PNG is in the page.
# No timers: Chromium's virtual time would race ahead of the report's rendering.
SHOW_FIGURE = """
<script>
(function () {
  var root = document.querySelector("#app"), shown = false;
  function show() {
    if (shown || root.querySelectorAll("*").length <= 20) { return; }
    shown = true;
    var key = Object.keys(results).find(function (k) { return k.endsWith("/__FIGURE__"); });
    ReactDOM.flushSync(function () {
      app.setView({navbarMode: "resultinfo", content: "img", contentPath: results[key].data_uri, resultPath: key});
    });
    var img = root.querySelector("img[src^='data:image/png']");
    var same = img && img.getAttribute("src") === results[key].data_uri;
    document.title = same ? "subnat-figure:shown" : "subnat-figure:none";
  }
  new MutationObserver(show).observe(root, {childList: true, subtree: true});
  show();  // React may have mounted before this script ran
})();
</script>
""".replace("__FIGURE__", FIGURE)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def rendered(dom: str) -> str:
    """The DOM without its <script> blocks: what React rendered, not the data the page carries."""
    return re.sub(r"<script\b.*?</script>", "", dom, flags=re.DOTALL)


def snakemake(workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    configs = [REPO / "config" / "config.yaml", REPO / "tests" / "data" / "config.test.yaml", workdir / "lang.yaml"]
    cmd = [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--configfile",
           *map(str, configs), "--cores", "2", *extra]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=900, check=False,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    assert proc.returncode == 0, f"snakemake {' '.join(extra)} failed:\n{proc.stderr[-4000:]}"
    return proc


def chromium(page: Path, *mode: str) -> str:
    """Run headless Chromium on a local file with a fresh profile; return stdout (the DOM for --dump-dom)."""
    profile = Path(tempfile.mkdtemp(prefix="subnat-chromium-"))
    try:
        proc = subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *mode, page.as_uri()],
                              capture_output=True, text=True, timeout=180, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip("headless Chromium not installed (/usr/bin/chromium; apt-get install -y chromium)")
    workdir = tmp_path_factory.mktemp("report-html")
    (workdir / "lang.yaml").write_text("report: {languages: [en, zh]}\n", encoding="utf-8")
    snakemake(workdir)
    snakemake(workdir, "--report", str(workdir / "report.html"))
    return workdir


def test_start_page_shows_description_and_headline_table(report: Path) -> None:
    page = report / "report.html"
    chromium(page, f"--screenshot={report / 'report-start.png'}")
    assert (report / "report-start.png").stat().st_size > 50_000
    dom = rendered(chromium(page, "--dump-dom"))
    assert "What this report assesses." in dom
    assert 'id="summary-demo"' in dom and "Headline results: demo (XDM)" in dom
    assert "摘要" in dom, "the Chinese summary is missing or garbled"
    summary = pd.read_csv(report / "results" / "demo" / "summary.csv")
    row = summary[summary["scenario"] == "full_implementation"].iloc[0]
    assert f"{row['emissions_mt_p50']:,.1f} ({row['emissions_mt_p05']:,.1f} to {row['emissions_mt_p95']:,.1f})" in dom
    for category in CATEGORIES:
        assert category in dom, category


def test_figure_renders_from_the_report(report: Path) -> None:
    page = report / "report-figure.html"
    html = (report / "report.html").read_text(encoding="utf-8")
    head, tail = html.rsplit("</body>", 1)  # the last one: a script of the report also contains "</body>"
    page.write_text(head + SHOW_FIGURE + "</body>" + tail, encoding="utf-8")
    dom = chromium(page, "--dump-dom")
    title = dom.split("<title>")[1].split("</title>")[0]
    assert title == "subnat-figure:shown", title
    # the embedded data is the figure the workflow drew, a valid PNG
    uri = re.search(r'src="data:image/png;[^"]*base64,([^"]+)"', rendered(dom))
    assert uri is not None
    png = base64.b64decode(uri.group(1))
    assert png == (report / "results" / "demo" / "figures" / FIGURE).read_bytes()
    assert "National emissions of case" in rendered(dom)  # the figure's caption in the side panel
    chromium(page, f"--screenshot={report / 'report-figure.png'}")
    assert (report / "report-figure.png").stat().st_size > 50_000
