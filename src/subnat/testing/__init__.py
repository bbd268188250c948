"""Test oracles and benchmarks: not on the production path (nothing in subnat imports them)."""
