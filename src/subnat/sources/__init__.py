"""Loaders for the public upstream data formats (one module per source).

Each module exposes ``read(path) -> pandas.DataFrame`` returning a tidy table whose columns are
documented in the module docstring, plus functions that turn that table into case tables
(docs/case-format.md) and an exclusion log (:data:`subnat.sources.common.EXCLUSION_COLUMNS`).
Known defects of the upstream files (../shared/spec/data.md §1) are fixed or excluded here, so
that every consumer of a loader sees the same corrected data.
"""
