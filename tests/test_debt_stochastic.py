"""Stochastic fan charts: shock methods, reproducibility, convergence, degenerate cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_debt_engine import weo_long

from bondwatch.errors import UsageError
from bondwatch.models.debt import project
from bondwatch.models.debt_baseline import baseline_inputs, shock_history, weo_fiscal_table
from bondwatch.models.debt_stochastic import (
    METHODS,
    ORDER,
    check_paths,
    draw_deviations,
    fan_chart,
    fit_shocks,
    simulate_paths,
)


@pytest.fixture(scope="module")
def us():
    table = weo_fiscal_table(weo_long("USA"))
    inputs = baseline_inputs(table, start_year=2025, end_year=2035, short_share=0.21, avg_maturity=6)
    return inputs, shock_history(table, 2024)


def test_shock_history_is_weo_2002_2024_for_the_us(us):
    _, history = us
    assert list(history.columns) == list(ORDER)
    assert history.index.min() == 2002 and history.index.max() == 2024  # GGXCNL starts in 2001
    assert history.loc[2020, "real_growth"] == pytest.approx(-2.16)
    assert history.loc[2020, "primary_balance"] == pytest.approx(-12.10)


@pytest.mark.parametrize("method", METHODS)
def test_zero_covariance_collapses_to_the_deterministic_path(us, method):
    inputs, history = us
    constant = pd.DataFrame({c: np.full(20, history[c].mean()) for c in ORDER}, index=range(2000, 2020))
    model = fit_shocks(constant, method)
    assert np.all(model.covariance == 0)
    runs = simulate_paths(inputs, model, 1000, seed=7)
    expected = project(inputs)["debt_gdp"].to_numpy()
    assert np.abs(runs["debt_gdp"] - expected).max() < 1e-9


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("iso", ["USA", "JPN"])
def test_median_of_one_million_paths_matches_100k_within_a_tenth_of_a_point(iso, method):
    # independent seeds, so this measures convergence. Normal shocks come in antithetic pairs; the
    # resampling methods use the stratified antithetic design of debt_stochastic (without it their
    # 100k-path medians wandered 0.1-0.24 pp; with it the standard deviation is about 0.02-0.07 pp
    # a year, so 0.1 pp is about two of them: see docs/methods.md, "Shock methods").
    table = weo_fiscal_table(weo_long(iso))
    inputs = baseline_inputs(table, start_year=2025, end_year=2035, short_share=0.2, avg_maturity=6)
    model = fit_shocks(shock_history(table, 2024), method)
    big, _ = fan_chart(simulate_paths(inputs, model, 1_000_000, seed=11)["debt_gdp"], inputs.initial_debt)
    small, _ = fan_chart(simulate_paths(inputs, model, 100_000, seed=12)["debt_gdp"], inputs.initial_debt)
    assert np.abs(big[3] - small[3]).max() < 0.1
    assert np.all(np.diff(big, axis=0) >= 0)  # percentiles ordered within each year
    assert big[6, -1] - big[0, -1] > 10  # a real fan: p95 - p5 wider than 10 pp by 2035


def test_same_seed_same_paths_other_seed_other_paths(us):
    inputs, history = us
    model = fit_shocks(history, "bootstrap")
    a = simulate_paths(inputs, model, 5000, seed=3)["debt_gdp"]
    b = simulate_paths(inputs, model, 5000, seed=3)["debt_gdp"]
    c = simulate_paths(inputs, model, 5000, seed=4)["debt_gdp"]
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_normal_draws_have_the_historical_covariance(us):
    _, history = us
    model = fit_shocks(history, "normal")
    dev = draw_deviations(model, 200_000, 2, np.random.default_rng(0))
    first_year = dev[:, 0, :]  # yield deviation in year 1 is the first change itself
    assert np.allclose(np.cov(first_year), model.covariance, rtol=0.03, atol=0.02)
    # the yield shock is a change: its deviation accumulates
    assert np.var(dev[2, 1]) == pytest.approx(2 * model.covariance[2, 2], rel=0.03)


def test_var_fit_recovers_known_dynamics():
    rng = np.random.default_rng(5)
    a = np.array([[0.5, 0.0, 0.0, 0.0], [0.1, 0.6, 0.0, 0.0], [0.0, 0.2, 0.9, 0.0], [0.3, 0.0, 0.0, 0.7]])
    x = np.zeros((5000, 4))
    for t in range(1, 5000):
        x[t] = a @ x[t - 1] + rng.standard_normal(4)
    model = fit_shocks(pd.DataFrame(x, columns=ORDER), "var")
    assert np.abs(model.var_matrix - a).max() < 0.05
    assert np.allclose(model.covariance, np.eye(4), atol=0.08)


def test_block_bootstrap_keeps_consecutive_historical_years(us):
    _, history = us
    model = fit_shocks(history, "bootstrap", block=3)
    dev = draw_deviations(model, 50, 3, np.random.default_rng(1))
    growth = dev[0].T  # (paths, years)
    z = model.shocks[:, 0]
    for path in growth:
        start = int(np.flatnonzero(np.isclose(z, path[0]))[0])
        assert np.allclose(path, z[start:start + 3])


def test_probabilities_follow_the_paths():
    paths = np.array([[101.0, 102, 103, 104, 105], [99, 98, 97, 96, 95], [100, 104, 106, 106, 105]])
    bands, probs = fan_chart(paths, 100.0)
    assert probs["prob_debt_year5_above_today"] == pytest.approx(2 / 3)
    assert probs["prob_debt_stabilises"] == pytest.approx(2 / 3)  # year 5 <= year 3 on paths 2 and 3
    assert bands[3].tolist() == [100.0, 102.0, 103.0, 104.0, 105.0]


@pytest.mark.parametrize("paths", [0, -5, 1_000_001, 2.5, True])
def test_paths_out_of_range_are_refused(paths):
    with pytest.raises(UsageError, match="paths = .*: expected a whole number between 1 and 1,000,000"):
        check_paths(paths)


def test_unknown_method_is_refused(us):
    with pytest.raises(UsageError, match="method = 'garch': expected one of normal, bootstrap, var"):
        fit_shocks(us[1], "garch")


def test_stratified_design_keeps_each_years_draw_uniform_and_independent_of_the_past():
    """The design sorts paths by their past before dealing out the next draws; a path's draw must
    still be uniform and uncorrelated with its own past (else the fan would be too narrow)."""
    from bondwatch.models.debt_stochastic import _paired_indices

    rng = np.random.default_rng(5)
    choices, rows, paths = 23, 8, 200_000
    scores = np.random.default_rng(6).normal(size=(rows, choices))
    index = _paired_indices(rng, choices, rows, paths, scores)
    for t in range(rows):
        counts = np.bincount(index[t], minlength=choices)
        assert (counts.max() - counts.min()) / counts.mean() < 0.003  # balanced: each choice as often
    drawn = np.take_along_axis(scores, index, axis=1)  # score of each path's draw, by row
    past = np.cumsum(drawn, axis=0)
    for t in range(1, rows):
        assert abs(np.corrcoef(past[t - 1], drawn[t])[0, 1]) < 0.01
    # the sum over rows has the variance of independent draws (antithetic halves mirror each other)
    expected = scores.var(axis=1).sum()
    assert past[-1, : paths // 2].var() == pytest.approx(expected, rel=0.03)
