"""Canadian projection-error calibration (method §9): the ECCC reference cases of the 2018-2023
editions against the latest inventory, by the same growth-error model as the US one
(``projection_error``: e(v, h) = log(P_v(T0+h)/P_v(T0)) - log(O(T0+h)/O(T0)), sd = c*h^p,
bias = b*h, each edition weighted equally, leave-one-edition-out coverage).

Each edition v is its own "NIR <v>" history (T0 = its last history year, read from the data, not
entered by hand) followed by its "<v> Reference Case"; the outturn is the history rows of the
latest edition in the reference data (NIR 2024, 2005-2022). Growth, not levels, is compared, so the
inventory revisions between editions (up to ~29 Mt in 2005, incl. the move to AR5 GWPs in NIR 2024)
largely cancel. The 2024 edition is the CPS of can2024 and has no outturn yet.

The Canadian editions alone are few and short (21 errors, horizons 1-6, dominated by the 2020
shock): their own fit covers only 0.74 of left-out errors. can2024 therefore draws the **pooled**
fit of the Canadian and US vintages (each vintage weighted equally), whose leave-one-vintage-out
coverage is checked the same way; `crosscheck` shows how each curve covers each country's errors.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from subnat.sources import eccc
from subnat.uncertainty import projection_error
from subnat.uncertainty.projection_error import Vintage

FOLDER = "eccc-canada-projections"
EVIDENCE_EDITIONS = tuple(range(2018, 2024))
OUTTURN_EDITION = 2024


def edition_path(reference_data: Path, year: int) -> Path:
    """The detailed table of one edition inside the reference-data folder."""
    return Path(reference_data) / FOLDER / f"eccc_detailed_ghg_projections_{year}.csv"


def edition_series(edition: pd.DataFrame) -> tuple[pd.Series, int]:
    """(history then reference case, national total by year; T0 = last history year)."""
    nir, ref = eccc.scenarios(edition)
    history = eccc.national_series(edition, nir)
    projection = eccc.national_series(edition, ref)
    t0 = int(history.index.max())
    return pd.concat([history, projection[projection.index > t0]]).sort_index(), t0


def vintages(reference_data: Path) -> tuple[dict[str, pd.Series], list[Vintage], pd.Series]:
    """(series by edition name, the Vintage specs with their T0, the outturn series)."""
    series, spec = {}, []
    for year in EVIDENCE_EDITIONS:
        s, t0 = edition_series(eccc.read_edition(edition_path(reference_data, year)))
        name = f"ECCC {year}"
        series[name] = s
        spec.append(Vintage(name, str(year), f"{year} Reference Case", t0,
                            f"last 'NIR {year}' history year of the {year} edition's table"))
    latest = eccc.read_edition(edition_path(reference_data, OUTTURN_EDITION))
    outturn = eccc.national_series(latest, eccc.scenarios(latest)[0])
    return series, spec, outturn


def lovo_tables(e: pd.DataFrame, what: str) -> pd.DataFrame:
    """Leave-one-vintage-out coverage, zero- and bias-centred."""
    return pd.concat([projection_error.lovo_coverage(e).assign(centre="zero"),
                      projection_error.lovo_coverage(e, True).assign(centre="bias")],
                     ignore_index=True).assign(source=f"leave-one-{what}-out refit of the same errors")


def crosscheck(fits: dict[str, projection_error.Fit], evidence: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Share of each country's errors inside each curve's zero-centred 90 % interval (each vintage
    weighted equally). A curve fitted on the errors it is checked on is in-sample (column `in_sample`)."""
    rows = []
    for curve, f in fits.items():
        for country, e in evidence.items():
            inside = (e["error"].abs() <= projection_error.Z90 * f.sd(e["horizon"].to_numpy(float))).to_numpy()
            by_vintage = pd.Series(inside, index=e["vintage"].to_numpy()).groupby(level=0).mean()
            rows.append({"curve": curve, "errors_of": country, "n_errors": len(e), "n_vintages": len(by_vintage),
                         "coverage": float(by_vintage.mean()), "in_sample": country in curve.split("+"),
                         "scale": f.scale, "exponent": f.exponent,
                         "source": "subnat.uncertainty.eccc_projection_error.crosscheck: 0 +- 1.645 sd(h)"})
    return pd.DataFrame(rows)


def calibrate(reference_data: Path, us_errors: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The Canadian tables (errors, fit by horizon, leave-one-edition-out coverage), the pooled
    Canada + US fit that can2024 draws, with its own coverage, and the cross-check of the curves.
    `us_errors`: the US calibration's errors (default: computed from the same reference data)."""
    series, spec, outturn = vintages(reference_data)
    e = projection_error.errors(series, outturn, spec)
    t0 = {v.name: v.t0 for v in spec}
    e = e.assign(source=[f"{FOLDER}/eccc_detailed_ghg_projections_{n[-4:]}.csv (sum of the seven sector rows, "
                         f"Canada, NIR {n[-4:]} to {t0[n]} then {n[-4:]} Reference Case) vs NIR {OUTTURN_EDITION} "
                         f"history in eccc_detailed_ghg_projections_{OUTTURN_EDITION}.csv" for n in e["vintage"]])
    f = projection_error.fit(e)
    table = projection_error.horizon_table(e, f).assign(
        scale=f.scale, exponent=f.exponent, drift=f.drift,
        source=f"fit of the ECCC 2018-2023 reference cases ({FOLDER}; subnat.uncertainty.eccc_projection_error): "
               "sd = scale*h^exponent, bias = drift*h")
    if us_errors is None:
        us_errors = projection_error.calibrate(reference_data)["us_projection_error.csv"]
    pooled = pd.concat([e, us_errors], ignore_index=True)
    fp = projection_error.fit(pooled)
    pooled_table = projection_error.horizon_table(pooled, fp).assign(
        scale=fp.scale, exponent=fp.exponent, drift=fp.drift,
        source=f"pooled fit of the ECCC 2018-2023 reference cases ({FOLDER}) and the US vintages "
               f"({projection_error.FOLDER}), each vintage weighted equally: sd = scale*h^exponent, bias = drift*h")
    checks = crosscheck({"CAN": f, "USA": projection_error.fit(us_errors), "CAN+USA": fp},
                        {"CAN": e, "USA": us_errors})
    return {"can_projection_error.csv": e, "can_projection_error_fit.csv": table,
            "can_projection_error_lovo.csv": lovo_tables(e, "edition"),
            "can_us_pooled_projection_error_fit.csv": pooled_table,
            "can_us_pooled_projection_error_lovo.csv": lovo_tables(pooled, "vintage"),
            "can_projection_error_crosscheck.csv": checks}
