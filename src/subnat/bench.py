"""`python -m subnat.bench aggregate ...`: the aggregation benchmark (see `subnat.testing.bench`).

A developer's entry point, not part of the method: it runs the benchmark module by name, so no
production module imports the test oracles (tests/unit/test_layout.py)."""

from __future__ import annotations

import runpy

if __name__ == "__main__":
    runpy.run_module("subnat.testing.bench", run_name="__main__", alter_sys=True)
