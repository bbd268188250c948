"""Share of the NDC gap closed when some draws' CPS already meets the NDC (drawn projection error)."""

import numpy as np

from subnat.aggregate import metrics


def test_gap_share_quantiles_over_draws_with_a_gap():
    cps = np.array([100.0, 110.0, 120.0, 90.0, 80.0])  # NDC level 100: draws 0, 3, 4 have no gap
    net = np.array([5.0, 5.0, 10.0, 5.0, 5.0])
    share, prob = metrics.gap_metrics(cps, net, np.full(5, 100.0))
    assert np.isnan(share[[0, 3, 4]]).all() and np.allclose(share[[1, 2]], [0.5, 0.5])
    q = metrics._q_defined("s", share)
    assert q == {"s_p05": 0.5, "s_p50": 0.5, "s_p95": 0.5}
    assert prob == 0.6  # draws 0, 3, 4 meet it (cps - net <= 100)


def test_gap_share_empty_when_no_draw_has_a_gap():
    share, _ = metrics.gap_metrics(np.array([90.0, 95.0]), np.array([1.0, 1.0]), np.array([100.0, 100.0]))
    assert all(np.isnan(v) for v in metrics._q_defined("s", share).values())
