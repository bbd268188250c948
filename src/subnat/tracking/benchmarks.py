"""Global pathway benchmarks (config ``tracking.ar6_*``): the annual rate an actor would need to
follow the IPCC AR6 WGIII 1.5 °C and 2 °C pathways over the same years as its own target.

A benchmark is a set of reductions below its base year (2019 for AR6), e.g. {2030: 0.43,
2050: 0.84}. Its relative level ``B(y)`` is 1 up to the base year, follows a constant annual
rate between anchors (log-linear) and is held after the last anchor. The benchmark rate from
``y0`` to ``y1`` is ``100 * (1 - (B(y1)/B(y0))^(1/(y1 - y0)))``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

from subnat.tracking.progress import compound_rate_pct


def level(reductions: Mapping[int, float], base_year: int, year: float) -> float:
    """Relative benchmark level B(year) (module docstring).

    >>> round(level({2030: 0.43, 2050: 0.84}, 2019, 2030), 6)
    0.57
    >>> level({2030: 0.43}, 2019, 2010)
    1.0
    """
    knots = [(base_year, 1.0), *sorted((int(y), 1.0 - float(r)) for y, r in reductions.items())]
    if year <= knots[0][0]:
        return 1.0
    for (y0, b0), (y1, b1) in itertools.pairwise(knots):
        if year <= y1:
            return b0 * (b1 / b0) ** ((year - y0) / (y1 - y0)) if b0 > 0 else 0.0
    return knots[-1][1]


def rate_pct(reductions: Mapping[int, float], base_year: int, y0: float, y1: float) -> float:
    """Benchmark annual compound rate (percent per year) from y0 to y1; NaN when y1 <= y0.

    From 2019 to 2030 on -43 %: 1 - 0.57^(1/11) = 4.98 % per year.

    >>> round(rate_pct({2030: 0.43, 2050: 0.84}, 2019, 2019, 2030), 2)
    4.98
    """
    if not (math.isfinite(y0) and math.isfinite(y1)) or y1 <= y0:
        return math.nan
    return compound_rate_pct(level(reductions, base_year, y0), level(reductions, base_year, y1),
                             y1 - y0)
