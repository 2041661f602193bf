"""Deterministic debt engine: WEO April 2025 reproduction, exact decomposition, textbook cases."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bondwatch.errors import UsageError
from bondwatch.models.debt import (
    CONTRIBUTIONS,
    DebtInputs,
    average_remaining_maturity,
    maturity_for_remaining,
    maturity_profiles,
    project,
)
from bondwatch.models.debt_baseline import baseline_inputs, weo_fiscal_table

WEO_CSV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "imf" / "weo_2025-04_usa_jpn.csv"


def weo_long(iso: str) -> pd.DataFrame:
    """One country's rows of the mirror's WEO CSV in the warehouse's long form."""
    if not WEO_CSV.is_file():
        pytest.skip(f"../shared/data not present: {WEO_CSV}")
    wide = pd.read_csv(WEO_CSV)
    wide = wide[wide["ISO"] == iso]
    years = [c for c in wide.columns if c.isdigit()]
    long = wide.melt(id_vars=["WEO Subject Code"], value_vars=years, var_name="year", value_name="value")
    long = long.rename(columns={"WEO Subject Code": "subject_code"}).dropna(subset=["value"])
    return long.astype({"year": int, "value": float})


def flat(n=10, **kw) -> DebtInputs:
    base = dict(years=tuple(range(2025, 2025 + n)), initial_debt=100.0, real_growth=2.0, inflation=2.0,
                primary_balance=0.0, stock_flow=0.0, effective_rate=np.full(n, 4.04))
    base.update(kw)
    return DebtInputs(**base)


# --- WEO April 2025 reproduction -------------------------------------------------------------

@pytest.mark.parametrize("iso, debt_2030", [("JPN", 231.68), ("USA", 128.15)])
def test_reproduces_weo_april_2025_gross_debt(iso, debt_2030):
    table = weo_fiscal_table(weo_long(iso))
    inputs = baseline_inputs(table, start_year=2025, end_year=2030, short_share=0.2, avg_maturity=6)
    assert inputs.initial_debt == table.loc[2024, "debt_gdp"]
    path = project(inputs).set_index("year")["debt_gdp"]
    published = table.loc[2025:2030, "debt_gdp"]
    assert np.abs(path - published).max() < 0.05
    assert path[2030] == pytest.approx(debt_2030, abs=0.05)


def test_weo_derived_inputs_match_hand_calculation():
    table = weo_fiscal_table(weo_long("USA"))
    # US 2025: debt rises by 37,360.42 - 35,251.18 = 2,109.24bn; the deficit is 6.46% of 30,507.22bn
    # = 1,970.77bn, so the stock-flow residual is 138.47bn = 0.4539% of GDP.
    assert table.loc[2025, "stock_flow"] == pytest.approx(0.4539, abs=1e-4)
    # interest = pb - ob = -2.61 + 6.46 = 3.85% of GDP; over last year's debt: 3.85% x 30,507.22 / 35,251.18
    assert table.loc[2025, "net_interest_gdp"] == pytest.approx(3.85)
    assert table.loc[2025, "implied_net_interest_rate"] == pytest.approx(3.3319, abs=1e-4)
    assert table.loc[2025, "nominal_growth"] == pytest.approx((30507.22 / 29184.90 - 1) * 100)


def test_weo_extension_holds_final_year_values():
    table = weo_fiscal_table(weo_long("JPN"))
    inputs = baseline_inputs(table, start_year=2025, end_year=2035, short_share=0.0, avg_maturity=9)
    assert inputs.years[-1] == 2035
    assert np.all(inputs.primary_balance[6:] == table.loc[2030, "primary_balance"])
    assert np.all(inputs.effective_rate[6:] == table.loc[2030, "implied_net_interest_rate"])
    assert np.all(inputs.stock_flow[6:] == table.loc[2030, "stock_flow"])


# --- decomposition ---------------------------------------------------------------------------

finite = dict(allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 12),
    d0=st.floats(0, 400, **finite),
    g=st.floats(-10, 10, **finite),
    pi=st.floats(-5, 20, **finite),
    pb=st.floats(-15, 10, **finite),
    sfa=st.floats(-5, 5, **finite),
    rate=st.floats(-1, 15, **finite),
    shock=st.floats(-3, 5, **finite),
    m=st.floats(1, 30, **finite),
    short=st.floats(0, 1, **finite),
    fx_share=st.floats(0, 1, **finite),
    fx_dep=st.floats(-30, 60, **finite),
    market_mode=st.booleans(),
)
def test_contributions_add_up_to_the_change_in_debt(n, d0, g, pi, pb, sfa, rate, shock, m, short, fx_share,
                                                    fx_dep, market_mode):
    years = tuple(range(2025, 2025 + n))
    rates = {"market_rate": np.full(n, rate), "initial_rate": rate / 2} if market_mode else {
        "effective_rate": np.full(n, rate)}
    inputs = DebtInputs(
        years=years, initial_debt=d0, real_growth=np.linspace(g, -g, n), inflation=pi,
        primary_balance=np.linspace(pb, 0, n), stock_flow=sfa, rate_shock=np.full(n, shock),
        short_share=short, avg_maturity=m, fx_share=fx_share, fx_depreciation=np.full(n, fx_dep), **rates,
    )
    frame = project(inputs)
    total = frame[list(CONTRIBUTIONS)].sum(axis=1)
    assert np.abs(total - frame["change_debt"]).max() < 1e-9
    # the change is measured from the previous year's ratio
    prev = np.concatenate([[d0], frame["debt_gdp"].to_numpy()[:-1]])
    assert np.allclose(frame["change_debt"], frame["debt_gdp"] - prev, atol=1e-9)


def test_debt_paid_off_exactly_stays_at_zero():
    # found by hypothesis: a surplus equal to the whole stock once left a zero scale to divide by (NaN after)
    inputs = DebtInputs(years=(2025, 2026), initial_debt=1.0, real_growth=np.zeros(2), inflation=0.0,
                        primary_balance=np.array([1.0, 0.0]), stock_flow=0.0, effective_rate=np.zeros(2),
                        avg_maturity=1.0)
    frame = project(inputs)
    assert frame["debt_gdp"].tolist() == [0.0, 0.0]
    assert frame["change_debt"].tolist() == [-1.0, 0.0]


def test_debt_stabilising_primary_balance_and_r_minus_g_hold_debt_constant():
    inputs = flat(real_growth=1.5, inflation=2.5, effective_rate=np.full(10, 3.0), stock_flow=0.3,
                  primary_balance=-1.0)
    pb_star = project(inputs)["debt_stabilising_pb"].iloc[0]
    held = project(inputs.with_changes(primary_balance=np.full(10, pb_star)))
    assert held["debt_gdp"].iloc[0] == pytest.approx(100.0, abs=1e-12)
    row = held.iloc[0]
    assert row["r_minus_g"] == pytest.approx(row["r_minus_g_stabilising"], abs=1e-12)


# --- textbook cases ---------------------------------------------------------------------------

def test_interest_equal_to_growth_and_zero_primary_balance_keep_debt_constant():
    gamma = (1.02 * 1.02 - 1) * 100
    for inputs in (
        flat(effective_rate=np.full(10, gamma)),
        flat(effective_rate=None, market_rate=np.full(10, gamma), initial_rate=gamma, avg_maturity=7.5,
             short_share=0.3),
    ):
        frame = project(inputs)
        assert np.allclose(frame["debt_gdp"], 100.0, atol=1e-10)
        assert np.allclose(frame["r_minus_g"], 0.0, atol=1e-12)


def test_100bp_on_one_year_debt_raises_next_year_ratio_by_d_times_001_over_1_plus_gamma():
    base = flat(avg_maturity=1.0)
    shocked = base.with_changes(rate_shock=np.full(10, 1.0))
    gamma = 1.02 * 1.02 - 1
    diff = project(shocked)["debt_gdp"].iloc[0] - project(base)["debt_gdp"].iloc[0]
    assert diff == pytest.approx(100.0 * 0.01 / (1 + gamma), abs=1e-12)


@pytest.mark.parametrize("m", [4.0, 9.0, 6.5])
def test_rate_shock_builds_up_over_the_average_maturity(m):
    base = flat(n=14, effective_rate=np.full(14, 4.04), avg_maturity=m)
    extra = project(base.with_changes(rate_shock=np.full(14, 1.0)))["effective_rate"] - project(base)["effective_rate"]
    extra = extra.to_numpy()
    k = np.arange(1, 15)
    assert extra[0] == pytest.approx(1.0 / m, abs=1e-12)  # 1/m of the debt reprices in year 1
    assert np.all(np.diff(extra) > -1e-12)
    assert np.all(extra >= np.minimum(k / m, 1.0) - 1e-12)  # at least the ladder, plus new borrowing
    full = int(np.ceil(m))
    assert extra[full - 1] == pytest.approx(1.0, abs=1e-12)  # fully passed through after m years
    assert extra[full - 2] < 1.0 - 1e-6


def test_bills_reprice_at_once_and_explicit_amortization_is_followed():
    base = flat(short_share=0.25, avg_maturity=8)
    extra = project(base.with_changes(rate_shock=np.full(10, 1.0)))["effective_rate"] - project(base)["effective_rate"]
    assert extra.iloc[0] == pytest.approx(0.25 + 0.75 / 8, abs=1e-12)
    scheduled = flat(amortization=(0.5, 0.0, 0.5))
    extra = project(scheduled.with_changes(rate_shock=np.full(10, 1.0)))["effective_rate"] - project(scheduled)["effective_rate"]
    assert extra.iloc[0] == pytest.approx(0.5, abs=1e-12)
    assert extra.iloc[2] == pytest.approx(1.0, abs=1e-12)


def test_market_mode_prices_rolled_debt_at_market_yields():
    # 1/5 of the stock (ladder of 5-year bonds) rolls each year from 3% to 5%; no deficits
    inputs = flat(effective_rate=None, market_rate=np.full(10, 5.0), initial_rate=3.0, avg_maturity=5,
                  primary_balance=np.full(10, 0.0))
    rate = project(inputs)["effective_rate"].to_numpy()
    assert rate[0] == pytest.approx(3.0 + 2.0 / 5, abs=1e-12)
    assert rate[4] == pytest.approx(5.0, abs=1e-12)


def test_surpluses_buy_back_debt_pro_rata_without_changing_its_rate():
    inputs = flat(effective_rate=None, market_rate=np.full(10, 6.0), initial_rate=3.0, avg_maturity=10,
                  primary_balance=np.full(10, 8.0))
    frame = project(inputs)
    assert frame["debt_gdp"].iloc[-1] < 60
    # buybacks shrink every piece alike: the share repriced after k years stays k/10
    assert frame["effective_rate"].iloc[0] == pytest.approx(3.3, abs=1e-12)
    assert frame["effective_rate"].iloc[4] == pytest.approx(4.5, abs=1e-12)


def test_exchange_rate_depreciation_revalues_foreign_currency_debt():
    base = flat(fx_share=0.4)
    shocked = project(base.with_changes(fx_depreciation=np.r_[30.0, np.zeros(9)]))
    expected = 0.4 * 0.30 * (1 + 0.0404) * 100 / (1.02 * 1.02)
    assert shocked["contrib_exchange_rate"].iloc[0] == pytest.approx(expected, abs=1e-12)
    assert shocked["debt_gdp"].iloc[0] - project(base)["debt_gdp"].iloc[0] == pytest.approx(expected, abs=1e-10)


def test_maturity_profiles_sum_to_one():
    existing, bond = maturity_profiles(0.2, 6.5)
    assert existing.sum() + 0.2 == pytest.approx(1.0)
    assert bond.sum() == pytest.approx(1.0)
    assert (np.arange(1, bond.size + 1) * bond).sum() == pytest.approx(6.5)


# --- maturity calibration: the stock's average remaining maturity is the published one ----------

def repricing_curve(short_share: float, m: float, years: int = 60) -> np.ndarray:
    """Share of the stock repriced by year k = 1..years after a permanent rise in market yields,
    measured through the engine: no growth, no deficit, no baseline interest, so the stock only
    rolls over. The rise is tiny (1e-6 pp) so that the interest it adds, which is borrowed at the
    new yield, moves the shares by less than 1e-10."""
    shock = 1e-6
    inputs = DebtInputs(
        years=tuple(range(2025, 2025 + years)), initial_debt=100.0, real_growth=0.0, inflation=0.0,
        primary_balance=0.0, stock_flow=0.0, effective_rate=np.zeros(years), rate_shock=np.full(years, shock),
        short_share=short_share, avg_maturity=m,
    )
    return project(inputs)["effective_rate"].to_numpy() / shock


def remaining_maturity_of_curve(curve: np.ndarray) -> float:
    """Average remaining maturity (years) implied by a repricing curve: the share first repriced
    in year k has between k - 1 and k years left, counted as k - 1/2."""
    first = np.diff(np.concatenate([[0.0], curve]))
    return float(first @ (np.arange(1, curve.size + 1) - 0.5))


def test_a_ladder_of_m_year_bullets_has_average_remaining_maturity_m_over_2():
    assert average_remaining_maturity(0.0, 6.0) == pytest.approx(3.0)
    assert average_remaining_maturity(0.21, 6.0) == pytest.approx(0.21 / 2 + 0.79 * 3.0)
    # non-integer m: (1/m) [n^2/2 + (m - n)(n + 1/2)] with n = floor(m), a little above m/2
    assert average_remaining_maturity(0.0, 6.5) == pytest.approx((18 + 0.5 * 6.5) / 6.5)


@pytest.mark.parametrize(
    "name, months, short_share, maturity_at_issue",
    [
        # US: weighted average maturity of marketable Treasury debt about 71 months (TBAC, Q1 2024), 21% bills
        ("US", 71, 0.21, 14.6988),
        # Japan: general government bonds nine years five months to maturity on average (MOF, FY2023)
        ("Japan", 113, 0.0, 18.8257),
    ],
)
def test_calibrated_stock_reprices_with_the_published_average_remaining_maturity(
    name, months, short_share, maturity_at_issue
):
    m = maturity_for_remaining(months / 12, short_share)
    assert m == pytest.approx(maturity_at_issue, abs=1e-4)
    curve = repricing_curve(short_share, m)
    # measured through the engine's rollover, not the formula: the stock's remaining maturity
    assert remaining_maturity_of_curve(curve) == pytest.approx(months / 12, abs=1e-6)
    # speed: bills and 1/m of the bonds in year 1; the old setting m = published maturity
    # (6 years US, 9 Japan) repriced the whole stock by then, the calibrated one about half of it
    assert curve[0] == pytest.approx(short_share + (1 - short_share) / m, abs=1e-9)
    old_m = {"US": 6, "Japan": 9}[name]
    assert repricing_curve(short_share, old_m)[old_m - 1] == pytest.approx(1.0)
    assert 0.45 < curve[old_m - 1] < 0.55
    assert curve[math.ceil(m) - 1] == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.0, 0.9), st.floats(1.0, 50.0))
def test_maturity_for_remaining_inverts_average_remaining_maturity(short_share, m):
    remaining = average_remaining_maturity(short_share, m)
    assert maturity_for_remaining(remaining, short_share) == pytest.approx(m, abs=1e-9)


@pytest.mark.parametrize(
    "remaining, short_share, message",
    [
        (0.4, 0.0, "avg_remaining_maturity = 0.4: expected years between 0.5 and 25"),
        (30.0, 0.0, "avg_remaining_maturity = 30.0: expected years between 0.5 and 25"),
        (5.0, 1.0, "short_share = 1.0: expected a share between 0 and 0.99"),
    ],
)
def test_impossible_remaining_maturities_are_one_line_errors(remaining, short_share, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        maturity_for_remaining(remaining, short_share)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"avg_maturity": -2.0}, "avg_maturity = -2.0: expected years between 1 and 50"),
        ({"avg_maturity": 80.0}, "avg_maturity = 80.0"),
        ({"short_share": 1.5}, "short_share = 1.5: expected a share between 0 and 1"),
        ({"fx_share": -0.1}, "fx_share"),
        ({"amortization": (0.5, 0.2)}, "amortization: expected non-negative shares"),
        ({"amortization": (0.1, 0.9), "short_share": 0.2}, "amortization: the year-1 share"),
        ({"real_growth": np.ones(3)}, "real_growth: expected 10 yearly values"),
        ({"inflation": np.full(10, np.nan)}, "inflation: expected finite numbers"),
        ({"market_rate": np.ones(10)}, "rates: give exactly one of"),
        ({"yield_feedback_bp_per_pp": 2.0}, "feedback_reference: required"),
        ({"real_growth": np.full(10, -100.0)}, "nominal GDP growth must stay above -100"),
    ],
)
def test_bad_inputs_raise_one_line_usage_errors(changes, field):
    with pytest.raises(UsageError) as err:
        flat(**changes)
    assert field in str(err.value)
    assert "\n" not in str(err.value)
