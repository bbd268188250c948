"""US national series: BR 2023 supplement totals, IAMC multi-model table, past projection vintages.

Readers (all refuse the ``DRAFT_*`` working files of the BTR pipeline, which are internally
inconsistent — data.md §1):

- :func:`read_brvs_totals` (``brvs2023_total_net_emissions_by_model.csv``): ``model``,
  ``scenario``, ``year``, ``emissions_mt`` (total net GHG, AR5 GWP100, Mt CO2e).
- :func:`read_iamc` (``brvs2023_multimodel_ira_iamc_long.csv``): IAMC long format ``model,
  scenario, region, variable, unit, year, value``.
- :func:`read_past_vintages` (``us_past_projection_vintages_by_gas_ar4.csv``):
  ``publication``, ``scenario``, ``gwp``, ``category`` (GrossTotal/NetTotal/LULUCF), ``gas``,
  ``year``, ``emissions_mt`` — values such as ``"5,143.90"`` (thousands separators in the
  2014 CAR rows) are parsed.
- ``read(path)`` dispatches on the file's header and returns the matching tidy table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from subnat.sources.common import source_label, to_float


class DraftFileError(ValueError):
    """Raised when asked to read one of the DRAFT_* working files."""


def _check(path: str | Path) -> None:
    if Path(path).name.upper().startswith("DRAFT_"):
        raise DraftFileError(f"{Path(path).name}: DRAFT_* files are inconsistent; not used")


def read_brvs_totals(path: str | Path) -> pd.DataFrame:
    """Total net emissions by model, long format (columns in the module docstring)."""
    _check(path)
    raw = pd.read_csv(path, encoding="utf-8-sig")
    years = [c for c in raw.columns if str(c).strip().isdigit()]
    long = raw.melt(id_vars=["model", "scenario"], value_vars=years, var_name="year",
                    value_name="emissions_mt")
    long["year"] = long["year"].astype(int)
    long["emissions_mt"] = long["emissions_mt"].map(to_float)
    long["source"] = f"US 2023 Biennial Report voluntary supplement ({source_label(path)})"
    return long.dropna(subset=["emissions_mt"]).reset_index(drop=True)


def read_iamc(path: str | Path) -> pd.DataFrame:
    """IAMC long table (model, scenario, region, variable, unit, year, value)."""
    _check(path)
    raw = pd.read_csv(path, encoding="utf-8-sig")
    cols = ["model", "scenario", "region", "variable", "unit", "year", "value"]
    out = raw[cols].copy()
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    return out.dropna(subset=["year", "value"]).reset_index(drop=True)


def read_past_vintages(path: str | Path) -> pd.DataFrame:
    """Past US projection vintages (AR4), long format (columns in the module docstring)."""
    _check(path)
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    years = [c for c in raw.columns if str(c).strip().isdigit()]
    long = raw.melt(id_vars=["publication", "scenario", "GWP", "category", "gas"],
                    value_vars=years, var_name="year", value_name="emissions_mt")
    long["year"] = long["year"].astype(int)
    long["emissions_mt"] = long["emissions_mt"].map(to_float)
    long = long.rename(columns={"GWP": "gwp"}).dropna(subset=["emissions_mt"])
    long["source"] = f"US past projection vintages, BTR pipeline ({source_label(path)})"
    return long.reset_index(drop=True)


def read(path: str | Path) -> pd.DataFrame:
    """Read any of the three national formats, chosen by the header."""
    _check(path)
    header = Path(path).read_text(encoding="utf-8-sig").splitlines()[0].lower()
    if header.startswith("publication"):
        return read_past_vintages(path)
    if "datasrc" in header or header.startswith("model,scenario,unit,year"):
        return read_iamc(path)
    return read_brvs_totals(path)


def net_total_series(vintages: pd.DataFrame, publication: str, scenario: str) -> pd.Series:
    """Year → net total (Mt) of one vintage; falls back to gross + LULUCF when no net row."""
    sel = vintages[(vintages["publication"] == publication) & (vintages["gas"] == "Total")]
    net = sel[(sel["category"] == "NetTotal") & (sel["scenario"] == scenario)]
    if not net.empty:
        return net.groupby("year")["emissions_mt"].first()
    gross = sel[(sel["category"] == "GrossTotal") & (sel["scenario"] == "WM")]
    lulucf = sel[(sel["category"] == "LULUCF") & (sel["scenario"] == scenario)]
    g = gross.groupby("year")["emissions_mt"].first()
    lu = lulucf.groupby("year")["emissions_mt"].first()
    return (g + lu).dropna()


def category_series(vintages: pd.DataFrame, publication: str, category: str, scenario: str) -> pd.Series:
    """Year -> Mt of one vintage's total row of a category (GrossTotal, LULUCF, NetTotal); empty if absent."""
    sel = vintages[(vintages["publication"] == publication) & (vintages["gas"] == "Total")
                   & (vintages["category"] == category) & (vintages["scenario"] == scenario)]
    return sel.groupby("year")["emissions_mt"].first()


def model_sinks(iamc: pd.DataFrame, scenario: str = "IRA") -> pd.DataFrame:
    """The models' own land sink (``Carbon Sequestration|LULUCF``, Mt CO2/yr, negative = sink) from the
    IAMC table: columns model, year, emissions_mt (one row per model and year)."""
    sel = iamc[(iamc["variable"] == "Carbon Sequestration|LULUCF") & (iamc["scenario"] == scenario)
               & (iamc["region"] == "United States")]
    out = sel.groupby(["model", "year"], as_index=False)["value"].first()
    return out.rename(columns={"value": "emissions_mt"}).astype({"year": int})


def read_gross_ar5(path: str | Path) -> pd.DataFrame:
    """Past vintages' total gross GHG in AR5 (``us_past_projection_vintages_gross_ghg_ar5.csv``):
    columns report (e.g. ``br_2021``), year, emissions_mt."""
    _check(path)
    raw = pd.read_csv(path, encoding="utf-8-sig")
    raw = raw[raw["variable"] == "Total Gross GHG Emissions"]
    out = pd.DataFrame({"report": raw["Report"], "year": raw["Year"].astype(int),
                        "emissions_mt": raw["Emissions"].map(to_float)})
    return out.dropna(subset=["emissions_mt"]).reset_index(drop=True)

