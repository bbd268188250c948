"""The explorer of a small case in a real browser (issue 19 item 5): headless Chromium via playwright.

Assesses the demo case (full implementation, few draws), builds its explorer from the fixture
actors.csv and progress.csv (rule tracking's layout), opens it from file:// and checks what a reader
sees after the page's JavaScript ran: no console error, one table row per actor, a filter that
hides rows, and a chart that changes with the selected actor. A screenshot is kept as an artefact.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from subnat.aggregate.actor_paths import actor_pathways
from subnat.aggregate.assess import assess, prepare
from subnat.aggregate.metrics import commitments_table
from subnat.case.folder import resolve_case
from subnat.config import sources_from
from subnat.explorer.build import write_case, write_index
from subnat.explorer.data import ExplorerInputs

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "explorer"

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def explorer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip("headless Chromium not installed (/usr/bin/chromium; apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install playwright)")
    folder = tmp_path_factory.mktemp("explorer") / "demo"
    folder.mkdir()
    run = prepare("demo", sources_from([]), draws=16)
    a = assess(run.case, run.settings, ["full_implementation"])
    commitments_table(a).to_csv(folder / "commitments.csv", index=False)
    actor_pathways(a).to_csv(folder / "pathways.csv", index=False)
    for name in ("actors.csv", "progress.csv"):
        shutil.copy(FIXTURES / name, folder / name)
    inputs = ExplorerInputs(folder / "actors.csv", folder / "progress.csv", folder / "commitments.csv",
                            folder / "pathways.csv", resolve_case("demo"))
    write_case("demo", inputs, folder / "explorer.html")
    write_index({"demo": inputs}, folder.parent / "explorer.html")
    return folder / "explorer.html"


def chart_series(page) -> dict[str, list]:
    """The actor chart's traces as plotly holds them after rendering: name -> y values."""
    return page.evaluate("() => Object.fromEntries(document.getElementById('actor-chart').data"
                         ".map(t => [t.name, Array.from(t.y || [])]))")


def test_explorer_in_headless_chromium(explorer: Path) -> None:
    from playwright.sync_api import sync_playwright

    n_actors = len(pd.read_csv(FIXTURES / "actors.csv"))
    messages: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.on("console", lambda m: messages.append(f"{m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: messages.append(f"page error: {e}"))
            page.goto(explorer.as_uri())
            page.wait_for_selector("#actor-chart .main-svg")
            rows = page.locator("#actors tbody tr")
            assert rows.count() == n_actors
            assert page.text_content("#row-count") == f"{n_actors} of {n_actors} actors"

            # the first actor with a pathway is shown at load: history, reference and pathway drawn
            first = chart_series(page)
            assert page.evaluate("document.body.dataset.selected") == "XDM-N"
            assert first["Inventory (history)"][0] == 220 and first["Target pathway"]
            assert page.locator("#actor-chart .scatterlayer .trace").count() >= 3

            # filters change what is shown
            page.fill("#filter", "north")
            visible = page.locator("#actors tbody tr:visible")
            assert visible.count() == 4  # North Region, Northport, Hillview (parent), Harbour District
            page.fill("#filter", "")
            page.select_option("#type-filter", "company")
            assert page.locator("#actors tbody tr:visible").count() == 3
            assert page.text_content("#row-count") == f"3 of {n_actors} actors"
            page.select_option("#type-filter", "")

            # sorting by emissions puts the largest first on the second click (descending)
            page.click("#actors th[data-col='latest_emissions_mt']")
            page.click("#actors th[data-col='latest_emissions_mt']")
            assert page.locator("#actors tbody tr").first.get_attribute("data-id") == "XDM-N"

            # selecting another actor changes both charts
            page.click("#actors tbody tr[data-id='XDM-NC1']")
            page.wait_for_function("document.body.dataset.selected === 'XDM-NC1'")
            second = chart_series(page)
            assert second["Inventory (history)"] != first["Inventory (history)"]
            assert second["Target pathway"] != first["Target pathway"]
            title = page.evaluate("document.getElementById('actor-chart').layout.title.text")
            assert title.startswith("Northport")
            peers = page.evaluate("document.getElementById('peer-chart').data[1].text")
            assert peers == ["Northport"]

            shot = explorer.parent / "explorer-demo.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"explorer screenshot: {shot}")
            assert shot.stat().st_size > 50_000

            page.goto((explorer.parent.parent / "explorer.html").as_uri())
            page.click("a[href='demo/explorer.html']")
            page.wait_for_selector("#actor-chart .main-svg")
        finally:
            browser.close()
    assert messages == [], messages
