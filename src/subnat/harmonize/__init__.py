"""Harmonisation: turn the raw public sources into case folders (docs/case-format.md).

- :mod:`.ids` — stable actor ids (ISO 3166-2 states, UN/LOCODE cities, company name keys).
- :mod:`.dedupe` — one target per actor × scope × target year across sources.
- :mod:`.national_series` — national history and CPS series of each case.
- :mod:`.build` — ``build_case(name, reference_dir)`` for ``us2017`` and ``us2023``.
- :mod:`.coverage` — actors, commitments and covered emissions by actor type.

Command line: ``python -m subnat.harmonize build-case us2017 --reference-data DIR --out DIR``
and ``python -m subnat.harmonize coverage CASE_DIR``.
"""

from subnat.harmonize.build import CASES, build_case, write_case
from subnat.harmonize.coverage import coverage

__all__ = ["CASES", "build_case", "coverage", "write_case"]
