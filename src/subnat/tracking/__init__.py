"""Ex-post tracking of one case (method.md §11, issue 19 items 1-3): progress per commitment,
per-actor benchmarks (population, Under2 MOU, AR6 rates, peer ranks) and 2050 consistency."""
