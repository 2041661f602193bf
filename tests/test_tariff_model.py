"""The exporter tariff model: hand-checked values and properties (hypothesis)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bondwatch.errors import UsageError
from bondwatch.models import tariff as tm


def effect(**overrides):
    base = dict(
        units=1000.0,
        customs_value=30000.0,
        market_price=45000.0,
        margin=9000.0,
        tariff=0.275,
        baseline_tariff=0.025,
        pass_through=0.2,
        demand_elasticity=1.0,
    )
    base.update(overrides)
    return tm.tariff_effect(**base)


def test_hand_computed_example():
    # extra duty per unit 0.25*30000 = 7500; price rise 0.2*7500 = 1500 on 45000 (+3.333%)
    # q1 = 1000/1.033333 = 967.742; exporter absorbs 6000*967.742 = 5,806,452
    # volume effect (967.742-1000)*9000 = -290,323; profit change = -6,096,774
    out = effect()
    assert out.units_after == pytest.approx(1000 / (1 + 1500 / 45000), rel=1e-12)
    assert out.borne_by_exporter == pytest.approx(6000 * 967.7419355, rel=1e-9)
    assert out.volume_effect == pytest.approx(-290322.58, rel=1e-7)
    assert out.profit_change == pytest.approx(-6096774.19, rel=1e-7)
    assert out.extra_tariff == pytest.approx(out.borne_by_buyers + out.borne_by_exporter)
    assert out.tariff_paid == pytest.approx(0.275 * 30000 * out.units_after)
    assert out.revenue_change == pytest.approx(out.units_after * 46500 - 1000 * 45000)


money = st.floats(1000.0, 200000.0)


@st.composite
def inputs(draw):
    price = draw(money)
    return dict(
        units=draw(st.floats(0.0, 1e6)),
        customs_value=draw(st.floats(0.2, 1.5)) * price,
        market_price=price,
        margin=draw(st.floats(0.0, 0.6)) * price,
        tariff=draw(st.floats(0.0, 1.0)),
        baseline_tariff=0.0,
        pass_through=draw(st.floats(0.0, 1.0)),
        demand_elasticity=draw(st.floats(0.0, 5.0)),
    )


@settings(max_examples=300, deadline=None)
@given(kw=inputs())
def test_zero_tariff_or_zero_exposure_has_no_effect(kw):
    for out in (tm.tariff_effect(**{**kw, "tariff": 0.0}), tm.tariff_effect(**{**kw, "units": 0.0})):
        assert out.profit_change == 0.0
        assert out.units_change == 0.0
        assert out.extra_tariff == 0.0
        assert out.revenue_change == 0.0


@settings(max_examples=300, deadline=None)
@given(kw=inputs())
def test_full_pass_through_and_inelastic_demand_leave_profit_unchanged(kw):
    out = tm.tariff_effect(**{**kw, "pass_through": 1.0, "demand_elasticity": 0.0})
    assert out.profit_change == pytest.approx(0.0, abs=1e-6 * max(1.0, out.extra_tariff))
    assert out.borne_by_buyers == pytest.approx(out.extra_tariff)


@settings(max_examples=300, deadline=None)
@given(kw=inputs(), low=st.floats(0.0, 1.0), high=st.floats(0.0, 1.0))
def test_hit_grows_with_the_tariff_while_units_stay_profitable(kw, low, high):
    low, high = sorted((low, high))
    rho, v = kw["pass_through"], kw["customs_value"]
    # "where it should": the unit still earns a margin after absorbing its share of the duty
    assume(kw["margin"] - (1 - rho) * high * v >= 0)
    hit_low = -tm.tariff_effect(**{**kw, "tariff": low}).profit_change
    hit_high = -tm.tariff_effect(**{**kw, "tariff": high}).profit_change
    assert hit_high >= hit_low - 1e-9 * max(1.0, abs(hit_low))


@settings(max_examples=300, deadline=None)
@given(kw=inputs(), low=st.floats(0.0, 1.0), high=st.floats(0.0, 1.0))
def test_hit_falls_with_pass_through_when_demand_is_not_too_elastic(kw, low, high):
    low, high = sorted((low, high))
    # "where it should": eps*m <= p (margin below the Lerner mark-up); otherwise lost volume can
    # cost more than the duty recovered and raising prices hurts
    assume(kw["demand_elasticity"] * kw["margin"] <= kw["market_price"])
    hit_low = -tm.tariff_effect(**{**kw, "pass_through": low}).profit_change
    hit_high = -tm.tariff_effect(**{**kw, "pass_through": high}).profit_change
    assert hit_high <= hit_low + 1e-9 * max(1.0, abs(hit_low))


def test_vectorised_over_tariffs():
    out = effect(tariff=np.array([0.025, 0.15, 0.275]))
    assert out.profit_change[0] == 0.0
    assert out.profit_change[1] > out.profit_change[2]


def test_effective_tariff_rate_of_a_basket():
    # (0.275*100 + 0*50 + 0.15*50) / 200 = 0.175
    assert tm.effective_tariff_rate([0.275, 0.0, 0.15], [100, 50, 50]) == pytest.approx(0.175)
    with pytest.raises(UsageError, match="expected a positive total"):
        tm.effective_tariff_rate([0.1], [0.0])


def test_pass_through_from_may_2025_japanese_car_exports():
    # MOF: value -24.7%, volume -3.9% y/y; FRED DEXJPUS May averages 155.869 (2024), 144.876 (2025)
    rho = tm.pass_through_from_unit_values(
        value_change=-0.247, volume_change=-0.039, tariff_before=0.025, tariff_after=0.275,
        fx_before=155.869, fx_after=144.876,
    )
    # dollar unit value 0.78356*1.07588 = 0.84302; duty-paid 0.84302*1.275/1.025 = 1.04863
    assert rho == pytest.approx(0.04863 / (0.25 / 1.025), abs=1e-3)
    assert rho == pytest.approx(0.199, abs=2e-3)


def test_pass_through_from_a_dollar_price_index():
    # BOJ export price index, passenger cars to North America, contract currency, May 2025: -18.9% y/y
    # duty-paid price 0.811 * 1.275/1.025 = 1.008805; rise over 0.25/1.025 = 0.0361
    rho = tm.pass_through_from_price(price_change=-0.189, tariff_before=0.025, tariff_after=0.275)
    assert rho == pytest.approx(0.0361, abs=1e-6)
    # unit values with no volume or FX change are the same evidence
    assert tm.pass_through_from_unit_values(value_change=-0.189, volume_change=0.0, tariff_before=0.025,
                                            tariff_after=0.275, fx_before=1.0, fx_after=1.0) == pytest.approx(rho)
    with pytest.raises(UsageError, match="no tariff change"):
        tm.pass_through_from_price(price_change=-0.1, tariff_before=0.1, tariff_after=0.1)


SCHEDULE = tm.TariffSchedule(
    "japan_vehicles",
    ((date(2024, 1, 1), 0.025), (date(2025, 4, 3), 0.275), (date(2025, 9, 16), 0.15)),
    valid_to=date(2025, 12, 31),
)


def test_schedule_is_piecewise_over_a_change():
    assert SCHEDULE.pieces(date(2025, 4, 1), date(2025, 5, 31)) == [
        (date(2025, 4, 1), date(2025, 4, 2), 0.025),
        (date(2025, 4, 3), date(2025, 5, 31), 0.275),
    ]
    assert SCHEDULE.rate_on(date(2025, 9, 16)) == 0.15
    assert SCHEDULE.rate_on(date(2025, 9, 15)) == 0.275


def test_period_without_tariff_data_is_a_one_line_error():
    with pytest.raises(UsageError, match=r"has rates only from 2024-01-01 to 2025-12-31"):
        SCHEDULE.pieces(date(2025, 10, 1), date(2026, 3, 31))
    with pytest.raises(UsageError, match=r"has rates only from"):
        SCHEDULE.pieces(date(2023, 12, 1), date(2024, 1, 31))


def test_calendar_buckets():
    assert tm.calendar_buckets(date(2025, 2, 15), date(2025, 4, 10), "month") == [
        ("2025-02", date(2025, 2, 15), date(2025, 2, 28)),
        ("2025-03", date(2025, 3, 1), date(2025, 3, 31)),
        ("2025-04", date(2025, 4, 1), date(2025, 4, 10)),
    ]
    assert [b[0] for b in tm.calendar_buckets(date(2024, 11, 1), date(2025, 7, 1), "quarter")] == [
        "2024Q4", "2025Q1", "2025Q2", "2025Q3",
    ]
    with pytest.raises(UsageError, match="expected one of month, quarter, year, period"):
        tm.calendar_buckets(date(2025, 1, 1), date(2025, 2, 1), "week")


@pytest.mark.parametrize(
    "field, kwargs",
    [
        ("pass_through = 1.2", dict(pass_through=1.2)),
        ("demand_elasticity = 12", dict(demand_elasticity=12.0)),
        ("rate = 250", dict(tariff=2.5)),
        ("margin_usd = 50000", dict(margin=50000.0)),
    ],
)
def test_bad_inputs_name_field_and_range(field, kwargs):
    base = dict(
        units_per_year=1e5, customs_value=30000.0, market_price=45000.0, margin=9000.0,
        pass_through=0.2, demand_elasticity=1.0,
    )
    with pytest.raises(UsageError) as err:
        tm.validate_inputs(**{**base, **kwargs})
    assert str(err.value).startswith(field)
    assert "expected a number between" in str(err.value)


def test_fx_effect():
    # 50bn yen per yen per year, dollar 5 yen weaker than planned, 73 days
    assert tm.fx_effect(50e9, 140.0, 145.0, 73) == pytest.approx(-50e9 * 5 * 0.2)
