"""Write the committed derived tables of the calibrations (src/subnat/data/uncertainty/) and the
config values they imply, so `config/config.yaml` can be checked against them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from subnat.uncertainty import eccc_projection_error, projection_error, reference_growth

FLOAT_FORMAT = "%.6g"

# Actor types without their own calibration data: state value x factor (see config rationale).
CITY_FACTOR = 2.0
COMPANY_FACTOR = 2.0


def tables(reference_data: Path) -> dict[str, pd.DataFrame]:
    """Every derived table, by file name."""
    us = projection_error.calibrate(reference_data)
    return (us | reference_growth.calibrate(reference_data)
            | eccc_projection_error.calibrate(reference_data, us["us_projection_error.csv"]))


def write(reference_data: Path, out: Path) -> list[Path]:
    """Rebuild the derived tables in `out` (deterministic text: rounded floats, fixed order)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables(reference_data).items():
        path = out / name
        df.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
        written.append(path)
    return written


def config_values(folder: Path) -> dict[str, Any]:
    """The `uncertainty.*` config values the committed tables imply (rounded as in config.yaml)."""
    fit_table = pd.read_csv(folder / "us_projection_error_fit.csv")
    values: dict[str, Any] = projection_error.config_values(fit_table)
    rg = pd.read_csv(folder / "us_reference_growth.csv")
    region = round(float(rg["sd_per_decade"].iloc[0]), 4)
    values["reference_growth_sd_per_decade"] = {"region": region, "city": round(region * CITY_FACTOR, 4),
                                                "company": round(region * COMPANY_FACTOR, 4)}
    values["reference_growth_exponent"] = round(float(rg["exponent"].iloc[0]), 3)
    values["reference_growth_parent_correlation"] = round(1.0 / CITY_FACTOR**2, 4)
    return values
