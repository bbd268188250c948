"""Harmonisation: turn the raw public sources into case folders (docs/case-format.md).

- :mod:`.ids` — stable actor ids (ISO 3166-2 states, UN/LOCODE cities, company name keys).
- :mod:`.dedupe` — one target per actor × scope × target year across sources.
- :mod:`.national_csv` — national history and CPS series of each case.
- :mod:`.build` — ``build_case(name, reference_dir)`` for ``us2017`` and ``us2023``.
- :mod:`.coverage` — actors, commitments and covered emissions by actor type.
- :mod:`.retrieve` — fetch one registered upstream file and check its hash (light: no pandas,
  the Snakefile imports it at parse time, so this package imports nothing on its own).

Command line: ``python -m subnat.harmonize build-case us2017 --reference-data DIR --out DIR``
and ``python -m subnat.harmonize coverage CASE_DIR``.
"""
