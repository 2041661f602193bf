"""Fitted yield curves (analytics.curve_fit): the Federal Reserve's published GSW yields reproduced
from its parameters, the par-curve bootstrap, and fits that never fail."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from bondwatch.analytics import curve_fit as cf
from tests.conftest import need_mirror

# two days of feds200628.csv (Gurkaynak-Sack-Wright), the file's own columns and digits; the
# second day is degenerate: taus 12.25 and 12.41 years, betas -541.7 and +552.1
GSW_DAYS = """\
Date,BETA0,BETA1,BETA2,BETA3,TAU1,TAU2,SVENY01,SVENY07,SVENY30,SVENPY01,SVENPY07,SVENPY30,SVENF01,SVENF07,SVENF30,SVEN1F01,SVEN1F04,SVEN1F09
2004-08-30,1.76564383992604,-0.271259054574386,-0.167104107970111,12.2112316920827,0.475534845746537,14.3058758896694,2.0105,3.9065,5.3668,2.0193,3.8585,5.138,2.4856,5.4287,4.9107,2.896,4.6182,6.0266
2026-06-25,0.000916675592035601,4.05466913505154,-541.698465449207,552.113208242849,12.249860298423,12.406615086077,4.0419,4.2599,5.0163,4.083,4.2886,4.92,4.0388,4.6751,4.7027,4.0956,4.3766,5.0753
"""
TOLERANCE = 1e-4  # percentage points: the published file's rounding


def gsw_differences(days: pd.DataFrame) -> dict[str, float]:
    """Largest absolute difference (percentage points) per published GSW column family."""
    params = days[["BETA0", "BETA1", "BETA2", "BETA3", "TAU1", "TAU2"]].to_numpy(float)
    out = {}
    for prefix, function in (("SVENY", cf.zero_yield), ("SVENPY", cf.par_yield), ("SVENF", cf.forward_rate),
                             ("SVEN1F", cf.one_year_forward)):
        columns = [c for c in days.columns if c.startswith(prefix) and c[len(prefix):].isdigit()]
        years = np.array([int(c[len(prefix):]) for c in columns], float)
        out[prefix] = float(np.abs(function(params, years) - days[columns].to_numpy(float)).max())
    return out


def test_gsw_zero_par_and_forward_yields_reproduced_from_the_parameters_including_the_degenerate_day():
    differences = gsw_differences(pd.read_csv(io.StringIO(GSW_DAYS)))
    assert set(differences) == {"SVENY", "SVENPY", "SVENF", "SVEN1F"}
    assert max(differences.values()) <= TOLERANCE, differences


@pytest.mark.mirror
def test_every_published_gsw_column_of_the_four_mirror_days_reproduced():
    days = pd.read_csv(need_mirror() / "fed" / "gsw_svensson_sample.csv")
    assert len(days) == 4 and len(days.columns) == 100  # Date, 6 parameters, 93 published yields
    differences = gsw_differences(days)
    assert max(differences.values()) <= TOLERANCE, differences


def test_nelson_siegel_is_svensson_without_the_second_hump():
    t = np.array([0.25, 1, 5, 30])
    ns = np.array([4.0, -1.5, 2.0, 1.7])
    assert np.allclose(cf.zero_yield(ns, t), cf.zero_yield([4.0, -1.5, 2.0, 0.0, 1.7, 9.0], t))
    # the short end tends to b0 + b1, the long end to b0
    assert cf.zero_yield(ns, 1e-9)[0] == pytest.approx(2.5)
    assert cf.forward_rate(ns, 1e4)[0] == pytest.approx(4.0, abs=1e-9)


def test_flat_curve_has_the_same_par_yield_in_semiannual_terms_at_any_maturity():
    # a flat 5% continuously compounded curve: par = 200 (e^(0.05/2) - 1) = 5.0630% on coupon dates
    flat = np.array([5.0, 0.0, 0.0, 1.0])
    assert cf.par_yield(flat, [1, 10, 30]) == pytest.approx(200 * (np.exp(0.025) - 1), abs=1e-12)
    # a 3-month bill pays once: 100 (1/D - 1) / T
    assert cf.par_yield(flat, 0.25)[0] == pytest.approx(100 * (np.exp(0.0125) - 1) / 0.25)
    assert cf.fitted_par_yield(flat, 29.92) == pytest.approx(5.063, abs=2e-3)


def test_bootstrap_inverts_par_yields_of_a_known_curve():
    gsw = pd.read_csv(io.StringIO(GSW_DAYS))
    params = gsw[["BETA0", "BETA1", "BETA2", "BETA3", "TAU1", "TAU2"]].to_numpy(float)
    tenors = np.arange(0.5, 30.5, 0.5)  # every coupon date quoted: nothing is interpolated
    par = cf.par_yield(params, tenors)
    zeros = cf.bootstrap_zeros(tenors, par)
    assert np.abs(zeros - cf.zero_yield(params, tenors)).max() < 1e-10


def _gsw_par_quotes(tenors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    gsw = pd.read_csv(io.StringIO(GSW_DAYS))
    params = gsw[["BETA0", "BETA1", "BETA2", "BETA3", "TAU1", "TAU2"]].to_numpy(float)
    return params, cf.par_yield(params, tenors)


US_TENORS = np.array([1 / 12, 2 / 12, 0.25, 0.5, 1, 2, 3, 5, 7, 10, 20, 30])


def test_svensson_fit_of_the_par_yields_of_two_gsw_curves_is_within_a_basis_point():
    _, par = _gsw_par_quotes(US_TENORS)
    result = cf.fit_par_curves(US_TENORS, par, "svensson")
    assert result.rmse_bp.max() < 1.0
    assert np.isfinite(result.params).all()
    assert (result.params[:, 4] <= result.params[:, 5]).all()


def test_fit_of_a_day_with_missing_quotes_and_of_an_unusable_day():
    _, par = _gsw_par_quotes(US_TENORS)
    par[0, [0, 1, 10]] = np.nan  # no 1-month, 2-month or 20-year quote that day
    unusable = np.full((1, len(US_TENORS)), np.nan)
    unusable[0, 5] = 2.0
    result = cf.fit_par_curves(US_TENORS, np.vstack([par, unusable]), "svensson")
    assert result.nodes.tolist() == [9, 12, 1]
    assert result.rmse_bp[0] < 1.0 and np.isfinite(result.params[:2]).all()
    assert np.isnan(result.rmse_bp[2]) and result.flags[2] == "too_few_quotes"


def test_fit_is_deterministic_and_flags_a_curve_it_cannot_fit_with_interior_taus():
    rng = np.random.default_rng(7)
    noisy = 3 + rng.normal(0, 0.3, (5, len(US_TENORS)))  # no curve shape at all
    first, second = (cf.fit_par_curves(US_TENORS, noisy, m) for m in ("svensson", "svensson"))
    assert np.array_equal(first.params, second.params)
    assert np.isfinite(first.rmse_bp).all() and np.isfinite(first.params).all()
    low, high = cf.TAU_BOUNDS
    assert ((first.params[:, 4:] >= low) & (first.params[:, 4:] <= high)).all()
    on_bound = (np.isclose(first.params[:, 4:], low, rtol=1e-3) | np.isclose(first.params[:, 4:], high, rtol=1e-3)).any(1)
    assert [("tau_at_bound" in f) for f in first.flags] == on_bound.tolist()


def test_degenerate_gsw_day_is_flagged_collinear_but_the_near_equal_taus_fit_well():
    params, par = _gsw_par_quotes(US_TENORS)
    result = cf.fit_par_curves(US_TENORS, par[1:], "svensson")
    assert result.rmse_bp[0] < 0.5
    flags = cf._summarise("svensson", US_TENORS, par[1:], params[1:], par[1:]).flags
    assert flags == ["collinear"]


@pytest.mark.parametrize("model", ["nelson_siegel", "spline"])
def test_other_models_fit_within_a_few_basis_points(model):
    _, par = _gsw_par_quotes(US_TENORS)
    result = cf.fit_par_curves(US_TENORS, par, model)
    assert np.isfinite(result.rmse_bp).all() and result.rmse_bp.max() < 5
    if model == "nelson_siegel":
        assert np.isnan(result.params[:, [3, 5]]).all() and np.isfinite(result.params[:, [0, 1, 2, 4]]).all()
    else:
        assert np.isnan(result.params).all()


def test_spline_curve_passes_near_its_knots_and_gives_forward_as_zero_plus_slope():
    knots = np.array([1.0, 2, 5, 10, 30])
    zeros = np.array([1.0, 1.5, 2.2, 2.8, 3.1])
    curve = cf.SplineCurve(knots, zeros)
    assert curve.zero(knots) == pytest.approx(zeros)
    t, h = 7.0, 1e-6
    numeric = ((t + h) * curve.zero(t + h)[0] - (t - h) * curve.zero(t - h)[0]) / (2 * h)
    assert curve.forward(t)[0] == pytest.approx(numeric, abs=1e-6)


def test_unknown_model_is_refused():
    with pytest.raises(ValueError, match="expected one of svensson"):
        cf.fit_par_curves(US_TENORS, np.ones((1, len(US_TENORS))), "cubic")
