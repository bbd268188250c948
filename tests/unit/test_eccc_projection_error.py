"""Canadian projection-error calibration on synthetic ECCC editions written in the upstream layout:
known growth errors in, the same errors and a sensible fit out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from subnat.uncertainty import eccc_projection_error as m

HEADER = ('"Region (English) / Région (anglais)","Region (French) / Région (français)",'
          '"Scenario (English) / Scénario (anglais)","Scenario (French) / Scénario (français)",'
          '"Economic Sector (English) / Secteur économique (anglais)",'
          '"Economic Sector (French) / Secteur économique (français)","Units (English) / Unité (anglais)"')
YEARS = list(range(2005, 2031))


def outturn(year: int) -> float:
    return 700.0 * 0.99 ** (year - 2005)  # "what happened": -1 %/yr


def write_edition(folder, edition: int, growth: float) -> None:
    """History (NIR) to edition-2 from the outturn, then a reference case growing at `growth`/yr."""
    t0 = edition - 2
    cells_h, cells_r = [], []
    for y in YEARS:
        cells_h.append(f'"{outturn(y):.4f}"' if y <= t0 else '"-"')
        cells_r.append(f'"{outturn(t0) * (1 + growth) ** (y - t0):.4f}"' if y > t0 else '"-"')
    # two sector rows halving the national total, plus a Total row that must not be added
    lines = [HEADER + "," + ",".join(f'"{y}"' for y in YEARS)]
    for sector in ("Oil and Gas", "Electricity"):
        lines.append(f'"Canada","Canada","NIR {edition}","RIN","{sector}","x","Mt",'
                     + ",".join(c if c == '"-"' else f'"{float(c.strip(chr(34))) / 2:.4f}"' for c in cells_h))
        lines.append(f'"Canada","Canada","{edition} Reference Case","x","{sector}","x","Mt",'
                     + ",".join(c if c == '"-"' else f'"{float(c.strip(chr(34))) / 2:.4f}"' for c in cells_r))
    lines.append(f'"Canada","Canada","NIR {edition}","RIN","Total","x","Mt",' + ",".join(cells_h))
    (folder / f"eccc_detailed_ghg_projections_{edition}.csv").write_bytes(("\n".join(lines) + "\n").encode("cp1252"))


def us_errors(scale: float) -> pd.DataFrame:
    """US-like errors of two vintages, alternating +- scale*h (a wider curve than the Canadian one)."""
    rows = [{"vintage": v, "t0": 2010, "horizon": h, "year": 2010 + h, "error": sign * scale * h}
            for v, sign in (("US a", 1.0), ("US b", -1.0)) for h in range(1, 9)]
    return pd.DataFrame(rows)


@pytest.fixture
def reference(tmp_path):
    folder = tmp_path / m.FOLDER
    folder.mkdir()
    for i, edition in enumerate(range(2018, 2025)):
        write_edition(folder, edition, growth=-0.01 + 0.004 * (i % 3 - 1))  # -1.4 %, -1 %, -0.6 %/yr
    return tmp_path


def test_errors_are_the_growth_gaps(reference):
    tables = m.calibrate(reference, us_errors(0.02))
    e = tables["can_projection_error.csv"]
    assert set(e["vintage"]) == {f"ECCC {y}" for y in range(2018, 2024)}
    assert set(e["t0"]) == set(range(2016, 2022))  # last NIR year, read from the data
    first = e[e["vintage"] == "ECCC 2018"].set_index("horizon")["error"]
    expected = np.log((1 - 0.014) / 0.99) * np.arange(1, 7)
    assert first.to_numpy() == pytest.approx(expected, abs=1e-6)  # log P/P0 - log O/O0, h = 1..6
    assert e[e["vintage"] == "ECCC 2019"]["error"].abs().max() < 1e-6  # grew like the outturn


def test_fit_and_leave_one_edition_out(reference):
    tables = m.calibrate(reference, us_errors(0.02))
    fit = tables["can_projection_error_fit.csv"]
    assert (fit["sd"].diff().dropna() >= 0).all() and fit.loc[fit["horizon"] == 1, "n_vintages"].item() == 6
    lovo = tables["can_projection_error_lovo.csv"]
    assert set(lovo["centre"]) == {"zero", "bias"}
    assert lovo["coverage"].between(0, 1).all()
    assert fit["source"].str.contains("ECCC 2018-2023").all()


def test_pooled_fit_and_crosscheck(reference):
    """can2024 draws the pooled Canada + US fit; the cross-check says how each curve covers each
    country's errors (the wide US errors are outside the narrow Canadian curve)."""
    tables = m.calibrate(reference, us_errors(0.05))
    own, pooled = tables["can_projection_error_fit.csv"], tables["can_us_pooled_projection_error_fit.csv"]
    assert (pooled["sd"] >= own["sd"]).all() and pooled["sd"].iloc[-1] > own["sd"].iloc[-1]
    lovo = tables["can_us_pooled_projection_error_lovo.csv"]
    assert {"US a", "US b", "ECCC 2018"} <= set(lovo["vintage"])
    checks = tables["can_projection_error_crosscheck.csv"].set_index(["curve", "errors_of"])
    assert set(checks.index) == {(c, e) for c in ("CAN", "USA", "CAN+USA") for e in ("CAN", "USA")}
    assert checks.loc[("CAN", "USA"), "coverage"] < checks.loc[("USA", "USA"), "coverage"]
    assert not checks.loc[("CAN", "USA"), "in_sample"] and checks.loc[("CAN+USA", "CAN"), "in_sample"]
    assert checks["coverage"].between(0, 1).all()
