"""The elasticities model of the trade balance: values checked by hand, and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bondwatch.errors import UsageError
from bondwatch.models import trade_gap as tg

# BEA, U.S. International Trade in Goods and Services, December 2024 (2025-02-05), $bn;
# GDP 2024 = mean of the four FRED GDP quarters 2024 (SAAR, $bn) in the offline mirror.
EXPORTS, IMPORTS, GDP_2024 = 3191.6, 4110.0, 29298.01275
US = tg.TradeShares(EXPORTS / GDP_2024, IMPORTS / GDP_2024)
UNIT = tg.Elasticities(1.0, 1.0, 1.0)


def test_unit_elasticities_close_the_2024_us_gap_at_28_8_percent():
    # With ex = em = phi = 1 import values do not move and exports must rise by the gap:
    # e* = 918.4 / 3191.6 = 0.28776 (independent of GDP)
    e = tg.required_depreciation(-US.balance, US, UNIT)
    assert e == pytest.approx(918.4 / 3191.6, rel=1e-9)
    assert tg.dollar_value_change(e) == pytest.approx(1 / 1.28776 - 1, rel=1e-4)  # -22.3%


def test_forward_effect_matches_hand_computation():
    # x=0.1, m=0.15, ex=1.5, em=0.5, phi=0.6, e=10%:
    # 0.1*(1.1^1.5-1) - 0.15*(1.1^(0.6*(1-0.5))-1) = 0.1*0.153690 - 0.15*0.0290058
    shares, el = tg.TradeShares(0.1, 0.15), tg.Elasticities(1.5, 0.5, 0.6)
    expected = 0.1 * (1.1**1.5 - 1) - 0.15 * (1.1**0.3 - 1)
    assert tg.balance_change(0.10, shares, el) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(0.0110181, abs=1e-7)


def test_marshall_lerner_slope_is_the_derivative_at_zero():
    shares, el = tg.TradeShares(0.11, 0.14), tg.Elasticities(0.4, 0.5, 1.0)
    h = 1e-7
    numeric = (tg.balance_change(h, shares, el) - tg.balance_change(-h, shares, el)) / (2 * h)
    assert tg.marshall_lerner_slope(shares, el) == pytest.approx(numeric, rel=1e-6)
    assert tg.marshall_lerner_slope(shares, el) < 0  # 0.11*0.4 - 0.14*0.5 = -0.026


def test_when_marshall_lerner_fails_an_appreciation_closes_the_gap():
    shares, el = tg.TradeShares(0.11, 0.14), tg.Elasticities(0.1, 0.2, 1.0)
    assert tg.marshall_lerner_slope(shares, el) < 0
    e = tg.required_depreciation(0.03, shares, el)
    assert e < 0
    assert tg.balance_change(e, shares, el) == pytest.approx(0.03)


def test_unreachable_gap_is_a_one_line_error():
    # the balance can improve by at most about 8.5% of GDP with these elasticities
    with pytest.raises(UsageError, match="Marshall-Lerner slope") as err:
        tg.required_depreciation(0.5, tg.TradeShares(0.11, 0.14), tg.Elasticities(0.1, 0.2, 1.0))
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "field, kwargs",
    [
        ("export_elasticity = 7", dict(export=7.0, import_=1.0)),
        ("import_elasticity = -0.5", dict(export=1.0, import_=-0.5)),
        ("pass_through = 1.5", dict(export=1.0, import_=1.0, pass_through=1.5)),
    ],
)
def test_elasticities_out_of_range_name_field_and_range(field, kwargs):
    with pytest.raises(UsageError) as err:
        tg.Elasticities(**kwargs)
    assert str(err.value).startswith(field)
    assert "expected a number between" in str(err.value)


def test_shares_out_of_range_name_the_field():
    with pytest.raises(UsageError, match=r"exports_share_of_gdp = 3: expected a number between 0 and 2"):
        tg.TradeShares(3.0, 0.1)


def test_j_curve_dips_then_reaches_the_long_run_effect():
    volume = [q / 8 for q in range(1, 9)] + [1.0] * 4
    price = [1.0] * 12
    path = tg.j_curve(0.10, US, UNIT, volume, price)
    assert path[0] < 0  # imports cost more at once, volumes have not moved yet
    assert path[-1] == pytest.approx(tg.balance_change(0.10, US, UNIT))
    assert np.all(np.diff(path[:8]) > 0)
    assert np.all(path[7:] == path[-1])


def test_j_curve_rejects_bad_profiles():
    with pytest.raises(UsageError, match="non-decreasing"):
        tg.j_curve(0.1, US, UNIT, [0.5, 0.2], [1.0, 1.0])


def test_imf_semi_elasticity():
    # 1.5% of GDP per 10% depreciation: a gap of 3% of GDP needs 20%
    assert tg.semi_elasticity_depreciation(0.03, 0.15) == pytest.approx(0.20)


shares_st = st.builds(
    tg.TradeShares, st.floats(0.02, 0.6), st.floats(0.02, 0.6)
)
elasticities_st = st.builds(
    tg.Elasticities, st.floats(0.0, 4.0), st.floats(0.0, 4.0), st.floats(0.0, 1.0)
)


@settings(max_examples=300, deadline=None)
@given(shares=shares_st, el=elasticities_st, e=st.floats(-0.5, 1.5))
def test_solver_inverts_the_forward_model(shares, el, e):
    gap = tg.balance_change(e, shares, el)
    if abs(gap) < 1e-9:
        return
    try:
        solved = tg.required_depreciation(gap, shares, el)
    except UsageError:
        pytest.fail("a gap produced by the forward model must be reachable")
    assert tg.balance_change(solved, shares, el) == pytest.approx(gap, rel=1e-7, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(shares=shares_st, el=elasticities_st)
def test_zero_change_has_zero_effect(shares, el):
    assert tg.balance_change(0.0, shares, el) == 0.0
    assert tg.required_depreciation(0.0, shares, el) == 0.0


@settings(max_examples=200, deadline=None)
@given(shares=shares_st, ex=st.floats(0.0, 4.0), em=st.floats(1.0, 4.0), e=st.floats(0.01, 1.0))
def test_depreciation_improves_the_balance_when_import_demand_is_elastic(shares, ex, em, e):
    # em >= 1: the import bill cannot rise, exports cannot fall -> the balance cannot worsen
    el = tg.Elasticities(ex, em, 1.0)
    assert tg.balance_change(e, shares, el) >= -1e-15
    assert not math.isnan(tg.balance_change(e, shares, el))


def test_a_gap_next_to_the_balance_turning_point_is_reached():
    """Regression (hypothesis): with weak pass-through the balance first worsens, then improves;
    the gap of a 10% depreciation lies so near that turning point that both roots fall inside one
    grid cell, where no sign change shows. The solver must still find a depreciation that gives it."""
    shares = tg.TradeShares(exports=0.02, imports=0.484375)
    el = tg.Elasticities(export=1.19921875, import_=0.484375, pass_through=0.10715282546393803)
    gap = tg.balance_change(0.1, shares, el)
    solved = tg.required_depreciation(gap, shares, el)
    assert tg.balance_change(solved, shares, el) == pytest.approx(gap, rel=1e-7, abs=1e-12)
