"""Reproducible random numbers that do not depend on how draws are chunked.

Each purpose (CPS member, data error, ETS noise) has its own stream; draws come in fixed blocks
of BLOCK, each from its own child seed, so any slice [s0, s1) is the same whatever the chunking.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

BLOCK = 64
PURPOSES = {"members": 1, "data_error": 2, "ets": 3, "achievement": 4, "holdout": 5,
            "projection_error": 11, "reference_growth": 12,  # issue 16 (engine): 11, 12
            "data_error_base_year": 13, "scope_split": 14}  # issue 16 item 4


def generator(seed: int, purpose: str, block: int = 0) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, PURPOSES[purpose], block]))


@lru_cache(maxsize=16)
def _block(seed: int, purpose: str, n_rows: int, block: int) -> np.ndarray:
    """One block of normals; cached because chunks smaller than a block ask for it repeatedly."""
    values = generator(seed, purpose, block).standard_normal((n_rows, BLOCK))
    values.flags.writeable = False
    return values


def normals(seed: int, purpose: str, n_rows: int, s0: int, s1: int) -> np.ndarray:
    """Standard normals for rows x draws [s0, s1), identical for any chunking."""
    out = np.empty((n_rows, s1 - s0))
    for block in range(s0 // BLOCK, (s1 - 1) // BLOCK + 1):
        b0 = block * BLOCK
        values = _block(seed, purpose, n_rows, block)
        lo, hi = max(s0, b0), min(s1, b0 + BLOCK)
        out[:, lo - s0:hi - s0] = values[:, lo - b0:hi - b0]
    return out


def sub_seed(seed: int, purpose: str) -> int:
    """An integer seed for libraries that take one (derived, stable)."""
    return int(np.random.SeedSequence([seed, PURPOSES[purpose]]).generate_state(1)[0])
