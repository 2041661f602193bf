"""Speed of the trade models: run as `python benchmarks/bench_trade.py`.

Figures printed, each against a baseline run in the same process:

* the trade-gap solver (grid bracketing + bisection) against one forward evaluation;
* the 25-point elasticity grid of the sensitivity table;
* the tariff model vectorised over 100,000 scenarios against a Python loop over 2,000.
"""

from __future__ import annotations

import time

import numpy as np

from bondwatch.models import tariff as tm
from bondwatch.models import trade_gap as tg

US = tg.TradeShares(3191.6 / 29298.0, 4110.0 / 29298.0)  # BEA 2024 flows over FRED GDP 2024
UNIT = tg.Elasticities(1.0, 1.0, 1.0)


def per_call(fn, repeat: int) -> float:
    """Best of three timings, seconds per call."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def main() -> None:
    forward = per_call(lambda: tg.balance_change(0.25, US, UNIT), 2000)
    solve = per_call(lambda: tg.required_depreciation(0.0313, US, UNIT), 50)
    print(f"trade gap: forward {forward * 1e6:8.1f} us, solve {solve * 1e3:6.2f} ms "
          f"({solve / forward:,.0f}x one forward evaluation)")
    grid = [tg.Elasticities(x, m, 1.0) for x in (0.5, 0.75, 1, 1.5, 2) for m in (0.5, 0.75, 1, 1.5, 2)]
    table = per_call(lambda: [tg.required_depreciation(0.0313, US, el) for el in grid if
                              tg.marshall_lerner_slope(US, el) > 0], 3)
    print(f"sensitivity grid (25 sets): {table * 1e3:6.1f} ms ({table / solve:.1f}x one solve)")

    rng = np.random.default_rng(0)
    n = 100_000
    inputs = dict(units=rng.uniform(0, 1e5, n), customs_value=rng.uniform(2e4, 4e4, n), market_price=4.5e4,
                  margin=9e3, tariff=rng.uniform(0, 0.5, n), pass_through=rng.uniform(0, 1, n),
                  demand_elasticity=rng.uniform(0, 3, n))
    vector = per_call(lambda: tm.tariff_effect(**inputs), 5) / n
    loop_n = 2000
    scalar = [{k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in inputs.items()} for i in range(loop_n)]
    loop = per_call(lambda: [tm.tariff_effect(**kw) for kw in scalar], 1) / loop_n
    print(f"tariff model: vectorised {vector * 1e9:7.1f} ns/scenario, Python loop {loop * 1e6:6.1f} us/scenario "
          f"(vectorised {loop / vector:,.0f}x faster)")


if __name__ == "__main__":
    main()
