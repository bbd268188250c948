"""Canadian projection-error calibration on synthetic ECCC editions written in the upstream layout:
known growth errors in, the same errors and a sensible fit out."""

from __future__ import annotations

import numpy as np
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


@pytest.fixture
def reference(tmp_path):
    folder = tmp_path / m.FOLDER
    folder.mkdir()
    for i, edition in enumerate(range(2018, 2025)):
        write_edition(folder, edition, growth=-0.01 + 0.004 * (i % 3 - 1))  # -1.4 %, -1 %, -0.6 %/yr
    return tmp_path


def test_errors_are_the_growth_gaps(reference):
    tables = m.calibrate(reference)
    e = tables["can_projection_error.csv"]
    assert set(e["vintage"]) == {f"ECCC {y}" for y in range(2018, 2024)}
    assert set(e["t0"]) == set(range(2016, 2022))  # last NIR year, read from the data
    first = e[e["vintage"] == "ECCC 2018"].set_index("horizon")["error"]
    expected = np.log((1 - 0.014) / 0.99) * np.arange(1, 7)
    assert first.to_numpy() == pytest.approx(expected, abs=1e-6)  # log P/P0 - log O/O0, h = 1..6
    assert e[e["vintage"] == "ECCC 2019"]["error"].abs().max() < 1e-6  # grew like the outturn


def test_fit_and_leave_one_edition_out(reference):
    tables = m.calibrate(reference)
    fit = tables["can_projection_error_fit.csv"]
    assert (fit["sd"].diff().dropna() >= 0).all() and fit.loc[fit["horizon"] == 1, "n_vintages"].item() == 6
    lovo = tables["can_projection_error_lovo.csv"]
    assert set(lovo["centre"]) == {"zero", "bias"}
    assert lovo["coverage"].between(0, 1).all()
    assert fit["source"].str.contains("ECCC 2018-2023").all()
