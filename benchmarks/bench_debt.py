"""Benchmark: stochastic debt fan chart, 100,000 paths x 10 years, VAR(1) with bootstrapped residuals.

Run from the repository root: ``python benchmarks/bench_debt.py``. Inputs: the US baseline from the
mirror's IMF WEO April 2025 file (../shared/data/imf). Prints wall and CPU time (best of 5), peak
traced memory, and the ratio against a straightforward per-path Python loop over the same shocks
(which also checks that both give the same debt paths).
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from bondwatch.models.debt import DebtInputs, maturity_for_remaining, maturity_profiles
from bondwatch.models.debt_baseline import baseline_inputs, shock_history, weo_fiscal_table
from bondwatch.models.debt_stochastic import draw_deviations, fan_chart, fit_shocks, simulate_paths

WEO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "imf" / "weo_2025-04_usa_jpn.csv"
PATHS, YEARS, LOOP_PATHS = 100_000, 10, 2_000


def us_inputs() -> tuple[DebtInputs, pd.DataFrame]:
    wide = pd.read_csv(WEO)
    wide = wide[wide["ISO"] == "USA"]
    years = [c for c in wide.columns if c.isdigit()]
    long = wide.melt(id_vars=["WEO Subject Code"], value_vars=years, var_name="year", value_name="value")
    long = long.rename(columns={"WEO Subject Code": "subject_code"}).dropna(subset=["value"])
    table = weo_fiscal_table(long.astype({"year": int, "value": float}))
    # the us-baseline maturity: 21% bills, 71 months of average remaining maturity
    maturity = maturity_for_remaining(71 / 12, 0.21)
    inputs = baseline_inputs(table, start_year=2025, end_year=2025 + YEARS - 1, short_share=0.21, avg_maturity=maturity)
    return inputs, shock_history(table, 2024)


def loop_path(inputs: DebtInputs, g, pi, pb, shift) -> list[float]:
    """One path, plain Python: bills roll yearly, bonds sit in a dict of amounts due by year."""
    existing, bond = maturity_profiles(inputs.short_share, inputs.avg_maturity)
    stock = inputs.initial_debt
    bills, bills_dev = stock * inputs.short_share, 0.0
    due = {k: [stock * share, 0.0] for k, share in enumerate(existing)}  # year -> [amount, amount x dev]
    dev_weight, gdp, path = 0.0, 1.0, []
    for t in range(len(inputs.years)):
        gdp *= (1 + g[t] / 100) * (1 + pi[t] / 100)
        new = shift[t] / 100
        amount, weight = due.pop(t, [0.0, 0.0])
        dev_weight += (amount + bills) * new - weight - bills * bills_dev
        bills_dev = new
        rate = inputs.effective_rate[t] / 100 + dev_weight / stock
        new_stock = stock * (1 + rate) - (pb[t] - inputs.stock_flow[t]) * gdp
        net = new_stock - stock
        factor = new_stock / stock if net < 0 else 1.0
        issue = max(net, 0.0)
        for entry in due.values():
            entry[0] *= factor
            entry[1] *= factor
        amount *= factor
        bills = bills * factor + issue * inputs.short_share
        dev_weight = dev_weight * factor + issue * new
        to_bonds = amount + issue * (1 - inputs.short_share)
        for k, share in enumerate(bond, start=1):
            if share:
                slot = due.setdefault(t + k, [0.0, 0.0])
                slot[0] += to_bonds * share
                slot[1] += to_bonds * share * new
        stock = new_stock
        path.append(stock / gdp)
    return path


def main() -> None:
    if not WEO.is_file():
        sys.exit(f"mirror not found: {WEO}")
    inputs, history = us_inputs()
    model = fit_shocks(history, "var")

    def run():
        paths = simulate_paths(inputs, model, PATHS, seed=1)
        return fan_chart(paths["debt_gdp"], inputs.initial_debt)

    run()  # warm-up
    walls, cpus = [], []
    for _ in range(5):
        w0, c0 = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    dev = draw_deviations(model, LOOP_PATHS, YEARS, np.random.default_rng(2))
    g = inputs.real_growth[:, None] + dev[0]
    pi = inputs.inflation[:, None] + dev[1]
    pb = inputs.primary_balance[:, None] + dev[3]
    w0 = time.perf_counter()
    looped = np.array([loop_path(inputs, g[:, p], pi[:, p], pb[:, p], dev[2][:, p]) for p in range(LOOP_PATHS)])
    loop_per_path = (time.perf_counter() - w0) / LOOP_PATHS
    from bondwatch.models.debt import simulate

    vectorised = simulate(inputs, real_growth=g.T, inflation=pi.T, primary_balance=pb.T, rate_shock=dev[2].T)
    gap = np.abs(vectorised["debt_gdp"] - looped).max()

    best = min(walls)
    print(f"machine: {os.cpu_count()} CPUs, numpy {np.__version__}")
    print(f"fan chart, {PATHS:,} paths x {YEARS} years, VAR(1) bootstrap, incl. percentiles:")
    print(f"  wall  best {best:.3f} s   median {sorted(walls)[2]:.3f} s")
    print(f"  CPU   best {min(cpus):.3f} s (all threads)")
    print(f"  peak traced memory {peak / 2**20:.1f} MiB")
    print(f"per-path Python loop: {loop_per_path * 1e6:.1f} us/path -> {loop_per_path * PATHS:.2f} s for {PATHS:,} paths")
    print(f"  speed-up of the vectorised engine: {loop_per_path * PATHS / best:.0f}x")
    print(f"  max |vectorised - loop| debt/GDP on {LOOP_PATHS:,} paths: {gap:.2e} pp")


if __name__ == "__main__":
    main()
